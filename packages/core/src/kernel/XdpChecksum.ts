/**
 * The proposed RX checksum hint — PROPOSED, NOT IN MAINLINE (absent from the 6.18 kernel BTF).
 *
 * Form modelled: the 4-argument kfunc of the v4 series (Lorenzo Bianconi + Vladimir Vdovin,
 * 8 Jul 2026, lore:20260708203410.45121-1-deliran@verdict.gg):
 *   int bpf_xdp_metadata_rx_checksum(ctx, enum xdp_checksum *ip_summed, u32 *cksum, u8 *cksum_level)
 * In that version enum xdp_checksum is a set of bits — the series' net selftest mirrors it as
 * NONE=0x1, UNNECESSARY=0x2, COMPLETE=0x4 and tests `ip_summed & (UNNECESSARY|COMPLETE)`.
 * (The earlier v2, Feb 2026, aliased the skb values CHECKSUM_NONE=0/UNNECESSARY=1/COMPLETE=2;
 * devtx follows the newest posting.)
 * `cksum` carries the hardware's one's-complement sum for COMPLETE, `cksum_level` the number of
 * consecutive validated checksums minus one (skb->csum_level) for UNNECESSARY; both 0 otherwise.
 */
export const XdpChecksum = {
  NONE: 0x1,
  UNNECESSARY: 0x2,
  COMPLETE: 0x4
} as const
export type XdpChecksum = (typeof XdpChecksum)[keyof typeof XdpChecksum]

/** skb->ip_summed values (include/linux/skbuff.h), used by the skb-path model of each driver. */
export const SkbChecksum = {
  NONE: 0,
  UNNECESSARY: 1,
  COMPLETE: 2,
  PARTIAL: 3
} as const
export type SkbChecksum = (typeof SkbChecksum)[keyof typeof SkbChecksum]

/** skb->csum_level is a 2-bit field: at most SKB_MAX_CSUM_LEVEL = 3 (include/linux/skbuff.h). */
export const SKB_MAX_CSUM_LEVEL = 3
