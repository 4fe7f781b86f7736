/* Only a flavored descriptor exists in the target (name___v2 matches the local essential name),
 * and it has the v2-only field; field types differ in kind in places (incompatible matches). */
#include <linux/types.h>

enum mynic_hash_kind___hw { MYNIC_HASH_NONE = 0, MYNIC_HASH_L3 = 3, MYNIC_HASH_L4 = 4 };

struct mynic_rx_desc___v2 {
	__u32 csum_level;
	__u64 timestamp;
	__u32 rss_hash;
	struct { __u16 lo, hi; } vlan_tci;
	__u8 hash_type;
	char *kind;
	__u64 ext_info;
};
