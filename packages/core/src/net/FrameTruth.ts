/**
 * FrameTruth: the ground truth of a generated frame, derived from its FrameSpec by arithmetic
 * on the spec alone. It never reads frame bytes and never calls FrameParser, so comparing the
 * parser's output with it checks builder and parser against each other.
 *
 * Conventions: offsets are from the frame's first byte; -1 / null mean "not present";
 * addresses are lowercase hex strings without separators; `l4` names the L4 header actually
 * present in this frame (a non-first fragment has none, though `ipProto` still names it).
 */
import type { FrameSpec, L4Spec, VlanTagSpec } from "./FrameSpec.js"
import { EtherType, EthSize, IpProto } from "./ProtocolNumbers.js"

export type L4Name = "tcp" | "udp" | "sctp" | "icmp" | "icmpv6" | "none"
export type L4ChecksumTruth = "good" | "bad" | "absent" | "unchecked"

export interface FrameTruth {
  readonly frameLen: number
  /** frameLen < 60 (ETH_ZLEN) */
  readonly isRunt: boolean
  /** L2 payload (after the Ethernet header and tags) > 1500 (ETH_DATA_LEN) */
  readonly isJumbo: boolean
  /** Outer first. */
  readonly vlans: ReadonlyArray<VlanTagSpec>
  /** EtherType after the tags. */
  readonly etherType: number
  readonly l3: "ipv4" | "ipv6" | "arp"
  readonly l3Offset: number
  /** IPv4 IHL*4; IPv6 40 + extension headers (through the Fragment header); ARP 0. */
  readonly l3HeaderLen: number
  /** IPv4 total length; IPv6 40 + payload length; ARP 0. */
  readonly ipTotalLen: number
  /** Upper-layer protocol number; null for ARP. */
  readonly ipProto: number | null
  readonly hasIpOptions: boolean
  /** Next-header values of the IPv6 extension headers, in order (Fragment = 44 included). */
  readonly ipv6ExtHeaders: ReadonlyArray<number>
  readonly fragment: "none" | "first" | "non-first"
  readonly srcAddr: string | null
  readonly dstAddr: string | null
  readonly l4: L4Name
  readonly l4Offset: number
  /** TCP data offset*4, UDP 8, SCTP 12, ICMP/ICMPv6 8; 0 when no L4 header. */
  readonly l4HeaderLen: number
  readonly srcPort: number | null
  readonly dstPort: number | null
  /** null when the frame has no IPv4 header. */
  readonly ipv4HeaderChecksumValid: boolean | null
  /** "unchecked" for fragments, ARP. */
  readonly l4Checksum: L4ChecksumTruth
}

const hex = (bytes: ReadonlyArray<number>): string => bytes.map((b) => b.toString(16).padStart(2, "0")).join("")

const protoOf = (l4: L4Spec): number =>
  l4.kind === "tcp"
    ? IpProto.TCP
    : l4.kind === "udp"
      ? IpProto.UDP
      : l4.kind === "sctp"
        ? IpProto.SCTP
        : l4.kind === "icmp"
          ? IpProto.ICMP
          : IpProto.ICMPV6

const headerLenOf = (l4: L4Spec): number => (l4.kind === "tcp" ? 20 + l4.options.length : l4.kind === "sctp" ? 12 : 8)

/** Length of the whole L4 segment (header + data, SCTP chunk padded to 4). */
export const segmentLength = (l4: L4Spec): number => {
  switch (l4.kind) {
    case "tcp":
      return 20 + l4.options.length + l4.payloadLen
    case "udp":
      return 8 + l4.payloadLen
    case "sctp":
      return 12 + 16 + Math.ceil(l4.payloadLen / 4) * 4
    case "icmp":
    case "icmpv6":
      return 8 + l4.payloadLen
  }
}

const extLength = (type: number, extraUnits: number): number => (type === 43 || type === 51 ? 24 : 8 * (1 + extraUnits))

/** Derive the truth of a frame from its spec. */
export const truthOf = (spec: FrameSpec): FrameTruth => {
  const l3Offset = EthSize.HLEN + EthSize.VLAN_HLEN * spec.vlans.length
  const l3 = spec.l3
  const pad = (len: number): number => (spec.padToMin && len < EthSize.ZLEN ? EthSize.ZLEN : len)
  if (l3.kind === "arp") {
    const frameLen = pad(l3Offset + 28)
    return {
      frameLen,
      isRunt: frameLen < EthSize.ZLEN,
      isJumbo: false,
      vlans: spec.vlans,
      etherType: EtherType.ARP,
      l3: "arp",
      l3Offset,
      l3HeaderLen: 0,
      ipTotalLen: 0,
      ipProto: null,
      hasIpOptions: false,
      ipv6ExtHeaders: [],
      fragment: "none",
      srcAddr: null,
      dstAddr: null,
      l4: "none",
      l4Offset: -1,
      l4HeaderLen: 0,
      srcPort: null,
      dstPort: null,
      ipv4HeaderChecksumValid: null,
      l4Checksum: "unchecked"
    }
  }
  const l4 = spec.l4!
  const frag = spec.fragment
  const fragment = frag === undefined ? "none" : frag.offsetUnits !== 0 ? "non-first" : frag.more ? "first" : "none"
  const carried = frag === undefined ? segmentLength(l4) : frag.dataLen
  const isV4 = l3.kind === "ipv4"
  const extTypes = isV4 ? [] : [...l3.ext.map((e) => e.type as number), ...(frag ? [IpProto.FRAGMENT] : [])]
  const extBytes = isV4
    ? 0
    : l3.ext.reduce((n, e) => n + extLength(e.type, e.extraUnits), 0) + (frag ? 8 : 0)
  const l3HeaderLen = isV4 ? 20 + l3.options.length : 40 + extBytes
  const ipTotalLen = l3HeaderLen + carried
  const frameLen = pad(l3Offset + ipTotalLen)
  const hasL4 = fragment !== "non-first"
  const ported = hasL4 && (l4.kind === "tcp" || l4.kind === "udp" || l4.kind === "sctp")
  const l4Checksum: L4ChecksumTruth =
    fragment !== "none" || frag !== undefined
      ? "unchecked"
      : spec.udpZeroChecksum && isV4 && l4.kind === "udp"
        ? "absent"
        : spec.badL4Checksum
          ? "bad"
          : "good"
  return {
    frameLen,
    isRunt: frameLen < EthSize.ZLEN,
    isJumbo: frameLen - l3Offset > EthSize.DATA_LEN,
    vlans: spec.vlans,
    etherType: isV4 ? EtherType.IPv4 : EtherType.IPv6,
    l3: l3.kind,
    l3Offset,
    l3HeaderLen,
    ipTotalLen,
    ipProto: protoOf(l4),
    hasIpOptions: isV4 && l3.options.length > 0,
    ipv6ExtHeaders: extTypes,
    fragment,
    srcAddr: hex(l3.src),
    dstAddr: hex(l3.dst),
    l4: hasL4 ? l4.kind : "none",
    l4Offset: hasL4 ? l3Offset + l3HeaderLen : -1,
    l4HeaderLen: hasL4 ? headerLenOf(l4) : 0,
    srcPort: ported && "srcPort" in l4 ? l4.srcPort : null,
    dstPort: ported && "dstPort" in l4 ? l4.dstPort : null,
    ipv4HeaderChecksumValid: isV4 ? !l3.badHeaderChecksum : null,
    l4Checksum
  }
}
