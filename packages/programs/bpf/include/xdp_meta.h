/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct xdp_meta: the record the hw-metadata programs write in front of the packet
 * (data_meta), the layout of tools/testing/selftests/bpf/xdp_metadata.h plus devtx's checksum
 * extension for the PROPOSED bpf_xdp_metadata_rx_checksum (not in mainline). The same layout as
 * packages/programs/src/hw-metadata/XdpMetaLayout.ts, byte for byte:
 *
 *   off  0 | rx_timestamp u64            | rx_timestamp_err s32 (union)
 *        8 | xdp_timestamp u64 (bpf_ktime_get_tai_ns)
 *       16 | rx_hash u32 | rx_hash_type u32 / rx_hash_err s32
 *       24 | rx_vlan_proto __be16 | rx_vlan_tci u16 / rx_vlan_tag_err s32
 *       28 | ip_summed u8 | cksum_level u8 | pad u16 / rx_cksum_err s32
 *       32 | cksum u32
 *       36 | hint_valid u32 (enum xdp_meta_field)
 *       40
 */
#ifndef DEVTX_XDP_META_H
#define DEVTX_XDP_META_H

enum xdp_meta_field {
	XDP_META_FIELD_TS = 1 << 0,
	XDP_META_FIELD_RSS = 1 << 1,
	XDP_META_FIELD_VLAN_TAG = 1 << 2,
	XDP_META_FIELD_CHECKSUM = 1 << 3,
};

struct xdp_meta {
	union {
		__u64 rx_timestamp;
		__s32 rx_timestamp_err;
	};
	__u64 xdp_timestamp;
	__u32 rx_hash;
	union {
		__u32 rx_hash_type;
		__s32 rx_hash_err;
	};
	union {
		struct {
			__be16 rx_vlan_proto;
			__u16 rx_vlan_tci;
		};
		__s32 rx_vlan_tag_err;
	};
	union {
		struct {
			__u8 ip_summed;
			__u8 cksum_level;
			__u16 cksum_pad;
		};
		__s32 rx_cksum_err;
	};
	__u32 cksum;
	__u32 hint_valid;
};

_Static_assert(sizeof(struct xdp_meta) == 40, "struct xdp_meta is 40 bytes (XdpMetaLayout.ts)");

#endif
