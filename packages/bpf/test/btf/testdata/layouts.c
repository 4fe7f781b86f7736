/* Fixture for the BTF decoder tests: compiled with `gcc -g -c`, converted by pahole.
 * Covers structs, unions, bitfields, enums (incl. a 64-bit enum), typedefs, arrays
 * (incl. multi-dimensional and flexible), function pointers, forward declarations, const /
 * volatile / restrict, a nested anonymous union/struct and a float. */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef __u32 nic_id_t;

enum nic_hash_kind { NIC_HASH_NONE = 0, NIC_HASH_L3 = 1, NIC_HASH_L4 = 2 };
enum nic_signed { NIC_NEG = -5, NIC_POS = 7 };
enum nic_big { NIC_BIG = 0x100000000ULL, NIC_MINUS_ONE = -1LL };
enum nic_ubig { NIC_UBIG = 0xfedcba9876543210ULL };

struct nic_fwd;
union nic_fwd_union;

struct nic_desc {
	__u64 timestamp;
	__u32 hash;
	__u16 vlan_tci;
	__u8 flags : 3, more : 5;
	union {
		__u32 mark;
		struct {
			__u16 lo, hi;
		} parts;
	} u;
	enum nic_hash_kind kind;
	char name[16];
	int grid[2][3];
	struct nic_desc *next;
	const volatile int *cvp;
	int (*cb)(int, char *);
	void (*done)(struct nic_fwd *, union nic_fwd_union *);
	float f;
	unsigned long long wide : 40;
	signed int neg : 7;
	_Bool ok;
	nic_id_t id;
};

struct nic_packed {
	char c;
	int i;
} __attribute__((packed));

struct nic_flex {
	__u32 len;
	__u8 data[];
};

struct nic_all {
	struct nic_desc d;
	struct nic_packed p;
	enum nic_signed s;
	enum nic_big b;
	enum nic_ubig ub;
	struct nic_flex *flex;
	long double ld;
	double dbl;
};

struct nic_all nic_all_instance;

int nic_fn(int *restrict p, const char *name, ...)
{
	return *p + name[0];
}
