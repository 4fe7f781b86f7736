/* CO-RE against the running kernel's BTF (/sys/kernel/btf/vmlinux): the kernel structs the
 * metadata designs touch, declared locally with only the fields used (no vmlinux.h needed). */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
} __attribute__((preserve_access_index));

struct xdp_buff {
	void *data;
	void *data_end;
	void *data_meta;
} __attribute__((preserve_access_index));

struct xdp_frame {
	void *data;
	__u32 frame_sz;
} __attribute__((preserve_access_index));

struct xsk_tx_metadata {
	__u64 flags;
	union {
		struct {
			__u16 csum_start;
			__u16 csum_offset;
			__u64 launch_time;
		} request;
		struct {
			__u64 tx_timestamp;
		} completion;
	};
} __attribute__((preserve_access_index));

struct xdp_metadata_ops {
	void *xmo_rx_timestamp;
} __attribute__((preserve_access_index));

enum xdp_rss_hash_type {
	XDP_RSS_L4_TCP = 16,
	XDP_RSS_TYPE_L4_IPV6_SCTP___flavor = 99,
};

SEC("xdp")
int kprog(struct xdp_md *ctx)
{
	struct xdp_buff *b = (void *)(long)ctx->data;
	struct xdp_frame *f = (void *)(long)ctx->data_end;
	struct xsk_tx_metadata *m = (void *)(long)ctx->data_meta;
	__u64 acc = 0;

	acc += bpf_core_field_offset(b->data_meta);
	acc += bpf_core_field_offset(f->frame_sz);
	acc += bpf_core_field_offset(m->request.launch_time);
	acc += bpf_core_field_offset(m->completion.tx_timestamp);
	acc += bpf_core_field_size(ctx->rx_queue_index);
	acc += bpf_core_enum_value(enum xdp_rss_hash_type, XDP_RSS_L4_TCP);
	acc += bpf_core_enum_value_exists(enum xdp_rss_hash_type, XDP_RSS_TYPE_L4_IPV6_SCTP___flavor);
	acc += bpf_core_type_exists(struct xdp_metadata_ops);
	acc += bpf_core_type_id_kernel(struct xdp_md);
	acc += bpf_core_type_size(struct xsk_tx_metadata);
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
