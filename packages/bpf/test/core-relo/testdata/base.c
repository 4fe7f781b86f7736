/* A small stand-in for the core's base BTF: ints, a hash-type enum and an xdp_md-like struct.
 * Split targets (drv_split.c) are encoded on top of it with pahole --btf_base. */
#include <linux/types.h>

enum mynic_hash_kind { MYNIC_HASH_NONE = 0, MYNIC_HASH_L3 = 5, MYNIC_HASH_L4 = 6, MYNIC_HASH_BAD = -2 };

struct base_xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
};
struct mynic_ring___base {
	__u32 head;
	__u32 tail;
};
__u64 base_u64;
