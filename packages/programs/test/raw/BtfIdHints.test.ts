/**
 * Jesper's per-packet BTF-id hints (issue 5): the sim driver writes xdp_hints_sim_v1 / _v2 ending
 * in their BTF id (u32, or RFCv2's u64 object+type id) before data; the program relocated against
 * the hints BTF switches on the id. Values == kfunc == truth; the program follows a runtime layout
 * switch; the ids it switches on are the ones bpftool reads from the BTF; discovery walks
 * `union metadata_hints_avail`.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  attachXdp,
  bringUp,
  builtinCorpus,
  decodeDriverConfig,
  expectedRx,
  type LoadedXdpProgram,
  RxTimestampOut,
  SimulatedTaiClock
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { METADATA_HINTS_AVAIL, SimBtfIdHintsMode, type SimBtfIdHintsState, type SimNetDevice, simHintsBtf } from "@devtx/drivers-sim/internals"
import { loadBound } from "@devtx/kfuncs"
import {
  BtfIdHintsCounters,
  decodeXdpMeta,
  discoverHintStructs,
  HwMetadataCounters,
  type HwMetadataRecord,
  hwMetadataProgram,
  loadBtfIdHintsProgram,
  XdpMeta
} from "@devtx/programs"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"

const corpus = builtinCorpus()
const frames = corpus.map((f) => f.bytes)
const CONFIG = { layoutVersion: 2, csumComplete: false }

/**
 * Run hw-metadata (kfunc) or the BTF-id program on the sim; for the latter the driver writes the
 * hints itself (config btfIdWidth; the mode starts OFF here and `switchAt(i)` sets it through the
 * device's state before frame i — a runtime layout change).
 */
const run = (style: "kfunc" | "btf-id", idWidth: 4 | 8, switchAt: (i: number, st: SimBtfIdHintsState) => void, counters = new BtfIdHintsCounters(), config: Record<string, unknown> = CONFIG) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ...config, btfIdWidth: idWidth })
        const dev = (yield* bringUp(driver, cfg, { ifname: "sim0", ifindex: 2 })) as SimNetDevice
        const clock = new SimulatedTaiClock(395812102, 3548983808, 2500)
        const user = new RxTimestampOut()
        const hb = simHintsBtf(idWidth)
        const st = dev.btfIdHints
        expect([st.v1TypeId, st.v2TypeId, st.btfObjId, st.idWidth]).toEqual([hb.typeIds.v1, hb.typeIds.v2, hb.btfObjId, idWidth])
        let prog: LoadedXdpProgram
        if (style === "kfunc") prog = yield* loadBound(hwMetadataProgram({}, new HwMetadataCounters()), dev, { mode: "dev-bound", clock })
        else prog = yield* loadBtfIdHintsProgram(dev, hb, idWidth, clock, counters)
        yield* attachXdp(dev, prog)
        const out: Array<{ index: number; meta: HwMetadataRecord | null; hwtstamp: bigint }> = []
        let current = -1
        dev.stack = (skb, memory) => {
          clock.read(user)
          const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength)
          out.push({
            index: current,
            meta: skb.metaLen >= XdpMeta.SIZE ? decodeXdpMeta(view, skb.dataAddr - XdpMeta.SIZE) : null,
            hwtstamp: (BigInt(skb.hwtstampHi) << 32n) | BigInt(skb.hwtstampLo)
          })
        }
        for (let i = 0; i < frames.length; i++) {
          switchAt(i, st)
          current = i
          dev.hwReceive(frames[i]!, 0, frames[i]!.length)
          while (dev.napiPoll(0, 64) > 0) {}
        }
        return { out, st }
      })
    )
  )

describe("per-packet BTF-id hints on drivers-sim", () => {
  for (const idWidth of [4, 8] as const)
    for (const rxTimestamp of ["all", "none"] as const)
    it(`${idWidth === 4 ? "RFC v1 u32 btf_id" : "RFCv2 u64 btf_full_id"}, layout chosen per packet (rx_filter ${rxTimestamp}: ${rxTimestamp === "all" ? "v2" : "v1"}): == kfunc == truth on every frame`, async () => {
      const counters = new BtfIdHintsCounters()
      const config = { ...CONFIG, rxTimestamp }
      const k = await run("kfunc", idWidth, () => {}, undefined, config)
      const h = await run("btf-id", idWidth, (i, st) => {
        if (i === 0) st.mode = SimBtfIdHintsMode.PER_PACKET
      }, counters, config)
      expect(h.out.length).toBeGreaterThan(300)
      expect(h.out).toEqual(k.out)
      expect(counters.unknownLayout).toBe(0)
      // i40e's rule: the timestamp layout only for a stamped packet
      expect(rxTimestamp === "all" ? counters.v2 : counters.v1).toBe(h.out.length)
      const sem = driver.rxSemantics(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ...config })))
      let hashTruth = 0
      for (const p of h.out) {
        const f = corpus[p.index]!
        const exp = expectedRx(f.truth, f.bytes, sem)
        const m = p.meta!
        expect([p.index, m.vlanProto === null ? m.vlanErr : [m.vlanProto, m.vlanTci]]).toEqual([p.index, exp.vlan.rc === 0 ? [exp.vlan.proto, exp.vlan.tci] : exp.vlan.rc])
        expect([p.index, m.ipSummed === null ? m.cksumErr : [m.ipSummed, m.cksum, m.cksumLevel]]).toEqual([
          p.index,
          exp.csum.rc === 0 ? [exp.csum.ipSummed, exp.csum.cksum, exp.csum.level] : exp.csum.rc
        ])
        if (m.rxHash === null ? m.rxHashErr === exp.hash.rc : exp.hash.rc === 0 && m.rxHash === exp.hash.hash && m.rxHashType === exp.hash.type) hashTruth++
        if (m.rxTimestamp !== null) expect(BigInt(m.rxTimestamp)).toBe(p.hwtstamp)
      }
      expect(hashTruth).toBe(h.out.length)
    })

  it("follows a runtime layout switch v1 -> v2 -> v1 (ethtool-style): v1 frames lose only the timestamp", async () => {
    const counters = new BtfIdHintsCounters()
    const third = Math.floor(frames.length / 3)
    const k = await run("kfunc", 4, () => {})
    const h = await run("btf-id", 4, (i, st) => {
      st.mode = i < third || i >= 2 * third ? SimBtfIdHintsMode.V1 : SimBtfIdHintsMode.V2
    }, counters)
    expect(h.st.writtenV1).toBeGreaterThan(0)
    expect(h.st.writtenV2).toBeGreaterThan(0)
    expect([counters.v1, counters.v2]).toEqual([h.st.writtenV1, h.st.writtenV2])
    let lost = 0
    h.out.forEach((p, i) => {
      const km = k.out[i]!.meta!
      const inV2 = p.index >= third && p.index < 2 * third
      if (inV2 || km.rxTimestamp === null) expect([p.index, p.meta]).toEqual([p.index, km])
      else {
        lost++
        expect(p.meta).toEqual({ ...km, hintValid: km.hintValid & ~1, rxTimestamp: null, rxTimestampSec: 0, rxTimestampHi: 0, rxTimestampLo: 0, rxTimestampErr: -61 })
      }
    })
    expect(lost).toBeGreaterThan(0)
  })

  it("an id no case knows is counted and passed without a record, never decoded", async () => {
    const counters = new BtfIdHintsCounters()
    const h = await run("btf-id", 8, (i, st) => {
      if (i === 0) {
        st.mode = SimBtfIdHintsMode.V1
        ;(st as { v1TypeId: number }).v1TypeId = 9999
      }
    }, counters)
    expect(counters.unknownLayout).toBe(h.out.length)
    expect(h.out.every((p) => p.meta === null)).toBe(true)
  })

  it("discovery walks union metadata_hints_avail; the ids are the ones bpftool reads from the split BTF", () => {
    const hb = simHintsBtf(4)
    const found = discoverHintStructs(hb.split)
    if (Result.isFailure(found)) throw found.failure
    expect(found.success.map((s) => [s.member, s.name, s.size])).toEqual([
      ["sim_v1", "xdp_hints_sim_v1", 24],
      ["sim_v2", "xdp_hints_sim_v2", 36]
    ])
    expect(found.success.map((s) => s.typeId)).toEqual([hb.typeIds.v1, hb.typeIds.v2])
    expect(discoverHintStructs(simHintsBtf(8).split)).toMatchObject(Result.succeed([{ size: 28 }, { size: 40 }]))
    const none = discoverHintStructs(hb.split, "xdp_hints_union")
    expect(none).toMatchObject(Result.fail({ _tag: "HintsDiscoveryError", unionName: "xdp_hints_union", typeId: 0 }))
    expect(METADATA_HINTS_AVAIL).toBe("metadata_hints_avail")
    if (spawnSync("sh", ["-c", "command -v bpftool"]).status !== 0) return
    const dir = mkdtempSync(join(tmpdir(), "devtx-hints-"))
    writeFileSync(join(dir, "base.btf"), hb.baseBytes)
    writeFileSync(join(dir, "split.btf"), hb.splitBytes)
    const raw = execFileSync("bpftool", ["btf", "dump", "file", join(dir, "split.btf"), "-B", join(dir, "base.btf")], { encoding: "utf8" })
    const idOf = (name: string, kind: string) => Number(new RegExp(`^\\[(\\d+)\\] ${kind} '${name}' size=(\\d+)`, "m").exec(raw)?.[1])
    expect([idOf("xdp_hints_sim_v1", "STRUCT"), idOf("xdp_hints_sim_v2", "STRUCT"), idOf("metadata_hints_avail", "UNION")]).toEqual([
      hb.typeIds.v1,
      hb.typeIds.v2,
      hb.typeIds.union
    ])
    // the id is the last member, ending at the struct's end (= data)
    expect(raw).toMatch(/'btf_id' type_id=\d+ bits_offset=128/)
  })
})
