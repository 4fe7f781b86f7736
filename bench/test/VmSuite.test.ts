// The VM lane group (bench/src/suites/VmSuite.ts) in quick mode on a tiny batch, in-process, on a
// smoke timing plan: every driver's rows carry the lane, the engine, positive instruction counts
// from the VM's counters (equal under the JIT and the interpreter), the ratio fields, and the
// equality checks passed before timing. No wall-clock figure is asserted.
import { type BenchResultRow, type BenchResultsFile, renderMarkdown, runBench, SMOKE_TIMING } from "@devtx/bench"
import { beforeAll, describe, expect, it } from "vitest"

const row = (run: BenchResultsFile, driver: string, style: string, engine: string): BenchResultRow | undefined =>
  run.results.find((r) => r.lane === "vm" && r.driver === driver && r.style === style && r.engine === engine)

describe("bench VM lane, quick mode on a tiny batch", () => {
  let run: BenchResultsFile
  beforeAll(async () => {
    run = await runBench({ quick: true, batch: 128, timing: SMOKE_TIMING, inProcess: true, filter: "^vm-", onProgress: () => {} })
  }, 120_000)

  it("runs only the VM lane under the filter, every row in the lane with its keys", () => {
    expect(run.results.length).toBeGreaterThan(0)
    for (const r of run.results) {
      expect(r.lane).toBe("vm")
      expect(r.suite).toBe(`vm-${r.engine}`)
      expect(["ts", "jit", "interp"]).toContain(r.engine)
      expect([r.path, r.hints, r.unit, r.batch, r.mode]).toEqual(["rx", 4, "packet", 128, "pass"])
      expect(r.ns_per_packet).toBeGreaterThan(0)
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["ratio_to_ts", "ratio_to_jit", "rme", "program"]))
    }
  })

  it("times the kfunc object (dev-bound, generic, inlined where offered) and the raw CO-RE object on every driver under both engines, with the TS baseline", () => {
    for (const d of ["sim", "mlx5", "ice"])
      for (const style of ["kfunc-dev-bound", "kfunc-generic", "raw-core"])
        for (const engine of ["ts", "jit", "interp"]) expect(row(run, d, style, engine), `${d} ${style} ${engine}`).toBeDefined()
    expect(row(run, "sim", "kfunc-inlined", "jit")).toBeDefined()
    for (const s of run.skipped) expect(s.reason.length).toBeGreaterThan(0)
    expect(row(run, "sim", "raw-core", "jit")?.program).toBe("hw_metadata_raw.bpf.o")
    expect(row(run, "sim", "kfunc-dev-bound", "interp")?.program).toBe("hw_metadata_kfunc.bpf.o")
  })

  it("carries the VM's counts per packet: positive, the same under both engines; ratios to TS and to the JIT", () => {
    for (const r of run.results) {
      if (r.engine === "ts") {
        expect(r.insns_per_packet).toBeUndefined()
        expect([r.ratio_to_ts, r.ratio_to_jit]).toEqual([null, null])
        continue
      }
      expect(r.insns_per_packet, `${r.driver} ${r.style} ${r.engine}`).toBeGreaterThan(0)
      expect(r.helper_calls_per_packet).toBeGreaterThan(0)
      expect(r.ratio_to_ts).toBeGreaterThan(0)
      if (r.engine === "interp") expect(r.ratio_to_jit).toBeGreaterThan(0)
      else expect(r.ratio_to_jit).toBeNull()
      const jit = row(run, r.driver, r.style, "jit")!
      expect([r.insns_per_packet, r.helper_calls_per_packet, r.kfunc_calls_per_packet]).toEqual([jit.insns_per_packet, jit.helper_calls_per_packet, jit.kfunc_calls_per_packet])
    }
    // the kfunc object calls the four RX metadata kfuncs on every packet of the corpus it keeps a record for
    const k = row(run, "sim", "kfunc-dev-bound", "jit")!
    expect(k.kfunc_calls_per_packet).toBe(4)
    // the raw object calls bpf_cast_to_kern_ctx once per packet (and reads the descriptor itself)
    expect(row(run, "sim", "raw-core", "jit")!.kfunc_calls_per_packet).toBeGreaterThanOrEqual(1)
  })

  it("checked every engine equal to the TypeScript program (and on sim to the truth) before timing", () => {
    for (const d of ["sim", "mlx5", "ice"]) {
      const line = run.checks.find((c) => c.startsWith(`vm ${d} kfunc-dev-bound `))
      expect(line, d).toMatch(/ts == jit == interp over 128 packets/)
    }
    expect(run.checks.find((c) => c.startsWith("vm sim raw-core "))).toMatch(/hash and vlan == truth/)
    expect(run.checks.find((c) => c.startsWith("vm ice raw-core "))).toMatch(/the timestamp == the kfunc program's/)
  })

  it("renders the VM lane in the Markdown report: engine beside the style, the ratios beside ns/packet", () => {
    const md = renderMarkdown(run)
    expect(md).toContain("VM lane")
    expect(md).toMatch(/\| rx \| kfunc-dev-bound \(jit\) \| hash\+timestamp\+vlan-tag\+checksum \| [0-9.]+ \| - \| [0-9.]+ \| [0-9.]+ ±[0-9.]+%, [0-9.]+x TS \|/)
    expect(md).toMatch(/\| rx \| raw-core \(interp\) \| .*x TS, [0-9.]+x JIT \|/)
    // the VM conclusion does not present the uncounted kfunc bodies as zero instructions
    expect(md).toContain("(program only: kfunc bodies not counted)")
    expect(md).toMatch(/\| rx \| kfunc-dev-bound \(ts\) \| .* \| - \| - \| - \| [0-9.]+ ±[0-9.]+% \|/)
  })
})
