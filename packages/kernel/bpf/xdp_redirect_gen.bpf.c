// SPDX-License-Identifier: GPL-2.0
/* Traffic generator, run with BPF_PROG_TEST_RUN + BPF_F_TEST_XDP_LIVE_FRAMES on the peer veth
 * in the private netns: every frame is redirected to its own ingress device, whose
 * ndo_xdp_xmit (veth_xdp_xmit) hands it to the other end as an xdp_frame — no skb. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_redirect_gen(struct xdp_md *ctx)
{
	return bpf_redirect(ctx->ingress_ifindex, 0);
}

char _license[] SEC("license") = "GPL";
