/**
 * Counting code from the sources of record (issue 16): the files themselves, read with node:fs
 * at run time, never a number written down. A package's src/ is found through module resolution
 * of its name (its dist/ entry point, then ../src), so the counts follow the checkout.
 *
 * Rules (stated with every answer, COUNTING_METHOD):
 *   lines     non-blank lines that are not only comment (block comments and `//` lines stripped;
 *             code with a trailing comment counts) — programs' countSource (raw/CostMatrix.ts)
 *   branches  lexical: `if (`, `case`, ternary `?` — the same function
 *   footprint of a name in a file: every code line that matches the name's pattern, plus, when
 *             such a line opens a block (more `{` than `}`), every line until the block closes —
 *             so a function named after a hint counts whole
 */
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { countSource } from "@devtx/programs"

export const COUNTING_METHOD =
  "Counted from the files at run time: lines = non-blank, non-comment lines; branches = lexical `if (` / `case` / ternary `?`; per file of record (the file list is printed with the counts)."

const require = createRequire(import.meta.url)

/** The src/ directory of a workspace package (e.g. "@devtx/drivers-sim"). */
export const packageSrc = (pkg: string): string => join(dirname(require.resolve(pkg)), "..", "src")

export interface FileCount {
  readonly file: string
  readonly lines: number
  readonly branches: number
}

export class SourceFileMissing extends Error {
  constructor(readonly path: string) {
    super(`source of record not found: ${path}`)
  }
}

const text = (path: string): string => {
  if (!existsSync(path)) throw new SourceFileMissing(path)
  return readFileSync(path, "utf8")
}

/** `pkg` relative `file` (under its src/), counted by the rules. */
export const countFile = (pkg: string, file: string): FileCount => {
  const c = countSource(text(join(packageSrc(pkg), file)))
  return { file: `${pkg.replace("@devtx/", "packages/")}/src/${file}`, lines: c.lines, branches: c.branches }
}

/** Code lines of `src` (comments stripped) — the same stripping as countSource. */
const codeLines = (src: string): string[] =>
  src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ""))
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("//"))

/** Footprint of `pattern` in a source text (see the module comment). */
export const footprintOfText = (src: string, pattern: RegExp): { readonly lines: number; readonly branches: number } => {
  let lines = 0
  let depth = 0
  let branches = 0
  for (const l of codeLines(src)) {
    const code = l.replace(/\/\/.*$/, "")
    const opens = (code.match(/[{(]/g) ?? []).length - (code.match(/[})]/g) ?? []).length
    if (depth > 0) {
      lines++
      branches += countSource(code).branches
      depth = Math.max(0, depth + opens)
      continue
    }
    if (pattern.test(code)) {
      lines++
      branches += countSource(code).branches
      if (opens > 0) depth = opens
    }
  }
  return { lines, branches }
}

/** Footprint of `pattern` in `pkg`'s src/`file`. */
export const footprint = (pkg: string, file: string, pattern: RegExp): FileCount => ({
  file: `${pkg.replace("@devtx/", "packages/")}/src/${file}`,
  ...footprintOfText(text(join(packageSrc(pkg), file)), pattern)
})

export const sum = (xs: ReadonlyArray<FileCount>): { readonly lines: number; readonly branches: number } => ({
  lines: xs.reduce((a, x) => a + x.lines, 0),
  branches: xs.reduce((a, x) => a + x.branches, 0)
})
