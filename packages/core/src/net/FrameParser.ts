/**
 * Frame parser: what a NIC's packet parser sees in a received Ethernet frame (FCS already
 * stripped). Per packet: `parseFrame` allocates nothing, throws nothing, and writes every
 * field of a caller-owned `ParsedFrame` (all plain numbers) before it returns a `ParseStatus`.
 *
 * Layers, outermost first (offsets are relative to the frame's first byte):
 *
 *   Ethernet II      0  dst MAC(6) | 6 src MAC(6) | 12 EtherType/TPID(2)
 *   VLAN tag x0..2   TPID 0x88A8 or 0x8100 (2) | TCI(2) = PCP(3) DEI(1) VID(12); outer first
 *                    (802.1ad S-tag + 802.1Q C-tag, or QinQ 0x8100/0x8100)
 *   EtherType        0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP, anything else = Other
 *
 *   IPv4 (RFC 791)   0 ver(4)|IHL(4) | 1 TOS | 2 total length(2) | 4 id(2) | 6 flags(3)|frag
 *                    offset(13) | 8 TTL | 9 protocol | 10 checksum(2) | 12 src(4) | 16 dst(4)
 *                    | 20 options (IHL > 5)
 *   IPv6 (RFC 8200)  0 ver(4)|TC(8)|flow(20) | 4 payload length(2) | 6 next header | 7 hop
 *                    limit | 8 src(16) | 24 dst(16) | 40 extension headers:
 *                    Hop-by-Hop 0, Routing 43, Destination Options 60: len = (hdr[1]+1)*8;
 *                    Fragment 44: 8 bytes, offset = u16@2 & 0xFFF8 (bytes), M = u16@2 & 1;
 *                    AH 51: len = (hdr[1]+2)*4. All of them set a bit in `ipv6ExtMask`.
 *
 *   L4 (only in an unfragmented datagram or a first fragment):
 *   TCP   0 sport | 2 dport | 4 seq | 8 ack | 12 data offset(4)... | 16 checksum | 18 urg
 *   UDP   0 sport | 2 dport | 4 length | 6 checksum
 *   SCTP  0 sport | 2 dport | 4 verification tag | 8 CRC32c (LE)
 *   ICMP / ICMPv6   0 type | 1 code | 2 checksum | 4 rest (8 bytes minimum)
 *
 * Fragments: IPv4 MF set or offset != 0; IPv6 Fragment header with M set or offset != 0.
 * A first fragment (offset 0) carries the L4 header, so ports are reported, but its L4
 * checksum covers the whole datagram and is NotChecked. A non-first fragment reports no L4
 * (l4Kind None) while ipProto still names the upper-layer protocol.
 *
 * Checksums: IPv4 header (Good/Bad); TCP, UDP, ICMP, ICMPv6 ones' complement with
 * pseudo-header where the protocol has one; SCTP CRC32c. UDP over IPv4 with checksum 0 is
 * Absent (RFC 768); UDP over IPv6 with checksum 0 is Bad (RFC 8200 §8.1). The IPv6
 * pseudo-header uses the destination address of the IPv6 header; a Routing header with Segments
 * Left > 0 (whose final destination is its last address, RFC 8200 §8.1) is not modelled.
 *
 * Status precedence: the first error met wins (TruncatedL2 < ... order of the layers); a frame
 * with no error but shorter than ETH_ZLEN (60) returns Runt. `isRunt` and `isJumbo` are set
 * whatever the status. Fields of layers not reached are left at their reset values (-1 for
 * offsets, 0 otherwise).
 */
import { crc32cUpdate, crc32cUpdateZeros, SCTP_CHECKSUM_OFFSET, sctpStoredChecksum } from "./Crc32c.js"
import { csumPartial, pseudoHeaderSum } from "./InternetChecksum.js"
import { EtherType, EthSize, IpProto, Ipv4Frag, Ipv6Frag } from "./ProtocolNumbers.js"

/** Result of `parseFrame` (also stored in `ParsedFrame.status`). */
export const ParseStatus = {
  /** Every header present and consistent, frame >= 60 bytes. */
  Ok: 0,
  /** Headers are fine but the frame is shorter than ETH_ZLEN (60): a NIC counts a runt. */
  Runt: 1,
  /** Shorter than the Ethernet header, or a VLAN tag is cut off. */
  TruncatedL2: 2,
  /** IP header (with options / extension headers) or the IP total length runs past the frame. */
  TruncatedL3: 3,
  /** Bad IP version, IHL < 5, total length < header length, misplaced Hop-by-Hop, extension
   * headers past the IP payload, or more than 8 extension headers. */
  MalformedL3: 4,
  /** The IP payload is shorter than the L4 protocol's minimum header. */
  TruncatedL4: 5,
  /** TCP data offset < 5 or past the payload; UDP length < 8 or past the payload. */
  MalformedL4: 6
} as const
export type ParseStatus = (typeof ParseStatus)[keyof typeof ParseStatus]

export const L3Kind = { None: 0, IPv4: 1, IPv6: 2, ARP: 3, Other: 4 } as const
export type L3Kind = (typeof L3Kind)[keyof typeof L3Kind]

export const L4Kind = { None: 0, TCP: 1, UDP: 2, SCTP: 3, ICMP: 4, ICMPv6: 5, Other: 6 } as const
export type L4Kind = (typeof L4Kind)[keyof typeof L4Kind]

export const FragKind = { None: 0, First: 1, NonFirst: 2 } as const
export type FragKind = (typeof FragKind)[keyof typeof FragKind]

export const CsumStatus = {
  /** Not verified: not present in this frame, a fragment, not asked for, or not reached. */
  NotChecked: 0,
  Good: 1,
  Bad: 2,
  /** UDP over IPv4 with checksum field 0: the sender computed none. */
  Absent: 3
} as const
export type CsumStatus = (typeof CsumStatus)[keyof typeof CsumStatus]

/** Bits of `ParsedFrame.ipv6ExtMask`: IPv6 extension headers met before the upper layer. */
export const Ipv6ExtBit = { HopByHop: 1, Routing: 2, Fragment: 4, DestOpts: 8, AH: 16 } as const

/** `parseFrame` options (bit mask). */
export const ParseOption = { None: 0, VerifyIpv4Checksum: 1, VerifyL4Checksum: 2, VerifyAll: 3 } as const

/** Most extension headers the parser walks before it calls the packet malformed. */
export const MAX_IPV6_EXT_HEADERS = 8

/** The parser's output: plain number fields, preallocate once and reuse per packet. */
export class ParsedFrame {
  /** The value `parseFrame` returned. */
  status: number = ParseStatus.Ok
  /** Index of the frame's first byte in the buffer it was parsed from. */
  frameOffset = 0
  /** Bytes in the frame (without FCS). */
  frameLen = 0
  /** frameLen < ETH_ZLEN (60). */
  isRunt = false
  /** L2 payload (after Ethernet header and VLAN tags) > ETH_DATA_LEN (1500). */
  isJumbo = false

  /** VLAN tags parsed (0..2); a third tag is left as the final EtherType (L3 Other). */
  vlanCount = 0
  /** Outer tag: TPID and TCI (PCP = tci >> 13, DEI = (tci >> 12) & 1, VID = tci & 0xfff). */
  vlan0Tpid = 0
  vlan0Tci = 0
  /** Inner tag (when vlanCount == 2). */
  vlan1Tpid = 0
  vlan1Tci = 0
  /** The EtherType after the VLAN tags. */
  etherType = 0

  l3Kind: number = L3Kind.None
  /** Offset of the IPv4/IPv6/ARP header, -1 when none. */
  l3Offset = -1
  /** IPv4: IHL*4. IPv6: 40 + the extension headers walked. */
  l3HeaderLen = 0
  /** IPv4 total length; IPv6 40 + payload length. l3Offset + ipTotalLen is the datagram end. */
  ipTotalLen = 0
  /** Upper-layer protocol: IPv4 protocol field; IPv6 next header after the extension headers. */
  ipProto = 0
  /** IPv4 with IHL > 5. */
  hasIpv4Options = false
  /** Ipv6ExtBit mask of the extension headers met. */
  ipv6ExtMask = 0
  /** Offset of the source address; the destination follows right after it. -1 when none. */
  addrOffset = -1
  /** 4 (IPv4), 16 (IPv6), 0 (none). */
  addrLen = 0
  fragKind: number = FragKind.None
  ipv4CsumStatus: number = CsumStatus.NotChecked

  l4Kind: number = L4Kind.None
  /** Offset of the L4 header, -1 when none. */
  l4Offset = -1
  /** Bytes from the L4 header to the end of the IP datagram (upper-layer length). */
  l4Len = 0
  /** TCP data offset*4, UDP 8, SCTP 12, ICMP/ICMPv6 8; 0 when no L4. */
  l4HeaderLen = 0
  /** TCP/UDP/SCTP ports (0 when none). */
  srcPort = 0
  dstPort = 0
  l4CsumStatus: number = CsumStatus.NotChecked

  /** Put every field back to its value for "nothing parsed". */
  reset(): void {
    this.status = ParseStatus.Ok
    this.frameOffset = 0
    this.frameLen = 0
    this.isRunt = false
    this.isJumbo = false
    this.vlanCount = 0
    this.vlan0Tpid = 0
    this.vlan0Tci = 0
    this.vlan1Tpid = 0
    this.vlan1Tci = 0
    this.etherType = 0
    this.l3Kind = L3Kind.None
    this.l3Offset = -1
    this.l3HeaderLen = 0
    this.ipTotalLen = 0
    this.ipProto = 0
    this.hasIpv4Options = false
    this.ipv6ExtMask = 0
    this.addrOffset = -1
    this.addrLen = 0
    this.fragKind = FragKind.None
    this.ipv4CsumStatus = CsumStatus.NotChecked
    this.l4Kind = L4Kind.None
    this.l4Offset = -1
    this.l4Len = 0
    this.l4HeaderLen = 0
    this.srcPort = 0
    this.dstPort = 0
    this.l4CsumStatus = CsumStatus.NotChecked
  }
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!

const finish = (out: ParsedFrame, status: number): number => {
  const s = status === ParseStatus.Ok && out.isRunt ? ParseStatus.Runt : status
  out.status = s
  return s
}

/**
 * Parse the frame buf[off .. off+len) into `out`. Returns a ParseStatus. Never throws for any
 * bytes and any len >= 0 with off + len <= buf.length.
 */
export const parseFrame = (
  buf: Uint8Array,
  off: number,
  len: number,
  out: ParsedFrame,
  options: number = ParseOption.VerifyAll
): number => {
  out.reset()
  out.frameOffset = off
  out.frameLen = len
  out.isRunt = len < EthSize.ZLEN
  if (len < EthSize.HLEN) return finish(out, ParseStatus.TruncatedL2)

  // ---- L2: Ethernet + up to two VLAN tags
  let pos = 12
  let type = u16(buf, off + pos)
  pos += 2
  while ((type === EtherType.VLAN_8021AD || type === EtherType.VLAN_8021Q) && out.vlanCount < 2) {
    if (pos + EthSize.VLAN_HLEN > len) return finish(out, ParseStatus.TruncatedL2)
    const tci = u16(buf, off + pos)
    if (out.vlanCount === 0) {
      out.vlan0Tpid = type
      out.vlan0Tci = tci
    } else {
      out.vlan1Tpid = type
      out.vlan1Tci = tci
    }
    out.vlanCount++
    type = u16(buf, off + pos + 2)
    pos += EthSize.VLAN_HLEN
  }
  out.etherType = type
  out.isJumbo = len - pos > EthSize.DATA_LEN
  out.l3Offset = pos

  if (type === EtherType.IPv4) {
    out.l3Kind = L3Kind.IPv4
    return finish(out, parseIpv4(buf, off, len, pos, out, options))
  }
  if (type === EtherType.IPv6) {
    out.l3Kind = L3Kind.IPv6
    return finish(out, parseIpv6(buf, off, len, pos, out, options))
  }
  out.l3Kind = type === EtherType.ARP ? L3Kind.ARP : L3Kind.Other
  return finish(out, ParseStatus.Ok)
}

const parseIpv4 = (buf: Uint8Array, off: number, len: number, l3: number, out: ParsedFrame, options: number): number => {
  if (l3 + 20 > len) return ParseStatus.TruncatedL3
  const a = off + l3
  const verIhl = buf[a]!
  if (verIhl >> 4 !== 4) return ParseStatus.MalformedL3
  const hlen = (verIhl & 0x0f) * 4
  if (hlen < 20) return ParseStatus.MalformedL3
  const total = u16(buf, a + 2)
  out.l3HeaderLen = hlen
  out.ipTotalLen = total
  out.hasIpv4Options = hlen > 20
  out.ipProto = buf[a + 9]!
  out.addrOffset = l3 + 12
  out.addrLen = 4
  if (l3 + hlen > len) return ParseStatus.TruncatedL3
  if (total < hlen) return ParseStatus.MalformedL3
  if (l3 + total > len) return ParseStatus.TruncatedL3
  if ((options & ParseOption.VerifyIpv4Checksum) !== 0) {
    out.ipv4CsumStatus = csumPartial(buf, a, hlen, 0) === 0xffff ? CsumStatus.Good : CsumStatus.Bad
  }
  const frag = u16(buf, a + 6)
  const fragOffset = frag & Ipv4Frag.OFFSET
  if (fragOffset !== 0) {
    out.fragKind = FragKind.NonFirst
    return ParseStatus.Ok
  }
  if ((frag & Ipv4Frag.MF) !== 0) out.fragKind = FragKind.First
  return parseL4(buf, off, l3 + hlen, l3 + total, out, options)
}

const parseIpv6 = (buf: Uint8Array, off: number, len: number, l3: number, out: ParsedFrame, options: number): number => {
  if (l3 + 40 > len) return ParseStatus.TruncatedL3
  const a = off + l3
  if (buf[a]! >> 4 !== 6) return ParseStatus.MalformedL3
  const total = 40 + u16(buf, a + 4)
  out.ipTotalLen = total
  out.addrOffset = l3 + 8
  out.addrLen = 16
  out.l3HeaderLen = 40
  let nh = buf[a + 6]!
  out.ipProto = nh
  if (l3 + total > len) return ParseStatus.TruncatedL3
  const end = l3 + total
  let pos = l3 + 40
  let walked = 0
  for (;;) {
    let extLen: number
    let bit: number
    if (nh === IpProto.HOPOPTS || nh === IpProto.ROUTING || nh === IpProto.DSTOPTS) {
      if (nh === IpProto.HOPOPTS && walked !== 0) return ParseStatus.MalformedL3
      if (pos + 2 > end) return ParseStatus.MalformedL3
      extLen = (buf[off + pos + 1]! + 1) * 8
      bit = nh === IpProto.HOPOPTS ? Ipv6ExtBit.HopByHop : nh === IpProto.ROUTING ? Ipv6ExtBit.Routing : Ipv6ExtBit.DestOpts
    } else if (nh === IpProto.FRAGMENT) {
      extLen = 8
      bit = Ipv6ExtBit.Fragment
    } else if (nh === IpProto.AH) {
      if (pos + 2 > end) return ParseStatus.MalformedL3
      extLen = (buf[off + pos + 1]! + 2) * 4
      bit = Ipv6ExtBit.AH
    } else {
      break
    }
    if (walked === MAX_IPV6_EXT_HEADERS) return ParseStatus.MalformedL3
    if (pos + extLen > end) return ParseStatus.MalformedL3
    out.ipv6ExtMask |= bit
    const next = buf[off + pos]!
    if (bit === Ipv6ExtBit.Fragment) {
      const fo = u16(buf, off + pos + 2)
      pos += extLen
      walked++
      out.l3HeaderLen = pos - l3
      out.ipProto = next
      if ((fo & Ipv6Frag.OFFSET) !== 0) {
        out.fragKind = FragKind.NonFirst
        return ParseStatus.Ok
      }
      if ((fo & Ipv6Frag.MF) !== 0) out.fragKind = FragKind.First
      nh = next
      continue
    }
    pos += extLen
    walked++
    out.l3HeaderLen = pos - l3
    nh = next
    out.ipProto = nh
  }
  return parseL4(buf, off, pos, end, out, options)
}

/** L4 header at frame offset `l4` with the IP datagram ending at frame offset `end`. */
const parseL4 = (buf: Uint8Array, off: number, l4: number, end: number, out: ParsedFrame, options: number): number => {
  const proto = out.ipProto
  const isV4 = out.l3Kind === L3Kind.IPv4
  let kind: number
  let minLen: number
  if (proto === IpProto.TCP) {
    kind = L4Kind.TCP
    minLen = 20
  } else if (proto === IpProto.UDP) {
    kind = L4Kind.UDP
    minLen = 8
  } else if (proto === IpProto.SCTP) {
    kind = L4Kind.SCTP
    minLen = 12
  } else if (proto === IpProto.ICMP && isV4) {
    kind = L4Kind.ICMP
    minLen = 8
  } else if (proto === IpProto.ICMPV6 && !isV4) {
    kind = L4Kind.ICMPv6
    minLen = 8
  } else {
    if (proto !== IpProto.NONE) {
      out.l4Kind = L4Kind.Other
      out.l4Offset = l4
      out.l4Len = end - l4
    }
    return ParseStatus.Ok
  }
  const l4Len = end - l4
  out.l4Kind = kind
  out.l4Offset = l4
  out.l4Len = l4Len
  if (l4Len < minLen) return ParseStatus.TruncatedL4
  const a = off + l4
  let checkedLen = l4Len
  if (kind === L4Kind.TCP) {
    const hl = (buf[a + 12]! >> 4) * 4
    if (hl < 20 || hl > l4Len) return ParseStatus.MalformedL4
    out.l4HeaderLen = hl
  } else if (kind === L4Kind.UDP) {
    const ulen = u16(buf, a + 4)
    // in a first fragment the UDP length covers the whole datagram, so it may exceed l4Len
    if (ulen < 8 || (ulen > l4Len && out.fragKind === FragKind.None)) return ParseStatus.MalformedL4
    out.l4HeaderLen = 8
    checkedLen = ulen
  } else {
    out.l4HeaderLen = minLen
  }
  if (kind === L4Kind.TCP || kind === L4Kind.UDP || kind === L4Kind.SCTP) {
    out.srcPort = u16(buf, a)
    out.dstPort = u16(buf, a + 2)
  }
  if ((options & ParseOption.VerifyL4Checksum) === 0 || out.fragKind !== FragKind.None) return ParseStatus.Ok

  if (kind === L4Kind.SCTP) {
    let c = crc32cUpdate(0xffffffff, buf, a, SCTP_CHECKSUM_OFFSET)
    c = crc32cUpdateZeros(c, 4)
    c = crc32cUpdate(c, buf, a + SCTP_CHECKSUM_OFFSET + 4, l4Len - SCTP_CHECKSUM_OFFSET - 4)
    out.l4CsumStatus = ~c >>> 0 === sctpStoredChecksum(buf, a) ? CsumStatus.Good : CsumStatus.Bad
    return ParseStatus.Ok
  }
  if (kind === L4Kind.UDP && u16(buf, a + 6) === 0) {
    out.l4CsumStatus = isV4 ? CsumStatus.Absent : CsumStatus.Bad
    return ParseStatus.Ok
  }
  const pseudo =
    kind === L4Kind.ICMP ? 0 : pseudoHeaderSum(buf, off + out.addrOffset, out.addrLen * 2, proto, checkedLen)
  out.l4CsumStatus = csumPartial(buf, a, checkedLen, pseudo) === 0xffff ? CsumStatus.Good : CsumStatus.Bad
  return ParseStatus.Ok
}
