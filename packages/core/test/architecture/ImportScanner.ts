/**
 * The module specifiers a TypeScript file imports: `import … from "x"`, `import type …`,
 * `import "x"`, `export … from "x"`, `import("x")` (also in type position). A small lexer, not a
 * parser: it skips comments, string and template literals (code inside a template, as the
 * scaffold's file templates have, is text, not an import) and regular-expression literals, and
 * reads the specifier that follows those forms. `import.meta` and `import x = require()` are not
 * module imports here. Test support for the import-graph test; never runs on packets.
 */

export interface ScannedImport {
  readonly specifier: string
  /** 1-based line of the specifier */
  readonly line: number
  readonly typeOnly: boolean
}

type Token =
  | { readonly kind: "word"; readonly text: string; readonly line: number }
  | { readonly kind: "punct"; readonly text: string; readonly line: number }
  | { readonly kind: "string"; readonly text: string; readonly line: number }
  | { readonly kind: "template"; readonly line: number }

const isIdStart = (c: string) => /[A-Za-z_$]/.test(c)
const isId = (c: string) => /[A-Za-z0-9_$]/.test(c)
// after these, a `/` starts a regular expression, not a division
const REGEX_AFTER_WORDS = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await"])

const tokenize = (src: string): Token[] => {
  const out: Token[] = []
  let i = 0
  let line = 1
  const n = src.length
  const regexAllowed = (): boolean => {
    const t = out[out.length - 1]
    if (t === undefined) return true
    if (t.kind === "string" || t.kind === "template") return false
    if (t.kind === "word") return REGEX_AFTER_WORDS.has(t.text)
    return !(t.text === ")" || t.text === "]" || t.text === "}")
  }
  const skipString = (q: string): string => {
    let s = ""
    i++
    while (i < n && src[i] !== q) {
      if (src[i] === "\\") {
        s += src[i + 1] ?? ""
        i += 2
        continue
      }
      if (src[i] === "\n") line++
      s += src[i]
      i++
    }
    i++
    return s
  }
  // a template literal, with nested ${ … } expressions (which may hold templates and strings)
  const skipTemplate = (): void => {
    i++
    while (i < n && src[i] !== "`") {
      if (src[i] === "\\") {
        i += 2
        continue
      }
      if (src[i] === "\n") line++
      if (src[i] === "$" && src[i + 1] === "{") {
        i += 2
        let depth = 1
        while (i < n && depth > 0) {
          const c = src[i]!
          if (c === "\n") line++
          if (c === "`") {
            skipTemplate()
            continue
          }
          if (c === '"' || c === "'") {
            skipString(c)
            continue
          }
          if (c === "{") depth++
          if (c === "}") depth--
          i++
        }
        continue
      }
      i++
    }
    i++
  }
  while (i < n) {
    const c = src[i]!
    if (c === "\n") {
      line++
      i++
    } else if (c === " " || c === "\t" || c === "\r") i++
    else if (c === "/" && src[i + 1] === "/") {
      while (i < n && src[i] !== "\n") i++
    } else if (c === "/" && src[i + 1] === "*") {
      i += 2
      while (i < n && !(src[i] === "*" && src[i + 1] === "/")) {
        if (src[i] === "\n") line++
        i++
      }
      i += 2
    } else if (c === '"' || c === "'") {
      const l = line
      out.push({ kind: "string", text: skipString(c), line: l })
    } else if (c === "`") {
      const l = line
      skipTemplate()
      out.push({ kind: "template", line: l })
    } else if (c === "/" && regexAllowed()) {
      i++
      let inClass = false
      while (i < n && (inClass || src[i] !== "/") && src[i] !== "\n") {
        if (src[i] === "\\") i++
        else if (src[i] === "[") inClass = true
        else if (src[i] === "]") inClass = false
        i++
      }
      i++
      while (i < n && isId(src[i]!)) i++
      out.push({ kind: "punct", text: "regex", line })
    } else if (isIdStart(c)) {
      const s = i
      while (i < n && isId(src[i]!)) i++
      out.push({ kind: "word", text: src.slice(s, i), line })
    } else {
      out.push({ kind: "punct", text: c, line })
      i++
    }
  }
  return out
}

export const scanImports = (src: string): ScannedImport[] => {
  const t = tokenize(src)
  const found: ScannedImport[] = []
  const prevIsDot = (k: number) => {
    const p = t[k - 1]
    return p !== undefined && p.kind === "punct" && p.text === "."
  }
  for (let k = 0; k < t.length; k++) {
    const tok = t[k]!
    if (tok.kind !== "word" || (tok.text !== "import" && tok.text !== "export") || prevIsDot(k)) continue
    const next = t[k + 1]
    if (next === undefined) continue
    if (tok.text === "import" && next.kind === "punct" && next.text === "(") {
      const spec = t[k + 2]
      if (spec?.kind === "string") found.push({ specifier: spec.text, line: spec.line, typeOnly: false })
      continue
    }
    if (tok.text === "import" && next.kind === "punct" && next.text === ".") continue // import.meta
    if (tok.text === "import" && next.kind === "string") {
      found.push({ specifier: next.text, line: next.line, typeOnly: false })
      continue
    }
    // import|export [type] CLAUSE from "x", CLAUSE = name | name, {…} | {…} | * [as name] | name, * as name
    let j = k + 1
    const isPunct = (x: Token | undefined, p: string) => x !== undefined && x.kind === "punct" && x.text === p
    const isWord = (x: Token | undefined, w?: string) => x !== undefined && x.kind === "word" && (w === undefined || x.text === w)
    // `import type X from`, not `import type from "x"` (a default import named type)
    const typeOnly = isWord(next, "type") && !isWord(t[k + 2], "from")
    if (typeOnly) j++
    if (tok.text === "import" && isWord(t[j]) && !isWord(t[j], "from")) {
      j++ // default import name
      if (!isPunct(t[j], ",")) {
        if (isWord(t[j], "from") && t[j + 1]?.kind === "string") found.push({ specifier: (t[j + 1] as { text: string }).text, line: t[j + 1]!.line, typeOnly })
        continue
      }
      j++
    }
    if (isPunct(t[j], "{")) {
      let depth = 0
      for (; j < t.length; j++) {
        if (isPunct(t[j], "{")) depth++
        else if (isPunct(t[j], "}") && --depth === 0) break
      }
      j++
    } else if (isPunct(t[j], "*")) {
      j++
      if (isWord(t[j], "as")) j += 2
    } else continue
    if (isWord(t[j], "from") && t[j + 1]?.kind === "string") found.push({ specifier: (t[j + 1] as { text: string }).text, line: t[j + 1]!.line, typeOnly })
  }
  return found
}
