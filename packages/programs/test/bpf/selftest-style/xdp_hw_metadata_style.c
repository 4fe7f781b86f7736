// SPDX-License-Identifier: GPL-2.0
/*
 * A program written the way the kernel's tools/testing/selftests/bpf/progs/xdp_hw_metadata.c is
 * (devtx's own text): the running kernel's vmlinux.h (bpftool btf dump ... format c, made at test
 * time), libbpf's bpf/bpf_helpers.h, an XSKMAP in SEC(".maps"), the RX metadata kfuncs declared
 * `extern ... __ksym` with the 6.18 prototypes, the mainline 32-byte struct xdp_meta (the
 * selftest's xdp_metadata.h), UDP destination port 9091 only, redirect to xsk[rx_queue_index].
 * The test compiles it with clang and runs it with `devtx run --object`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_UDP_ 17

enum xdp_meta_field {
	XDP_META_FIELD_TS = 1 << 0,
	XDP_META_FIELD_RSS = 1 << 1,
	XDP_META_FIELD_VLAN_TAG = 1 << 2,
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
	enum xdp_meta_field hint_valid;
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} xsk SEC(".maps");

__u64 pkts_skip = 0;
__u64 pkts_fail = 0;
__u64 pkts_redir = 0;

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash, enum xdp_rss_hash_type *rss_type) __ksym;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto, __u16 *vlan_tci) __ksym;

SEC("xdp.frags")
int rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp = NULL;
	struct xdp_meta *meta;
	int err;

	if ((void *)(eth + 1) > data_end)
		goto skip;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) <= data_end && iph->protocol == IPPROTO_UDP_)
			udp = (void *)(iph + 1);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) <= data_end && ip6h->nexthdr == IPPROTO_UDP_)
			udp = (void *)(ip6h + 1);
	}
	if (!udp || (void *)(udp + 1) > data_end || udp->dest != bpf_htons(9091))
		goto skip;

	err = bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct xdp_meta));
	if (err) {
		__sync_add_and_fetch(&pkts_fail, 1);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data) {
		__sync_add_and_fetch(&pkts_fail, 1);
		return XDP_PASS;
	}
	meta->hint_valid = 0;
	meta->xdp_timestamp = bpf_ktime_get_tai_ns();
	err = bpf_xdp_metadata_rx_timestamp(ctx, &meta->rx_timestamp);
	if (err)
		meta->rx_timestamp_err = err;
	else
		meta->hint_valid |= XDP_META_FIELD_TS;
	err = bpf_xdp_metadata_rx_hash(ctx, &meta->rx_hash, (enum xdp_rss_hash_type *)&meta->rx_hash_type);
	if (err)
		meta->rx_hash_err = err;
	else
		meta->hint_valid |= XDP_META_FIELD_RSS;
	err = bpf_xdp_metadata_rx_vlan_tag(ctx, &meta->rx_vlan_proto, &meta->rx_vlan_tci);
	if (err)
		meta->rx_vlan_tag_err = err;
	else
		meta->hint_valid |= XDP_META_FIELD_VLAN_TAG;

	__sync_add_and_fetch(&pkts_redir, 1);
	return bpf_redirect_map(&xsk, ctx->rx_queue_index, XDP_PASS);

skip:
	__sync_add_and_fetch(&pkts_skip, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
