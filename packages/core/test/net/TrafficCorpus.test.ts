import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { sctpChecksumValid } from "../../src/net/Crc32c.js"
import { CsumStatus, FragKind, Ipv6ExtBit, L3Kind, L4Kind, ParsedFrame, ParseStatus, parseFrame } from "../../src/net/FrameParser.js"
import type { FrameTruth } from "../../src/net/FrameTruth.js"
import { ipv4HeaderChecksumValid, l4ChecksumValid } from "../../src/net/InternetChecksum.js"
import { BUILTIN_CORPUS_SEED, BUILTIN_CORPUS_SIZE, builtinCorpus, CORPUS_KINDS, type CorpusFrame, generateCorpus } from "../../src/net/TrafficCorpus.js"

const hexAt = (b: Uint8Array, off: number, len: number): string =>
  Array.from(b.subarray(off, off + len), (x) => x.toString(16).padStart(2, "0")).join("")

const L3_NAME: Record<number, FrameTruth["l3"] | "none" | "other"> = {
  [L3Kind.None]: "none",
  [L3Kind.IPv4]: "ipv4",
  [L3Kind.IPv6]: "ipv6",
  [L3Kind.ARP]: "arp",
  [L3Kind.Other]: "other"
}
const L4_NAME: Record<number, string> = {
  [L4Kind.None]: "none",
  [L4Kind.TCP]: "tcp",
  [L4Kind.UDP]: "udp",
  [L4Kind.SCTP]: "sctp",
  [L4Kind.ICMP]: "icmp",
  [L4Kind.ICMPv6]: "icmpv6",
  [L4Kind.Other]: "other"
}
const FRAG_NAME: Record<number, FrameTruth["fragment"]> = {
  [FragKind.None]: "none",
  [FragKind.First]: "first",
  [FragKind.NonFirst]: "non-first"
}
const L4CSUM_NAME: Record<number, FrameTruth["l4Checksum"]> = {
  [CsumStatus.NotChecked]: "unchecked",
  [CsumStatus.Good]: "good",
  [CsumStatus.Bad]: "bad",
  [CsumStatus.Absent]: "absent"
}
const EXT_BIT: Record<number, number> = {
  0: Ipv6ExtBit.HopByHop,
  43: Ipv6ExtBit.Routing,
  44: Ipv6ExtBit.Fragment,
  60: Ipv6ExtBit.DestOpts,
  51: Ipv6ExtBit.AH
}

/** The parser's view, in the vocabulary of FrameTruth. */
const parserView = (bytes: Uint8Array, p: ParsedFrame): FrameTruth => {
  const vlans = []
  if (p.vlanCount > 0) vlans.push({ tpid: p.vlan0Tpid, pcp: p.vlan0Tci >> 13, dei: (p.vlan0Tci >> 12) & 1, vid: p.vlan0Tci & 0xfff })
  if (p.vlanCount > 1) vlans.push({ tpid: p.vlan1Tpid, pcp: p.vlan1Tci >> 13, dei: (p.vlan1Tci >> 12) & 1, vid: p.vlan1Tci & 0xfff })
  const isIp = p.l3Kind === L3Kind.IPv4 || p.l3Kind === L3Kind.IPv6
  const ported = p.l4Kind === L4Kind.TCP || p.l4Kind === L4Kind.UDP || p.l4Kind === L4Kind.SCTP
  return {
    frameLen: p.frameLen,
    isRunt: p.isRunt,
    isJumbo: p.isJumbo,
    vlans,
    etherType: p.etherType,
    l3: L3_NAME[p.l3Kind] as FrameTruth["l3"],
    l3Offset: p.l3Offset,
    l3HeaderLen: p.l3HeaderLen,
    ipTotalLen: p.ipTotalLen,
    ipProto: isIp ? p.ipProto : null,
    hasIpOptions: p.hasIpv4Options,
    // the parser keeps a set; the truth lists them in order, so compare as sets via the mask
    ipv6ExtHeaders: [0, 43, 44, 60, 51].filter((t) => (p.ipv6ExtMask & EXT_BIT[t]!) !== 0),
    fragment: FRAG_NAME[p.fragKind]!,
    srcAddr: isIp ? hexAt(bytes, p.addrOffset, p.addrLen) : null,
    dstAddr: isIp ? hexAt(bytes, p.addrOffset + p.addrLen, p.addrLen) : null,
    l4: L4_NAME[p.l4Kind] as FrameTruth["l4"],
    l4Offset: p.l4Offset,
    l4HeaderLen: p.l4HeaderLen,
    srcPort: ported ? p.srcPort : null,
    dstPort: ported ? p.dstPort : null,
    ipv4HeaderChecksumValid:
      p.l3Kind === L3Kind.IPv4 ? p.ipv4CsumStatus === CsumStatus.Good : null,
    l4Checksum: L4CSUM_NAME[p.l4CsumStatus]!
  }
}

const truthForCompare = (t: FrameTruth): FrameTruth => ({
  ...t,
  ipv6ExtHeaders: [0, 43, 44, 60, 51].filter((x) => t.ipv6ExtHeaders.includes(x))
})

const corpusDigest = (frames: ReadonlyArray<CorpusFrame>): string => {
  const h = createHash("sha256")
  for (const f of frames) {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(f.bytes.length)
    h.update(len)
    h.update(f.bytes)
  }
  return h.digest("hex")
}

describe("TrafficCorpus", () => {
  const corpus = builtinCorpus()

  it("has the documented size and is cached", () => {
    expect(corpus.length).toBe(BUILTIN_CORPUS_SIZE)
    expect(builtinCorpus()).toBe(corpus)
  })

  it("parser's view of every frame equals the generator's truth", () => {
    const p = new ParsedFrame()
    for (const f of corpus) {
      const status = parseFrame(f.bytes, 0, f.bytes.length, p)
      expect(status, `frame ${f.index} (${f.kind})`).toBe(f.truth.isRunt ? ParseStatus.Runt : ParseStatus.Ok)
      expect(parserView(f.bytes, p), `frame ${f.index} (${f.kind})`).toEqual(truthForCompare(f.truth))
      expect(f.bytes.length).toBe(f.truth.frameLen)
    }
  })

  it("parses frames at an offset inside a larger buffer the same way", () => {
    const p = new ParsedFrame()
    for (const f of corpus.slice(0, 60)) {
      const big = new Uint8Array(f.bytes.length + 37)
      big.set(f.bytes, 21)
      parseFrame(big, 21, f.bytes.length, p)
      expect(p.frameOffset).toBe(21)
      expect(parserView(big.subarray(21), p)).toEqual(truthForCompare(f.truth))
    }
  })

  it("bad checksums are bad and good ones good, per InternetChecksum / Crc32c directly", () => {
    for (const f of corpus) {
      const t = f.truth
      const b = f.bytes
      if (t.l3 === "ipv4") expect(ipv4HeaderChecksumValid(b, t.l3Offset, t.l3HeaderLen)).toBe(t.ipv4HeaderChecksumValid)
      if (t.l4Checksum === "good" || t.l4Checksum === "bad") {
        const l4Len = t.ipTotalLen - t.l3HeaderLen
        let ok: boolean
        if (t.l4 === "sctp") ok = sctpChecksumValid(b, t.l4Offset, l4Len)
        else {
          const addrOff = t.l3 === "ipv4" ? t.l3Offset + 12 : t.l3Offset + 8
          const addrLen = t.l4 === "icmp" ? 0 : t.l3 === "ipv4" ? 8 : 32
          ok = l4ChecksumValid(b, addrOff, addrLen, t.ipProto!, t.l4Offset, l4Len)
        }
        expect(ok, `frame ${f.index}`).toBe(t.l4Checksum === "good")
      }
      if (t.l4Checksum === "absent") expect(b[t.l4Offset + 6]! | b[t.l4Offset + 7]!).toBe(0)
    }
  })

  it("covers every category it promises", () => {
    const count = (pred: (f: CorpusFrame) => boolean): number => corpus.filter(pred).length
    for (const k of CORPUS_KINDS) expect(count((f) => f.kind === k), k).toBeGreaterThan(0)
    expect(count((f) => f.truth.vlans.length === 0)).toBeGreaterThan(0)
    expect(count((f) => f.truth.vlans.length === 1 && f.truth.vlans[0]!.tpid === 0x8100)).toBeGreaterThan(0)
    expect(count((f) => f.truth.vlans.length === 2 && f.truth.vlans[0]!.tpid === 0x88a8)).toBeGreaterThan(0)
    expect(count((f) => f.truth.vlans.length === 2 && f.truth.vlans[0]!.tpid === 0x8100)).toBeGreaterThan(0)
    expect(count((f) => f.truth.hasIpOptions)).toBeGreaterThan(0)
    for (const ext of [0, 43, 44, 51, 60]) {
      expect(count((f) => f.truth.ipv6ExtHeaders.includes(ext)), `ext ${ext}`).toBeGreaterThan(0)
    }
    for (const l3 of ["ipv4", "ipv6"] as const) {
      expect(count((f) => f.truth.l3 === l3 && f.truth.fragment === "first"), `${l3} first frag`).toBeGreaterThan(0)
      expect(count((f) => f.truth.l3 === l3 && f.truth.fragment === "non-first"), `${l3} later frag`).toBeGreaterThan(0)
    }
    expect(count((f) => f.truth.ipv4HeaderChecksumValid === false)).toBeGreaterThan(0)
    for (const l4 of ["tcp", "udp", "sctp", "icmp", "icmpv6"] as const) {
      expect(count((f) => f.truth.l4 === l4 && f.truth.l4Checksum === "bad"), `bad ${l4}`).toBeGreaterThan(0)
    }
    expect(count((f) => f.truth.l4Checksum === "absent")).toBeGreaterThan(0)
    expect(count((f) => f.truth.isRunt && f.truth.l3 === "arp")).toBeGreaterThan(0)
    expect(count((f) => f.truth.isRunt && f.truth.l3 === "ipv4")).toBeGreaterThan(0)
    expect(count((f) => f.truth.isJumbo && f.bytes.length > 8000)).toBeGreaterThan(0)
  })

  it("is deterministic: same seed, same bytes; built-in corpus fingerprint", () => {
    const again = generateCorpus({ seed: BUILTIN_CORPUS_SEED, count: BUILTIN_CORPUS_SIZE })
    expect(corpusDigest(again)).toBe(corpusDigest(corpus))
    const other = generateCorpus({ seed: BUILTIN_CORPUS_SEED + 1, count: 20 })
    expect(corpusDigest(other)).not.toBe(corpusDigest(corpus.slice(0, 20)))
    // Fingerprint of the built-in corpus: a change to the generator, builder or PRNG shows here.
    // After an intended generator change, run this test and copy the new digest from the failure.
    expect(corpusDigest(corpus)).toBe("99ddab32e014d3f5ee56f5a315b1036fe3d4ca54a6ee04289b4e53686ac7aaa4")
  })

  it("a custom mix and seed generate only what they ask for", () => {
    const onlyArp = generateCorpus({
      seed: 7,
      count: 30,
      mix: { kinds: { "ipv4-tcp": 0, "ipv4-udp": 0, "ipv4-sctp": 0, "ipv4-icmp": 0, "ipv6-tcp": 0, "ipv6-udp": 0, "ipv6-sctp": 0, "ipv6-icmpv6": 0, arp: 1 }, vlanSingle: 0, vlanDouble: 0, runt: 0 }
    })
    expect(onlyArp.every((f) => f.truth.l3 === "arp" && f.truth.vlans.length === 0 && !f.truth.isRunt)).toBe(true)
  })
})
