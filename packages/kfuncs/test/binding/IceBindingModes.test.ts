/**
 * ice: the three kfunc binding modes give identical outputs over the whole corpus — generic,
 * dev-bound (ice_xdp_md_ops), inlined (code generated from iceInlineOps, IceInlineOps.ts) — on
 * several configurations: single and double VLAN mode (tag in l2tag1 vs l2tag2_2nd), C-tag and
 * S-tag stripping and none, switchdev (RXDID 6: no hash), E830 (the generic checksum), PTP off
 * (no cached PHC time), a PHC-cache worker running behind the clock and a stalled one. A property
 * test drives the generated bodies and the driver's functions with random descriptors and random
 * ring state (cached PHC time, vlan_proto, GCS flag, RXCSUM), reaching what the corpus cannot
 * (every rxdid, status-bit combination and ptype; an extension result of exactly 0).
 */
import { decodeDriverConfig, Errno, RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut, XdpChecksum, type XdpMetadataOpMember } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { createIceDevice, ICE_RX_FLAGS_RING_GCS, type IceConfig, iceInlineOps, IcePktCtx, iceXdpRxChecksum, iceXdpRxHash, iceXdpRxHwTs, iceXdpRxVlanTag } from "@devtx/drivers-ice/internals"
import { compileInlineOp, inlineOpSource, KfuncBindingModes } from "@devtx/kfuncs"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { countRc, runCorpus } from "./BindingProbe.js"

const ice = (o: Partial<IceConfig>) => {
  const cfg = Effect.runSync(decodeDriverConfig(iceDriver, { ...iceDriver.defaultConfig, ringSize: 64, ...o }))
  return createIceDevice(cfg, { ifname: "ice0", ifindex: 8 })
}

const configs: ReadonlyArray<[string, Partial<IceConfig>]> = [
  ["defaults (E810, single VLAN mode, C-tag strip)", {}],
  ["double VLAN mode, S-tag strip (tag in l2tag2_2nd)", { vlanMode: "double", vlanStrip: "stag" }],
  ["double VLAN mode, C-tag strip", { vlanMode: "double", vlanStrip: "ctag" }],
  ["switchdev (RXDID 6)", { switchdev: true }],
  ["E830 (generic checksum)", { mac: "e830" }],
  ["VLAN strip off, RXCSUM off, PTP off", { vlanStrip: "off", rxcsum: false, ptp: false }],
  ["PHC cache refreshed every 1 s while frames arrive 0.4 s apart (stamps both sides of the cache)", {
    phcTickNs: 400_000_000, phcCacheIntervalNs: "1000000000", phcStartNs: "4294000000"
  }],
  ["stalled PHC-cache worker (stale cache, wrong but identical extensions)", { phcTickNs: 100_000_000, phcCacheIntervalNs: "0" }]
]

describe("ice: generic == dev-bound == inlined over the corpus", () => {
  for (const [name, o] of configs) {
    it(name, () => {
      const results = KfuncBindingModes.map((m) => runCorpus(ice(o), m, 16))
      const [generic, devBound, inlined] = results
      expect(devBound!.rows.length).toBeGreaterThan(300)
      expect(generic!.rows).toEqual(devBound!.rows)
      expect(inlined!.rows).toEqual(devBound!.rows)
      expect(inlined!.inlined.length).toBe(4)
      const rows = devBound!.rows
      // the configurations reach the branches they are for
      if (o.switchdev) expect(countRc(rows, 3, -Errno.ENODATA)).toBe(rows.length)
      else expect(countRc(rows, 3, 0)).toBeGreaterThan(200)
      if (o.vlanStrip === "off") expect(countRc(rows, 6, -Errno.ENODATA)).toBe(rows.length)
      else expect(countRc(rows, 6, 0)).toBeGreaterThan(10)
      if (o.ptp === false) expect(countRc(rows, 0, -Errno.ENODATA)).toBe(rows.length)
      else expect(countRc(rows, 0, 0)).toBe(rows.length)
      if (o.mac === "e830") expect(rows.filter((r) => r[10] === XdpChecksum.COMPLETE).length).toBeGreaterThan(100)
    })
  }

  it("negative control: reading the tag from l2tag1 only (ignoring the VLAN mode) is caught in double VLAN mode", () => {
    const vlan = iceInlineOps.xmoRxVlanTag!
    const wrong = { ...iceInlineOps, xmoRxVlanTag: { cases: [vlan.cases[0]!, vlan.cases[1]!, vlan.cases[2]!, vlan.cases[5]!] } }
    const a = ice({ vlanMode: "double", vlanStrip: "stag" })
    Object.assign(a, { xdpMetadataInline: wrong })
    expect(runCorpus(a, "inlined", 16).rows).not.toEqual(runCorpus(ice({ vlanMode: "double", vlanStrip: "stag" }), "dev-bound", 16).rows)
  })

  it("the generated bodies read the ring's packet context as context words", () => {
    const ts = inlineOpSource(iceInlineOps, "xmoRxTimestamp")!
    expect(ts).toContain("Kext(S, (ctx.pktCtx?.cachedPhcHi >>> 0), (ctx.pktCtx?.cachedPhcLo >>> 0), v.getUint32(o + 28, true))")
    expect(ts).toContain("if ((S.hi | S.lo) === 0) { return -61; }")
    expect(inlineOpSource(iceInlineOps, "xmoRxVlanTag")).toContain("v.getUint16(o + 22, true)")
  })
})

// ---- property: random descriptors and ring state ----------------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffffffff })
const pktArb = fc.record({
  cachedPhcHi: fc.oneof(fc.constant(0), u32),
  cachedPhcLo: fc.oneof(fc.constant(0), u32),
  vlanProto: fc.constantFrom(0, 0x0081, 0xa888),
  gcs: fc.boolean(),
  rxcsum: fc.boolean()
})
const descArb = fc
  .record({ bytes: fc.uint8Array({ minLength: 32, maxLength: 32 }), rxdid2: fc.boolean(), zeroTs: fc.boolean() })
  .map(({ bytes, rxdid2, zeroTs }) => {
    if (rxdid2) bytes[0] = 2 // the common profile, so its branches are well covered
    if (zeroTs) bytes.fill(0, 12, 16)
    return bytes
  })

describe("ice: generated bodies == driver functions on random descriptors and ring state", () => {
  it("every op", () => {
    const fns: Record<XdpMetadataOpMember, (ctx: never, out: never) => number> = {
      xmoRxTimestamp: iceXdpRxHwTs as never,
      xmoRxHash: iceXdpRxHash as never,
      xmoRxVlanTag: iceXdpRxVlanTag as never,
      xmoRxChecksum: iceXdpRxChecksum as never
    }
    const ops = ["xmoRxTimestamp", "xmoRxHash", "xmoRxVlanTag", "xmoRxChecksum"] as const
    const compiled = ops.map((op) => {
      const r = compileInlineOp(iceInlineOps, op, iceInlineOps[op]!)
      if (Result.isFailure(r)) throw r.failure
      return r.success
    })
    const run = (bytes: Uint8Array, p: typeof pktArb extends fc.Arbitrary<infer T> ? T : never) => {
      const pktCtx = new IcePktCtx()
      pktCtx.cachedPhcHi = p.cachedPhcHi
      pktCtx.cachedPhcLo = p.cachedPhcLo
      pktCtx.vlanProto = p.vlanProto
      pktCtx.rxqFlags = p.gcs ? ICE_RX_FLAGS_RING_GCS : 0
      pktCtx.rxcsum = p.rxcsum
      const ctx = { desc: new DataView(bytes.buffer, bytes.byteOffset, 32), descOff: 0, pktCtx }
      ops.forEach((op, i) => {
        const a = [new RxTimestampOut(), new RxHashOut(), new RxVlanTagOut(), new RxChecksumOut()][i]!
        const b = [new RxTimestampOut(), new RxHashOut(), new RxVlanTagOut(), new RxChecksumOut()][i]!
        const ra = fns[op](ctx as never, a as never)
        const rb = compiled[i]!(ctx as never, b as never)
        expect({ rc: rb, ...b }).toEqual({ rc: ra, ...a })
      })
    }
    fc.assert(fc.property(descArb, pktArb, (d, p) => run(d, p)), { numRuns: 4000 })
    // an extension result of exactly 0 (cached = 5, ts_high = 0): -ENODATA in both
    const d = new Uint8Array(32)
    d[19] = 1
    run(d, { cachedPhcHi: 0, cachedPhcLo: 5, vlanProto: 0, gcs: false, rxcsum: true })
    const out = new RxTimestampOut()
    expect(compiled[0]!({ desc: new DataView(d.buffer), descOff: 0, pktCtx: Object.assign(new IcePktCtx(), { cachedPhcLo: 5 }) } as never, out as never)).toBe(
      -Errno.ENODATA
    )
  })
})
