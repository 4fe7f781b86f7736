/* Stateful candidate pruning (libbpf caches candidates per local type id for the whole object
 * and prunes the list to the matching ones after each relocation): with target ring types
 * `mynic_ring {head}` and `mynic_ring___x {tail}`, the first relocation (head) prunes ___x away,
 * so `tail` is then reported missing although ___x has it. Two programs share one cache. */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct mynic_ring {
	__u32 head;
	__u32 tail;
} __attribute__((preserve_access_index));

SEC("xdp")
int first_head(struct xdp_md *ctx)
{
	struct mynic_ring *r = (void *)(long)ctx->data;

	return bpf_core_field_exists(r->head) + 2 * bpf_core_field_exists(r->tail);
}

SEC("xdp")
int then_tail(struct xdp_md *ctx)
{
	struct mynic_ring *r = (void *)(long)ctx->data;

	return bpf_core_field_exists(r->tail);
}

char LICENSE[] SEC("license") = "GPL";
