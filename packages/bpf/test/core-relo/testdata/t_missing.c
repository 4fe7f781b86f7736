/* Target of an older NIC that lacks several things: no ext_info, no ts_valid bitfield,
 * no flex array, no tx descriptor type, fewer enumerators, no 64-bit enum. */
#include <linux/types.h>

enum mynic_hash_kind { MYNIC_HASH_NONE = 0, MYNIC_HASH_L3 = 1 };

struct mynic_rx_desc {
	__u64 timestamp;
	__u32 rss_hash;
	__u16 vlan_tci;
	__u8 hash_type : 4, l4_csum_ok : 1, vlan_present : 1, rsvd : 2;
	union {
		__u32 mark;
	} u;
	struct {
		__u32 pkt_len;
		__u16 queue;
		__s16 rx_off;
	};
	enum mynic_hash_kind kind;
	struct mynic_rx_desc *next;
	__s8 sbf : 3, ubf : 5;
	__u32 cqe_words[1][3];
};

typedef __u32 mynic_cookie_t;

struct mynic_ring {
	__u32 tail;
};
