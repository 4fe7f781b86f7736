/* A driver's BTF split on base.c: the descriptor types live in the split part and refer to
 * base types (ints, the base enum). */
#include <linux/types.h>

enum mynic_hash_kind { MYNIC_HASH_NONE = 0, MYNIC_HASH_L3 = 5, MYNIC_HASH_L4 = 6, MYNIC_HASH_BAD = -2 };

struct base_xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
};

struct mynic_rx_desc {
	__u32 rss_hash;
	__u64 timestamp;
	__u16 vlan_tci;
	__u8 hash_type : 4, l4_csum_ok : 1, vlan_present : 1, ts_valid : 1, rsvd : 1;
	union {
		__u32 mark;
		struct {
			__u16 lo;
			__u16 hi;
		} parts;
	} u;
	struct {
		__u32 pkt_len;
		__u16 queue;
		__s16 rx_off;
	};
	__u8 flex[24];
	enum mynic_hash_kind kind;
	__u32 ext_info;
	struct mynic_rx_desc *next;
	__s8 sbf : 3, ubf : 5;
	__u32 cqe_words[2][3];
	__u32 tail[];
};

struct mynic_tx_desc {
	__u64 addr;
	__u32 len;
	__u16 flags;
};
typedef __u32 mynic_cookie_t;
struct base_xdp_md *split_md;

/* the split part also has a ring type, so candidates for the local mynic_ring come from both
 * the base (mynic_ring___base) and the split part */
struct mynic_ring {
	__u32 head;
};
