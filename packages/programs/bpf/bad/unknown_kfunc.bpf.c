// SPDX-License-Identifier: GPL-2.0
/* Bad object fixture: calls a kfunc no kernel (and no devtx program type) provides. */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int bpf_xdp_metadata_rx_frobnicate(const struct xdp_md *ctx, __u32 *out) __ksym;

SEC("xdp")
int bad_kfunc(struct xdp_md *ctx)
{
	__u32 v = 0;

	if (bpf_xdp_metadata_rx_frobnicate(ctx, &v))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
