/**
 * TLV (errno paths, holes-free deletion, a Map property, corrupt-area safety) and xdp_rx_meta
 * (flag bits as Jesper's V2 defines them, -ENOSPC without the area, XDP_MIN_HEADROOM, the skb
 * hash-type mapping of V2 patch 4/7).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { PktHashType, SkbRecord } from "../../src/hook/SkbRecord.js"
import { Errno } from "../../src/kernel/Errno.js"
import { XdpRssHashType } from "../../src/kernel/XdpRssHashType.js"
import { makeFrameArea } from "../../src/memory/FrameArea.js"
import { XdpBuff, xdpPrepareBuff } from "../../src/memory/XdpBuff.js"
import { RxHashOut, RxTimestampOut, RxVlanTagOut } from "../../src/metadata/RxMetadataOut.js"
import { xdpConvertBuffToFrame, XdpMemType } from "../../src/redirect/XdpFrame.js"
import { planHeadroom, type PlacementLayout } from "../../src/placement/HeadroomLayout.js"
import { MetaRegistry } from "../../src/placement/MetaRegistry.js"
import { tlvDel, tlvFind, tlvGet, tlvInit, tlvSet, tlvUsed } from "../../src/placement/datapath/Tlv.js"
import { SkbPlacementExt, xdpBuildSkbFromFrame } from "../../src/placement/datapath/XdpBuildSkbFromFrame.js"
import {
  loadRxHashFromBuff,
  loadRxTsFromShinfo,
  loadRxVlanTagFromBuff,
  storeRxHash,
  storeRxTs,
  storeRxTsInRxMeta,
  storeRxVlan,
  XDP_MIN_HEADROOM,
  XdpRxMetaFlags,
  xdpRxMetaPrepare
} from "../../src/placement/datapath/XdpRxMeta.js"

const val = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 11 + i * 3 + 5) & 0xff)

describe("TLV", () => {
  it("errno paths and holes-free deletion", () => {
    const b = new Uint8Array(32)
    const v = new DataView(b.buffer)
    tlvInit(v, 0)
    expect(tlvSet(b, v, 0, 32, 0, val(4, 1), 0, 4)).toBe(-Errno.EINVAL)
    expect(tlvSet(b, v, 0, 32, 256, val(4, 1), 0, 4)).toBe(-Errno.EINVAL)
    expect(tlvSet(b, v, 0, 32, 1, val(8, 1), 0, 8)).toBe(0)
    expect(tlvSet(b, v, 0, 32, 2, val(4, 2), 0, 4)).toBe(0)
    expect(tlvSet(b, v, 0, 32, 3, val(8, 3), 0, 8)).toBe(0) // 2 + 10 + 6 + 10 = 28
    expect(tlvSet(b, v, 0, 32, 4, val(4, 4), 0, 4)).toBe(-Errno.ENOSPC)
    expect(tlvGet(b, v, 0, 32, 9, new Uint8Array(8), 0, 8)).toBe(-Errno.ENOENT)
    expect(tlvGet(b, v, 0, 32, 1, new Uint8Array(8), 0, 4)).toBe(-Errno.ENOSPC)
    expect(tlvDel(b, v, 0, 32, 9)).toBe(-Errno.ENOENT)
    expect(tlvDel(b, v, 0, 32, 1)).toBe(0)
    expect(tlvUsed(v, 0)).toBe(16) // compacted: no hole left
    expect(b[2]).toBe(2) // type 2 moved to the front
    expect(tlvSet(b, v, 0, 32, 4, val(4, 4), 0, 4)).toBe(0)
    const out = new Uint8Array(8)
    expect(tlvGet(b, v, 0, 32, 3, out, 0, 8)).toBe(8)
    expect(out).toEqual(val(8, 3))
  })

  it("a corrupt area is reported (-EFAULT), never read past", () => {
    const b = new Uint8Array(16)
    const v = new DataView(b.buffer)
    v.setUint16(0, 200, true)
    expect(tlvFind(b, v, 0, 16, 1)).toBe(-Errno.EFAULT)
    v.setUint16(0, 4, true)
    b[2] = 1
    b[3] = 9 // record longer than `used`
    expect(tlvGet(b, v, 0, 16, 1, new Uint8Array(16), 0, 16)).toBe(-Errno.EFAULT)
  })

  it("random sequences against a Map", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("set", "get", "del"), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 12 }), fc.nat(255)), { maxLength: 60 }),
        (ops) => {
          const cap = 40
          const b = new Uint8Array(cap + 8).fill(0x5a)
          const v = new DataView(b.buffer)
          tlvInit(v, 0)
          const ref = new Map<number, Uint8Array>()
          const used = () => [...ref.values()].reduce((a, x) => a + 2 + x.length, 0)
          for (const [op, t, len, seed] of ops) {
            if (op === "set") {
              const old = ref.get(t)
              const fits = 2 + used() - (old ? 2 + old.length : 0) + 2 + len <= cap
              const rc = tlvSet(b, v, 0, cap, t, val(len, seed), 0, len)
              expect(rc).toBe(old !== undefined && old.length === len ? 0 : fits ? 0 : -Errno.ENOSPC)
              if (rc === 0) ref.set(t, val(len, seed))
            } else if (op === "get") {
              const out = new Uint8Array(16)
              const rc = tlvGet(b, v, 0, cap, t, out, 0, 16)
              const x = ref.get(t)
              expect(rc).toBe(x === undefined ? -Errno.ENOENT : x.length)
              if (x) expect(out.slice(0, x.length)).toEqual(x)
            } else {
              expect(tlvDel(b, v, 0, cap, t)).toBe(ref.delete(t) ? 0 : -Errno.ENOENT)
            }
            expect(tlvUsed(v, 0)).toBe(used())
            for (let i = cap; i < b.length; i++) expect(b[i]).toBe(0x5a)
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})

const layoutOf = (ts: "v2" | "ts-in-rx-meta"): PlacementLayout => {
  const l = planHeadroom({ rxMeta: ts, registry: false, tlvCapacity: 0, traits: "off" })
  if ("_tag" in l) throw l
  return l
}

describe("xdp_rx_meta", () => {
  const mkBuff = (headroom: number) => {
    const area = makeFrameArea({ frameCount: 1 })
    const x = new XdpBuff(area, { ifindex: 3, queueIndex: 0 })
    xdpPrepareBuff(x, 0, headroom, 60, 4096, true)
    xdpRxMetaPrepare(x)
    return x
  }

  it("flags are BIT(2..5) of xdp_buff.flags; XDP_MIN_HEADROOM is 192", () => {
    expect(XdpRxMetaFlags).toEqual({ META_AREA: 4, META_RX_HASH: 8, META_RX_VLAN: 16, META_RX_TS: 32 })
    expect(XDP_MIN_HEADROOM).toBe(192)
    expect(mkBuff(192).flags).toBe(XdpRxMetaFlags.META_AREA)
    expect(mkBuff(191).flags).toBe(0)
  })

  it("-ENOSPC for hash, VLAN (and the ts-in-rx-meta ts) without the area; V2's ts store always succeeds", () => {
    const x = mkBuff(128)
    expect(storeRxHash(x, 1, 2)).toBe(-Errno.ENOSPC)
    expect(storeRxVlan(x, 0x0081, 5)).toBe(-Errno.ENOSPC)
    expect(storeRxTsInRxMeta(x, 1, 2)).toBe(-Errno.ENOSPC)
    expect(storeRxTs(x, 1, 2)).toBe(0)
    expect(x.flags).toBe(XdpRxMetaFlags.META_RX_TS)
    expect(loadRxHashFromBuff(x, new RxHashOut())).toBe(-Errno.ENODATA)
  })

  it("stores land at offsetof(xdp_frame, rx_meta) = 40 and in skb_shared_info.hwtstamps (frame end - 320 + 16)", () => {
    const x = mkBuff(256)
    expect(storeRxHash(x, 0xdeadbeef, XdpRssHashType.TYPE_L4_IPV4_TCP)).toBe(0)
    expect(storeRxVlan(x, 0x0081, 0x2005)).toBe(0)
    expect(storeRxTs(x, 0x01020304, 0x05060708)).toBe(0)
    const v = x.area.view
    expect(v.getUint32(40, true)).toBe(0xdeadbeef)
    expect(v.getUint32(44, true)).toBe(XdpRssHashType.TYPE_L4_IPV4_TCP)
    expect([x.area.bytes[48], x.area.bytes[49]]).toEqual([0x81, 0x00]) // __be16 0x8100 in network order
    expect(v.getUint16(50, true)).toBe(0x2005)
    expect(v.getUint32(4096 - 320 + 16, true)).toBe(0x05060708)
    expect(v.getUint32(4096 - 320 + 20, true)).toBe(0x01020304)
    const h = new RxHashOut()
    const vl = new RxVlanTagOut()
    const ts = new RxTimestampOut()
    expect([loadRxHashFromBuff(x, h), h.hash, h.rssType]).toEqual([0, 0xdeadbeef, XdpRssHashType.TYPE_L4_IPV4_TCP])
    expect([loadRxVlanTagFromBuff(x, vl), vl.vlanProto, vl.vlanTci]).toEqual([0, 0x0081, 0x2005])
    expect([loadRxTsFromShinfo(x, ts), ts.hi, ts.lo]).toEqual([0, 0x01020304, 0x05060708])
  })

  it("the skb from the frame: L4 / L3 / NONE hash types, VLAN tag, hwtstamp", () => {
    const cases: Array<[number, number]> = [
      [XdpRssHashType.TYPE_L4_IPV6_UDP, PktHashType.L4],
      [XdpRssHashType.TYPE_L3_IPV4, PktHashType.L3],
      [XdpRssHashType.TYPE_L3_IPV6_EX, PktHashType.L3],
      [XdpRssHashType.TYPE_L2, PktHashType.NONE]
    ]
    for (const [t, want] of cases)
      for (const variant of ["v2", "ts-in-rx-meta"] as const) {
        const x = mkBuff(256)
        storeRxHash(x, 77, t)
        storeRxVlan(x, 0xa888, 0x0123)
        if (variant === "v2") storeRxTs(x, 9, 10)
        else storeRxTsInRxMeta(x, 9, 10)
        const f = xdpConvertBuffToFrame(x, XdpMemType.PAGE_POOL)
        const skb = new SkbRecord()
        const rc = xdpBuildSkbFromFrame(x.area.bytes, x.area.view, f, 0, 3, layoutOf(variant), new MetaRegistry("holes").table, skb, new SkbPlacementExt())
        expect(rc).toBe(0)
        expect([skb.hash, skb.hashType, skb.vlanPresent, skb.vlanProto, skb.vlanTci, skb.hwtstampHi, skb.hwtstampLo, skb.len, skb.dataAddr]).toEqual([
          77, want, true, 0x88a8, 0x0123, 9, 10, 60, 256
        ])
      }
  })
})
