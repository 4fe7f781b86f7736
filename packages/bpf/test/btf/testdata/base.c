/* Base of the split-BTF fixture: a small "vmlinux" for split.c. */
typedef unsigned int __u32;
typedef unsigned long long __u64;
struct base_dev {
	int ifindex;
	__u32 mtu;
	char name[16];
};
enum base_mode { BASE_OFF, BASE_ON };
struct base_dev base_dev_instance;
enum base_mode base_mode_instance;
