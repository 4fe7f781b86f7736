/**
 * The checked-in list of where ice differs from core's generic RX expectation, per conformance
 * configuration. Every entry says why; the conformance test fails on a mismatch no entry
 * explains AND on an entry that no longer occurs, so a gap opening or closing shows in a diff.
 */
import type { KnownGap } from "@devtx/core"

export interface IceKnownGap extends KnownGap {
  /** names of the conformance configurations (IceConformance.test.ts) it applies to */
  readonly configs: ReadonlyArray<string>
}

export const ALL_IP_KINDS = ["ipv4-tcp", "ipv4-udp", "ipv4-sctp", "ipv4-icmp", "ipv6-tcp", "ipv6-udp", "ipv6-sctp", "ipv6-icmpv6"] as const
const ICMP = ["ipv4-icmp", "ipv6-icmpv6"]

/** configurations with the RSS hash reported (not switchdev) */
const HASHED = ["defaults: E810, SVM, CTAG stripping", "DVM, CTAG stripping", "DVM, STAG stripping", "VLAN stripping off", "hwtstamp rx_filter NONE", "PTP clock not initialised", "NETIF_F_RXHASH off", "NETIF_F_RXCSUM off", "four Rx queues", "MTU 9000", "E830 generic checksum"]
/** E810-style checksum verdicts with NETIF_F_RXCSUM on */
const VERDICTS = ["defaults: E810, SVM, CTAG stripping", "DVM, CTAG stripping", "DVM, STAG stripping", "VLAN stripping off", "hwtstamp rx_filter NONE", "PTP clock not initialised", "NETIF_F_RXHASH off", "switchdev (RXDID 6)", "four Rx queues", "MTU 9000"]

export const ICE_KNOWN_GAPS: ReadonlyArray<IceKnownGap> = [
  {
    check: "hash",
    kinds: ICMP,
    configs: HASHED,
    reason:
      "libie_rx_pt_lut gives ICMP ptypes (28, 94) hash_type XDP_RSS_L3_IPVx|XDP_RSS_L4|XDP_RSS_L4_ICMP (0x109/0x10A), but ice's RSS profiles hash ICMP on the addresses only; the type claims an L4 hash"
  },
  {
    check: "skb.hash",
    kinds: ICMP,
    configs: HASHED.filter((c) => c !== "NETIF_F_RXHASH off"),
    reason: "the same ptypes have payload_layer L4, so skb_set_hash marks an address-only hash as PKT_HASH_TYPE_L4"
  },
  {
    check: "checksum",
    kinds: ICMP,
    configs: VERDICTS,
    reason:
      "inner_prot ICMP passes libeth_rx_pt_has_checksum, and mainline ice_rx_csum (since the libie conversion) reports CHECKSUM_UNNECESSARY for every inner_prot that reaches the end, ICMP included, although no ICMP checksum was verified"
  },
  { check: "skb.checksum", kinds: ICMP, configs: VERDICTS, reason: "ice_rx_csum is the same function on the skb path: CHECKSUM_UNNECESSARY for ICMP" },
  {
    check: "checksum",
    kinds: ["arp"],
    configs: [...VERDICTS, "E830 generic checksum"],
    reason: "the proposed ice_xdp_rx_checksum always returns 0 (XDP_CHECKSUM_NONE for non-IP); it has no -ENODATA path"
  },
  {
    check: "checksum",
    configs: ["NETIF_F_RXCSUM off"],
    reason: "with NETIF_F_RXCSUM off ice_get_rx_csum gives XDP_CHECKSUM_NONE and the hint still returns 0, never -ENODATA"
  },
  {
    check: "checksum",
    kinds: [...ALL_IP_KINDS],
    configs: ["E830 generic checksum"],
    reason:
      "E830 gives CHECKSUM_COMPLETE only for inner_prot TCP/UDP/ICMP: SCTP and fragments (inner_prot NONE) keep the E810 verdicts; and raw_csum covers the packet from byte 14, so a tag left in the packet (S-tag in SVM, the inner tag of QinQ) is in the sum while core's expectation starts at the IP header (the test checks every mismatch is one of these three)"
  },
  {
    check: "skb.checksum",
    kinds: ["ipv4-tcp", "ipv4-udp", "ipv4-sctp", "ipv4-icmp", "ipv6-tcp", "ipv6-udp", "ipv6-sctp", "ipv6-icmpv6"],
    configs: ["E830 generic checksum"],
    reason: "the same split on the skb path: SCTP and fragments get CHECKSUM_UNNECESSARY / NONE, not COMPLETE"
  }
]

export const gapsFor = (config: string): ReadonlyArray<KnownGap> => ICE_KNOWN_GAPS.filter((g) => g.configs.includes(config))
