// SPDX-License-Identifier: GPL-2.0
/*
 * Bad object fixture: an unguarded CO-RE read of a field the driver's BTF does not have
 * (struct sim_rx_desc_wb has no `flow_label`): the loader poisons the instruction and the
 * program reaches it on every packet.
 */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kfuncs_mainline.h"

struct sim_rx_desc_wb___bad {
	__u32 flow_label;
} __attribute__((preserve_access_index));
struct sim_xdp_buff___bad {
	struct sim_rx_desc_wb___bad *desc;
} __attribute__((preserve_access_index));

SEC("xdp")
int bad_core(struct xdp_md *ctx)
{
	struct sim_xdp_buff___bad *sb = bpf_rdonly_cast(bpf_cast_to_kern_ctx(ctx), bpf_core_type_id_kernel(struct sim_xdp_buff___bad));

	return sb->desc->flow_label == 7 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
