/* TYPE_MATCHES (relocation kind 12, clang >= 15; built with clang-16). */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct mynic_rx_desc {
	__u64 timestamp;
	__u32 rss_hash;
};

struct mynic_tx_desc {
	__u64 addr;
	__u32 len;
	__u16 flags;
};

enum mynic_hash_kind {
	MYNIC_HASH_L3 = 1,
	MYNIC_HASH_L4 = 2,
};

struct mynic_ring {
	__u32 head;
	struct mynic_rx_desc *desc;
};

SEC("xdp")
int type_matches(struct xdp_md *ctx)
{
	__u64 acc = 0;

	acc += bpf_core_type_matches(struct mynic_rx_desc);
	acc += 2 * bpf_core_type_matches(struct mynic_tx_desc);
	acc += 4 * bpf_core_type_matches(enum mynic_hash_kind);
	acc += 8 * bpf_core_type_matches(struct mynic_ring);
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
