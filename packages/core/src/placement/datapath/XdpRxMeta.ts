/**
 * xdp_rx_meta in the xdp_frame area, and the store kfuncs (Lorenzo Bianconi's RFC, Sep 2024;
 * Jesper Brouer's V1/V2, Jun/Jul 2025 — "[PATCH bpf-next V2 0/7]", lore:
 * 175146824674.1421237.18351246421763677468.stgit@firesoul). NOT IN MAINLINE (absent from the
 * 6.18 BTF). The series embeds `struct xdp_rx_meta` at the end of `struct xdp_frame`, and
 * xdp_prepare_buff points xdp_buff.rx_meta at the spot in the headroom where the frame's copy
 * will live — so a store made by the XDP program is already in place when the buffer becomes an
 * xdp_frame on XDP_REDIRECT:
 *
 *   data_hard_start
 *   0                        40         44         48          50         52    56
 *   +------------------------+----------+----------+-----------+----------+-----+---- headroom ...
 *   | xdp_frame, 6.18 fields | hash.val | hash.type| vlan.proto| vlan.tci | pad |
 *   |  (XdpFrame.ts)         |  u32     | u32 (enum| __be16    | u16 host |     |
 *   |                        |          | xdp_rss_ | (network  |          |     |
 *   |                        |          | hash_type| order)    |          |     |
 *   +------------------------+----------+----------+-----------+----------+-----+
 *   sizeof(struct xdp_frame) with rx_meta: 40 + 12 = 52, padded to 56 (8-byte alignment: the
 *   struct holds pointers).
 *
 * The timestamp is NOT in xdp_rx_meta in V2: bpf_xdp_store_rx_ts writes
 * skb_shared_info.hwtstamps.hwtstamp (offset 16 in the 6.18 BTF, `pahole -C skb_shared_info`),
 * which lives at data_hard_start + frame_sz - SKB_DATA_ALIGN(sizeof(skb_shared_info)).
 * Jesper's own review of V2 (cache miss at the tail) proposed moving it into xdp_rx_meta, and
 * Lorenzo acked it for v3; devtx models that as the "ts-in-rx-meta" variant: xdp_rx_meta grows a
 * u64 ts at offset 16 (24 bytes, xdp_frame 64).
 *
 * xdp_buff.flags (enum xdp_buff_flags as the series extends it): META_AREA = BIT(2) "storage
 * area available" (set by xdp_prepare_buff when headroom >= XDP_MIN_HEADROOM = 192, "less than
 * XDP_PACKET_HEADROOM due to Intel drivers"), META_RX_HASH = BIT(3), META_RX_VLAN = BIT(4),
 * META_RX_TS = BIT(5). Note: the 6.18 kernel uses BIT(2) for XDP_FLAGS_FRAGS_UNREADABLE
 * (`bpftool btf dump file /sys/kernel/btf/vmlinux`), so a rebase of the series would renumber.
 *
 * Store kfuncs (net/core/xdp.c in the series): hash and VLAN return -ENOSPC without META_AREA;
 * V2's bpf_xdp_store_rx_ts always returns 0 (skb_shared_info always exists); the ts-in-rx-meta
 * variant returns -ENOSPC like the others. The "load" functions are the series'
 * xdp_load_rx_*_from_buff: what a remote driver (veth, cpumap) uses as its xmo_* ops.
 *
 * Per-packet code: no allocation, numeric status codes, 64-bit values as u32 halves.
 */
import { Errno } from "../../kernel/Errno.js"
import { SKB_SHARED_INFO_SIZE, XDP_FRAME_SIZE } from "../../kernel/XdpGeometry.js"
import type { XdpBuff } from "../../memory/XdpBuff.js"
import type { RxHashOut, RxTimestampOut, RxVlanTagOut } from "../../metadata/RxMetadataOut.js"

/** XDP_MIN_HEADROOM, include/net/xdp.h in the xdp_rx_meta series (V1 patch 1/7) */
export const XDP_MIN_HEADROOM = 192

/** enum xdp_buff_flags additions of the series (include/net/xdp.h, V1/V2 patch 1/7) */
export const XdpRxMetaFlags = {
  META_AREA: 1 << 2,
  META_RX_HASH: 1 << 3,
  META_RX_VLAN: 1 << 4,
  META_RX_TS: 1 << 5
} as const

/** offsetof(struct xdp_frame, rx_meta): right after the 6.18 members */
export const XDP_RX_META_OFFSET = XDP_FRAME_SIZE

/** Offsets inside struct xdp_rx_meta. TS exists only in the ts-in-rx-meta variant. */
export const XdpRxMetaOff = { HASH_VAL: 0, HASH_TYPE: 4, VLAN_PROTO: 8, VLAN_TCI: 10, TS: 16 } as const

/** sizeof(struct xdp_rx_meta): V2 12; the ts-in-rx-meta variant 24 (u64 at 16) */
export const XDP_RX_META_SIZE_V2 = 12
export const XDP_RX_META_SIZE_TS = 24

/** sizeof(struct xdp_frame) once rx_meta is embedded (8-byte aligned) */
export const XDP_FRAME_SIZE_WITH_RX_META_V2 = 56
export const XDP_FRAME_SIZE_WITH_RX_META_TS = 64

/** offsetof(struct skb_shared_info, hwtstamps), 6.18 BTF */
export const SKB_SHINFO_HWTSTAMPS_OFFSET = 16

/** Where the timestamp store goes. */
export const RxMetaTsPlacement = { SHINFO: 0, RX_META: 1 } as const

/** Address of skb_shared_info of a buffer (xdp_get_shared_info_from_buff). */
export const xdpSharedInfoAddr = (hardStart: number, frameSz: number): number => hardStart + frameSz - SKB_SHARED_INFO_SIZE

/**
 * The series' line in xdp_prepare_buff (and xp_alloc for AF_XDP buffers):
 * flags = headroom < XDP_MIN_HEADROOM ? 0 : XDP_FLAGS_META_AREA.
 */
export const xdpRxMetaPrepare = (xdp: XdpBuff): void => {
  xdp.flags = xdp.data - xdp.hardStart < XDP_MIN_HEADROOM ? 0 : XdpRxMetaFlags.META_AREA
}

/** bpf_xdp_store_rx_hash(ctx, hash, rss_type) */
export const storeRxHash = (xdp: XdpBuff, hash: number, rssType: number): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_AREA) === 0) return -Errno.ENOSPC
  const v = xdp.area.view
  const m = xdp.hardStart + XDP_RX_META_OFFSET
  v.setUint32(m + XdpRxMetaOff.HASH_VAL, hash >>> 0, true)
  v.setUint32(m + XdpRxMetaOff.HASH_TYPE, rssType >>> 0, true)
  xdp.flags |= XdpRxMetaFlags.META_RX_HASH
  return 0
}

/**
 * bpf_xdp_store_rx_vlan(ctx, __be16 vlan_proto, u16 vlan_tci). `vlanProto` uses the
 * RxVlanTagOut convention (the u16 a little-endian host loads from the network-order bytes), so
 * a getter's output can be stored unchanged and the memory holds the TPID in network order.
 */
export const storeRxVlan = (xdp: XdpBuff, vlanProto: number, vlanTci: number): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_AREA) === 0) return -Errno.ENOSPC
  const v = xdp.area.view
  const m = xdp.hardStart + XDP_RX_META_OFFSET
  v.setUint16(m + XdpRxMetaOff.VLAN_PROTO, vlanProto & 0xffff, true)
  v.setUint16(m + XdpRxMetaOff.VLAN_TCI, vlanTci & 0xffff, true)
  xdp.flags |= XdpRxMetaFlags.META_RX_VLAN
  return 0
}

/** bpf_xdp_store_rx_ts(ctx, u64 ts), V2: into skb_shared_info.hwtstamps; always 0. */
export const storeRxTs = (xdp: XdpBuff, tsHi: number, tsLo: number): number => {
  const v = xdp.area.view
  const s = xdpSharedInfoAddr(xdp.hardStart, xdp.frameSz) + SKB_SHINFO_HWTSTAMPS_OFFSET
  v.setUint32(s, tsLo >>> 0, true)
  v.setUint32(s + 4, tsHi >>> 0, true)
  xdp.flags |= XdpRxMetaFlags.META_RX_TS
  return 0
}

/** The ts-in-rx-meta variant of bpf_xdp_store_rx_ts (V2 review, acked for v3): -ENOSPC without the area. */
export const storeRxTsInRxMeta = (xdp: XdpBuff, tsHi: number, tsLo: number): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_AREA) === 0) return -Errno.ENOSPC
  const v = xdp.area.view
  const m = xdp.hardStart + XDP_RX_META_OFFSET + XdpRxMetaOff.TS
  v.setUint32(m, tsLo >>> 0, true)
  v.setUint32(m + 4, tsHi >>> 0, true)
  xdp.flags |= XdpRxMetaFlags.META_RX_TS
  return 0
}

/** xdp_load_rx_hash_from_buff: the remote driver's xmo_rx_hash. */
export const loadRxHashFromBuff = (xdp: XdpBuff, out: RxHashOut): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_RX_HASH) === 0) return -Errno.ENODATA
  const v = xdp.area.view
  const m = xdp.hardStart + XDP_RX_META_OFFSET
  out.hash = v.getUint32(m + XdpRxMetaOff.HASH_VAL, true)
  out.rssType = v.getUint32(m + XdpRxMetaOff.HASH_TYPE, true)
  return 0
}

/** xdp_load_rx_vlan_tag_from_buff: the remote driver's xmo_rx_vlan_tag. */
export const loadRxVlanTagFromBuff = (xdp: XdpBuff, out: RxVlanTagOut): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_RX_VLAN) === 0) return -Errno.ENODATA
  const v = xdp.area.view
  const m = xdp.hardStart + XDP_RX_META_OFFSET
  out.vlanProto = v.getUint16(m + XdpRxMetaOff.VLAN_PROTO, true)
  out.vlanTci = v.getUint16(m + XdpRxMetaOff.VLAN_TCI, true)
  return 0
}

/** The remote driver's xmo_rx_timestamp, V2 placement (skb_shared_info). */
export const loadRxTsFromShinfo = (xdp: XdpBuff, out: RxTimestampOut): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_RX_TS) === 0) return -Errno.ENODATA
  const v = xdp.area.view
  const s = xdpSharedInfoAddr(xdp.hardStart, xdp.frameSz) + SKB_SHINFO_HWTSTAMPS_OFFSET
  out.lo = v.getUint32(s, true)
  out.hi = v.getUint32(s + 4, true)
  return 0
}

/** The remote driver's xmo_rx_timestamp, ts-in-rx-meta variant. */
export const loadRxTsFromRxMeta = (xdp: XdpBuff, out: RxTimestampOut): number => {
  if ((xdp.flags & XdpRxMetaFlags.META_RX_TS) === 0) return -Errno.ENODATA
  const v = xdp.area.view
  const m = xdp.hardStart + XDP_RX_META_OFFSET + XdpRxMetaOff.TS
  out.lo = v.getUint32(m, true)
  out.hi = v.getUint32(m + 4, true)
  return 0
}
