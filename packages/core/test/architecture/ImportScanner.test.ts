/** The import scanner of the import-graph test, on the forms it must see and the ones it must not. */
import { describe, expect, it } from "vitest"
import { scanImports } from "./ImportScanner.js"

describe("scanImports", () => {
  it("finds static, type-only, side-effect, re-export and dynamic imports with their lines", () => {
    const src = [
      'import { a,',
      '  b } from "./a.js"',
      'import type { T } from "../t.js"',
      'import D, { e } from "@devtx/core"',
      'import * as ns from "node:fs"',
      'import "./side.js"',
      'export * from "./all.js"',
      'export type { U } from "./u.js"',
      'export { v } from "./v.js"',
      'const m = await import("./dyn.js")',
      'type X = typeof import("./typed.js")'
    ].join("\n")
    expect(scanImports(src)).toEqual([
      { specifier: "./a.js", line: 2, typeOnly: false },
      { specifier: "../t.js", line: 3, typeOnly: true },
      { specifier: "@devtx/core", line: 4, typeOnly: false },
      { specifier: "node:fs", line: 5, typeOnly: false },
      { specifier: "./side.js", line: 6, typeOnly: false },
      { specifier: "./all.js", line: 7, typeOnly: false },
      { specifier: "./u.js", line: 8, typeOnly: true },
      { specifier: "./v.js", line: 9, typeOnly: false },
      { specifier: "./dyn.js", line: 10, typeOnly: false },
      { specifier: "./typed.js", line: 11, typeOnly: false }
    ])
  })

  it("ignores imports in comments, strings, templates (with nested expressions) and after regex literals", () => {
    const src = [
      '// import { x } from "./comment.js"',
      '/* export * from "./block.js" */',
      'const s = "import { y } from \\"./string.js\\""',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the scanned source holds a template literal
      'const t = `import { z } from "./${name}Config.js" ${`import "./nested.js"`}`',
      'const r = /["`]/.test(s)',
      'const u = import.meta.url',
      'export { local }',
      'export const k = 1',
      'import last from "./last.js"'
    ].join("\n")
    expect(scanImports(src)).toEqual([{ specifier: "./last.js", line: 9, typeOnly: false }])
  })
})
