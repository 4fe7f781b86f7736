import { readFileSync } from "node:fs"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { buildFrame } from "../../src/net/FrameBuilder.js"
import {
  CsumStatus,
  FragKind,
  L3Kind,
  L4Kind,
  ParsedFrame,
  ParseOption,
  ParseStatus,
  parseFrame
} from "../../src/net/FrameParser.js"
import type { FrameSpec } from "../../src/net/FrameSpec.js"
import { pseudoHeaderSum } from "../../src/net/InternetChecksum.js"
import { builtinCorpus } from "../../src/net/TrafficCorpus.js"

interface Captured {
  readonly desc: string
  readonly hex: string
}
const captured: ReadonlyArray<Captured> = JSON.parse(
  readFileSync(new URL("./testdata/loopback-frames.json", import.meta.url), "utf8")
).frames
const frameOf = (desc: string): Uint8Array => {
  const f = captured.find((c) => c.desc === desc)
  if (f === undefined) throw new Error(`fixture ${desc} missing`)
  return Uint8Array.from(Buffer.from(f.hex, "hex"))
}
const parse = (b: Uint8Array, opts?: number): ParsedFrame => {
  const p = new ParsedFrame()
  parseFrame(b, 0, b.length, p, opts)
  return p
}

const STATUSES = new Set<number>(Object.values(ParseStatus))

const baseSpec: FrameSpec = {
  dstMac: [2, 0, 0, 0, 0, 1],
  srcMac: [2, 0, 0, 0, 0, 2],
  vlans: [],
  l3: {
    kind: "ipv4",
    src: [192, 0, 2, 1],
    dst: [198, 51, 100, 7],
    tos: 0,
    id: 1,
    ttl: 64,
    dontFragment: true,
    options: [],
    badHeaderChecksum: false
  },
  l4: { kind: "tcp", srcPort: 40000, dstPort: 443, seq: 1, ack: 2, flags: 0x18, window: 512, options: [], payloadLen: 40 },
  badL4Checksum: false,
  udpZeroChecksum: false,
  padToMin: true,
  payloadSeed: 99,
  corruptMask: 0x1234
}

describe("FrameParser on frames the Linux kernel built (testdata/loopback-frames.json)", () => {
  it("ICMP echo reply: IPv4 header and ICMP checksums good", () => {
    const b = frameOf("icmp-echo-reply")
    const p = parse(b)
    expect(p.status).toBe(ParseStatus.Ok)
    expect(p.l3Kind).toBe(L3Kind.IPv4)
    expect(p.l3Offset).toBe(14)
    expect(p.ipv4CsumStatus).toBe(CsumStatus.Good)
    expect(p.l4Kind).toBe(L4Kind.ICMP)
    expect(p.l4Offset).toBe(34)
    expect(p.l4Len).toBe(64)
    expect(p.l4CsumStatus).toBe(CsumStatus.Good)
    b[40] = b[40]! ^ 0xff // corrupt the payload: ICMP checksum now bad, header still good
    const q = parse(b)
    expect(q.l4CsumStatus).toBe(CsumStatus.Bad)
    expect(q.ipv4CsumStatus).toBe(CsumStatus.Good)
  })

  it("ICMPv6 echo reply: pseudo-header checksum good", () => {
    const p = parse(frameOf("icmpv6-echo-reply"))
    expect(p.status).toBe(ParseStatus.Ok)
    expect(p.l3Kind).toBe(L3Kind.IPv6)
    expect(p.addrOffset).toBe(22)
    expect(p.addrLen).toBe(16)
    expect(p.l4Kind).toBe(L4Kind.ICMPv6)
    expect(p.l4Offset).toBe(54)
    expect(p.l4CsumStatus).toBe(CsumStatus.Good)
  })

  it("TCP/IPv4 RST (54 bytes, unpadded on lo): a runt with good checksums and the ports", () => {
    const b = frameOf("tcp4-rst")
    const p = parse(b)
    expect(b.length).toBe(54)
    expect(p.status).toBe(ParseStatus.Runt)
    expect(p.isRunt).toBe(true)
    expect(p.l4Kind).toBe(L4Kind.TCP)
    expect(p.srcPort).toBe(9)
    expect(p.dstPort).toBe((b[36]! << 8) | b[37]!)
    expect(p.l4HeaderLen).toBe(20)
    expect(p.ipv4CsumStatus).toBe(CsumStatus.Good)
    expect(p.l4CsumStatus).toBe(CsumStatus.Good)
  })

  it("TCP/IPv6 RST left CHECKSUM_PARTIAL by lo: the field holds the pseudo-header sum", () => {
    const b = frameOf("tcp6-rst")
    const p = parse(b)
    expect(p.l4Kind).toBe(L4Kind.TCP)
    expect(p.l4CsumStatus).toBe(CsumStatus.Bad)
    const field = (b[p.l4Offset + 16]! << 8) | b[p.l4Offset + 17]!
    expect(pseudoHeaderSum(b, p.addrOffset, 32, 6, p.l4Len)).toBe(field)
  })
})

describe("FrameParser on hand-made edge cases", () => {
  it("walks two VLAN tags and leaves a third as the EtherType", () => {
    const b = buildFrame({
      ...baseSpec,
      vlans: [
        { tpid: 0x88a8, pcp: 5, dei: 1, vid: 100 },
        { tpid: 0x8100, pcp: 3, dei: 0, vid: 4000 }
      ]
    })
    const p = parse(b)
    expect([p.vlanCount, p.vlan0Tpid, p.vlan0Tci, p.vlan1Tpid, p.vlan1Tci]).toEqual([
      2,
      0x88a8,
      (5 << 13) | (1 << 12) | 100,
      0x8100,
      (3 << 13) | 4000
    ])
    expect(p.l3Offset).toBe(22)
    // splice a third tag in: the parser stops at two and reports L3 Other
    const three = new Uint8Array(b.length + 4)
    three.set(b.subarray(0, 20), 0)
    three.set([0x81, 0x00, 0x00, 0x07], 20)
    three.set(b.subarray(20), 24)
    const q = parse(three)
    expect(q.vlanCount).toBe(2)
    expect(q.etherType).toBe(0x8100)
    expect(q.l3Kind).toBe(L3Kind.Other)
  })

  it("reports truncation and malformation as statuses", () => {
    const b = buildFrame(baseSpec) // 14 + 20 + 20 + 40 = 94 bytes
    expect(parse(b).status).toBe(ParseStatus.Ok)
    expect(parse(b.subarray(0, 13)).status).toBe(ParseStatus.TruncatedL2)
    expect(parse(b.subarray(0, 30)).status).toBe(ParseStatus.TruncatedL3)
    expect(parse(b.subarray(0, 93)).status).toBe(ParseStatus.TruncatedL3)
    const tagged = buildFrame({ ...baseSpec, vlans: [{ tpid: 0x8100, pcp: 0, dei: 0, vid: 1 }] })
    expect(parse(tagged.subarray(0, 16)).status).toBe(ParseStatus.TruncatedL2)

    const badVersion = Uint8Array.from(b)
    badVersion[14] = 0x55
    expect(parse(badVersion).status).toBe(ParseStatus.MalformedL3)
    const shortIhl = Uint8Array.from(b)
    shortIhl[14] = 0x44
    expect(parse(shortIhl).status).toBe(ParseStatus.MalformedL3)
    const tcpDoff = Uint8Array.from(b)
    tcpDoff[34 + 12] = 0x40 // data offset 4 words
    expect(parse(tcpDoff).status).toBe(ParseStatus.MalformedL4)

    // IPv4 total length 30: only 10 bytes of TCP header inside the datagram
    const shortTcp = buildFrame({ ...baseSpec, l4: { ...baseSpec.l4!, payloadLen: 0 } as FrameSpec["l4"] })
    shortTcp[16] = 0
    shortTcp[17] = 30
    expect(parse(shortTcp).status).toBe(ParseStatus.TruncatedL4)
  })

  it("IPv6: Hop-by-Hop anywhere but first is malformed; UDP checksum 0 is bad", () => {
    const v6: FrameSpec = {
      ...baseSpec,
      l3: {
        kind: "ipv6",
        src: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        dst: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
        trafficClass: 0,
        flowLabel: 0,
        hopLimit: 64,
        ext: [
          { type: 60, extraUnits: 0 },
          { type: 0, extraUnits: 0 }
        ]
      },
      l4: { kind: "udp", srcPort: 1, dstPort: 2, payloadLen: 10 }
    }
    expect(parse(buildFrame(v6)).status).toBe(ParseStatus.MalformedL3)
    const ok = buildFrame({ ...v6, l3: { ...(v6.l3 as Extract<FrameSpec["l3"], { kind: "ipv6" }>), ext: [] } })
    expect(parse(ok).l4CsumStatus).toBe(CsumStatus.Good)
    ok[54 + 6] = 0
    ok[54 + 7] = 0
    expect(parse(ok).l4CsumStatus).toBe(CsumStatus.Bad)
  })

  it("IPv4 first fragment: ports yes, checksum not checked; non-first: no L4", () => {
    const first = buildFrame({ ...baseSpec, fragment: { offsetUnits: 0, dataLen: 24, more: true, ident: 5 } })
    const p = parse(first)
    expect([p.fragKind, p.l4Kind, p.srcPort, p.l4CsumStatus]).toEqual([FragKind.First, L4Kind.TCP, 40000, CsumStatus.NotChecked])
    const later = buildFrame({ ...baseSpec, fragment: { offsetUnits: 3, dataLen: 36, more: false, ident: 5 } })
    const q = parse(later)
    expect([q.fragKind, q.l4Kind, q.l4Offset, q.ipProto]).toEqual([FragKind.NonFirst, L4Kind.None, -1, 6])
  })

  it("verification can be switched off", () => {
    const p = parse(buildFrame(baseSpec), ParseOption.None)
    expect(p.ipv4CsumStatus).toBe(CsumStatus.NotChecked)
    expect(p.l4CsumStatus).toBe(CsumStatus.NotChecked)
    expect(p.l4Kind).toBe(L4Kind.TCP)
  })

  it("resets the reused output between frames", () => {
    const p = new ParsedFrame()
    const tcp = buildFrame({ ...baseSpec, vlans: [{ tpid: 0x8100, pcp: 1, dei: 0, vid: 9 }] })
    parseFrame(tcp, 0, tcp.length, p)
    const arp = buildFrame({
      ...baseSpec,
      l3: { kind: "arp", op: 1, senderMac: [2, 0, 0, 0, 0, 2], senderIp: [10, 0, 0, 1], targetMac: [0, 0, 0, 0, 0, 0], targetIp: [10, 0, 0, 2] }
    })
    parseFrame(arp, 0, arp.length, p)
    expect([p.vlanCount, p.l3Kind, p.l4Kind, p.l4Offset, p.srcPort, p.ipv4CsumStatus]).toEqual([
      0,
      L3Kind.ARP,
      L4Kind.None,
      -1,
      0,
      CsumStatus.NotChecked
    ])
  })
})

describe("FrameParser fuzz: never throws, always a status, offsets inside the frame", () => {
  const checkInvariants = (b: Uint8Array, off: number, len: number, p: ParsedFrame): void => {
    const s = parseFrame(b, off, len, p)
    expect(STATUSES.has(s)).toBe(true)
    expect(p.status).toBe(s)
    expect(p.l3Offset).toBeLessThanOrEqual(len)
    if (p.l4Offset >= 0) expect(p.l4Offset).toBeLessThanOrEqual(len)
    if (s === ParseStatus.Ok || s === ParseStatus.Runt) {
      if (p.l3Kind === L3Kind.IPv4 || p.l3Kind === L3Kind.IPv6) {
        expect(p.l3Offset + p.ipTotalLen).toBeLessThanOrEqual(len)
        if (p.l4Offset >= 0) expect(p.l4Offset + p.l4Len).toBeLessThanOrEqual(len)
      }
    }
  }

  it("random bytes behind plausible Ethernet/VLAN/IP prefixes", () => {
    const p = new ParsedFrame()
    const prefix = fc.constantFrom(
      [0x08, 0x00, 0x45],
      [0x08, 0x00, 0x4f],
      [0x86, 0xdd, 0x60],
      [0x81, 0x00, 0x00, 0x01, 0x08, 0x00, 0x46],
      [0x88, 0xa8, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x86, 0xdd, 0x60],
      [0x08, 0x06],
      []
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), prefix, fc.uint8Array({ maxLength: 160 }), (mac, pre, rest) => {
        const b = Uint8Array.from([...mac, ...pre, ...rest])
        checkInvariants(b, 0, b.length, p)
      }),
      { numRuns: 3000 }
    )
  })

  it("every corpus frame cut at random lengths or with random byte flips", () => {
    const corpus = builtinCorpus()
    const p = new ParsedFrame()
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), (i, cut, flips) => {
        const f = corpus[i]!
        const len = cut % (f.bytes.length + 1)
        checkInvariants(f.bytes, 0, len, p)
        // a cut inside the IP datagram is always a truncation, never a silent success
        const t = f.truth
        if (t.l3 !== "arp" && len < t.l3Offset + t.ipTotalLen) {
          expect([ParseStatus.TruncatedL2, ParseStatus.TruncatedL3]).toContain(p.status)
        }
        const mutated = Uint8Array.from(f.bytes)
        for (const [at, v] of flips) mutated[at % mutated.length] = v
        checkInvariants(mutated, 0, mutated.length, p)
      }),
      { numRuns: 2000 }
    )
  })
})
