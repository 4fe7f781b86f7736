/*
 * Shared by the kernel-lane veth programs: the kfunc declarations (bpftool's vmlinux.h carries
 * no kfunc prototypes), the result record the programs leave in their `results` array map, and
 * the enum values they need. Kfunc signatures: net/core/xdp.c (bpf_xdp_metadata_rx_*),
 * kernel/bpf/helpers.c (bpf_cast_to_kern_ctx, bpf_rdonly_cast).
 */
#ifndef DEVTX_KERNEL_H
#define DEVTX_KERNEL_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym;
extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
					__u16 *vlan_tci) __ksym;
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/*
 * One record per program, key 0 of `results` (the last packet seen), read by the TypeScript
 * side through the helper's map lookup. Layout (little-endian, 48 bytes):
 *
 *   0        4        8        12       16               24               32       36     40
 *   | count  | hash_r | hash   | rsstype| ts (u64)       | tstamp/aux u64 | ts_ret | vlan_r| tci|proto|
 *
 * count: packets seen; *_ret: the kfunc's return (0 or -errno); the raw style leaves the
 * returns 0 and sets `skb_null` in hash_ret's place when the veth_xdp_buff has no skb.
 */
struct devtx_result {
	__u32 count;
	__s32 hash_ret;
	__u32 hash;
	__u32 rss_type;
	__u64 timestamp;
	__u64 aux;
	__s32 ts_ret;
	__s32 vlan_ret;
	__u16 vlan_tci;
	__u16 vlan_proto;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct devtx_result);
} results SEC(".maps");

static __always_inline struct devtx_result *devtx_result_slot(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&results, &k);
}

#endif
