// SPDX-License-Identifier: GPL-2.0
/* The floor: an XDP program that does nothing but drop. Its bpf_stats ns/packet is the cost of
 * running any program on the veth receive path; every other row is read against it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
