/* clang 14 computes FIELD_SIGNED of a field of a negative-valued enum as 1, but writes no
 * signedness (kind_flag) into the ENUM it emits; libbpf 1.1.2 recomputes the local value from
 * the BTF (0), finds 1 in the instruction and refuses: "unexpected insn #.. value", -EINVAL. */
#include <linux/bpf.h>
#include "mynic_local.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

SEC("xdp")
int enum_signed(struct xdp_md *ctx)
{
	struct mynic_rx_desc *d = (void *)(long)ctx->data;

	return bpf_core_field_size(d->kind) + __builtin_preserve_field_info(d->kind, BPF_FIELD_SIGNED);
}

char LICENSE[] SEC("license") = "GPL";
