// SPDX-License-Identifier: GPL-2.0
/* Bad object fixture: a loop that never ends (the verifier would refuse it as unbounded;
 * devtx stops it at the instruction budget). */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>

volatile __u64 spins = 0;

SEC("xdp")
int bad_loop(struct xdp_md *ctx)
{
	for (;;)
		spins++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
