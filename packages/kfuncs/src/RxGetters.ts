/**
 * The RX metadata getters a devtx program calls — bpf_xdp_metadata_rx_timestamp / _rx_hash /
 * _rx_vlan_tag and the proposed _rx_checksum — in their GENERIC form: every call looks the
 * device's xdp_metadata_ops member up through the context (ctx.rxq.dev) and returns -EOPNOTSUPP
 * when the driver lacks it. This is the "generic" binding mode the benchmarks compare against
 * dev-bound resolution (which the kernel does, ProgramLoader.ts) and inlining.
 *
 * Return codes are the kernel's: 0 (outs written), -ENODATA (driver: no such metadata on this
 * packet), -EOPNOTSUPP (no driver implementation). Outs are caller-preallocated; nothing here
 * allocates or throws.
 */
import {
  Errno,
  type RxChecksumOut,
  type RxHashOut,
  type RxTimestampOut,
  type RxVlanTagOut,
  type XdpBuff
} from "@devtx/core"

/** u64 ns on the device's PHC (not synced to system time), as two u32 halves. */
export const rxTimestamp = (ctx: XdpBuff, out: RxTimestampOut): number => {
  const op = ctx.rxq.dev?.xdpMetadataOps.xmoRxTimestamp
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, out)
}

/** u32 RSS hash and the enum xdp_rss_hash_type describing what the hardware hashed. */
export const rxHash = (ctx: XdpBuff, out: RxHashOut): number => {
  const op = ctx.rxq.dev?.xdpMetadataOps.xmoRxHash
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, out)
}

/** Stripped VLAN tag: vlan_proto in network byte order, vlan_tci in host byte order. */
export const rxVlanTag = (ctx: XdpBuff, out: RxVlanTagOut): number => {
  const op = ctx.rxq.dev?.xdpMetadataOps.xmoRxVlanTag
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, out)
}

/** PROPOSED, NOT IN MAINLINE: ip_summed (enum xdp_checksum), cksum, cksum_level. */
export const rxChecksum = (ctx: XdpBuff, out: RxChecksumOut): number => {
  const op = ctx.rxq.dev?.xdpMetadataOps.xmoRxChecksum
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, out)
}
