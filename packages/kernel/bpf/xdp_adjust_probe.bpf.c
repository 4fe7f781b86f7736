// SPDX-License-Identifier: GPL-2.0
/* Probe for the differential tests of bpf_xdp_adjust_meta / bpf_xdp_adjust_head
 * (net/core/filter.c). `adjust_cfg[0]` = { op, delta } chosen by the test before each run:
 * op 1 adjust_meta(delta), op 2 adjust_head(delta). The program stores in `adjust_out[0]`
 * { ret, data - data_meta, data_end - data, the first 4 bytes at data }. XDP_PASS. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct adjust_cfg {
	__u32 op;
	__s32 delta;
};

struct adjust_out {
	__s32 ret;
	__u32 metalen;
	__u32 len;
	__u32 head4;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct adjust_cfg);
} adjust_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct adjust_out);
} adjust_out SEC(".maps");

SEC("xdp")
int xdp_adjust_probe(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct adjust_cfg *c = bpf_map_lookup_elem(&adjust_cfg, &k);
	struct adjust_out *o = bpf_map_lookup_elem(&adjust_out, &k);
	void *data, *meta, *end;
	long ret = -1;

	if (!c || !o)
		return XDP_ABORTED;
	if (c->op == 1)
		ret = bpf_xdp_adjust_meta(ctx, c->delta);
	else if (c->op == 2)
		ret = bpf_xdp_adjust_head(ctx, c->delta);
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	end = (void *)(long)ctx->data_end;
	o->ret = ret;
	o->metalen = meta <= data ? data - meta : 0xffffffff;
	o->len = end - data;
	o->head4 = 0;
	if (data + 4 <= end)
		o->head4 = *(__u32 *)data;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
