/* A packed layout whose bitfield straddles the 8-byte boundary: no 64-bit load can read it
 * (libbpf: "can't be satisfied for bitfield", -E2BIG). */
#include <linux/types.h>

struct mynic_rx_desc {
	__u64 timestamp : 62;
	__u8 hash_type : 4, l4_csum_ok : 1, vlan_present : 1, ts_valid : 1;
	__u32 rss_hash;
} __attribute__((packed));
