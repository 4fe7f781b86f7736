/**
 * The checked-in list of where mlx5 differs from core's generic RX expectation, each with its
 * reason and the configurations it applies to (used by the conformance tests).
 */
import type { KnownGap } from "@devtx/core"
import type { Mlx5Config } from "@devtx/drivers-mlx/internals"

export interface ConditionalGap extends KnownGap {
  readonly when: (c: Mlx5Config) => boolean
}

export const KNOWN_GAPS: ReadonlyArray<ConditionalGap> = [
  {
    check: "hash",
    kinds: ["arp"],
    when: (c) => c.rxhash,
    reason:
      "mlx5e_xdp_rx_hash (en/xdp.c) returns 0 whenever NETIF_F_RXHASH is on: a frame the NIC did not hash (non-IP) reads hash 0 with XDP_RSS_TYPE_NONE instead of -ENODATA"
  },
  {
    check: "checksum",
    kinds: ["arp"],
    when: (c) => c.rxcsum,
    reason:
      "the proposed mlx5 checksum op follows mlx5e_handle_csum, which has no 'no data' outcome once NETIF_F_RXCSUM is on: a non-IP frame (L3_OK clear) is CHECKSUM_NONE, not -ENODATA"
  },
  {
    check: "checksum",
    kinds: ["ipv4-sctp", "ipv6-sctp"],
    when: (c) => c.rxcsum,
    reason:
      "ConnectX sets CQE_L4_OK for TCP/UDP only (the SCTP CRC32c is not verified in hardware; mlx5e_handle_csum sends SCTP to the L3_OK && L4_OK test), so a good SCTP packet is CHECKSUM_NONE"
  },
  {
    check: "skb.checksum",
    kinds: ["ipv4-sctp", "ipv6-sctp"],
    when: (c) => c.rxcsum,
    reason: "same as above on the skb path: with an XDP program attached NO_CSUM_COMPLETE is set and SCTP gets CHECKSUM_NONE"
  }
]

export const gapsFor = (c: Mlx5Config): KnownGap[] =>
  KNOWN_GAPS.filter((g) => g.when(c)).map(({ check, kinds, reason }) => (kinds ? { check, kinds, reason } : { check, reason }))

