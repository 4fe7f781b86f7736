/**
 * FrameBuilder: FrameSpec -> frame bytes (no FCS). A pure function of the spec: the payload
 * bytes come from a SeededRandom seeded with `spec.payloadSeed`.
 *
 * Layout written (offsets from the frame start):
 *
 *   0  dst MAC(6) | 6 src MAC(6) | 12 [TPID(2) TCI(2)] x vlans | EtherType(2)
 *   L3 IPv4: 45+opts | TOS | total len | id | flags|frag off | TTL | proto | csum | src | dst | options
 *      IPv6: 6|TC|flow | payload len | next hdr | hop limit | src(16) | dst(16) | ext hdrs...
 *          Hop-by-Hop / Dest Options: nh | len | PadN(1, 4+8*len, zeros)        8*(1+len) bytes
 *          Routing (SRH, type 4): nh | 2 | 4 | SL 0 | last 0 | flags 0 | tag 0 | dst(16)  24 bytes
 *          AH: nh | 4 | reserved(2) | SPI(4) | seq(4) | ICV(12)                          24 bytes
 *          Fragment: nh | 0 | offset<<3 | M (2) | identification(4)                       8 bytes
 *      ARP (RFC 826, Ethernet/IPv4): htype 1 | ptype 0x0800 | 6 | 4 | op | sha | spa | tha | tpa
 *   L4 TCP: sport | dport | seq | ack | doff<<4 | flags | window | csum | urg 0 | options | data
 *      UDP: sport | dport | length | csum | data
 *      SCTP: sport | dport | vtag | CRC32c(LE) | DATA chunk: 0 | 0x03 | len | TSN | sid | ssn | ppid | data | pad
 *      ICMP / ICMPv6 (echo): type | code | csum | id(2) | seq(2) | data
 *   [zero padding to 60 bytes when spec.padToMin]
 *
 * Checksums: the builder first lays out the whole L4 segment and computes its checksum over
 * the pseudo-header (IPv4 8 address bytes / IPv6 32, protocol, full segment length), then
 * slices it for fragments, so a first fragment carries the checksum of the whole datagram as a
 * real sender would. Bad checksums are the correct value XOR `corruptMask`, nudged so the bad
 * value is never ones'-complement-equal to the good one (0x0000 vs 0xffff) and never 0 for
 * UDP over IPv4 (0 would mean "no checksum").
 */
import { crc32c } from "./Crc32c.js"
import type { FrameSpec, Ipv6Spec, L4Spec } from "./FrameSpec.js"
import { ipv4HeaderChecksum, l4Checksum } from "./InternetChecksum.js"
import { EtherType, EthSize, IpProto, Ipv4Frag } from "./ProtocolNumbers.js"
import { SeededRandom } from "./SeededRandom.js"

const put16 = (a: number[], v: number): void => {
  a.push((v >>> 8) & 0xff, v & 0xff)
}
const put32 = (a: number[], v: number): void => {
  a.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
}
const set16 = (a: number[] | Uint8Array, i: number, v: number): void => {
  a[i] = (v >>> 8) & 0xff
  a[i + 1] = v & 0xff
}

/** IP protocol number of an L4 spec. */
export const l4Proto = (l4: L4Spec): number => {
  switch (l4.kind) {
    case "tcp":
      return IpProto.TCP
    case "udp":
      return IpProto.UDP
    case "sctp":
      return IpProto.SCTP
    case "icmp":
      return IpProto.ICMP
    case "icmpv6":
      return IpProto.ICMPV6
  }
}

/** Offset of the 16-bit checksum inside the L4 header (SCTP: the 32-bit CRC @8). */
const checksumFieldOffset = (l4: L4Spec): number => {
  switch (l4.kind) {
    case "tcp":
      return 16
    case "udp":
      return 6
    case "sctp":
      return 8
    case "icmp":
    case "icmpv6":
      return 2
  }
}

const onesEqual = (a: number, b: number): boolean => a % 0xffff === b % 0xffff

/** A wrong 16-bit checksum derived from the right one. */
export const corruptChecksum16 = (good: number, mask: number, zeroForbidden: boolean): number => {
  let c = (good ^ (mask & 0xffff || 0x0001)) & 0xffff
  while (onesEqual(c, good) || (zeroForbidden && c === 0)) c = (c + 0x0101) & 0xffff
  return c
}

/** The full L4 segment with its checksum stored (before any fragmentation). */
const buildSegment = (spec: FrameSpec, l4: L4Spec, addrs: ReadonlyArray<number>, rnd: SeededRandom): Uint8Array => {
  const s: number[] = []
  switch (l4.kind) {
    case "tcp": {
      put16(s, l4.srcPort)
      put16(s, l4.dstPort)
      put32(s, l4.seq)
      put32(s, l4.ack)
      s.push(((5 + l4.options.length / 4) << 4) & 0xf0, l4.flags & 0xff)
      put16(s, l4.window)
      put16(s, 0)
      put16(s, 0)
      s.push(...l4.options, ...rnd.bytes(l4.payloadLen))
      break
    }
    case "udp": {
      put16(s, l4.srcPort)
      put16(s, l4.dstPort)
      put16(s, 8 + l4.payloadLen)
      put16(s, 0)
      s.push(...rnd.bytes(l4.payloadLen))
      break
    }
    case "sctp": {
      put16(s, l4.srcPort)
      put16(s, l4.dstPort)
      put32(s, l4.verificationTag)
      put32(s, 0)
      // DATA chunk (RFC 4960 §3.3.1): type 0, flags B|E, length excludes the padding
      s.push(0, 0x03)
      put16(s, 16 + l4.payloadLen)
      put32(s, rnd.nextU32())
      put16(s, rnd.int(0, 15))
      put16(s, rnd.int(0, 0xffff))
      put32(s, 0)
      s.push(...rnd.bytes(l4.payloadLen))
      while (s.length % 4 !== 0) s.push(0)
      break
    }
    case "icmp":
    case "icmpv6": {
      s.push(l4.type & 0xff, l4.code & 0xff)
      put16(s, 0)
      put16(s, rnd.int(0, 0xffff))
      put16(s, rnd.int(0, 0xffff))
      s.push(...rnd.bytes(l4.payloadLen))
      break
    }
  }
  const seg = Uint8Array.from(s)
  const field = checksumFieldOffset(l4)
  if (l4.kind === "sctp") {
    let crc = crc32c(seg, 0, seg.length) // field is still zero
    if (spec.badL4Checksum) crc = (crc ^ (spec.corruptMask || 1)) >>> 0
    seg[field] = crc & 0xff
    seg[field + 1] = (crc >>> 8) & 0xff
    seg[field + 2] = (crc >>> 16) & 0xff
    seg[field + 3] = (crc >>> 24) & 0xff
    return seg
  }
  // pseudo-header addresses followed by the segment, so l4Checksum can see both
  const withAddrs = new Uint8Array(addrs.length + seg.length)
  withAddrs.set(addrs, 0)
  withAddrs.set(seg, addrs.length)
  const pseudoLen = l4.kind === "icmp" ? 0 : addrs.length
  let c = l4Checksum(withAddrs, 0, pseudoLen, l4Proto(l4), addrs.length, seg.length, field)
  const isUdp4 = l4.kind === "udp" && addrs.length === 8
  if (l4.kind === "udp" && c === 0) c = 0xffff // RFC 768: a computed 0 is sent as all ones
  if (spec.udpZeroChecksum && isUdp4) c = 0
  else if (spec.badL4Checksum) c = corruptChecksum16(c, spec.corruptMask, isUdp4)
  set16(seg, field, c)
  return seg
}

const buildIpv6Ext = (ip: Ipv6Spec, index: number, nextHeader: number, rnd: SeededRandom): number[] => {
  const e = ip.ext[index]!
  const h: number[] = []
  switch (e.type) {
    case 0:
    case 60: {
      const units = e.extraUnits
      h.push(nextHeader, units, 0x01, 4 + 8 * units)
      for (let i = 0; i < 4 + 8 * units; i++) h.push(0)
      break
    }
    case 43:
      h.push(nextHeader, 2, 4, 0, 0, 0, 0, 0, ...ip.dst)
      break
    case 51:
      h.push(nextHeader, 4, 0, 0)
      put32(h, rnd.nextU32() | 0x100) // SPI (values 1..255 are reserved)
      put32(h, rnd.nextU32())
      h.push(...rnd.bytes(12))
      break
  }
  return h
}

/** Build the frame bytes described by `spec`. */
export const buildFrame = (spec: FrameSpec): Uint8Array => {
  const rnd = new SeededRandom(spec.payloadSeed)
  const f: number[] = [...spec.dstMac, ...spec.srcMac]
  for (const v of spec.vlans) {
    put16(f, v.tpid)
    put16(f, ((v.pcp & 7) << 13) | ((v.dei & 1) << 12) | (v.vid & 0xfff))
  }
  const l3 = spec.l3
  if (l3.kind === "arp") {
    put16(f, EtherType.ARP)
    put16(f, 1)
    put16(f, EtherType.IPv4)
    f.push(6, 4)
    put16(f, l3.op)
    f.push(...l3.senderMac, ...l3.senderIp, ...l3.targetMac, ...l3.targetIp)
  } else {
    const l4 = spec.l4!
    const addrs = [...l3.src, ...l3.dst]
    const seg = buildSegment(spec, l4, addrs, rnd)
    const frag = spec.fragment
    const carried = frag ? seg.subarray(frag.offsetUnits * 8, frag.offsetUnits * 8 + frag.dataLen) : seg
    if (l3.kind === "ipv4") {
      put16(f, EtherType.IPv4)
      const l3Off = f.length
      const hlen = 20 + l3.options.length
      f.push(0x40 | (hlen / 4), l3.tos & 0xff)
      put16(f, hlen + carried.length)
      put16(f, frag ? frag.ident & 0xffff : l3.id)
      const flags = frag
        ? (frag.more ? Ipv4Frag.MF : 0) | (frag.offsetUnits & Ipv4Frag.OFFSET)
        : l3.dontFragment
          ? Ipv4Frag.DF
          : 0
      put16(f, flags)
      f.push(l3.ttl & 0xff, l4Proto(l4))
      put16(f, 0)
      f.push(...l3.src, ...l3.dst, ...l3.options)
      const bytes = Uint8Array.from(f)
      let c = ipv4HeaderChecksum(bytes, l3Off, hlen)
      if (l3.badHeaderChecksum) c = corruptChecksum16(c, spec.corruptMask >>> 16 || 0x5a5a, false)
      set16(f, l3Off + 10, c)
    } else {
      put16(f, EtherType.IPv6)
      const ext: number[] = []
      // chain: ext[0] .. ext[n-1] [Fragment] upper layer
      const upper = l4Proto(l4)
      const afterExt = frag ? IpProto.FRAGMENT : upper
      for (let i = 0; i < l3.ext.length; i++) {
        const next = i + 1 < l3.ext.length ? l3.ext[i + 1]!.type : afterExt
        ext.push(...buildIpv6Ext(l3, i, next, rnd))
      }
      if (frag) {
        ext.push(upper, 0)
        put16(ext, ((frag.offsetUnits << 3) & 0xfff8) | (frag.more ? 1 : 0))
        put32(ext, frag.ident)
      }
      const first = l3.ext.length > 0 ? l3.ext[0]!.type : afterExt
      put32(f, (6 << 28) | ((l3.trafficClass & 0xff) << 20) | (l3.flowLabel & 0xfffff))
      put16(f, ext.length + carried.length)
      f.push(first, l3.hopLimit & 0xff, ...l3.src, ...l3.dst, ...ext)
    }
    for (const b of carried) f.push(b)
  }
  if (spec.padToMin) while (f.length < EthSize.ZLEN) f.push(0)
  return Uint8Array.from(f)
}
