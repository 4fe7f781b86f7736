// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture shaped like tools/testing/selftests/bpf/progs/xdp_hw_metadata.c: parse
 * Ethernet/IPv4/UDP with the usual bounds checks, and for UDP port 9091 grow the metadata area
 * with bpf_xdp_adjust_meta (helper 54) and fill it through three calls that stand in for the RX
 * metadata kfuncs. The stand-ins are helper ids 200..202 (a function pointer with a constant id,
 * so the call needs no ELF relocation and the raw .text is a complete image); VmClang.test.ts and
 * packages/bpf/bench/VmEngines.bench.ts bind them. Rebuild: ./build.sh
 *
 * Returns XDP_PASS (2) for every packet, XDP_DROP (1) when a stand-in fails, XDP_ABORTED (0) when
 * bpf_xdp_adjust_meta fails.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct rx_meta {
	__u64 rx_timestamp;
	__u32 rx_hash;
	__u32 rx_hash_type;
	__u16 rx_vlan_proto;
	__u16 rx_vlan_tci;
	__u32 flags;
};

static long (*rx_timestamp)(struct xdp_md *ctx, __u64 *ts) = (void *)200;
static long (*rx_hash)(struct xdp_md *ctx, __u32 *hash, __u32 *type) = (void *)201;
static long (*rx_vlan_tag)(struct xdp_md *ctx, __u16 *proto, __u16 *tci) = (void *)202;

int vm_rx_meta(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct udphdr *udp;
	struct rx_meta *meta;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end || iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(9091))
		return XDP_PASS;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct rx_meta)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data)
		return XDP_ABORTED;

	meta->flags = 0;
	if (rx_timestamp(ctx, &meta->rx_timestamp))
		meta->rx_timestamp = 0;
	else
		meta->flags |= 1;
	if (rx_hash(ctx, &meta->rx_hash, &meta->rx_hash_type))
		meta->rx_hash = 0;
	else
		meta->flags |= 2;
	if (rx_vlan_tag(ctx, &meta->rx_vlan_proto, &meta->rx_vlan_tci))
		meta->rx_vlan_tci = 0;
	else
		meta->flags |= 4;
	return meta->flags & 8 ? XDP_DROP : XDP_PASS;
}
