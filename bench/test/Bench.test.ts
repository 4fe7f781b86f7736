// The benchmark runs (quick mode on a tiny batch, in-process, a smoke timing plan) and writes what
// scripts and the cli read. No figure is asserted: only that every suite ran, every style was
// checked equal to the floor before timing, the floor's ratio is 1, and the reports render.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BenchArgsError, type BenchResultsFile, parseBenchArgs, renderReport, runBench, SMOKE_TIMING } from "@devtx/bench"
import { Effect, Exit } from "effect"
import { beforeAll, describe, expect, it } from "vitest"

const RESULT_KEYS = ["suite", "path", "driver", "style", "hints", "ns_per_packet", "mpps", "rme", "samples", "ratio_to_floor"]

describe("bench, quick mode on a tiny batch", () => {
  let dir: string
  let run: BenchResultsFile
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "devtx-bench-"))
    run = await runBench({ quick: true, batch: 64, timing: SMOKE_TIMING, inProcess: true, out: dir, onProgress: () => {} })
  }, 240_000)

  it("writes results.json with the keys issue 9 names", () => {
    const doc = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as BenchResultsFile
    expect(Object.keys(doc.meta)).toEqual(expect.arrayContaining(["node", "v8", "cpu", "revision", "date", "quick"]))
    expect(doc.meta.quick).toBe(true)
    expect(doc.meta.node).toBe(process.version)
    expect(doc.results.length).toBeGreaterThan(0)
    for (const r of doc.results) expect(Object.keys(r)).toEqual(expect.arrayContaining(RESULT_KEYS))
  })

  it("measures every driver's RX floor, the harness, btf-id, polymorphism and core", () => {
    for (const d of ["sim", "mlx5", "ice"]) {
      for (let k = 1; k <= 4; k++) {
        const floor = run.results.find((r) => r.suite === "rx" && r.driver === d && r.style === "raw-fixed" && r.hints === k)
        expect(floor?.ratio_to_floor, `${d} ${k}`).toBe(1)
        for (const style of ["raw-core", "kfunc-dev-bound", "kfunc-generic"])
          expect(run.results.some((r) => r.suite === "rx" && r.driver === d && r.style === style && r.hints === k), `${d} ${style} ${k}`).toBe(true)
      }
      expect(run.results.some((r) => r.suite === "rx" && r.driver === d && r.style === "empty")).toBe(true)
      expect(run.results.some((r) => r.suite === "polymorphism" && r.driver === d)).toBe(true)
    }
    expect(run.results.some((r) => r.suite === "rx" && r.driver === "sim" && r.style === "kfunc-inlined")).toBe(true)
    // btf-id: the sim's per-packet BTF-id hints, k = 1..4; the other drivers say why not
    for (let k = 1; k <= 4; k++) expect(run.results.some((r) => r.suite === "rx" && r.driver === "sim" && r.style === "btf-id" && r.hints === k), `btf-id ${k}`).toBe(true)
    for (const d of ["mlx5", "ice"]) expect(run.skipped.some((s) => s.suite === "rx" && s.driver === d && s.style === "btf-id")).toBe(true)
    expect(run.results.some((r) => r.suite === "polymorphism" && r.driver === "ice+mlx5+sim")).toBe(true)
    expect(run.results.filter((r) => r.suite === "core").map((r) => r.style).sort()).toEqual(["btf-decode", "core-relocate", "toeplitz"])
  })

  it("measures TX submit and complete against the raw floor, AF_XDP TX metadata, and says why ice has no floor", () => {
    for (const d of ["sim", "mlx5"])
      for (const path of ["tx-submit", "tx-complete"] as const) {
        const floor = run.results.find((r) => r.path === path && r.driver === d && r.style === "raw-fixed")
        expect(floor?.ratio_to_floor, `${d} ${path}`).toBe(1)
        for (const style of ["raw-core", "kfunc-dev-bound", "kfunc-generic", "xsk-tx-metadata"])
          expect(run.results.some((r) => r.path === path && r.driver === d && r.style === style), `${d} ${path} ${style}`).toBe(true)
      }
    for (const path of ["tx-submit", "tx-complete"]) {
      const ice = run.results.find((r) => r.path === path && r.driver === "ice" && r.style === "kfunc-dev-bound")
      expect(ice?.ratio_to_floor).toBeNull()
      expect(run.skipped.find((s) => s.suite === path && s.driver === "ice" && s.style === "raw-fixed")?.reason).toMatch(/PHY timestamp memory/)
      expect(run.skipped.some((s) => s.suite === path && s.driver === "ice" && s.style === "xsk-tx-metadata")).toBe(true)
    }
  })

  it("measures every placement design on every redirect route against the data-meta floor, checked before timing", () => {
    const routes = ["placement-devmap-xdp", "placement-devmap-skb", "placement-cpumap-skb"]
    const designs = ["data-meta", "xdp-rx-meta-v2", "xdp-rx-meta-ts", "registry", "traits-v1", "traits-v2", "tlv"]
    for (const suite of routes) {
      const rows = run.results.filter((r) => r.suite === suite)
      expect(rows.every((r) => r.path === "placement" && r.driver === "sim" && r.hints === 3 && r.unit === "packet" && r.batch === 64)).toBe(true)
      expect(rows.find((r) => r.style === "data-meta")?.ratio_to_floor, suite).toBe(1)
      for (const style of designs) {
        const row = rows.find((r) => r.style === style)
        expect(row, `${suite} ${style}`).toBeDefined()
        expect(row!.ratio_to_floor).toBeCloseTo(row!.ns_per_packet / rows.find((r) => r.style === "data-meta")!.ns_per_packet, 9)
      }
      expect(rows.find((r) => r.style === "redirect-only")?.ratio_to_floor).toBeNull()
      const check = run.checks.find((c) => c.startsWith(`${suite} sim hints=3: data-meta == `))
      expect(check, suite).toBeDefined()
      for (const style of designs) expect(check).toContain(style)
      expect(check).toContain("data-meta == the NIC's kfunc reads")
    }
    // the skb keeps only its own fields of xdp_rx_meta; the cpumap route's kthread matches core's cpuMapRunPlaced
    expect(run.checks.find((c) => c.startsWith("placement-cpumap-skb"))).toContain("xdp-rx-meta-v2 (skb fields)")
    expect(run.checks.find((c) => c.startsWith("placement-cpumap-skb"))).toContain("the bench's kthread == cpuMapRunPlaced")
  })

  it("checked every style equal to the floor before timing, and says why a style was skipped", () => {
    for (const d of ["sim", "mlx5", "ice"])
      for (let k = 1; k <= 4; k++) expect(run.checks.some((c) => c.startsWith(`rx ${d} hints=${k}: raw-fixed == raw-core ==`))).toBe(true)
    for (let k = 1; k <= 4; k++) expect(run.checks.find((c) => c.startsWith(`rx sim hints=${k}:`))).toContain("btf-id")
    for (const d of ["sim", "mlx5"]) expect(run.checks.find((c) => c.startsWith(`tx ${d}: raw-fixed == raw-core ==`))).toContain("xsk-tx-metadata")
    expect(run.checks.some((c) => c.startsWith("tx ice: kfunc-dev-bound == kfunc-generic"))).toBe(true)
    // every driver publishes an inline description now: kfunc-inlined is measured (and checked) everywhere
    expect(run.skipped.filter((s) => s.style === "kfunc-inlined" && s.suite === "rx")).toEqual([])
    for (const s of run.skipped) expect(s.reason.length).toBeGreaterThan(10)
  })

  it("renders the Markdown and HTML reports from the directory", () => {
    const md = readFileSync(join(dir, "report.md"), "utf8")
    for (const h of ["## Targets", "## RX: reading k hints per packet", "### mlx5", "## TX: submit", "## Polymorphism", "## Placement: store three hints", "## The kernel's published figures", "## Caveats", "## Not measured"])
      expect(md).toContain(h)
    expect(md).toContain("store + redirect + read back")
    expect(md).not.toMatch(/\*\*placement \(data_meta.*not built yet/)
    expect(md).toContain("lore:20231115175301.534113-1-larysa.zaremba@intel.com")
    const html = readFileSync(join(dir, "report.html"), "utf8")
    expect(html.startsWith("<!doctype html>")).toBe(true)
    expect(html).toContain("<svg")
    expect(html).toContain('aria-label="placement, sim NIC, 3 hints')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    const again = Effect.runSync(renderReport(dir))
    expect(again.markdown).toBe(md)
    expect(existsSync(join(dir, "report.html"))).toBe(true)
  })
})

describe("renderReport on bad input", () => {
  it("fails with a typed error for a missing directory, bad JSON and a wrong shape", () => {
    const missing = Effect.runSyncExit(renderReport(join(tmpdir(), "devtx-bench-does-not-exist")))
    expect(Exit.isFailure(missing)).toBe(true)
    const dir = mkdtempSync(join(tmpdir(), "devtx-bench-bad-"))
    writeFileSync(join(dir, "results.json"), "{ not json")
    const bad = Effect.runSyncExit(renderReport(dir))
    expect(Exit.isFailure(bad) && JSON.stringify(bad.cause).includes("BenchReportError")).toBe(true)
    writeFileSync(join(dir, "results.json"), JSON.stringify({ results: "x" }))
    const shape = Effect.runSyncExit(renderReport(dir))
    expect(Exit.isFailure(shape) && JSON.stringify(shape.cause).includes("meta")).toBe(true)
  })
})

describe("bench arguments", () => {
  it("parses --quick --filter --out and rejects the rest", () => {
    expect(parseBenchArgs(["--quick", "--filter", "^rx/sim", "--out", "o"])).toEqual({ quick: true, filter: "^rx/sim", out: "o" })
    expect(parseBenchArgs(["--filter"])).toBeInstanceOf(BenchArgsError)
    expect(parseBenchArgs(["--filter", "("])).toBeInstanceOf(BenchArgsError)
    expect(parseBenchArgs(["--fast"])).toBeInstanceOf(BenchArgsError)
  })
})
