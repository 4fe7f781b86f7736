/**
 * `devtx compare …` through the real bin (packages/cli/dist/bin.js, built first): the debate's
 * answers, asserted so that a change in any of them fails here — the v1 fixed-offset build must
 * not load in devtx on v2 yet load (and read wrong values) in a kernel; the ice program written
 * for 6.18 must fail on the libeth-based ice and the two-wrapper build must not; flow_mark must be
 * absent on v1 and equal to the truth on v2; the kfunc side's driver code must be counted (not
 * zero); `run --burst` must let mlx5 CQE compression change the output.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildDevtxBin, devtxBin, repoRoot } from "../support/BuiltBin.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-compare-"))
const devtx = (args: ReadonlyArray<string>) => {
  const r = spawnSync(process.execPath, [devtxBin, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the bin
const json = (args: ReadonlyArray<string>): any => {
  const r = devtx([...args, "--json"])
  expect([r.code, r.err]).toEqual([0, ""])
  return JSON.parse(r.out)
}
const config = (name: string, value: unknown): string => {
  const p = path.join(tmp, name)
  fs.writeFileSync(p, JSON.stringify(value))
  return p
}

beforeAll(() => buildDevtxBin(), 300_000)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

interface Cell {
  build: string
  layout: string
  devtxLoadError: string | null
  kernelLoadError: string | null
  right: string[]
  wrong: string[]
  unavailable: string[]
}
const cell = (cells: Cell[], build: RegExp, layout: RegExp): Cell => {
  const c = cells.filter((x) => build.test(x.build) && layout.test(x.layout))
  expect(c.length).toBe(1)
  return c[0]!
}
const ALL = ["rx_hash", "timestamp", "vlan", "checksum"]

describe("devtx compare portability", () => {
  it("sim: the CO-RE object is right on v1 and v2; the v1 fixed build is refused by devtx on v2 but loads in a kernel and reads wrong values", () => {
    const r = json(["compare", "portability", "--driver", "sim"])
    expect(r.question).toBe("portability")
    const cells: Cell[] = r.data.cells
    expect(cells.length).toBe(4)
    for (const v of [/v1/, /v2/]) {
      const core = cell(cells, /CO-RE/, v)
      expect([core.devtxLoadError, core.kernelLoadError, core.right]).toEqual([null, null, ALL])
    }
    const fixedV1 = cell(cells, /fixed/, /v1/)
    expect([fixedV1.devtxLoadError, fixedV1.kernelLoadError, fixedV1.right]).toEqual([null, null, ALL])
    const fixedV2 = cell(cells, /fixed/, /v2/)
    expect(fixedV2.devtxLoadError).toBe(
      "raw load of xdp_hw_metadata_raw_sim_fixed_v1: sim_rx_desc_wb___devtx.rss_valid (access 0:0) against sim: fixed-offset program compiled with rss_valid at byte 7 bit 2; the target has it at byte 1 bit 2"
    )
    expect(fixedV2.kernelLoadError).toBe(null)
    expect(fixedV2.right).toEqual([])
    expect(fixedV2.wrong).toEqual(ALL)
  })

  it("ice: the 6.18 build fails on the libeth-based ice (no ice_xdp_buff); the two-wrapper build loads on both; the fixed build reads the same +56 on both", () => {
    const cells: Cell[] = json(["compare", "portability", "--driver", "ice"]).data.cells
    expect(cells.length).toBe(6)
    const hintsOk = (c: Cell) => expect([c.right, c.wrong, c.unavailable]).toEqual([["rx_hash", "vlan", "checksum"], [], ["timestamp"]])
    for (const c of cells.filter((x) => /6\.18:/.test(x.layout))) {
      expect([c.build, c.devtxLoadError, c.kernelLoadError]).toEqual([c.build, null, null])
      hintsOk(c)
    }
    const old = cell(cells, /written for 6\.18/, /libeth/)
    expect(old.devtxLoadError).toContain("xdp_hw_metadata_raw_ice: ice_xdp_buff___devtx.eop_desc (access 0:0) against ice: no field matches in the target")
    expect(old.devtxLoadError).toContain("[the target's BTF has no type ice_xdp_buff]")
    expect(old.kernelLoadError).toBe(old.devtxLoadError)
    expect([old.right, old.wrong]).toEqual([[], []])
    const both = cell(cells, /both wrappers/, /libeth/)
    expect([both.devtxLoadError, both.kernelLoadError]).toEqual([null, null])
    hintsOk(both)
    const fixed = cell(cells, /fixed/, /libeth/)
    expect(fixed.devtxLoadError).toContain("[the target's BTF has no type ice_xdp_buff]")
    expect(fixed.kernelLoadError).toBe(null)
    hintsOk(fixed)
  })

  it("mlx5 has one layout: a typed error, exit 1", () => {
    const r = devtx(["compare", "portability", "--driver", "mlx5"])
    expect(r.code).toBe(1)
    expect(r.err).toBe("devtx: PortabilityError: portability on mlx5: devtx models one descriptor layout for mlx5: nothing to port across (layouts are modelled for sim, ice)\n")
  })

  it("text output states the rules and shows the refusal", () => {
    const r = devtx(["compare", "portability", "--driver", "sim"])
    expect(r.code).toBe(0)
    expect(r.out).toContain("a fixed-offset build has no relocation and always loads")
    expect(r.out).toContain("fixed-offset program compiled with rss_valid at byte 7 bit 2")
    expect(r.out).toContain("WRONG rx_hash")
  })
})

describe("devtx compare new-field", () => {
  it("flow_mark: absent on v1 (every packet -EOPNOTSUPP), present @28 on v2 and equal to the truth; no kfunc getter; both sides' footprints counted", () => {
    const d = json(["compare", "new-field"]).data
    const [v1, v2] = d.runs
    expect([v1.layout, v1.loads, v1.fieldExists, v1.byteOffset]).toEqual([1, true, false, -1])
    expect(Object.keys(v1.rc)).toEqual(["-EOPNOTSUPP"])
    expect(v1.rc["-EOPNOTSUPP"]).toBe(v1.packets)
    expect([v2.layout, v2.loads, v2.fieldExists, v2.byteOffset]).toEqual([2, true, true, 28])
    expect(v2.rc["0"]).toBeGreaterThan(300)
    expect(v2.truthOk).toBe(v2.packets)
    expect(v2.firstMiss).toBe(null)
    expect(d.kfuncGetterExists).toBe(false)
    expect(d.kfuncTable).toContain("bpf_xdp_metadata_rx_vlan_tag")
    // every driver's op for the analogue getter is real code, as is the shared kernel part
    for (const p of d.kfuncFootprint.perDriver) for (const f of p.files) expect([p.nic, f.file, f.lines > 0]).toEqual([p.nic, f.file, true])
    expect(d.kfuncFootprint.shared.reduce((a: number, f: { lines: number }) => a + f.lines, 0)).toBeGreaterThan(10)
    expect(d.rawFootprint.driver[0].lines).toBeGreaterThan(0)
    expect(d.rawFootprint.program[0].file).toBe("packages/programs/src/raw/SimRawFlowMark.ts")
  })
})

describe("devtx compare kfunc-raw", () => {
  it("sim: every hint equal and equal to the truth", () => {
    const d = json(["compare", "kfunc-raw", "--driver", "sim"]).data
    expect(d.hints.map((h: { verdict: string }) => h.verdict)).toEqual(["equal", "equal", "equal", "equal"])
    for (const h of d.hints) expect([h.hint, h.truth.kfunc, h.truth.raw]).toEqual([h.hint, h.truth.checked, h.truth.checked])
  })

  it("ice: the raw design has no timestamp (-EOPNOTSUPP on every packet); the rest equal", () => {
    const d = json(["compare", "kfunc-raw", "--driver", "ice"]).data
    const ts = d.hints.find((h: { hint: string }) => h.hint === "timestamp")
    expect(ts.verdict).toBe("unavailable")
    expect(ts.unavailable).toEqual([{ design: "raw", errno: "-EOPNOTSUPP", packets: ts.packets }])
    expect(ts.firstDiff.raw).toBe("-EOPNOTSUPP")
    expect(d.hints.filter((h: { verdict: string }) => h.verdict === "equal").map((h: { hint: string }) => h.hint)).toEqual(["rx_hash", "vlan", "checksum"])
  })

  it("mlx5 with CQE compression: a burst loses hashes in both designs alike (mini CQEs carry no hash)", () => {
    const cqe = config("cqe.json", { cqeCompression: true })
    const one = json(["compare", "kfunc-raw", "--driver", "mlx5", "--config", cqe]).data
    const burst = json(["compare", "kfunc-raw", "--driver", "mlx5", "--config", cqe, "--burst", "16"]).data
    const hash = (d: { hints: Array<{ hint: string; verdict: string; truth: { kfunc: number; raw: number } }> }) => d.hints.find((h) => h.hint === "rx_hash")!
    expect([hash(one).verdict, hash(burst).verdict]).toEqual(["equal", "equal"])
    expect(hash(burst).truth.kfunc).toBeLessThan(hash(one).truth.kfunc - 5)
    expect(hash(burst).truth.raw).toBe(hash(burst).truth.kfunc)
  })

  it("a capture has no truth; a bad --config value is a typed error", () => {
    const d = json(["compare", "kfunc-raw", "--driver", "sim", "--pcap", "packages/cli/test/pcap/testdata/lo-nsec.pcap"]).data
    expect(d.input).toBe("packages/cli/test/pcap/testdata/lo-nsec.pcap")
    expect(d.hints.every((h: { truth: unknown; verdict: string }) => h.truth === null && h.verdict === "equal")).toBe(true)
    const bad = devtx(["compare", "kfunc-raw", "--driver", "sim", "--config", config("bad.json", { layoutVersion: 7 })])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^devtx: DriverConfigError: /)
  })
})

describe("devtx compare matrix / who-writes", () => {
  it("counts the kfunc side's driver code (not zero) and the raw side's per-NIC program paths", () => {
    const d = json(["compare", "matrix"]).data
    expect(d.nics).toEqual(["sim", "mlx5", "ice"])
    for (const v of d.vendor) {
      const kfunc = v.kfunc.reduce((a: number, f: { lines: number }) => a + f.lines, 0)
      const raw = v.raw.reduce((a: number, f: { lines: number }) => a + f.lines, 0)
      expect([v.nic, kfunc > 100, raw > 30]).toEqual([v.nic, true, true])
    }
    const raw = d.programs.filter((r: { style: string }) => r.style === "raw")
    expect(raw.map((r: { perNicPaths: number }) => r.perNicPaths)).toEqual([3, 3])
    expect(d.method).toContain("non-comment lines")
  })

  it("who-writes: the kfunc design writes more in the kernel, the raw design more in BPF; --nics narrows the count", () => {
    const all = json(["compare", "who-writes"]).data
    const [k, r] = all.totals
    expect([k.design, r.design]).toEqual(["kfunc", "raw"])
    expect(k.vendor + k.kernelOnce).toBeGreaterThan(r.vendor + r.kernelOnce)
    expect(r.bpf).toBeGreaterThan(k.bpf)
    const sim = json(["compare", "who-writes", "--nics", "sim"]).data
    expect(sim.totals[1].bpf).toBeLessThan(r.bpf)
    expect(sim.totals[0].bpf).toBe(k.bpf)
    const bad = devtx(["compare", "matrix", "--nics", "sim,e1000"])
    expect(bad.code).toBe(1)
    expect(bad.err).toBe("devtx: CompareOptionError: compare matrix --nics 'sim,e1000': expected a comma-separated subset of sim,mlx5,ice\n")
  })
})

describe("devtx run --burst", () => {
  it("mlx5 CQE compression changes the output only with a burst: hashes lost and timestamps shared inside sessions", () => {
    const cqe = config("cqe-run.json", { cqeCompression: true })
    const lines = (args: string[]) => devtx(["run", "--driver", "mlx5", "--json", ...args]).out.trim().split("\n").map((l) => JSON.parse(l))
    const plain = lines([])
    const compressed1 = lines(["--config", cqe])
    const compressed16 = lines(["--config", cqe, "--burst", "16"])
    expect(compressed1).toEqual(plain)
    const packets = (xs: Array<{ summary?: boolean }>) => xs.filter((x) => x.summary !== true) as Array<{ index: number; rx_hash: number | null; rx_timestamp: string | null }>
    const a = packets(plain)
    const b = packets(compressed16)
    expect(b.map((p) => p.index)).toEqual(a.map((p) => p.index))
    const lostHash = b.filter((p, i) => p.rx_hash === 0 && a[i]!.rx_hash !== 0).length
    expect(lostHash).toBeGreaterThan(5)
    // a session's later CQEs carry the title's timestamp: equal to the previous packet's, earlier than without compression
    const shared = b.filter((p, i) => i > 0 && p.rx_timestamp === b[i - 1]!.rx_timestamp).length
    expect(shared).toBeGreaterThan(5)
  })

  it("needs one RX queue; --burst 0 is a usage error", () => {
    const r = devtx(["run", "--driver", "mlx5", "--config", config("q4.json", { rxQueues: 4 }), "--burst", "8"])
    expect(r.code).toBe(1)
    expect(r.err).toBe("devtx: HostOptionError: burst 8: burst mode needs one RX queue (completions in arrival order); the configuration has 4\n")
    expect(devtx(["run", "--driver", "sim", "--burst", "0"]).code).toBe(2)
  })
})
