// SPDX-License-Identifier: GPL-2.0
/* XSKMAP receive of data_meta: grows the metadata area by 8 bytes (bpf_xdp_adjust_meta(-8)),
 * writes { 0x64747864 "dtxd", packet length } into it and redirects to the AF_XDP socket of
 * its RX queue (`xsks[rx_queue_index]`). In copy mode __xsk_rcv copies the metadata into the
 * UMEM chunk just before the packet. A failed adjust_meta passes the frame instead. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int xdp_xsk_meta(struct xdp_md *ctx)
{
	__u32 *meta;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -8))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 2) > data)
		return XDP_PASS;
	meta[0] = 0x64747864;
	meta[1] = ctx->data_end - ctx->data;
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
