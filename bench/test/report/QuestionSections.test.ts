// The Questions area renders what bench/src/report/questions/* export (renderXMarkdown /
// renderXHtml pairs); a function that throws or returns a non-string becomes a section saying so,
// never a crash of the report.
import { QUESTION_SECTIONS, renderMarkdown, sectionsOfModule } from "@devtx/bench"
import { describe, expect, it } from "vitest"
import { results } from "./ResultsFixture.js"

describe("the Questions area", () => {
  const r = results([{ style: "raw-fixed", hints: ["hash"], ns: 40 }])

  it("takes every renderXMarkdown / renderXHtml pair of a module and gives it the run", () => {
    const seen: unknown[] = []
    const mod = {
      renderPortabilityMarkdown: (m: unknown) => {
        seen.push(m)
        return "### Portability\n\nfrom the fixture"
      },
      renderPortabilityHtml: () => "<h3>Portability</h3>",
      renderMatrixMarkdown: () => {
        throw new Error("matrix not built")
      },
      renderMatrixHtml: () => 42,
      helper: () => "not a section"
    }
    const s = sectionsOfModule("Portability.ts", mod)
    expect(s.map((x) => x.name)).toEqual(["Portability", "Matrix"])
    expect(s[0]!.markdown(r)).toBe("### Portability\n\nfrom the fixture")
    expect(seen).toEqual([r])
    expect(s[0]!.html(r)).toBe("<h3>Portability</h3>")
    expect(s[1]!.markdown(r)).toBe("*Portability.ts renderMatrixMarkdown: threw matrix not built*\n")
    expect(s[1]!.html(r)).toBe("<p><i>Portability.ts renderMatrixHtml: returned number, not a string</i></p>")
    expect(sectionsOfModule("Half.ts", { renderHalfMarkdown: () => "x" })[0]!.html(r)).toContain("exports no renderHalfHtml")
  })

  it("the report has the area, with the folder's sections or a line saying none is built", () => {
    const md = renderMarkdown(r)
    const at = md.indexOf("## Questions")
    expect(at).toBeGreaterThan(0)
    if (QUESTION_SECTIONS.length === 0) expect(md.slice(at)).toContain("No question section is built yet")
    else for (const q of QUESTION_SECTIONS) expect(md.slice(at)).toContain(q.markdown(r).trimEnd().replace(/^(#{1,5}) /gm, "#$1 "))
  })
})
