/**
 * The kernel's XDP buffer geometry, as one 6.18 x86_64 kernel lays it out.
 *
 *   data_hard_start                                                           frame end
 *   |<- xdp_frame (40) ->|<------ free headroom ------>|meta|<- packet ->|  tailroom  |<- skb_shared_info (320) ->|
 *   0                    40                        data_meta data    data_end
 *   |<------------------ XDP_PACKET_HEADROOM = 256 ------------------>|
 *
 * Sources: XDP_PACKET_HEADROOM, include/uapi/linux/bpf.h; sizeof(struct xdp_frame) = 40 and
 * sizeof(struct skb_shared_info) = 320 from the 6.18 kernel BTF (/sys/kernel/btf/vmlinux);
 * the meta limit is the u8 skb_shared_info.meta_len (xdp_metalen_invalid, include/net/xdp.h).
 */
export const XDP_PACKET_HEADROOM = 256
/** sizeof(struct xdp_frame), 6.18 BTF */
export const XDP_FRAME_SIZE = 40
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86_64 6.18 (320, already 64-aligned) */
export const SKB_SHARED_INFO_SIZE = 320
/** type_max(skb_shared_info.meta_len): metadata longer than this, or not a multiple of 4, is invalid */
export const XDP_META_MAX = 255
/** The largest valid aligned metadata length (4-byte aligned, <= 255). */
export const XDP_META_MAX_ALIGNED = 252
/** Default UMEM/page-pool frame: one 4 KiB page per frame. */
export const DEFAULT_FRAME_SIZE = 4096
