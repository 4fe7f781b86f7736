/* Field relocations over the mynic RX descriptor: byte offset/size, existence, signedness,
 * bitfield shifts (probed and direct), direct loads (LDX), nested anonymous members, arrays,
 * a flexible array, a root-array index, a flavor, and fields some targets lack. */
#include <linux/bpf.h>
#include "mynic_local.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

SEC("xdp")
int rx_fields(struct xdp_md *ctx)
{
	struct mynic_rx_desc *d = (void *)(long)ctx->data;
	__u64 acc = 0;

	acc += bpf_core_field_offset(d->timestamp);
	acc += bpf_core_field_offset(d->u.parts.hi);
	acc += bpf_core_field_offset(d->pkt_len);
	acc += bpf_core_field_offset(d->flex[3]);
	acc += bpf_core_field_offset(d->cqe_words[1][2]);
	acc += bpf_core_field_offset(d->tail[5]);
	acc += bpf_core_field_size(d->vlan_tci);
	acc += bpf_core_field_size(d->flex);
	acc += bpf_core_field_size(d->cqe_words[1]);
	acc += bpf_core_field_exists(d->ext_info);
	acc += bpf_core_field_exists(d->kind);
	acc += bpf_core_field_exists(d->u.mark);
	acc += __builtin_preserve_field_info(d->rx_off, BPF_FIELD_SIGNED);
	acc += __builtin_preserve_field_info(d->rss_hash, BPF_FIELD_SIGNED);
	acc += BPF_CORE_READ_BITFIELD_PROBED(d, hash_type);
	acc += BPF_CORE_READ_BITFIELD_PROBED(d, ts_valid);
	acc += BPF_CORE_READ_BITFIELD(d, sbf);
	acc += BPF_CORE_READ_BITFIELD(d, ubf);
	/* direct loads: CO-RE relocations on LDX instructions */
	acc += d->rss_hash;
	acc += d->vlan_tci;
	acc += d->rx_off;
	acc += d->queue;
	acc += d->flex[2];
	acc += (long)d->next;
	acc += bpf_core_field_offset(d[1].rss_hash);
	if (bpf_core_field_exists(d->ext_info))
		acc += d->ext_info;
	return acc;
}

SEC("socket")
int rx_flavor(struct __sk_buff *skb)
{
	struct mynic_rx_desc___v2 *d2 = (void *)(long)skb->data;
	__u64 acc = 0;

	acc += bpf_core_field_exists(d2->csum_level);
	acc += bpf_core_field_offset(d2->timestamp);
	if (bpf_core_field_exists(d2->csum_level))
		acc += d2->csum_level;
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
