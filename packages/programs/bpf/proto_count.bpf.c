// SPDX-License-Identifier: GPL-2.0
/*
 * A small sample with a BPF_MAP_TYPE_HASH: packets per IP protocol (IPv4 protocol / IPv6 next
 * header, untagged frames), counted in a hash map keyed by the protocol number; `distinct` in
 * .bss counts the keys it inserted (lookup NULL, then update BPF_NOEXIST), `total` the packets.
 */
#include "devtx_vmlinux.h"
#include "uapi_mainline.h"
#include <bpf/bpf_helpers.h>
#include "packet_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} per_proto SEC(".maps");

__u64 distinct = 0;
__u64 total = 0;

SEC("xdp")
int count_proto(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 proto = 0;
	__u32 key;
	__u64 one = 1, *n;

	if (l4_offset(data, end, &proto, 0) < 0)
		return XDP_PASS;
	key = proto;
	total++;
	n = bpf_map_lookup_elem(&per_proto, &key);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else if (bpf_map_update_elem(&per_proto, &key, &one, 1 /* BPF_NOEXIST */) == 0) {
		distinct++;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
