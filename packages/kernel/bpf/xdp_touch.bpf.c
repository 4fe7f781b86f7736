// SPDX-License-Identifier: GPL-2.0
/* Touches the packet only: bounds-checked Ethernet / IPv4 / UDP parse, the UDP destination
 * port and a packet count stored in `results` (count, hash = dport). No metadata read: the
 * row between the empty floor and the metadata styles. */
#include "devtx_kernel.h"

#define ETH_P_IP_BE 0x0008 /* htons(ETH_P_IP) */

SEC("xdp")
int xdp_touch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = data + sizeof(*eth) + sizeof(*ip);
	struct devtx_result *r = devtx_result_slot();

	if (!r)
		return XDP_ABORTED;
	r->count++;
	if ((void *)(udp + 1) > end || eth->h_proto != ETH_P_IP_BE || ip->protocol != 17)
		return XDP_DROP;
	r->hash = bpf_ntohs(udp->dest);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
