/**
 * ice RX: the packet-type table against the kernel's layout, every corpus frame's ptype and hash
 * type against an independent classification of its ground truth, VLAN corner cases, ring wrap,
 * and configuration errors.
 */
import { builtinCorpus, decodeDriverConfig, Errno, XdpAction } from "@devtx/core"
import {
  driver,
  type IceNetDevice,
  LIBIE_RX_PT_LUT,
  LIBIE_RX_PT_NUM,
  libieRxPtParse,
  ptHashType,
  ptInnerProt,
  ptOuterIp,
  ptPayloadLayer,
  ptTunnelType
} from "@devtx/drivers-ice"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { runIce } from "./IceProbe.js"
import { eth, ipv4, l4, pad60, A4, B4 } from "./IceTestFrames.js"

describe("libie_rx_pt_lut", () => {
  it("has LIBIE_RX_PT_NUM = 154 entries, 130 of them used, and anything >= 154 parses as entry 0 (all zero)", () => {
    expect(LIBIE_RX_PT_NUM).toBe(154)
    expect(LIBIE_RX_PT_LUT.length).toBe(154)
    expect([...LIBIE_RX_PT_LUT].filter((w) => w !== 0).length).toBe(130)
    expect([libieRxPtParse(0), libieRxPtParse(154), libieRxPtParse(1023)]).toEqual([0, 0, 0])
  })

  it("matches the reference's examples (descriptors.md §2.3)", () => {
    const ex: Array<[number, number]> = [[24, 0x29], [26, 0x19], [23, 0x01], [22, 0x01], [28, 0x109], [90, 0x2a], [92, 0x1a], [1, 0]]
    for (const [pt, ht] of ex) expect([pt, ptHashType(libieRxPtParse(pt))]).toEqual([pt, ht])
  })

  it("follows the LIBIE_RX_PT_IP layout: unused slots, outer IP by range, tunnel types by block", () => {
    const unused = [0, 4, 5, 8, 9, 11]
    for (const b of [22, 88]) {
      unused.push(b + 3) // RAW: frag, L3, UDP, (unused)
      for (const blk of [7, 14, 22, 29, 37, 44, 52, 59]) unused.push(b + blk + 3)
    }
    for (let p = 0; p < 154; p++) expect([p, LIBIE_RX_PT_LUT[p] === 0]).toEqual([p, unused.includes(p)])
    for (let p = 22; p < 154; p++) {
      const pt = libieRxPtParse(p)
      if (pt === 0) continue
      expect([p, ptOuterIp(pt), ptHashType(pt) & 3]).toEqual([p, p < 88 ? 1 : 2, p < 88 ? 1 : 2])
      const rel = (p - 22) % 66
      const tun = rel < 7 ? 0 : rel < 21 ? 1 : rel < 36 ? 2 : rel < 51 ? 3 : 4
      expect([p, ptTunnelType(pt)]).toEqual([p, tun])
      // L4 bit exactly when the payload is L4, and then the inner protocol's bit
      const l4bit = { 1: 0x20, 2: 0x10, 3: 0x40, 4: 0x100 }[ptInnerProt(pt)] ?? 0
      expect([p, ptHashType(pt) & ~3]).toEqual([p, ptPayloadLayer(pt) === 3 ? 0x8 | l4bit : 0])
    }
    // L2 entries carry payload L2 and no hash type; 2 is the timesync entry (inner_prot TIMESYNC = 5)
    expect([1, 3, 6, 7, 10].map((p) => [ptPayloadLayer(libieRxPtParse(p)), ptHashType(libieRxPtParse(p))])).toEqual(Array(5).fill([1, 0]))
    expect(ptInnerProt(libieRxPtParse(2))).toBe(5)
    for (let p = 12; p < 22; p++) expect([ptPayloadLayer(libieRxPtParse(p)), ptHashType(libieRxPtParse(p))]).toEqual([2, 0])
  })
})

/** Independent of the parser: the ptype the table's numbering gives the frame's truth. */
const expectedPtype = (t: ReturnType<typeof builtinCorpus>[number]["truth"]): number => {
  if (t.l3 === "arp") return 11
  const base = t.l3 === "ipv4" ? 22 : 88
  if (t.fragment !== "none") return base
  return base + ({ udp: 2, tcp: 4, sctp: 5, icmp: 6, icmpv6: 6 } as Record<string, number>)[t.l4]!
}
/** descriptors.md §2.3: ptype -> enum xdp_rss_hash_type */
const REFERENCE_HASH_TYPE: Record<number, number> = { 11: 0, 22: 0x1, 24: 0x29, 26: 0x19, 27: 0x49, 28: 0x109, 88: 0x2, 90: 0x2a, 92: 0x1a, 93: 0x4a, 94: 0x10a }

describe("the corpus through the ice hardware model", () => {
  it("every frame gets the ptype of its truth, and the hash hint reports that ptype's table hash type", async () => {
    const corpus = builtinCorpus().filter((f) => !f.truth.isRunt && f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= 1500)
    const ptypes: number[] = []
    const cfg = await Effect.runPromise(decodeDriverConfig(driver, driver.defaultConfig))
    const dev = driver.createDevice(cfg, { ifname: "ice0", ifindex: 2 }) as IceNetDevice
    // capture each descriptor before the driver polls it
    for (const f of corpus) {
      expect(dev.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
      const q = dev.queues[0]!
      ptypes.push(q.ring.view.getUint16(((q.hwHead - 1) & q.ring.mask) * 32 + 2, true) & 0x3ff)
      while (dev.napiPoll(0, 64) > 0) {}
    }
    const got = new Set<number>()
    corpus.forEach((f, i) => {
      expect([f.index, f.kind, ptypes[i]]).toEqual([f.index, f.kind, expectedPtype(f.truth)])
      got.add(ptypes[i]!)
    })
    expect([...got].sort((a, b) => a - b)).toEqual([11, 22, 24, 26, 27, 28, 88, 90, 92, 93, 94])
    const { seen: s2 } = await runIce(corpus.map((f) => f.bytes), {})
    s2.forEach((s, i) => {
      const pt = ptypes[i]!
      if (s.hash === 0) expect([corpus[i]!.index, s.hashType]).toEqual([corpus[i]!.index, REFERENCE_HASH_TYPE[pt]])
      else expect([corpus[i]!.index, s.hash, pt]).toEqual([corpus[i]!.index, -Errno.ENODATA, 11])
    })
  })
})

describe("ice VLAN corner cases", () => {
  const tagged = (tci: number) => pad60(eth(0x0800, [[0x8100, tci]]).concat(ipv4(A4, B4, 6, l4(6, A4, B4, 1, 2, []))))
  it("a TCI of 0 is 'no tag' for the hint (ice_get_vlan_tci returns 0)", async () => {
    const { seen } = await runIce([tagged(0)], {})
    expect([seen[0]!.vlan, seen[0]!.skb!.vlanPresent]).toEqual([-Errno.ENODATA, false])
  })
  it("a priority tag (VID 0, PCP 5): the hint reports it, ice_receive_skb does not put it on the skb", async () => {
    const { seen } = await runIce([tagged(0xa000)], {})
    expect([seen[0]!.vlan, seen[0]!.vlanTci, seen[0]!.skb!.vlanPresent]).toEqual([0, 0xa000, false])
  })
  it("SVM writes l2tag1 + L2TAG1P, DVM l2tag2_2nd + L2TAG2P; both hints read the same TCI", async () => {
    for (const [mode, field, bit] of [["single", 10, 0x2000], ["double", 22, 0x0800]] as const) {
      const { dev, seen } = await runIce([tagged(0x6123)], { vlanMode: mode }, { pollBetween: false })
      void dev
      expect([mode, seen[0]!.vlan, seen[0]!.vlanProto, seen[0]!.vlanTci]).toEqual([mode, 0, 0x8100, 0x6123])
      const q = dev.queues[0]!
      // the descriptor after the poll was re-posted: status_error0 cleared, the rest left as written
      expect(q.ring.view.getUint16(field, true)).toBe(0x6123)
      expect(q.ring.view.getUint16(mode === "single" ? 8 : 16, true) & bit).toBe(mode === "single" ? 0 : bit)
    }
  })
})

describe("ice rings", () => {
  const corpus = builtinCorpus().filter((f) => !f.truth.isRunt && f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= 1500 && f.truth.vlans.length === 0)

  it("wraps a 64-entry ring many times with no lost or duplicated completion", async () => {
    const frames = Array.from({ length: 500 }, (_, i) => corpus[i % corpus.length]!.bytes)
    const res = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64 })
          const dev = driver.createDevice(cfg, { ifname: "ice0", ifindex: 2 })
          const got: number[][] = []
          dev.stack = (skb, mem) => got.push([...mem.subarray(skb.dataAddr, skb.dataAddr + skb.len)])
          const rc: number[] = []
          let k = 0
          for (const f of frames) {
            rc.push(dev.hwReceive(f, 0, f.length))
            if (++k % 40 === 0) while (dev.napiPoll(0, 7) > 0) {}
          }
          while (dev.napiPoll(0, 7) > 0) {}
          return { rc, got, pending: dev.rxPending(0), stats: dev.rxStats }
        })
      )
    )
    expect(res.rc.every((r) => r === 0)).toBe(true)
    expect(res.got.length).toBe(500)
    res.got.forEach((b, i) => expect([i, b]).toEqual([i, [...frames[i]!]]))
    expect([res.pending, res.stats.packets, res.stats.rxMissed]).toEqual([0, 500, 0])
  })

  it("a full ring misses frames (-ENOBUFS) and never overwrites an unconsumed descriptor", async () => {
    const frames = corpus.slice(0, 100).map((f) => f.bytes)
    const { rc, seen, dev } = await runIce(frames, { ringSize: 64 }, { pollBetween: false, verdict: XdpAction.DROP })
    expect(rc.slice(0, 64).every((r) => r === 0)).toBe(true)
    expect(rc.slice(64).every((r) => r === -Errno.ENOBUFS)).toBe(true)
    expect([dev.rxStats.rxMissed, seen.length]).toEqual([36, 64])
  })

  it("NETIF_F_RXHASH off: the LUT is cleared (all frames on queue 0) but the hint still has the hash", async () => {
    const frames = corpus.slice(0, 40).map((f) => f.bytes)
    const on = await runIce(frames, { rxQueues: 4, ringSize: 64 })
    const off = await runIce(frames, { rxQueues: 4, ringSize: 64, rxhash: false })
    expect(new Set(on.dev.queues.map((q) => q.ring.consumer > 0)).has(true)).toBe(true)
    expect(off.dev.queues.map((q) => q.ring.consumer)).toEqual([40, 0, 0, 0])
    expect(off.seen.filter((s) => s.hash === 0).length).toBe(on.seen.filter((s) => s.hash === 0).length)
    expect(off.seen.every((s) => s.skb!.hash === 0)).toBe(true)
  })
})

describe("ice configuration", () => {
  const bad = async (over: Record<string, unknown>) => JSON.stringify(await Effect.runPromiseExit(decodeDriverConfig(driver, { ...driver.defaultConfig, ...over })))
  it("bad values are a typed DriverConfigError naming the offending value", async () => {
    const key40 = Array(40).fill("ab").join(":")
    const k = await bad({ rssKey: key40 })
    expect(k).toContain("DriverConfigError")
    expect(k).toContain(key40)
    expect(await bad({ vlanStrip: "stag" })).toContain("vlanMode 'single'")
    expect(await bad({ ringSize: 100 })).toContain("got 100")
    // literal fields: effect's Schema names the field and the allowed literals
    const mac = await bad({ mac: "e823" })
    expect(mac).toContain('\\"e810\\" | \\"e830\\"')
    expect(mac).toContain('"field":"mac"')
  })
  it("reports xdp-rx-metadata-features from the ops and xsk-features 0 (ice has no xsk_tx_metadata_ops)", async () => {
    const { dev } = await runIce([], {})
    expect([dev.xdpRxMetadataFeatures, dev.xskFeatures]).toEqual([15, 0])
    const { dev: d2 } = await runIce([], { xdpOps: ["timestamp", "hash", "vlan-tag"] })
    expect(d2.xdpRxMetadataFeatures).toBe(7)
  })
})
