/* CO-RE relocations over a local view of a NIC descriptor (preserve_access_index): field byte
 * offsets on direct loads, a field existence check and a type size. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct nic_rx_desc {
	__u32 rss_hash;
	__u16 vlan_tci;
	__u32 timestamp_lo;
	__u32 not_on_target;
} __attribute__((preserve_access_index));

SEC("xdp")
int core_rx(struct xdp_md *ctx)
{
	struct nic_rx_desc *d = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 acc = 0;

	if ((void *)(d + 1) > end)
		return XDP_PASS;
	acc += d->rss_hash;
	acc += d->vlan_tci;
	acc += bpf_core_type_size(struct nic_rx_desc);
	if (bpf_core_field_exists(d->not_on_target))
		acc += d->not_on_target;
	return acc & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
