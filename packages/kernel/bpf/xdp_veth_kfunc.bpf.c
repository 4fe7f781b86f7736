// SPDX-License-Identifier: GPL-2.0
/* The kfunc design on veth: bpf_xdp_metadata_rx_hash, _rx_timestamp and _rx_vlan_tag. Loaded
 * device-bound, the verifier replaces each call by the driver's xdp_metadata_ops member
 * (veth_xdp_rx_hash, veth_xdp_rx_timestamp, veth_xdp_rx_vlan_tag in drivers/net/veth.c); not
 * device-bound, the calls stay on the net/core/xdp.c defaults that return -EOPNOTSUPP.
 * veth_xdp_rx_hash returns skb_get_hash(skb) (it may run the flow dissector) and -ENODATA for a
 * redirected xdp_frame (no skb). Results of the last packet in `results`. */
#include "devtx_kernel.h"

SEC("xdp")
int xdp_veth_kfunc(struct xdp_md *ctx)
{
	struct devtx_result *r = devtx_result_slot();
	enum xdp_rss_hash_type type = 0;
	__u32 hash = 0;
	__u64 ts = 0;
	__be16 proto = 0;
	__u16 tci = 0;

	if (!r)
		return XDP_ABORTED;
	r->count++;
	r->hash_ret = bpf_xdp_metadata_rx_hash(ctx, &hash, &type);
	r->hash = hash;
	r->rss_type = type;
	r->ts_ret = bpf_xdp_metadata_rx_timestamp(ctx, &ts);
	r->timestamp = ts;
	r->vlan_ret = bpf_xdp_metadata_rx_vlan_tag(ctx, &proto, &tci);
	r->vlan_tci = tci;
	r->vlan_proto = bpf_ntohs(proto);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
