import { describe, expect, it } from "vitest"
import { XdpRssHashType } from "../../src/kernel/XdpRssHashType.js"
import { buildFrame } from "../../src/net/FrameBuilder.js"
import { ParsedFrame, parseFrame } from "../../src/net/FrameParser.js"
import type { FrameSpec, Ipv6ExtSpec, L4Spec } from "../../src/net/FrameSpec.js"
import type { FrameTruth } from "../../src/net/FrameTruth.js"
import {
  buildRssInput,
  compileRssHashFields,
  DEFAULT_RSS_HASH_FIELDS,
  RssInput,
  rssHashFrame
} from "../../src/net/RssInput.js"
import { DEFAULT_TOEPLITZ_KEY, toeplitzHash } from "../../src/net/Toeplitz.js"
import { builtinCorpus } from "../../src/net/TrafficCorpus.js"

// First rows of the two tables of Microsoft "Verifying the RSS Hash Calculation"
// (windows-driver-docs-pr/network/verifying-the-rss-hash-calculation.md):
// IPv4 66.9.149.187:2794 -> 161.142.100.80:1766: IPv4 only 0x323e8fc2, with TCP 0x51ccc178.
// IPv6 3ffe:2501:200:1fff::7 (2794) -> 3ffe:2501:200:3::1 (1766): IPv6 only 0x2cc18cd5, with TCP 0x40207d3d.
const V4_SRC = [66, 9, 149, 187]
const V4_DST = [161, 142, 100, 80]
const V6_SRC = [0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07]
const V6_DST = [0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01]
const SPORT = 2794
const DPORT = 1766
const MS_V4_L3 = 0x323e8fc2
const MS_V4_L4 = 0x51ccc178
const MS_V6_L3 = 0x2cc18cd5
const MS_V6_L4 = 0x40207d3d

const tcp: L4Spec = { kind: "tcp", srcPort: SPORT, dstPort: DPORT, seq: 1, ack: 0, flags: 2, window: 100, options: [], payloadLen: 20 }
const udp: L4Spec = { kind: "udp", srcPort: SPORT, dstPort: DPORT, payloadLen: 20 }
const sctp: L4Spec = { kind: "sctp", srcPort: SPORT, dstPort: DPORT, verificationTag: 7, payloadLen: 20 }

const v4 = (l4: L4Spec, extra: Partial<FrameSpec> = {}, options: number[] = []): FrameSpec => ({
  dstMac: [2, 0, 0, 0, 0, 1],
  srcMac: [2, 0, 0, 0, 0, 2],
  vlans: [],
  l3: { kind: "ipv4", src: V4_SRC, dst: V4_DST, tos: 0, id: 9, ttl: 64, dontFragment: false, options, badHeaderChecksum: false },
  l4,
  badL4Checksum: false,
  udpZeroChecksum: false,
  padToMin: true,
  payloadSeed: 1,
  corruptMask: 0xff,
  ...extra
})
const v6 = (l4: L4Spec, ext: Ipv6ExtSpec[] = [], extra: Partial<FrameSpec> = {}): FrameSpec => ({
  ...v4(l4),
  l3: { kind: "ipv6", src: V6_SRC, dst: V6_DST, trafficClass: 0, flowLabel: 1, hopLimit: 64, ext },
  ...extra
})

const fields = compileRssHashFields()
const hashOf = (spec: FrameSpec, cfg = fields): { hash: number; type: number; len: number } => {
  const b = buildFrame(spec)
  const p = new ParsedFrame()
  parseFrame(b, 0, b.length, p)
  const out = new RssInput()
  const hash = rssHashFrame(p, b, cfg, DEFAULT_TOEPLITZ_KEY, out)
  return { hash, type: out.hashType, len: out.length }
}

describe("RssInput against the Microsoft verification vectors", () => {
  it("IPv4/TCP 4-tuple = 0x51ccc178, type 25 (L4_IPV4_TCP)", () => {
    expect(hashOf(v4(tcp))).toEqual({ hash: MS_V4_L4, type: 25, len: 12 })
    expect(XdpRssHashType.TYPE_L4_IPV4_TCP).toBe(25)
  })
  it("IPv4/UDP and SCTP hash the same 4-tuple, types 41 / 73", () => {
    expect(hashOf(v4(udp))).toEqual({ hash: MS_V4_L4, type: 41, len: 12 })
    expect(hashOf(v4(sctp))).toEqual({ hash: MS_V4_L4, type: 73, len: 12 })
  })
  it("IPv4 with options, L3 only = 0x323e8fc2, type 5 (L3_IPV4_OPT)", () => {
    const cfg = compileRssHashFields({ ...DEFAULT_RSS_HASH_FIELDS, tcp4: "sd" })
    expect(hashOf(v4(tcp, {}, [0x94, 4, 0, 0]), cfg)).toEqual({ hash: MS_V4_L3, type: 5, len: 8 })
    // the same packet with its 4-tuple hashed: no IPv4 L4 _OPT type exists, so 25
    expect(hashOf(v4(tcp, {}, [0x94, 4, 0, 0]))).toEqual({ hash: MS_V4_L4, type: 25, len: 12 })
  })
  it("IPv4 fragments and ICMP hash L3 only, type 1", () => {
    expect(hashOf(v4(tcp, { fragment: { offsetUnits: 0, dataLen: 24, more: true, ident: 1 } }))).toEqual({ hash: MS_V4_L3, type: 1, len: 8 })
    expect(hashOf(v4(tcp, { fragment: { offsetUnits: 2, dataLen: 24, more: false, ident: 1 } }))).toEqual({ hash: MS_V4_L3, type: 1, len: 8 })
    expect(hashOf(v4({ kind: "icmp", type: 8, code: 0, payloadLen: 8 }))).toEqual({ hash: MS_V4_L3, type: 1, len: 8 })
  })
  it("IPv6/TCP 4-tuple = 0x40207d3d, type 26; IPv6 L3 only = 0x2cc18cd5, type 2", () => {
    expect(hashOf(v6(tcp))).toEqual({ hash: MS_V6_L4, type: 26, len: 36 })
    expect(hashOf(v6({ kind: "icmpv6", type: 128, code: 0, payloadLen: 8 }))).toEqual({ hash: MS_V6_L3, type: 2, len: 32 })
  })
  it("IPv6/UDP with extension headers = type 46 (L4_IPV6_UDP_EX); L3 only with ext = 6", () => {
    const ext: Ipv6ExtSpec[] = [{ type: 0, extraUnits: 0 }, { type: 60, extraUnits: 1 }]
    expect(hashOf(v6(udp, ext))).toEqual({ hash: MS_V6_L4, type: 46, len: 36 })
    expect(XdpRssHashType.TYPE_L4_IPV6_UDP_EX).toBe(46)
    expect(hashOf(v6(tcp, ext)).type).toBe(30)
    expect(hashOf(v6(sctp, [{ type: 51, extraUnits: 0 }])).type).toBe(78)
    expect(hashOf(v6({ kind: "icmpv6", type: 128, code: 0, payloadLen: 8 }, ext))).toEqual({ hash: MS_V6_L3, type: 6, len: 32 })
    // an IPv6 fragment: L3 only, and the Fragment header is an extension header
    expect(hashOf(v6(udp, [], { fragment: { offsetUnits: 1, dataLen: 20, more: false, ident: 3 } }))).toEqual({ hash: MS_V6_L3, type: 6, len: 32 })
  })
  it("a NIC that never reports DYNHDR (mask 0) gives the plain types", () => {
    const cfg = compileRssHashFields({ ...DEFAULT_RSS_HASH_FIELDS, ipv4OptionsDynHdr: false, ipv6DynHdrExtMask: 0, tcp4: "sd" })
    expect(hashOf(v6(udp, [{ type: 43, extraUnits: 0 }]), cfg).type).toBe(42)
    expect(hashOf(v4(tcp, {}, [1, 1, 1, 0]), cfg).type).toBe(1)
  })
  it("flow types set to none give no hash; ARP never hashes", () => {
    const cfg = compileRssHashFields({ ...DEFAULT_RSS_HASH_FIELDS, udp6: "none" })
    expect(hashOf(v6(udp), cfg)).toEqual({ hash: 0, type: 0, len: 0 })
    const arp = v4(tcp, { l3: { kind: "arp", op: 1, senderMac: [2, 0, 0, 0, 0, 2], senderIp: V4_SRC, targetMac: [0, 0, 0, 0, 0, 0], targetIp: V4_DST } })
    expect(hashOf(arp)).toEqual({ hash: 0, type: 0, len: 0 })
  })
})

/** Expected (input bytes, type) from the generator's truth, by the rules RssInput documents. */
const expectedFromTruth = (t: FrameTruth): { input: number[]; type: number } => {
  if (t.l3 === "arp") return { input: [], type: 0 }
  const bytes = (h: string): number[] => h.match(/../g)!.map((x) => Number.parseInt(x, 16))
  const addrs = [...bytes(t.srcAddr!), ...bytes(t.dstAddr!)]
  const v4 = t.l3 === "ipv4"
  const dyn = v4 ? t.hasIpOptions : t.ipv6ExtHeaders.length > 0
  const l4Bit = t.ipProto === 6 ? 16 : t.ipProto === 17 ? 32 : t.ipProto === 132 ? 64 : 0
  const fam = v4 ? 1 : 2
  if (l4Bit !== 0 && t.fragment === "none") {
    return { input: [...addrs, t.srcPort! >> 8, t.srcPort! & 255, t.dstPort! >> 8, t.dstPort! & 255], type: fam | 8 | l4Bit | (dyn && !v4 ? 4 : 0) }
  }
  return { input: addrs, type: fam | (dyn ? 4 : 0) }
}

describe("RssInput over the built-in corpus", () => {
  it("input bytes and hash type match the generator's truth for every frame", () => {
    const p = new ParsedFrame()
    const out = new RssInput()
    for (const f of builtinCorpus()) {
      parseFrame(f.bytes, 0, f.bytes.length, p)
      const n = buildRssInput(p, f.bytes, fields, out)
      const want = expectedFromTruth(f.truth)
      expect([...out.bytes.subarray(0, n)], `frame ${f.index}`).toEqual(want.input)
      expect(out.hashType, `frame ${f.index}`).toBe(want.type)
      const h = rssHashFrame(p, f.bytes, fields, DEFAULT_TOEPLITZ_KEY, out)
      expect(h).toBe(n === 0 ? 0 : toeplitzHash(DEFAULT_TOEPLITZ_KEY, Uint8Array.from(want.input), 0, n))
    }
  })
})
