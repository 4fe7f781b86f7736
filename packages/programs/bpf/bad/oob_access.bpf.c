// SPDX-License-Identifier: GPL-2.0
/* Bad object fixture: reads 64 bytes past data_end without a bounds check (the kernel verifier
 * would refuse it; devtx runs it and faults on the access). */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bad_oob(struct xdp_md *ctx)
{
	__u8 *end = (void *)(long)ctx->data_end;

	return end[64] == 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
