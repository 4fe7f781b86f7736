/**
 * RSS hash input selection: from a ParsedFrame, write the Toeplitz input the NIC hashes and say
 * which `enum xdp_rss_hash_type` (include/net/xdp.h) the hash covered.
 *
 * Configuration mirrors `ethtool -N <dev> rx-flow-hash <flow-type> <fields>` (ethtool(8);
 * ETHTOOL_SRXFH, include/uapi/linux/ethtool.h): one field set per flow type, tcp4 udp4 sctp4
 * ip4(other) tcp6 udp6 sctp6 ip6(other), where "sd" = RXH_IP_SRC|RXH_IP_DST and "sdfn" adds
 * RXH_L4_B_0_1|RXH_L4_B_2_3 (the two ports). "none" turns hashing off for the flow type.
 *
 * Input layout (Microsoft RSS hashing types; bytes exactly as on the wire):
 *
 *   IPv4 "sd":    src(4) dst(4)                        8 bytes
 *   IPv4 "sdfn":  src(4) dst(4) sport(2) dport(2)     12 bytes
 *   IPv6 "sd":    src(16) dst(16)                     32 bytes
 *   IPv6 "sdfn":  src(16) dst(16) sport(2) dport(2)   36 bytes
 *
 * Rules (per packet, in order):
 * - The flow type comes from the IP protocol (ParsedFrame.ipProto): TCP, UDP, SCTP, else other.
 *   ICMP/ICMPv6 are "other", so they hash on L3 only.
 * - Fragments (first and non-first) hash L3 only, so every fragment of a datagram lands on the
 *   same queue; likewise a frame whose L4 header is truncated or malformed.
 * - Frames with an L2/L3 error status, and non-IP frames (ARP, others), get no hash.
 * - hash type: L3 only -> TYPE_L3_IPV4 / TYPE_L3_IPV6, plus L3_DYNHDR (TYPE_L3_IPV4_OPT 5,
 *   TYPE_L3_IPV6_EX 6) when IPv4 options / counted IPv6 extension headers are present;
 *   L3+L4 -> TYPE_L4_IPV{4,6}_{TCP,UDP,SCTP}; for IPv6 plus DYNHDR (the _EX forms 30/46/78).
 *   Only named enumerators are produced: there is no IPv4 L4 "_OPT" form, so an IPv4 4-tuple
 *   hash never carries DYNHDR.
 * - Which IPv6 extension headers count for DYNHDR is configurable (`ipv6DynHdrExtMask`, bits of
 *   Ipv6ExtBit). The default counts all five the parser walks (Hop-by-Hop, Routing, Fragment,
 *   Destination Options, AH), i.e. "an extension header was present", the reading of the
 *   include/net/xdp.h comment on XDP_RSS_L3_DYNHDR. A model of a NIC that never reports it
 *   (mlx5, ice) sets the mask to 0 and ipv4OptionsDynHdr to false.
 *
 * `buildRssInput` and `rssHashFrame` allocate nothing and never throw; `compileRssHashFields`
 * is the configuration-time step.
 */
import { XdpRssHashType } from "../kernel/XdpRssHashType.js"
import { L3Kind, ParseStatus, type ParsedFrame } from "./FrameParser.js"
import { IpProto } from "./ProtocolNumbers.js"
import { type ToeplitzKey, toeplitzHash } from "./Toeplitz.js"

/** ethtool rx-flow-hash field sets this model supports. */
export type RssFlowFields = "none" | "sd" | "sdfn"
/** The "other" flow types (ip4 / ip6) have no ports to hash. */
export type RssL3Fields = "none" | "sd"

export interface RssHashFields {
  readonly tcp4: RssFlowFields
  readonly udp4: RssFlowFields
  readonly sctp4: RssFlowFields
  readonly other4: RssL3Fields
  readonly tcp6: RssFlowFields
  readonly udp6: RssFlowFields
  readonly sctp6: RssFlowFields
  readonly other6: RssL3Fields
  /** Report TYPE_L3_IPV4_OPT for L3-only hashes of IPv4 packets with options (default true). */
  readonly ipv4OptionsDynHdr?: boolean
  /** Ipv6ExtBit mask: which extension headers set L3_DYNHDR on IPv6 types (default 0x1f, all). */
  readonly ipv6DynHdrExtMask?: number
}

/** 4-tuple for TCP, UDP and SCTP; addresses for everything else (ice's default field sets). */
export const DEFAULT_RSS_HASH_FIELDS: RssHashFields = {
  tcp4: "sdfn",
  udp4: "sdfn",
  sctp4: "sdfn",
  other4: "sd",
  tcp6: "sdfn",
  udp6: "sdfn",
  sctp6: "sdfn",
  other6: "sd",
  ipv4OptionsDynHdr: true,
  ipv6DynHdrExtMask: 0x1f
}

const FIELDS_NONE = 0
const FIELDS_SD = 1
const FIELDS_SDFN = 2

/** The configuration in per-packet form (numbers only). */
export interface CompiledRssHashFields {
  readonly tcp4: number
  readonly udp4: number
  readonly sctp4: number
  readonly other4: number
  readonly tcp6: number
  readonly udp6: number
  readonly sctp6: number
  readonly other6: number
  readonly ipv4OptionsDynHdr: boolean
  readonly ipv6DynHdrExtMask: number
}

const code = (f: RssFlowFields): number => (f === "sdfn" ? FIELDS_SDFN : f === "sd" ? FIELDS_SD : FIELDS_NONE)

/** Configuration time: turn the field-set names into numbers. */
export const compileRssHashFields = (cfg: RssHashFields = DEFAULT_RSS_HASH_FIELDS): CompiledRssHashFields => ({
  tcp4: code(cfg.tcp4),
  udp4: code(cfg.udp4),
  sctp4: code(cfg.sctp4),
  other4: code(cfg.other4),
  tcp6: code(cfg.tcp6),
  udp6: code(cfg.udp6),
  sctp6: code(cfg.sctp6),
  other6: code(cfg.other6),
  ipv4OptionsDynHdr: cfg.ipv4OptionsDynHdr ?? true,
  ipv6DynHdrExtMask: (cfg.ipv6DynHdrExtMask ?? 0x1f) & 0x1f
})

/** Longest input: the IPv6 4-tuple. */
export const RSS_INPUT_MAX_BYTES = 36

/** Preallocated output of `buildRssInput`. */
export class RssInput {
  /** The Toeplitz input; the first `length` bytes are valid. */
  readonly bytes = new Uint8Array(RSS_INPUT_MAX_BYTES)
  /** 0 (no hash), 8, 12, 32 or 36. */
  length = 0
  /** enum xdp_rss_hash_type value the hash covers (0 = XDP_RSS_TYPE_NONE). */
  hashType = 0
}

const copy = (src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void => {
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!
}

/**
 * Write the RSS input for `frame` (parsed from `buf`) into `out`; returns out.length
 * (0 = the NIC computes no hash; out.hashType is then TYPE_NONE).
 */
export const buildRssInput = (
  frame: ParsedFrame,
  buf: Uint8Array,
  fields: CompiledRssHashFields,
  out: RssInput
): number => {
  out.length = 0
  out.hashType = XdpRssHashType.TYPE_NONE
  const status = frame.status
  const l4Broken = status === ParseStatus.TruncatedL4 || status === ParseStatus.MalformedL4
  if (status !== ParseStatus.Ok && status !== ParseStatus.Runt && !l4Broken) return 0
  const isV4 = frame.l3Kind === L3Kind.IPv4
  if (!isV4 && frame.l3Kind !== L3Kind.IPv6) return 0

  const proto = frame.ipProto
  let sel: number
  let l4Type: number
  if (proto === IpProto.TCP) {
    sel = isV4 ? fields.tcp4 : fields.tcp6
    l4Type = isV4 ? XdpRssHashType.TYPE_L4_IPV4_TCP : XdpRssHashType.TYPE_L4_IPV6_TCP
  } else if (proto === IpProto.UDP) {
    sel = isV4 ? fields.udp4 : fields.udp6
    l4Type = isV4 ? XdpRssHashType.TYPE_L4_IPV4_UDP : XdpRssHashType.TYPE_L4_IPV6_UDP
  } else if (proto === IpProto.SCTP) {
    sel = isV4 ? fields.sctp4 : fields.sctp6
    l4Type = isV4 ? XdpRssHashType.TYPE_L4_IPV4_SCTP : XdpRssHashType.TYPE_L4_IPV6_SCTP
  } else {
    sel = isV4 ? fields.other4 : fields.other6
    l4Type = 0
  }
  if (sel === FIELDS_NONE) return 0
  if (sel === FIELDS_SDFN && (l4Type === 0 || frame.l4Offset < 0 || frame.fragKind !== 0 || l4Broken)) {
    sel = FIELDS_SD
  }

  const dyn = isV4
    ? frame.hasIpv4Options && fields.ipv4OptionsDynHdr
    : (frame.ipv6ExtMask & fields.ipv6DynHdrExtMask) !== 0
  const addrBytes = frame.addrLen * 2
  const base = frame.frameOffset
  copy(buf, base + frame.addrOffset, out.bytes, 0, addrBytes)
  if (sel === FIELDS_SDFN) {
    copy(buf, base + frame.l4Offset, out.bytes, addrBytes, 4)
    out.length = addrBytes + 4
    // IPv4 L4 types have no DYNHDR (_OPT) form in enum xdp_rss_hash_type
    out.hashType = isV4 || !dyn ? l4Type : l4Type | XdpRssHashType.L3_DYNHDR
  } else {
    out.length = addrBytes
    const l3 = isV4 ? XdpRssHashType.TYPE_L3_IPV4 : XdpRssHashType.TYPE_L3_IPV6
    out.hashType = dyn ? l3 | XdpRssHashType.L3_DYNHDR : l3
  }
  return out.length
}

/** buildRssInput + Toeplitz: the RSS hash a NIC reports (0 with TYPE_NONE when none). */
export const rssHashFrame = (
  frame: ParsedFrame,
  buf: Uint8Array,
  fields: CompiledRssHashFields,
  key: ToeplitzKey,
  out: RssInput
): number => {
  const n = buildRssInput(frame, buf, fields, out)
  return n === 0 ? 0 : toeplitzHash(key, out.bytes, 0, n)
}
