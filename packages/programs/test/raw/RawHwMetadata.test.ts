/**
 * The raw-descriptor design on the reference NIC (issue 5 acceptance):
 * - three-way equivalence on every corpus frame: kfunc result == raw (CO-RE relocated) result ==
 *   ground truth (core's truth-derived expectations), on descriptor layouts v1 and v2;
 * - a fixed-offset program compiled for v1 is correct on v1 and refused at load on v2;
 * - relocation failures name the program, the local type, the access string and the target
 *   (missing field, wrong type size, ambiguous flavors); optional fields go absent, not wrong.
 */
import { BtfBuilder, BtfKind, findByName } from "@devtx/bpf"
import {
  attachXdp,
  bringUp,
  builtinCorpus,
  decodeDriverConfig,
  type DriverBtf,
  Errno,
  expectedRx,
  kernelBaseBtf,
  loadRawXdpProgram,
  type RawXdpProgramSpec,
  relocateRawProgram,
  XdpAction
} from "@devtx/core"
import { driver, simBtf } from "@devtx/drivers-sim"
import { runHwMetadata, simRawHwMetadata } from "@devtx/programs"
import { Effect, Exit, Result } from "effect"
import { describe, expect, it } from "vitest"

const corpus = builtinCorpus()
const frames = corpus.map((f) => f.bytes)

describe("kfunc == raw == truth on drivers-sim", () => {
  for (const [name, config] of [
    ["layout v1", { layoutVersion: 1 }],
    ["layout v2", { layoutVersion: 2 }],
    ["layout v2, CHECKSUM_COMPLETE, jumbo", { layoutVersion: 2, csumComplete: true, mtu: 9000, frameSize: 16384, ringSize: 256 }],
    ["every offload off", { rxhash: false, vlanStripCtag: false, vlanStripStag: false, rxTimestamp: "none", rxcsum: false }]
  ] as const) {
    it(name, async () => {
      const kfunc = await Effect.runPromise(runHwMetadata({ driver, frames, config }))
      const raw = await Effect.runPromise(runHwMetadata({ driver, frames, config, style: "raw" }))
      expect(raw.packets.length).toBe(kfunc.packets.length)
      expect(raw.packets.map((p) => p.meta)).toEqual(kfunc.packets.map((p) => p.meta))
      const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ...config }))
      const sem = driver.rxSemantics(cfg)
      let checked = 0
      for (const p of raw.packets) {
        const f = corpus[p.index]!
        const exp = expectedRx(f.truth, f.bytes, sem)
        const m = p.meta!
        expect([f.index, m.rxHash === null ? m.rxHashErr : [m.rxHash, m.rxHashType]]).toEqual([
          f.index,
          exp.hash.rc === 0 ? [exp.hash.hash, exp.hash.type] : exp.hash.rc
        ])
        expect([f.index, m.vlanProto === null ? m.vlanErr : [m.vlanProto, m.vlanTci]]).toEqual([
          f.index,
          exp.vlan.rc === 0 ? [exp.vlan.proto, exp.vlan.tci] : exp.vlan.rc
        ])
        expect([f.index, m.ipSummed === null ? m.cksumErr : [m.ipSummed, m.cksum, m.cksumLevel]]).toEqual([
          f.index,
          exp.csum.rc === 0 ? [exp.csum.ipSummed, exp.csum.cksum, exp.csum.level] : exp.csum.rc
        ])
        expect([f.index, m.rxTimestamp === null ? m.rxTimestampErr : "ts"]).toEqual([f.index, exp.tsRc === 0 ? "ts" : exp.tsRc])
        expect(m.rxTimestamp === null ? null : m.rxTimestamp).toBe(m.rxTimestamp === null ? null : p.skb.hwtstamp)
        checked++
      }
      expect(checked).toBeGreaterThan(300)
    })
  }
})

const bringUpSim = (layoutVersion: 1 | 2) =>
  Effect.runSync(
    Effect.scoped(
      Effect.map(
        Effect.flatMap(decodeDriverConfig(driver, { ...driver.defaultConfig, layoutVersion, ringSize: 64 }), (c) =>
          bringUp(driver, c, { ifname: "sim0", ifindex: 4 })
        ),
        (d) => d
      )
    )
  )

describe("a descriptor layout change", () => {
  it("the relocated program follows it; the fixed-offset v1 program is correct on v1 and refused on v2", async () => {
    const d1 = bringUpSim(1)
    const d2 = bringUpSim(2)
    const fixed = simRawHwMetadata({ fixedLayout: true })
    const okV1 = await Effect.runPromiseExit(loadRawXdpProgram(fixed, d1, simBtf(1)))
    expect(okV1._tag).toBe("Success")
    const v2 = await Effect.runPromiseExit(loadRawXdpProgram(fixed, d2, simBtf(2)))
    expect(v2).toMatchObject(
      Exit.fail({
        _tag: "RawLoadError",
        program: "xdp_hw_metadata_raw_sim_fixed_v1",
        localType: "sim_rx_desc_wb___devtx",
        field: "rss_valid",
        accessStr: "0:0",
        target: "sim",
        reason: "fixed-offset program compiled with rss_valid at byte 7 bit 2; the target has it at byte 1 bit 2"
      })
    )
    const reloc = await Effect.runPromiseExit(loadRawXdpProgram(simRawHwMetadata(), d2, simBtf(2)))
    expect(reloc._tag).toBe("Success")
    // and on v1 (the offsets it was compiled for) the fixed program loads with every field resolved
    const f1 = await Effect.runPromise(runHwMetadata({ driver, frames, config: { layoutVersion: 1 } }))
    const dev = bringUpSim(1)
    const loaded = await Effect.runPromise(loadRawXdpProgram(fixed, dev, simBtf(1)))
    expect(Object.keys(loaded.resolution).length).toBe(15)
    expect(f1.packets.length).toBeGreaterThan(300)
  })

  it("a raw program is bound to the device it was relocated for", async () => {
    const d1 = bringUpSim(1)
    const other = bringUpSim(1)
    const p = await Effect.runPromise(loadRawXdpProgram(simRawHwMetadata(), d1, simBtf(1)))
    const bad = await Effect.runPromiseExit(attachXdp({ ...other, ifindex: 9 }, p))
    expect(bad).toMatchObject(Exit.fail({ _tag: "ProgramAttachError", reason: "Program bound to different device" }))
  })
})

const prog = (fields: RawXdpProgramSpec["structs"][number]["fields"]): RawXdpProgramSpec => ({
  name: "probe_raw",
  structs: [{ name: "sim_rx_desc_wb___probe", fields }],
  instantiate: () => () => XdpAction.PASS
})

describe("relocation failures are typed and say what failed", () => {
  it("a required field the target lacks", async () => {
    const exit = await Effect.runPromiseExit(
      relocateRawProgram({ program: "probe_raw", structs: prog([{ name: "rss_hash", type: "u32" }, { name: "no_such_field", type: "u32" }]).structs, target: simBtf(1), driver: "sim" })
    )
    expect(exit).toMatchObject(Exit.fail({ _tag: "RawLoadError", program: "probe_raw", localType: "sim_rx_desc_wb___probe", accessStr: "0:1", field: "no_such_field", target: "sim" }))
    expect(JSON.stringify(exit)).toContain("no field matches in the target")
  })

  it("flow_mark is optional: absent on v1 (guarded branch dead), present on v2 and equal to the indirection entry", async () => {
    const structs = prog([{ name: "flow_mark", type: "u32", optional: true }, { name: "rss_hash", type: "u32" }]).structs
    const t1 = await Effect.runPromise(relocateRawProgram({ program: "p", structs, target: simBtf(1), driver: "sim" }))
    expect(t1.sim_rx_desc_wb!.flow_mark!.exists).toBe(false)
    const t2 = await Effect.runPromise(relocateRawProgram({ program: "p", structs, target: simBtf(2), driver: "sim" }))
    expect(t2.sim_rx_desc_wb!.flow_mark!.byteOffset).toBe(28)
  })

  it("a wrong type size", async () => {
    const exit = await Effect.runPromiseExit(relocateRawProgram({ program: "probe_raw", structs: prog([{ name: "rss_hash", type: "u16" }]).structs, target: simBtf(1), driver: "sim" }))
    expect(exit).toMatchObject(
      Exit.fail({ _tag: "RawLoadError", field: "rss_hash", accessStr: "0:0", reason: "wrong type size: target field is 4 bytes, declared u16 (2 bytes)" })
    )
  })

  it("ambiguous flavors in the target", async () => {
    const base = kernelBaseBtf()
    const b = new BtfBuilder(base.btf)
    const u32 = findByName(base.btf, "__u32", BtfKind.Typedef)!
    b.addStruct("sim_rx_desc_wb", 32, [{ name: "rss_hash", type: u32, bitOffset: 0 }])
    b.addStruct("sim_rx_desc_wb___other", 32, [{ name: "rss_hash", type: u32, bitOffset: 96 }])
    const built = b.build()
    if (Result.isFailure(built)) throw built.failure
    const target: DriverBtf = {
      base: base.btf,
      baseBytes: base.bytes,
      split: built.success.btf,
      splitBytes: built.success.bytes,
      structs: { rxDesc: "sim_rx_desc_wb", xdpBuff: "x", descMember: "d" }
    }
    const exit = await Effect.runPromiseExit(relocateRawProgram({ program: "probe_raw", structs: prog([{ name: "rss_hash", type: "u32" }]).structs, target, driver: "ambiguous" }))
    expect(exit).toMatchObject(Exit.fail({ _tag: "RawLoadError", program: "probe_raw", localType: "sim_rx_desc_wb___probe", accessStr: "0:0", target: "ambiguous" }))
    expect(JSON.stringify(exit)).toContain("field offset ambiguity: 96 != 0") // libbpf prints bit offsets
  })

  it("a driver that publishes no BTF", async () => {
    const exit = await Effect.runPromiseExit(relocateRawProgram({ program: "p", structs: prog([]).structs, target: undefined, driver: "nobtf" }))
    expect(exit).toMatchObject(Exit.fail({ _tag: "RawLoadError", reason: "driver nobtf publishes no BTF" }))
  })
})

void Errno
