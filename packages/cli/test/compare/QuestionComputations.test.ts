/**
 * Unit tests of the computations behind `devtx compare` (bench/src/report/questions): the per-hint
 * classification (equal / differ / unavailable, first packet, truth counts), the footprint rule,
 * the fixed-offset build run as a kernel would (compiled-in offsets, no relocation) against the
 * relocator's answer on the layout it was compiled for, and the three renderers' escaping.
 */
import { attributeC, type BenchResultsFile, compareHints, footprintOfText, type AnswerSection, sectionHtml, sectionMarkdown, sectionText } from "@devtx/bench"
import { compileFixedOffsets, FixedOffsetBuildError, relocateRawProgram } from "@devtx/core"
import { simBtf } from "@devtx/drivers-sim/internals"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { iceBtf } from "@devtx/drivers-ice/internals"
import { type HwMetadataRecord, iceRawHwMetadata, iceRawRodataFromConfig, type PacketResult, simRawHwMetadata } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const rec = (o: Partial<HwMetadataRecord>): HwMetadataRecord => ({
  hintValid: 0,
  rxTimestamp: null,
  rxTimestampSec: 0,
  rxTimestampHi: 0,
  rxTimestampLo: 0,
  xdpTimestampHi: 0,
  xdpTimestampLo: 0,
  rxTimestampErr: -61,
  xdpTimestamp: "0",
  xdpTimestampSec: 0,
  rxHash: null,
  rxHashType: null,
  rxHashErr: -61,
  vlanProto: null,
  vlanTci: null,
  vlanErr: -61,
  ipSummed: null,
  cksum: null,
  cksumLevel: null,
  cksumErr: -61,
  ...o
})
const pkt = (index: number, meta: HwMetadataRecord): PacketResult => ({
  index,
  len: 60,
  queue: 0,
  verdict: "XDP_PASS",
  meta,
  user: { hi: 0, lo: 0 },
  skb: { hash: 0, hashType: 0, vlanTci: null, ipSummed: 0, hwtstamp: "0" }
})

describe("compareHints", () => {
  it("equal, differ (first packet with both values), unavailable (errno and count) and truth counts", () => {
    const kfunc = [
      pkt(0, rec({ rxHash: 1, rxHashType: 0x29, rxHashErr: null, rxTimestamp: "10", rxTimestampErr: null })),
      pkt(1, rec({ rxHash: 2, rxHashType: 0x29, rxHashErr: null, rxTimestamp: "20", rxTimestampErr: null })),
      pkt(2, rec({ rxHash: 3, rxHashType: 0x29, rxHashErr: null, rxTimestamp: "30", rxTimestampErr: null }))
    ]
    const raw = [
      pkt(0, rec({ rxHash: 1, rxHashType: 0x29, rxHashErr: null, rxTimestampErr: -95 })),
      pkt(1, rec({ rxHash: 7, rxHashType: 0x29, rxHashErr: null, rxTimestampErr: -95 })),
      pkt(2, rec({ rxHash: 3, rxHashType: 0x29, rxHashErr: null, rxTimestampErr: -95 }))
    ]
    const truth = (frame: number, hint: string) => (hint === "rx_hash" ? { rc: 0, text: `hash 0x${frame + 1} type 0x29` } : undefined)
    const [hash, ts, vlan] = compareHints(kfunc, raw, truth)
    expect(hash).toMatchObject({ hint: "rx_hash", packets: 3, equal: 2, verdict: "differ", firstDiff: { packet: 1, kfunc: "hash 0x2 type 0x29", raw: "hash 0x7 type 0x29" } })
    expect(hash!.truth).toEqual({ checked: 3, kfunc: 3, raw: 2 })
    expect(hash!.firstTruthMiss).toEqual({ design: "raw", packet: 1, got: "hash 0x7 type 0x29", truth: "hash 0x2 type 0x29" })
    expect(ts).toMatchObject({ verdict: "unavailable", unavailable: [{ design: "raw", errno: "-EOPNOTSUPP", packets: 3 }], firstDiff: { packet: 0, kfunc: "10 ns", raw: "-EOPNOTSUPP" } })
    expect(vlan).toMatchObject({ verdict: "equal", equal: 3, firstDiff: null, truth: { checked: 0 } })
  })

  it("packets only one run has are not compared", () => {
    const r = compareHints([pkt(0, rec({})), pkt(5, rec({}))], [pkt(5, rec({}))], undefined)
    expect(r.map((h) => [h.packets, h.verdict, h.truth])).toEqual([
      [1, "equal", null],
      [1, "equal", null],
      [1, "equal", null],
      [1, "equal", null]
    ])
  })
})

describe("footprintOfText", () => {
  it("counts matching code lines and the blocks they open, not comments or other lines", () => {
    const src = [
      "/** vlan_tag in a block comment */",
      "// vlan_tag in a line comment",
      "const a = 1",
      "const rxVlanTag = (x: number) => {",
      "  if (x) return 1",
      "  return x ? 2 : 3",
      "}",
      "const b = 2",
      "table.vlan_tag = 4 // one line"
    ].join("\n")
    expect(footprintOfText(src, /vlan_tag|VlanTag/)).toEqual({ lines: 5, branches: 2 })
    expect(footprintOfText(src, /nothing/)).toEqual({ lines: 0, branches: 0 })
  })
})

describe("compileFixedOffsets (a fixed build as the kernel runs it)", () => {
  it("the v1 build's compiled-in offsets are exactly what CO-RE resolves on v1, and differ on v2", async () => {
    const fixed = simRawHwMetadata({ fixedLayout: true })
    const table = compileFixedOffsets(fixed.structs)
    if (table instanceof FixedOffsetBuildError) throw table
    const core = simRawHwMetadata()
    const v1 = await Effect.runPromise(relocateRawProgram({ program: "p", structs: core.structs, target: simBtf(1), driver: "sim" }))
    const v2 = await Effect.runPromise(relocateRawProgram({ program: "p", structs: core.structs, target: simBtf(2), driver: "sim" }))
    const where = (t: typeof v1) => Object.entries(t.sim_rx_desc_wb!).map(([n, a]) => [n, a.byteOffset, a.bitOffset, a.bitWidth])
    expect(where(table)).toEqual(where(v1))
    expect(where(table)).not.toEqual(where(v2))
    // and the accessor reads the compiled bit: byte 7 bit 2 (rss_valid on v1)
    const d = new DataView(new ArrayBuffer(32))
    d.setUint8(7, 1 << 2)
    expect(table.sim_rx_desc_wb!.rss_valid!.read(d, 0)).toBe(1)
    d.setUint8(7, 0xff & ~(1 << 2))
    expect(table.sim_rx_desc_wb!.rss_valid!.read(d, 0)).toBe(0)
  })

  it("ice: the 6.18 fixed build's offsets are what CO-RE resolves against the 6.18 BTF (eop_desc +56 and the RXDID 2 overlay), and eop_desc's +56 is libeth_xdp_buff.desc's", async () => {
    const rodata = iceRawRodataFromConfig(iceDriver.defaultConfig)
    if (typeof rodata === "string") throw new Error(rodata)
    const table = compileFixedOffsets(iceRawHwMetadata(rodata, { fixedLayout: true }).structs)
    if (table instanceof FixedOffsetBuildError) throw table
    const core = await Effect.runPromise(
      relocateRawProgram({ program: "p", structs: iceRawHwMetadata(rodata).structs, target: iceBtf("ice_xdp_buff"), driver: "ice" })
    )
    const where = (t: typeof core) =>
      Object.entries(t).flatMap(([s, fields]) => Object.entries(fields).map(([n, a]) => [s, n, a.byteOffset, a.byteSize]))
    expect(where(table)).toEqual(where(core))
    const libeth = await Effect.runPromise(
      relocateRawProgram({ program: "p", structs: iceRawHwMetadata(rodata, { context: "libeth_xdp_buff" }).structs, target: iceBtf("libeth_xdp_buff"), driver: "ice" })
    )
    expect(libeth.libeth_xdp_buff!.desc!.byteOffset).toBe(table.ice_xdp_buff!.eop_desc!.byteOffset)
  })

  it("a field without a compiled-in offset is a typed error naming it", () => {
    expect(compileFixedOffsets(simRawHwMetadata().structs)).toMatchObject({ _tag: "FixedOffsetBuildError", localType: "sim_rx_desc_wb___devtx", field: "rss_valid" })
  })
})

describe("question renderers", () => {
  const s: AnswerSection = { title: "T <x>", notes: ["a | b"], tables: [{ caption: "c", head: ["h1", "h2"], rows: [["x|y", "<b>"]] }] }
  it("Markdown escapes pipes, HTML escapes markup, text aligns columns", () => {
    expect(sectionMarkdown(s)).toContain("| x\\|y | <b> |")
    expect(sectionHtml(s)).toContain("<td>&lt;b&gt;</td>")
    expect(sectionHtml(s)).toContain("<h2>T &lt;x&gt;</h2>")
    expect(sectionText(s).slice(-2)).toEqual(["h1   h2", "x|y  <b>"])
  })
})

describe("the bench report's call", () => {
  it("given the run's BenchResultsFile (no question data), each renderer answers from this checkout and says so", async () => {
    const model = { meta: {}, results: [], skipped: [], checks: [] } as unknown as BenchResultsFile
    // every question renderer the bench package exports (its index re-exports the question modules)
    const mods = [await import("@devtx/bench")]
    // renderCompare* renders `devtx report --compare`, not a question
    const renders = mods.flatMap((m) => Object.entries(m).filter(([k]) => /^render\w+(Markdown|Html)$/.test(k) && !k.startsWith("renderCompare"))) as Array<[string, (x: unknown) => string]>
    expect(renders.map(([k]) => k).sort()).toEqual(
      [
        "renderKfuncRawHtml",
        "renderKfuncRawMarkdown",
        "renderMatrixHtml",
        "renderMatrixMarkdown",
        "renderNewFieldHtml",
        "renderNewFieldMarkdown",
        "renderPortabilityHtml",
        "renderPortabilityMarkdown",
        "renderWhoWritesHtml",
        "renderWhoWritesMarkdown"
      ]
    )
    for (const [name, render] of renders) {
      const out = render(model)
      expect([name, out.includes("Computed from this checkout when the report was rendered")]).toEqual([name, true])
    }
    const portability = renders.find(([k]) => k === "renderPortabilityMarkdown")![1](model)
    expect(portability).toContain("## Portability across layout versions: sim")
    expect(portability).toContain("## Portability across layout versions: ice")
    expect(portability).toContain("fixed-offset program compiled with rss_valid at byte 7 bit 2")
  })
})

describe("attributeC (the C programs' per-NIC lines)", () => {
  const owner = (t: string) => ({ sim_desc: "sim", mlx5_cqe: "mlx5" })[t]
  it("sections, flavored top-level views and bpf_core_type_exists branches are the NIC's; the rest is shared", () => {
    const src = [
      "/* header comment */",
      "struct sim_desc___sim {",
      "\t__u32 a;",
      "} __attribute__((preserve_access_index));",
      "struct shared_cfg {",
      "\t__u8 x;",
      "};",
      "/* ---- mlx5 ------------ */",
      "static const __u32 table[2] = { 1, 2 };",
      "static int mlx5_fill(void) { return 0; }",
      "/* ---- storing -------- */",
      "static int store(int x) { return x ? 1 : 0; }",
      'SEC("xdp")',
      "int prog(void *ctx)",
      "{",
      "\tif (bpf_core_type_exists(struct sim_desc___sim)) {",
      "\t\tstore(1);",
      "\t} else if (bpf_core_type_exists(struct mlx5_cqe)) {",
      "\t\tmlx5_fill();",
      "\t}",
      "\treturn 2;",
      "}"
    ].join("\n")
    const a = attributeC(src, ["sim", "mlx5", "ice"], owner)
    // sim: the 3-line view, the guard line and its body; mlx5: the section's 2 lines, the else-if line,
    // its body and the closing brace of its block
    expect(a.perNic).toEqual({ sim: 5, mlx5: 5, ice: 0 })
    // shared: shared_cfg (3), store (1), SEC, prog, {, return, }
    expect(a.shared).toBe(9)
    expect(a.sharedBranches).toBe(1)
    expect(a.perNicBranches).toEqual({ sim: 1, mlx5: 1, ice: 0 })
  })
})
