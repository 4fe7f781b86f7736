/* Target where the hardware generation moved and widened things: hash before timestamp,
 * wider vlan_tci and rx_off, bitfields at other bit positions, a bigger flex array,
 * reordered anonymous members, other enumerator values, and the ring split into flavors
 * (the stateful-pruning case). */
#include <linux/types.h>

enum mynic_hash_kind { MYNIC_HASH_L4 = 20, MYNIC_HASH_L3 = 10, MYNIC_HASH_NONE = 0, MYNIC_HASH_BAD = -7 };
enum mynic_tstamp_src { MYNIC_TS_NONE = 0, MYNIC_TS_PHC = 0x200000001ULL };

struct mynic_rx_desc {
	__u32 rss_hash;
	__u32 vlan_tci;
	__u64 timestamp;
	__u16 rsvd0;
	__u16 l4_csum_ok : 1, ts_valid : 1, hash_type : 6, vlan_present : 1, rsvd : 7;
	struct {
		__u16 queue;
		__s32 rx_off;
		__u32 pkt_len;
	};
	union {
		struct {
			__u16 hi;
			__u16 lo;
		} parts;
		__u64 mark;
	} u;
	__u32 ext_info;
	__u8 flex[32];
	enum mynic_hash_kind kind;
	__u64 sbf : 9, ubf : 7;
	struct mynic_rx_desc *next;
	__u32 cqe_words[4][3];
	__u32 tail[];
};

struct mynic_tx_desc {
	__u32 len;
	__u64 addr;
	__u32 flags;
	__u32 extra;
};
typedef struct mynic_tx_desc mynic_tx_desc_t;
typedef __u64 mynic_cookie_t;

struct mynic_ring {
	__u32 head;
};
struct mynic_ring___x {
	__u32 tail;
};

struct mynic_ts_desc {
	__u32 flags;
	enum mynic_tstamp_src src;
	__u64 ns;
};
