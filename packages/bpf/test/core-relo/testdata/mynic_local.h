/* The program-side (local) view of the mynic descriptor types, shared by the .bpf.c fixtures.
 * Every struct carries preserve_access_index, so each access becomes a CO-RE relocation. */
#ifndef MYNIC_LOCAL_H
#define MYNIC_LOCAL_H
#include <linux/types.h>

enum mynic_hash_kind {
	MYNIC_HASH_NONE = 0,
	MYNIC_HASH_L3 = 1,
	MYNIC_HASH_L4 = 2,
	MYNIC_HASH_BAD = -1,
};

/* clang 14 emits this as ENUM size=8 with truncated values (no ENUM64) */
enum mynic_tstamp_src {
	MYNIC_TS_NONE = 0,
	MYNIC_TS_PHC = 0x100000000ULL,
};

struct mynic_rx_desc {
	__u64 timestamp;
	__u32 rss_hash;
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
	__u8 flex[16];
	enum mynic_hash_kind kind;
	__u32 ext_info;
	struct mynic_rx_desc *next;
	__s8 sbf : 3, ubf : 5;
	__u32 cqe_words[2][3];
	__u32 tail[];
} __attribute__((preserve_access_index));

/* a flavor: same essential name, a field only newer hardware has */
struct mynic_rx_desc___v2 {
	__u64 timestamp;
	__u32 csum_level;
} __attribute__((preserve_access_index));

struct mynic_tx_desc {
	__u64 addr;
	__u32 len;
	__u16 flags;
} __attribute__((preserve_access_index));

typedef struct mynic_tx_desc mynic_tx_desc_t;
typedef __u32 mynic_cookie_t;

struct mynic_does_not_exist {
	int x;
} __attribute__((preserve_access_index));

#endif
