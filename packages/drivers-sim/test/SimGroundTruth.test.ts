/**
 * The reference NIC against the frames' ground truth. The truth comes from the corpus
 * generator's spec (FrameTruth: what it built), not from parsing the bytes; the expected values
 * below restate the kernel API's meaning independently of the sim's code:
 *   hash  = Toeplitz(key, src | dst | [sport | dport]) with the named xdp_rss_hash_type
 *   vlan  = the outermost tag (stripping on for both TPIDs): proto network order, tci host order
 *   ts    = the PHC at arrival (start + tick per offered frame)
 *   csum  = UNNECESSARY when an unfragmented TCP/UDP/SCTP checksum (and any IPv4 header sum) is good
 * and the skb path must agree with the kfuncs.
 */
import {
  builtinCorpus,
  type CorpusFrame,
  csumFold,
  decodeDriverConfig,
  Errno,
  MICROSOFT_RSS_KEY,
  ntohs,
  PktHashType,
  RxChecksumOut,
  RxHashOut,
  RxTimestampOut,
  RxVlanTagOut,
  SkbChecksum,
  toeplitzHash,
  toeplitzKey,
  XdpAction,
  XdpChecksum,
  type XdpProgramSpec,
  XdpRssHashType
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import type { SimConfig } from "@devtx/drivers-sim/internals"
import { type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import { attachXdp, bringUp } from "@devtx/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

interface Seen {
  index: number
  ts: number
  tsHi: number
  tsLo: number
  hash: number
  hashVal: number
  hashType: number
  vlan: number
  vlanProto: number
  vlanTci: number
  csum: number
  ipSummed: number
  cksum: number
  cksumLevel: number
  skb: { hash: number; hashType: number; vlanPresent: boolean; vlanTci: number; vlanProto: number; ipSummed: number; csum: number; tsHi: number; tsLo: number }
}

/** A probe program calling all four kfuncs; records into `seen[current]`. */
const probe = (seen: Seen[], current: () => number): XdpProgramSpec => ({
  name: "probe",
  kfuncs: ["rxTimestamp", "rxHash", "rxVlanTag", "rxChecksum"],
  instantiate: ({ kfuncs: k }) => {
    const t = new RxTimestampOut()
    const h = new RxHashOut()
    const v = new RxVlanTagOut()
    const c = new RxChecksumOut()
    return (ctx) => {
      const s = {
        index: current(),
        ts: k.rxTimestamp(ctx, t),
        tsHi: t.hi,
        tsLo: t.lo,
        hash: k.rxHash(ctx, h),
        hashVal: h.hash,
        hashType: h.rssType,
        vlan: k.rxVlanTag(ctx, v),
        vlanProto: v.vlanProto,
        vlanTci: v.vlanTci,
        csum: k.rxChecksum(ctx, c),
        ipSummed: c.ipSummed,
        cksum: c.cksum,
        cksumLevel: c.cksumLevel
      } as Seen
      seen.push(s)
      return XdpAction.PASS
    }
  }
})

const run = (frames: ReadonlyArray<CorpusFrame>, overrides: Partial<SimConfig>, mode: KfuncBindingMode = "dev-bound") =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const config = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ...overrides })
        const dev = yield* bringUp(driver, config, { ifname: "sim0", ifindex: 7 })
        const seen: Seen[] = []
        let current = -1
        const prog = yield* loadBound(probe(seen, () => current), dev, { mode })
        yield* attachXdp(dev, prog)
        dev.stack = (skb) => {
          seen[seen.length - 1]!.skb = {
            hash: skb.hash,
            hashType: skb.hashType,
            vlanPresent: skb.vlanPresent,
            vlanTci: skb.vlanTci,
            vlanProto: skb.vlanProto,
            ipSummed: skb.ipSummed,
            csum: skb.csum,
            tsHi: skb.hwtstampHi,
            tsLo: skb.hwtstampLo
          }
        }
        const rc: number[] = []
        for (const f of frames) {
          current = f.index
          rc.push(dev.hwReceive(f.bytes, 0, f.bytes.length))
          for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        }
        return { seen, rc, dev }
      })
    )
  )

const hexBytes = (h: string): number[] => h.match(/../g)!.map((b) => Number.parseInt(b, 16))
const key = toeplitzKey(MICROSOFT_RSS_KEY)

/** Expected (hash, type) from the truth; null when the NIC computes no hash. */
const expectedRss = (f: CorpusFrame): { hash: number; type: number } | null => {
  const t = f.truth
  if (t.l3 === "arp" || t.srcAddr === null || t.dstAddr === null) return null
  const v4 = t.l3 === "ipv4"
  const ports = t.fragment === "none" && (t.l4 === "tcp" || t.l4 === "udp" || t.l4 === "sctp")
  const input = [...hexBytes(t.srcAddr), ...hexBytes(t.dstAddr)]
  if (ports) input.push(t.srcPort! >> 8, t.srcPort! & 0xff, t.dstPort! >> 8, t.dstPort! & 0xff)
  const dyn = v4 ? t.hasIpOptions : t.ipv6ExtHeaders.length > 0
  let type: number
  if (ports) {
    const l4 = t.l4 === "tcp" ? XdpRssHashType.L4_TCP : t.l4 === "udp" ? XdpRssHashType.L4_UDP : XdpRssHashType.L4_SCTP
    type = (v4 ? XdpRssHashType.L3_IPV4 : XdpRssHashType.L3_IPV6) | XdpRssHashType.L4 | l4
    if (!v4 && dyn) type |= XdpRssHashType.L3_DYNHDR
  } else {
    type = v4 ? (dyn ? XdpRssHashType.TYPE_L3_IPV4_OPT : XdpRssHashType.TYPE_L3_IPV4) : dyn ? XdpRssHashType.TYPE_L3_IPV6_EX : XdpRssHashType.TYPE_L3_IPV6
  }
  return { hash: toeplitzHash(key, Uint8Array.from(input), 0, input.length), type }
}

const expectedCsum = (f: CorpusFrame): number | null => {
  const t = f.truth
  if (t.l3 === "arp") return null
  const verified =
    t.fragment === "none" &&
    (t.l4 === "tcp" || t.l4 === "udp" || t.l4 === "sctp") &&
    (t.l4Checksum === "good" || t.l4Checksum === "absent") &&
    t.ipv4HeaderChecksumValid !== false
  return verified ? XdpChecksum.UNNECESSARY : XdpChecksum.NONE
}

const phcAt = (k: number): { hi: number; lo: number } => {
  const v = 1_700_000_000_000_000_000n + 5000n * BigInt(k)
  return { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) }
}

const corpus = builtinCorpus()
const BIG = { mtu: 9000, frameSize: 16384, ringSize: 512 } as const
const received = (f: CorpusFrame, mtu: number) => !f.truth.isRunt && f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= mtu

describe("reference NIC: every corpus frame against its ground truth", () => {
  it("kfunc results equal the truth and the skb path agrees", async () => {
    const { seen, rc, dev } = await run(corpus, BIG)
    const expectReceived = corpus.filter((f) => received(f, 9000))
    expect(seen.map((s) => s.index)).toEqual(expectReceived.map((f) => f.index))
    expect(rc.filter((r) => r === -Errno.EINVAL).length).toBe(corpus.filter((f) => f.truth.isRunt).length)
    expect(dev.rxStats.rxDroppedByMac).toBe(corpus.length - expectReceived.length)
    let vlanSeen = 0
    let hashSeen = 0
    let unnecessary = 0
    for (const s of seen) {
      const f = corpus[s.index]!
      const at = `frame ${f.index} (${f.kind})`
      // timestamp
      const ts = phcAt(f.index + 1)
      expect([at, s.ts, s.tsHi, s.tsLo]).toEqual([at, 0, ts.hi, ts.lo])
      expect([at, s.skb.tsHi, s.skb.tsLo]).toEqual([at, ts.hi, ts.lo])
      // hash
      const rss = expectedRss(f)
      if (rss === null) {
        expect([at, s.hash]).toEqual([at, -Errno.ENODATA])
        expect(s.skb.hashType).toBe(PktHashType.NONE)
      } else {
        hashSeen++
        expect([at, s.hash, s.hashVal, s.hashType]).toEqual([at, 0, rss.hash, rss.type])
        expect([at, s.skb.hash, s.skb.hashType]).toEqual([at, rss.hash, rss.type & XdpRssHashType.L4 ? PktHashType.L4 : PktHashType.L3])
      }
      // vlan
      const outer = f.truth.vlans[0]
      if (outer === undefined) {
        expect([at, s.vlan, s.skb.vlanPresent]).toEqual([at, -Errno.ENODATA, false])
      } else {
        vlanSeen++
        const tci = (outer.pcp << 13) | (outer.dei << 12) | outer.vid
        expect([at, s.vlan, ntohs(s.vlanProto), s.vlanTci]).toEqual([at, 0, outer.tpid, tci])
        expect([at, s.skb.vlanPresent, s.skb.vlanProto, s.skb.vlanTci]).toEqual([at, true, outer.tpid, tci])
      }
      // checksum
      const cs = expectedCsum(f)
      if (cs === null) expect([at, s.csum]).toEqual([at, -Errno.ENODATA])
      else {
        expect([at, s.csum, s.ipSummed, s.cksumLevel]).toEqual([at, 0, cs, 0])
        expect([at, s.skb.ipSummed]).toEqual([at, cs === XdpChecksum.UNNECESSARY ? SkbChecksum.UNNECESSARY : SkbChecksum.NONE])
        if (cs === XdpChecksum.UNNECESSARY) unnecessary++
      }
    }
    // the corpus exercises every branch
    expect(vlanSeen).toBeGreaterThan(20)
    expect(hashSeen).toBeGreaterThan(200)
    expect(unnecessary).toBeGreaterThan(100)
    expect(seen.length - unnecessary).toBeGreaterThan(20)
  })

  it("the generic binding gives exactly the dev-bound results", async () => {
    const a = await run(corpus.slice(0, 150), BIG, "dev-bound")
    const b = await run(corpus.slice(0, 150), BIG, "generic")
    expect(b.seen).toEqual(a.seen)
  })

  it("CHECKSUM_COMPLETE mode reports the one's-complement sum from L3 to the end of the frame", async () => {
    const { seen } = await run(corpus, { ...BIG, csumComplete: true })
    let n = 0
    for (const s of seen) {
      const f = corpus[s.index]!
      if (f.truth.l3 === "arp") continue
      let sum = 0
      const b = f.bytes
      for (let i = f.truth.l3Offset; i < b.length; i += 2) sum += (b[i]! << 8) | (i + 1 < b.length ? b[i + 1]! : 0)
      expect([f.index, s.csum, s.ipSummed, s.cksum]).toEqual([f.index, 0, XdpChecksum.COMPLETE, csumFold(sum)])
      expect(s.skb.ipSummed).toBe(SkbChecksum.COMPLETE)
      n++
    }
    expect(n).toBeGreaterThan(300)
  })

  it("MTU 1500 drops jumbo frames at the MAC", async () => {
    const { seen } = await run(corpus, {})
    expect(seen.map((s) => s.index)).toEqual(corpus.filter((f) => received(f, 1500)).map((f) => f.index))
    expect(corpus.some((f) => received(f, 9000) && !received(f, 1500))).toBe(true)
  })
})

describe("reference NIC: each offload turned off gives the documented errno", () => {
  const sample = corpus.slice(0, 120)
  const cases: Array<[string, Partial<SimConfig>, keyof Seen, number]> = [
    ["NETIF_F_RXHASH off -> rx_hash -ENODATA", { rxhash: false }, "hash", -Errno.ENODATA],
    ["VLAN stripping off -> rx_vlan_tag -ENODATA", { vlanStripCtag: false, vlanStripStag: false }, "vlan", -Errno.ENODATA],
    ["HWTSTAMP_FILTER_NONE -> rx_timestamp -ENODATA", { rxTimestamp: "none" }, "ts", -Errno.ENODATA],
    ["NETIF_F_RXCSUM off -> rx_checksum -ENODATA", { rxcsum: false }, "csum", -Errno.ENODATA],
    ["no xmo_rx_hash -> -EOPNOTSUPP", { xdpOps: ["timestamp", "vlan-tag", "checksum"] }, "hash", -Errno.EOPNOTSUPP],
    ["no xmo_rx_timestamp -> -EOPNOTSUPP", { xdpOps: ["hash", "vlan-tag", "checksum"] }, "ts", -Errno.EOPNOTSUPP],
    ["no xmo_rx_vlan_tag -> -EOPNOTSUPP", { xdpOps: ["hash", "timestamp", "checksum"] }, "vlan", -Errno.EOPNOTSUPP],
    ["no xmo_rx_checksum -> -EOPNOTSUPP", { xdpOps: ["hash", "timestamp", "vlan-tag"] }, "csum", -Errno.EOPNOTSUPP]
  ]
  for (const [name, cfg, field, errno] of cases) {
    it(name, async () => {
      const { seen } = await run(sample, cfg)
      expect(seen.length).toBeGreaterThan(100)
      expect(new Set(seen.map((s) => s[field]))).toEqual(new Set([errno]))
    })
  }

  it("VLAN stripping per TPID: only C-tags stripped when S-tag stripping is off", async () => {
    const { seen } = await run(corpus, { vlanStripStag: false })
    const tpids = new Set<number>()
    for (const s of seen) {
      const outer = corpus[s.index]!.truth.vlans[0]
      if (outer !== undefined) tpids.add(outer.tpid)
      expect([s.index, s.vlan]).toEqual([s.index, outer?.tpid === 0x8100 ? 0 : -Errno.ENODATA])
    }
    // the loop saw frames, and both kinds of outer tag
    expect(seen.length).toBeGreaterThan(100)
    expect([...tpids].sort()).toEqual([0x8100, 0x88a8])
  })

  it("the device reports xdp-rx-metadata-features from the ops it fills", async () => {
    const { dev } = await run([], { xdpOps: ["hash", "vlan-tag"] })
    expect(dev.xdpRxMetadataFeatures).toBe(2 | 4)
    const all = await run([], {})
    expect(all.dev.xdpRxMetadataFeatures).toBe(15)
  })
})

describe("reference NIC: rings and configuration", () => {
  it("a full RX ring misses frames and never overwrites an unconsumed descriptor", async () => {
    const frames = corpus.filter((f) => received(f, 1500)).slice(0, 100)
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const config = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64 })
          const dev = yield* bringUp(driver, config, { ifname: "sim0", ifindex: 7 })
          const got: number[][] = []
          dev.stack = (skb, mem) => got.push([...mem.subarray(skb.dataAddr, skb.dataAddr + 32)])
          const rc = frames.map((f) => dev.hwReceive(f.bytes, 0, f.bytes.length))
          while (dev.napiPoll(0, 16) > 0) {}
          return { rc, got, missed: dev.rxStats.rxMissed }
        })
      )
    )
    expect(result.rc.slice(0, 64).every((r) => r === 0)).toBe(true)
    expect(result.rc.slice(64).every((r) => r === -Errno.ENOBUFS)).toBe(true)
    expect(result.missed).toBe(36)
    expect(result.got.length).toBe(64)
    result.got.forEach((bytes, i) => {
      const f = frames[i]!
      const unstripped = f.truth.vlans.length === 0 ? [...f.bytes.subarray(0, 32)] : null
      if (unstripped) expect(bytes).toEqual(unstripped)
      else expect(bytes.slice(0, 12)).toEqual([...f.bytes.subarray(0, 12)])
    })
  })

  it("bad configuration is a typed error naming the offending value", async () => {
    const bad = await Effect.runPromiseExit(decodeDriverConfig(driver, { ...driver.defaultConfig, rssKey: "00:11" }))
    expect(bad._tag).toBe("Failure")
    expect(JSON.stringify(bad)).toContain("DriverConfigError")
    expect(JSON.stringify(bad)).toContain("00:11")
    const ring = await Effect.runPromiseExit(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 100 }))
    expect(JSON.stringify(ring)).toContain("got 100")
  })
})
