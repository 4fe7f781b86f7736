// The report's conclusions and anomaly flags are computed from the figures: crafted results files
// (ResultsFixture.ts) are changed one figure at a time and the verdicts and texts must follow,
// including the case where the noise does not support a difference.
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { anomalies, type BenchResultsFile, conclusions, marginalTables, renderHtml, renderMarkdown, renderReport } from "@devtx/bench"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { ALL4, type Figure, results, rxRun } from "./ResultsFixture.js"

const rule = (figs: ReadonlyArray<Figure>, name: string) => conclusions(results(figs)).find((c) => c.rule === name && c.lane === "model")!

describe("conclusions", () => {
  it("dev-bound per hint: the figure when the noise supports it, 'not distinguishable' when it does not", () => {
    const shown = rule(rxRun({ rf: 60, db: 80 }), "dev-bound per hint")
    expect(shown.verdict).toBe("shown")
    // (80 - 60) / 4 = 5 ns per hint, margin hypot(0.8, 0.6) / 4 = 0.25
    expect(shown.text).toContain("**+5.00 ± 0.25 ns per hint**")
    const other = rule(rxRun({ rf: 60, db: 90 }), "dev-bound per hint")
    expect(other.text).toContain("**+7.50 ± 0.27 ns per hint**")
    const noise = rule(rxRun({ rf: 60, db: 61 }, 2), "dev-bound per hint")
    expect(noise.verdict).toBe("not distinguishable")
    expect(noise.text).toContain("not distinguishable from noise")
    expect(noise.text).not.toContain("per hint**")
  })

  it("inlining recovers Y%; no difference; nothing to recover; slower than dev-bound", () => {
    const half = rule(rxRun({ rf: 60, db: 80, inl: 70 }), "inlining recovers")
    expect(half.verdict).toBe("shown")
    expect(half.text).toMatch(/inlining recovers \*\*50% ± \d+%\*\*/)
    const most = rule(rxRun({ rf: 60, db: 80, inl: 62 }), "inlining recovers")
    expect(most.text).toMatch(/inlining recovers \*\*90% ± \d+%\*\*/)
    const same = rule(rxRun({ rf: 60, db: 80, inl: 79.9 }), "inlining recovers")
    expect(same.verdict).toBe("not distinguishable")
    expect(same.text).toContain("no difference distinguishable from noise")
    const nothing = rule(rxRun({ rf: 60, db: 60.2, inl: 60 }), "inlining recovers")
    expect(nothing.verdict).toBe("not distinguishable")
    expect(nothing.text).toContain("nothing measurable for inlining to recover")
    const slower = rule(rxRun({ rf: 60, db: 80, inl: 90 }), "inlining recovers")
    expect(slower.text).toContain("inlining is **slower** than dev-bound")
  })

  it("generic lookup and CO-RE accessors per hint", () => {
    expect(rule(rxRun({ rf: 60, db: 80, gen: 100 }), "generic lookup per hint").text).toContain("**+5.00 ± 0.32 ns per hint**")
    expect(rule(rxRun({ rf: 60, db: 80, core: 60.3 }), "CO-RE accessor per hint").verdict).toBe("not distinguishable")
    expect(rule(rxRun({ rf: 60, db: 80, core: 68 }), "CO-RE accessor per hint").text).toContain("**+2.00 ± 0.23 ns per hint**")
  })

  it("a rule without its rows is 'not measured', never a guess", () => {
    const c = rule([{ style: "raw-fixed", hints: ALL4, ns: 60 }, { style: "kfunc-generic", hints: ALL4, ns: 70 }], "dev-bound per hint")
    expect(c.verdict).toBe("not measured")
    // under a filter the largest prefix both styles have is used
    const pre = rule(
      [
        { style: "raw-fixed", hints: ["hash", "timestamp"], ns: 50 },
        { style: "kfunc-dev-bound", hints: ["hash", "timestamp"], ns: 54 }
      ],
      "dev-bound per hint"
    )
    expect(pre.text).toContain("**+2.00 ± 0.37 ns per hint** (2 hints:")
  })

  it("costliest hint: the hint whose dev-bound increment exceeds raw-fixed's the most", () => {
    const figs = (tsExtra: number): Figure[] => [
      ...rxRun({ rf: 60, db: 80 }, 0.5),
      ...ALL4.flatMap((h) => {
        const without = ALL4.filter((x) => x !== h)
        // raw-fixed: every hint costs 5 over the others; dev-bound: 5 + 2, timestamp 5 + tsExtra
        return [
          { style: "raw-fixed", hints: without, ns: 55, rme: 0.5 },
          { style: "kfunc-dev-bound", hints: without, ns: 80 - (h === "timestamp" ? 5 + tsExtra : 7), rme: 0.5 }
        ]
      })
    ]
    const c = rule(figs(9), "costliest hint")
    expect(c.verdict).toBe("shown")
    expect(c.text).toContain("is **timestamp**: its increment over the other hints is +9.00")
    const d = rule(figs(0.1), "costliest hint")
    expect(d.text).toMatch(/is \*\*(hash|vlan-tag|checksum)\*\*: its increment over the other hints is \+2\.00/)
  })

  it("TX: dev-bound against the raw floor and against AF_XDP TX metadata", () => {
    const figs = (db: number): Figure[] => [
      { path: "tx-complete", style: "raw-fixed", hints: ["tx-timestamp"], ns: 32 },
      { path: "tx-complete", style: "kfunc-dev-bound", hints: ["tx-timestamp"], ns: db },
      { path: "tx-complete", style: "xsk-tx-metadata", hints: ["tx-timestamp"], ns: 32.1 }
    ]
    const cs = conclusions(results(figs(38))).filter((c) => c.rule === "TX submit / complete")
    expect(cs.map((c) => c.verdict)).toEqual(["shown", "shown"])
    expect(cs[0]!.text).toContain("devtx kfuncs (dev-bound) cost **6.00 ± 0.50 ns per packet** against raw fixed-offset")
    const same = conclusions(results(figs(32.2))).filter((c) => c.rule === "TX submit / complete")
    expect(same.map((c) => c.verdict)).toEqual(["not distinguishable", "not distinguishable"])
  })
})

describe("anomaly flags", () => {
  const kinds = (figs: ReadonlyArray<Figure>) => anomalies(results(figs)).map((a) => a.kind)

  it("floor-slower: the mlx5 TX-complete floor of the old general u64 conversion against the kfunc", () => {
    const figs = (floor: number): Figure[] => [
      { path: "tx-complete", style: "raw-fixed", hints: ["tx-timestamp"], ns: floor },
      { path: "tx-complete", style: "kfunc-dev-bound", hints: ["tx-timestamp"], ns: 36.7 },
      { path: "tx-complete", style: "xsk-tx-metadata", hints: ["tx-timestamp"], ns: 20 }
    ]
    const a = anomalies(results(figs(100)))
    expect(a.map((x) => x.kind)).toEqual(["floor-slower"])
    expect(a[0]!.text).toContain("tx-complete mlx5 tx-timestamp: the raw-fixed floor (100.0 ns ±1.0%) is slower than kfunc-dev-bound (36.7 ns ±1.0%)")
    // xsk-tx-metadata runs no program: faster than the floor is no anomaly; a consistent floor raises nothing
    expect(kinds(figs(32))).toEqual([])
    // within the noise: no flag
    expect(kinds(figs(37))).toEqual([])
  })

  it("inlined-slower (ice today) and generic-faster", () => {
    expect(kinds(rxRun({ rf: 40, db: 65, inl: 67 }))).toEqual(["inlined-slower"])
    expect(kinds(rxRun({ rf: 40, db: 65, inl: 65.2 }))).toEqual([])
    expect(kinds(rxRun({ rf: 40, db: 65, gen: 60 }))).toEqual(["generic-faster"])
    expect(kinds(rxRun({ rf: 40, db: 65, gen: 74 }))).toEqual([])
  })

  it("negative-marginal and noisy", () => {
    const figs = (alone: number, rme = 1): Figure[] => [
      { style: "empty", hints: [], ns: 40, rme: 0.5 },
      { style: "raw-fixed", hints: ["timestamp"], ns: alone, rme }
    ]
    expect(kinds(figs(45))).toEqual([])
    const neg = anomalies(results(figs(35)))
    expect(neg.map((x) => x.kind)).toEqual(["negative-marginal"])
    expect(neg[0]!.text).toContain("rx mlx5 raw-fixed: timestamp alone is -5.00")
    expect(kinds(figs(45, 9))).toEqual(["noisy"])
  })

  it("a noisy figure is flagged as noisy and compared with nothing; a conclusion resting on it says so", () => {
    const figs: Figure[] = [...rxRun({ rf: 40, db: 65 }), { style: "kfunc-inlined", hints: ALL4, ns: 80, rme: 9 }]
    expect(kinds(figs)).toEqual(["noisy"])
    const c = rule(figs, "inlining recovers")
    expect(c.text).toContain("inlining is **slower** than dev-bound")
    expect(c.text).toContain("*Rests on a noisy figure (kfunc-inlined ±9.0%, rme above 5%): rerun before quoting it.*")
    expect(rule(rxRun({ rf: 40, db: 65, inl: 50 }), "inlining recovers").text).not.toContain("noisy")
  })
})

describe("marginal cost per hint", () => {
  it("alone, over the others and cumulative from the sets", () => {
    const figs: Figure[] = [
      { style: "empty", hints: [], ns: 40, rme: 0 },
      { style: "raw-fixed", hints: ["hash"], ns: 43, rme: 0 },
      { style: "raw-fixed", hints: ["timestamp"], ns: 46, rme: 0 },
      { style: "raw-fixed", hints: ["hash", "timestamp"], ns: 48, rme: 0 }
    ]
    const [t] = marginalTables(results(figs), "model")
    expect(t!.style).toBe("raw-fixed")
    const ts = t!.hints.find((h) => h.hint === "timestamp")!
    expect(ts.alone?.value).toBeCloseTo(6, 9)
    expect(ts.cumulative?.value).toBeCloseTo(5, 9)
    // "every hint" is all four: not measured here
    expect(ts.increment).toBeUndefined()
    expect(t!.hints.find((h) => h.hint === "hash")!.alone?.value).toBeCloseTo(3, 9)
  })
})

describe("kernel-lane rows as the kernel lane writes them", () => {
  // suite "kernel", hints as a count (no hint_set), a mode per traffic kind, styles reading different hint counts
  const run = (devBound: number): BenchResultsFile => {
    const rows = (
      [
        ["empty", 0, 20],
        ["raw-core", 2, 26],
        ["kfunc-dev-bound", 3, devBound],
        ["kfunc-generic", 3, 40]
      ] as const
    ).map(([style, hints, ns]) => {
      const { hint_set: _unused, ...row } = results([{ lane: "kernel", driver: "veth", style, hints: ALL4.slice(0, hints), ns, xlated: 40 + hints * 10, jited: 200 + hints * 50 }]).results[0]!
      return { ...row, suite: "kernel", mode: "drop-xdp" }
    })
    return { ...results([]), results: rows }
  }

  it("per style over the empty program, per hint; generic against dev-bound; the flags look at the kernel rows too", () => {
    const cs = conclusions(run(32)).filter((c) => c.lane === "kernel")
    expect(cs[0]!.text).toContain("**veth** (kernel rx, drop-xdp): over the empty program (20.0 ns/packet ±1.0%): raw-core reading 2 hints **+6.00 ± 0.33 ns** (+3.00 ± 0.16 ns per hint; 60 xlated insns, 300 JIT bytes)")
    expect(cs[0]!.text).toContain("kfunc-dev-bound reading 3 hints **+12.0 ± 0.38 ns** (+4.00 ± 0.13 ns per hint; 70 xlated insns, 350 JIT bytes)")
    expect(cs[1]!.text).toContain("the generic (unbound) kfuncs add **+8.00 ± 0.51 ns per packet** against kfunc-dev-bound")
    expect(anomalies(run(32)).map((a) => a.kind)).toEqual([])
    expect(anomalies(run(45)).map((a) => `${a.lane} ${a.kind}`)).toEqual(["kernel generic-faster"])
    expect(renderMarkdown(run(32))).toContain("| veth | rx | kfunc-dev-bound | hash+timestamp+vlan-tag | 32.0 | ±1.00% | 70 | 350 |")
  })
})

describe("the report renders the computed sections", () => {
  it("Conclusions first, flags, cost per hint, and re-renders from results.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "devtx-report-"))
    const figs: Figure[] = [...rxRun({ rf: 60, db: 80, inl: 90, gen: 85, core: 61 }), { style: "empty", hints: [], ns: 40 }, { style: "raw-fixed", hints: ["hash"], ns: 45 }]
    writeFileSync(join(dir, "results.json"), JSON.stringify(results(figs)))
    const out = Effect.runSync(renderReport(dir))
    const md = out.markdown
    expect(md.indexOf("## Conclusions")).toBeLessThan(md.indexOf("## Targets"))
    expect(md).toContain("dev-bound kfuncs cost **+5.00 ± 0.25 ns per hint**")
    expect(md).toContain("**inlined-slower** (1:")
    expect(md).toContain("## Cost per hint — model lane (V8)")
    expect(md).toContain("| raw-fixed | +5.00 ± 0.60 / - | - / - |")
    expect(md).toContain("## RX: reading k hints per packet — model lane (V8)")
    expect(md).toContain("## Questions")
    expect(out.html).toContain("<h2>Conclusions</h2>")
    expect(out.html).toContain("<b>+5.00 ± 0.25 ns per hint</b>")
    expect(renderMarkdown(results(figs))).toBe(md)
  })

  it("VM-lane and kernel-lane rows beside the model's", () => {
    const figs: Figure[] = [
      ...rxRun({ rf: 60, db: 80 }),
      { lane: "vm", style: "raw-core", hints: ALL4, ns: 900, insns: 61, kfuncInsns: 0 },
      { lane: "vm", style: "kfunc-dev-bound", hints: ALL4, ns: 1100, insns: 40, kfuncInsns: 57 },
      { lane: "vm", style: "kfunc-dev-bound", hints: ["hash"], ns: 500, insns: 12, kfuncInsns: 14 },
      { lane: "vm", style: "empty", hints: [], ns: 300, insns: 2, kfuncInsns: 0 },
      { lane: "kernel", driver: "veth", style: "raw-core", hints: ALL4, ns: 21.5, rme: 0.5, xlated: 88, jited: 512 },
      { lane: "kernel", driver: "veth", style: "kfunc-dev-bound", hints: ALL4, ns: 25.0, rme: 0.5, xlated: 101, jited: 640 }
    ]
    const r = results(figs)
    const md = renderMarkdown(r)
    expect(md).toContain("## VM lane: BPF instructions executed per packet")
    expect(md).toContain("| rx | kfunc-dev-bound | hash+timestamp+vlan-tag+checksum | 40.0 | 57.0 | 97.0 |")
    expect(md).toContain("| hash | +24.0 (program +10.0, kfuncs +14.0) |")
    expect(md).toContain("dev-bound executes **+36.0 BPF instructions per packet** against raw-core, 9.0 per hint")
    expect(md).toContain("## Kernel lane: the running kernel")
    expect(md).toContain("| veth | rx | kfunc-dev-bound | hash+timestamp+vlan-tag+checksum | 25.0 | ±0.50% | 101 | 640 |")
    expect(md).toContain("**veth** (kernel rx): dev-bound costs **+3.50 ± 0.16 ns per packet** against raw-core")
    // the model lane's conclusion is not fed by the other lanes' rows
    expect(md).toContain("dev-bound kfuncs cost **+5.00 ± 0.25 ns per hint** (4 hints: kfunc-dev-bound 80.0")
    const vmOnly = conclusions(r).filter((c) => c.lane === "vm")
    expect(vmOnly.map((c) => c.verdict)).toEqual(["shown"])
    const html = renderHtml(r)
    expect(html).toContain("<h2>VM lane: BPF instructions executed per packet</h2>")
    expect(html).toContain("<td>640</td>")
  })
})
