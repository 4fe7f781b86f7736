/**
 * The report's "Questions" area: whatever the modules in ./questions/ render (the portability,
 * new-field, matrix and who-writes-it sections, written with the `devtx compare` commands). The
 * contract is by name: every module there exports pairs `renderXMarkdown(model): string` and
 * `renderXHtml(model): string`; the model each receives is the run's BenchResultsFile. Sections
 * appear in file-name order, then export order. The folder is read once, when this module loads
 * (top-level await), so rendering stays synchronous.
 *
 * Invariants: a module that fails to load, or a function that throws or returns something other
 * than a string, becomes a section saying so (with the module and export named) — never a crash
 * of the whole report; an absent or empty folder renders the area with a line saying no section
 * is built.
 */
import { existsSync, readdirSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { BenchResultsFile } from "../BenchResult.js"

export interface QuestionSection {
  /** module file and the X of renderXMarkdown */
  readonly source: string
  readonly name: string
  readonly markdown: (model: BenchResultsFile) => string
  readonly html: (model: BenchResultsFile) => string
}

type Render = (model: BenchResultsFile) => unknown

const guarded = (source: string, fn: Render, what: "Markdown" | "HTML"): ((model: BenchResultsFile) => string) => (model) => {
  try {
    const out = fn(model)
    if (typeof out === "string") return out
    return failure(source, `returned ${typeof out}, not a string`, what)
  } catch (e) {
    return failure(source, `threw ${e instanceof Error ? e.message : String(e)}`, what)
  }
}

const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
const failure = (source: string, reason: string, what: "Markdown" | "HTML"): string =>
  what === "Markdown" ? `*${source}: ${reason}*\n` : `<p><i>${escapeHtml(`${source}: ${reason}`)}</i></p>`

/** The exported render pairs of one module's namespace object. */
export const sectionsOfModule = (file: string, mod: Readonly<Record<string, unknown>>): QuestionSection[] => {
  const out: QuestionSection[] = []
  for (const key of Object.keys(mod)) {
    const m = /^render(\w+)Markdown$/.exec(key)
    if (m === null) continue
    const md = mod[key]
    const html = mod[`render${m[1]}Html`]
    if (typeof md !== "function") continue
    const source = `${file} ${key}`
    out.push({
      source,
      name: m[1]!,
      markdown: guarded(source, md as Render, "Markdown"),
      html: typeof html === "function" ? guarded(`${file} render${m[1]}Html`, html as Render, "HTML") : () => failure(source, `exports no render${m[1]}Html`, "HTML")
    })
  }
  return out
}

const loadFolder = async (dir: URL): Promise<QuestionSection[]> => {
  const path = fileURLToPath(dir)
  if (!existsSync(path)) return []
  // dist holds .js (and .d.ts, maps); the sources (vitest) hold .ts
  const files = readdirSync(path)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith(".d.ts") && !/\.test\./.test(f))
    .sort()
  const byBase = new Map<string, string>()
  for (const f of files) {
    const base = f.replace(/\.(js|ts)$/, "")
    if (!byBase.has(base) || f.endsWith(".js")) byBase.set(base, f)
  }
  const out: QuestionSection[] = []
  for (const f of [...byBase.values()].sort()) {
    try {
      const mod = (await import(pathToFileURL(`${path}/${f}`).href)) as Record<string, unknown>
      out.push(...sectionsOfModule(f, mod))
    } catch (e) {
      const reason = `does not load: ${e instanceof Error ? e.message : String(e)}`
      out.push({ source: f, name: f, markdown: () => failure(f, reason, "Markdown"), html: () => failure(f, reason, "HTML") })
    }
  }
  return out
}

export const QUESTION_SECTIONS: ReadonlyArray<QuestionSection> = await loadFolder(new URL("./questions/", import.meta.url))

export const NO_QUESTIONS =
  "No question section is built yet: the portability, new-field, matrix and who-writes-it sections come from bench/src/report/questions/ (each module exports renderXMarkdown / renderXHtml)."
