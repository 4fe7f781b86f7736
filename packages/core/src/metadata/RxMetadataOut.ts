/**
 * Preallocated out-parameters of the RX metadata kfuncs. A program allocates one of each at
 * load time and passes it on every call; the callee writes fields, never allocates.
 *
 * - RxTimestampOut: `u64 *timestamp` as two u32 halves (ns on the PHC; a PHC value is above
 *   2^53, so a float64 would not be exact).
 * - RxHashOut: `u32 *hash`, `enum xdp_rss_hash_type *rss_type`.
 * - RxVlanTagOut: `__be16 *vlan_proto` — NETWORK byte order, held as the u16 a little-endian
 *   host would load from those bytes (0x8100 on the wire reads as 0x0081) — and `u16 *vlan_tci`
 *   in HOST order (VID bits 0-11, DEI bit 12, PCP bits 13-15), exactly as the kernel's
 *   bpf_xdp_metadata_rx_vlan_tag hands them out (net/core/xdp.c kernel-doc).
 * - RxChecksumOut: the proposed 4-argument checksum kfunc (not in mainline): `enum xdp_checksum
 *   *ip_summed`, `u32 *cksum`, `u8 *cksum_level` (see kernel/XdpChecksum.ts).
 */
export class RxTimestampOut {
  hi = 0
  lo = 0
}

export class RxHashOut {
  hash = 0
  rssType = 0
}

export class RxVlanTagOut {
  /** __be16 as loaded on a little-endian host: use ntohs() for the TPID */
  vlanProto = 0
  /** host order */
  vlanTci = 0
}

export class RxChecksumOut {
  ipSummed = 0
  cksum = 0
  cksumLevel = 0
}

/** Byte-swap a 16-bit value: htons/ntohs on a little-endian host. */
export const bswap16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff)
export const htons = bswap16
export const ntohs = bswap16
