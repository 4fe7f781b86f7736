/* Split-BTF fixture: types on top of base.c, some reusing base types and base strings. */
typedef unsigned int __u32;
typedef unsigned long long __u64;
struct base_dev {
	int ifindex;
	__u32 mtu;
	char name[16];
};
struct split_hints {
	__u64 timestamp;
	__u32 hash;
	__u32 mtu;
	struct base_dev *dev;
	unsigned short vlan : 12, prio : 3;
	enum { SPLIT_A = 1, SPLIT_B = 2 } which;
};
struct split_hints split_hints_instance;
