// SPDX-License-Identifier: GPL-2.0
/*
 * hw-metadata, kfunc design, as a clang-compiled BPF object: the shape of the kernel selftest
 * xdp_hw_metadata (tools/testing/selftests/bpf/progs/xdp_hw_metadata.c), written for devtx.
 * Per packet, byte for byte what packages/programs/src/hw-metadata/HwMetadataProgram.ts does
 * (the TypeScript reference this object is tested against):
 *   - udp_port (.rodata, 0 = every packet, the default): only IPv4/IPv6 UDP to that destination
 *     port gets a record, anything else counts in pkts_skip and passes;
 *   - bpf_xdp_adjust_meta(-sizeof(struct xdp_meta)); a failure counts in pkts_fail and passes;
 *   - xdp_timestamp = bpf_ktime_get_tai_ns(), then the four RX metadata kfuncs, each value with
 *     its hint_valid bit or its negative errno in the matching *_err member;
 *   - redirect into xsk[rx_queue_index], XDP_PASS when that slot is empty (pkts_redir counts it).
 * Built twice (build.sh): hw_metadata_kfunc.bpf.o calls the proposed rx_checksum kfunc too;
 * hw_metadata_kfunc_mainline.bpf.o (-DDEVTX_MAINLINE_KFUNCS_ONLY) calls only the three kfuncs
 * mainline has, so a real kernel loads it (the kernel lane), and files the checksum hint as
 * -EOPNOTSUPP (95, include/uapi/asm-generic/errno.h) — what a kernel without the kfunc's driver
 * op answers.
 */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "uapi_mainline.h"
#include "kfuncs_mainline.h"
#include "kfuncs_devtx.h"
#include "xdp_meta.h"
#include "packet_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} xsk SEC(".maps");

const volatile __u16 udp_port = 0;

__u64 pkts_skip = 0;
__u64 pkts_fail = 0;
__u64 pkts_redir = 0;

SEC("xdp")
int rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdp_meta *meta;
	enum xdp_rss_hash_type rss_type;
	enum xdp_checksum ip_summed;
	__u32 hash, cksum;
	__u8 cksum_level;
	__be16 vlan_proto;
	__u16 vlan_tci;
	__u64 ts;
	__u32 valid = 0;
	int rc;

	if (udp_port != 0) {
		__u8 proto = 0;
		int l4 = l4_offset(data, data_end, &proto, 0);
		__u8 *udp = data + l4;

		if (l4 < 0 || proto != DEVTX_IPPROTO_UDP || (void *)(udp + 4) > data_end ||
		    ((udp[2] << 8) | udp[3]) != udp_port) {
			__sync_fetch_and_add(&pkts_skip, 1);
			return XDP_PASS;
		}
	}

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct xdp_meta)) != 0) {
		__sync_fetch_and_add(&pkts_fail, 1);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data) {
		__sync_fetch_and_add(&pkts_fail, 1);
		return XDP_PASS;
	}

	meta->xdp_timestamp = bpf_ktime_get_tai_ns();

	rc = bpf_xdp_metadata_rx_timestamp(ctx, &ts);
	if (rc == 0) {
		meta->rx_timestamp = ts;
		valid |= XDP_META_FIELD_TS;
	} else {
		/* the error in the low half, the high half cleared */
		meta->rx_timestamp = (__u32)rc;
	}

	rc = bpf_xdp_metadata_rx_hash(ctx, &hash, &rss_type);
	if (rc == 0) {
		meta->rx_hash = hash;
		meta->rx_hash_type = rss_type;
		valid |= XDP_META_FIELD_RSS;
	} else {
		meta->rx_hash = 0;
		meta->rx_hash_err = rc;
	}

	rc = bpf_xdp_metadata_rx_vlan_tag(ctx, &vlan_proto, &vlan_tci);
	if (rc == 0) {
		meta->rx_vlan_proto = vlan_proto;
		meta->rx_vlan_tci = vlan_tci;
		valid |= XDP_META_FIELD_VLAN_TAG;
	} else {
		meta->rx_vlan_tag_err = rc;
	}

#ifdef DEVTX_MAINLINE_KFUNCS_ONLY
	rc = -95; /* -EOPNOTSUPP: no rx_checksum kfunc in mainline */
	ip_summed = 0;
	cksum = 0;
	cksum_level = 0;
#else
	rc = bpf_xdp_metadata_rx_checksum(ctx, &ip_summed, &cksum, &cksum_level);
#endif
	if (rc == 0) {
		meta->ip_summed = ip_summed;
		meta->cksum_level = cksum_level;
		meta->cksum_pad = 0;
		meta->cksum = cksum;
		valid |= XDP_META_FIELD_CHECKSUM;
	} else {
		meta->rx_cksum_err = rc;
		meta->cksum = 0;
	}
	meta->hint_valid = valid;

	__sync_fetch_and_add(&pkts_redir, 1);
	return bpf_redirect_map(&xsk, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
