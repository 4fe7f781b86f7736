// SPDX-License-Identifier: GPL-2.0
/* The raw design on veth, the way the kernel allows it today: bpf_cast_to_kern_ctx turns the
 * xdp_md into the kernel's xdp_buff, bpf_rdonly_cast retypes it as veth's wrapper
 *
 *   struct veth_xdp_buff { struct xdp_buff xdp; struct sk_buff *skb; }   (drivers/net/veth.c)
 *
 * and CO-RE reads (preserve_access_index from vmlinux.h) load skb->hash and skb->tstamp
 * through PROBE_MEM. A NULL skb (redirected xdp_frame) gives hash_ret = -ENODATA like the
 * kfunc; a present skb whose hash was never computed reads 0 (no flow dissector here). */
#include "devtx_kernel.h"

#define DEVTX_ENODATA 61

SEC("xdp")
int xdp_veth_raw(struct xdp_md *ctx)
{
	struct devtx_result *r = devtx_result_slot();
	struct xdp_buff *kctx = bpf_cast_to_kern_ctx(ctx);
	struct veth_xdp_buff *vx;
	struct sk_buff *skb;

	if (!r)
		return XDP_ABORTED;
	r->count++;
	vx = bpf_rdonly_cast(kctx, bpf_core_type_id_kernel(struct veth_xdp_buff));
	skb = vx->skb;
	if (!skb) {
		r->hash_ret = -DEVTX_ENODATA;
		r->ts_ret = -DEVTX_ENODATA;
		return XDP_DROP;
	}
	skb = bpf_rdonly_cast(skb, bpf_core_type_id_kernel(struct sk_buff));
	r->hash_ret = 0;
	r->hash = skb->hash;
	r->rss_type = skb->l4_hash ? 8 /* XDP_RSS_TYPE_L4_ANY */ : 0;
	r->ts_ret = 0;
	r->timestamp = skb->tstamp;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
