/* Type-based and enum-based relocations: local/target type ids, type existence and size
 * (structs, typedefs, a missing type), enumerator existence and values (signed, 64-bit, flavored). */
#include <linux/bpf.h>
#include "mynic_local.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

enum mynic_hash_kind___v2 {
	MYNIC_HASH_L4___v2 = 7,
	MYNIC_HASH_OUTER___v2 = 9,
};

SEC("xdp")
int rx_types(struct xdp_md *ctx)
{
	__u64 acc = 0;

	acc += bpf_core_type_id_local(struct mynic_rx_desc);
	acc += bpf_core_type_id_kernel(struct mynic_rx_desc);
	acc += bpf_core_type_id_kernel(struct mynic_tx_desc);
	acc += bpf_core_type_exists(struct mynic_tx_desc);
	acc += bpf_core_type_exists(struct mynic_does_not_exist);
	acc += bpf_core_type_exists(mynic_tx_desc_t);
	acc += bpf_core_type_size(struct mynic_rx_desc);
	acc += bpf_core_type_size(struct mynic_tx_desc);
	acc += bpf_core_type_size(mynic_cookie_t);
	acc += bpf_core_type_size(enum mynic_hash_kind);
	acc += bpf_core_enum_value_exists(enum mynic_hash_kind, MYNIC_HASH_L4);
	acc += bpf_core_enum_value(enum mynic_hash_kind, MYNIC_HASH_L4);
	acc += bpf_core_enum_value(enum mynic_hash_kind, MYNIC_HASH_BAD);
	acc += bpf_core_enum_value_exists(enum mynic_hash_kind___v2, MYNIC_HASH_L4___v2);
	acc += bpf_core_enum_value_exists(enum mynic_hash_kind___v2, MYNIC_HASH_OUTER___v2);
	acc += bpf_core_enum_value_exists(enum mynic_tstamp_src, MYNIC_TS_PHC);
	acc += bpf_core_type_size(enum mynic_tstamp_src);
	return acc;
}

/* enum values whose relocation is poisoned when the enumerator is missing */
SEC("xdp")
int rx_enum_values(struct xdp_md *ctx)
{
	__u64 acc = 0;

	acc += bpf_core_enum_value(enum mynic_hash_kind___v2, MYNIC_HASH_OUTER___v2);
	acc += bpf_core_enum_value(enum mynic_hash_kind___v2, MYNIC_HASH_L4___v2);
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
