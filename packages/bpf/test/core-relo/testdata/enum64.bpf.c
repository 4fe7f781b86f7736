/* 64-bit enumerators (built with clang-16, which emits ENUM64; clang 14 truncates them into an
 * 8-byte ENUM): existence, values and size against ENUM64 and ENUM targets, and an enum64-typed
 * field's size/signedness. */
#include <linux/bpf.h>
#include "mynic_local.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct mynic_ts_desc {
	enum mynic_tstamp_src src;
	__u64 ns;
} __attribute__((preserve_access_index));

SEC("xdp")
int enum64_values(struct xdp_md *ctx)
{
	struct mynic_ts_desc *t = (void *)(long)ctx->data;
	__u64 acc = 0;

	acc += bpf_core_enum_value_exists(enum mynic_tstamp_src, MYNIC_TS_PHC);
	acc += bpf_core_enum_value(enum mynic_tstamp_src, MYNIC_TS_PHC);
	acc += bpf_core_enum_value(enum mynic_tstamp_src, MYNIC_TS_NONE);
	acc += bpf_core_type_size(enum mynic_tstamp_src);
	acc += bpf_core_enum_value(enum mynic_hash_kind, MYNIC_HASH_BAD);
	acc += bpf_core_field_size(t->src);
	acc += __builtin_preserve_field_info(t->src, BPF_FIELD_SIGNED);
	acc += bpf_core_field_offset(t->ns);
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
