// `devtx report --compare A B`: per-figure deltas with the noise rule's verdicts, rows of one run
// only, the conclusions whose verdict changed, and the setup differences — on crafted runs.
import { compareResults, renderCompareHtml, renderCompareMarkdown } from "@devtx/bench"
import { describe, expect, it } from "vitest"
import { ALL4, type Figure, results, rxRun } from "./ResultsFixture.js"

describe("compare two runs", () => {
  const a = results([...rxRun({ rf: 60, db: 80, inl: 70 }), { style: "raw-core", hints: ["hash"], ns: 50 }], "aaaa")
  const bFigs: Figure[] = [
    { style: "raw-fixed", hints: ALL4, ns: 60.2 },
    { style: "kfunc-dev-bound", hints: ALL4, ns: 70 },
    { style: "kfunc-inlined", hints: ALL4, ns: 77 },
    { lane: "vm", style: "raw-core", hints: ALL4, ns: 900, insns: 61, kfuncInsns: 0 }
  ]
  const b = results(bFigs, "bbbb")

  it("matches figures by identity and gives each delta a verdict", () => {
    const c = compareResults(a, b)
    const by = (label: string) => c.rows.find((r) => r.label === label)!
    expect(by("rx mlx5 kfunc-dev-bound hash+timestamp+vlan-tag+checksum").verdict).toBe("faster")
    expect(by("rx mlx5 kfunc-dev-bound hash+timestamp+vlan-tag+checksum").delta?.value).toBeCloseTo(-10, 9)
    expect(by("rx mlx5 kfunc-dev-bound hash+timestamp+vlan-tag+checksum").percent).toBeCloseTo(-12.5, 9)
    expect(by("rx mlx5 kfunc-inlined hash+timestamp+vlan-tag+checksum").verdict).toBe("slower")
    expect(by("rx mlx5 raw-fixed hash+timestamp+vlan-tag+checksum").verdict).toBe("not distinguishable")
    expect(by("rx mlx5 raw-core hash").verdict).toBe("only in A")
    expect(by("[vm] rx mlx5 raw-core hash+timestamp+vlan-tag+checksum").verdict).toBe("only in B")
    expect(c.counts).toEqual({ slower: 1, faster: 1, "not distinguishable": 1, "only in A": 1, "only in B": 1 })
    // significant rows first
    expect(c.rows.slice(0, 2).map((r) => r.verdict).sort()).toEqual(["faster", "slower"])
  })

  it("lists the conclusions that changed and the setup that differs", () => {
    const c = compareResults(a, b)
    const inl = c.conclusions.find((x) => x.a.includes("inlining recovers"))
    expect(inl?.b).toContain("inlining is **slower** than dev-bound")
    expect(compareResults(a, a).conclusions).toEqual([])
    expect(compareResults(a, { ...b, meta: { ...b.meta, cpu: "other CPU" } }).setup).toEqual(['cpu: "fixture CPU" in A, "other CPU" in B'])
  })

  it("renders Markdown and self-contained HTML", () => {
    const md = renderCompareMarkdown(a, b, "a/results.json", "b/results.json")
    expect(md).toContain("* A: `a/results.json` — revision `aaaa`")
    expect(md).toContain("5 figures: **1 slower**, **1 faster**, 1 not distinguishable from noise, 1 only in A, 1 only in B.")
    expect(md).toMatch(/\| rx mlx5 kfunc-dev-bound hash\+timestamp\+vlan-tag\+checksum \| 80\.0 ± 0\.80 ns \| 70\.0 ± 0\.70 ns \| -10\.0 ± 1\.06 ns \| -12\.5% \| \*\*faster\*\* \|/)
    const html = renderCompareHtml(a, b, "a", "b")
    expect(html).toContain('<tr class="faster">')
    expect(html).not.toMatch(/<script|https?:\/\//)
  })
})
