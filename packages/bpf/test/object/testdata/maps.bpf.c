/* BTF-defined maps of each type the model runs or parses, used through the map helpers. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 a;
	__u64 b;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct pair);
	__uint(max_entries, 4);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 2);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u32);
	__uint(max_entries, 3);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME); /* pinned at /sys/fs/bpf/devtx_obj_flows by libbpf */
} devtx_obj_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 8);
} jmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 16);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
	__uint(max_entries, 4);
} devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
	__uint(max_entries, 2);
} cpus SEC(".maps");

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	__u32 k = 1;
	__u64 fk = ctx->rx_queue_index;
	__u32 one = 1;
	struct pair *p = bpf_map_lookup_elem(&arr, &k);
	__u64 *c = bpf_map_lookup_elem(&pcpu, &k);

	if (p)
		p->b += 1;
	if (c)
		*c += 2;
	if (bpf_map_update_elem(&devtx_obj_flows, &fk, &one, BPF_NOEXIST) != 0)
		bpf_map_delete_elem(&devtx_obj_flows, &fk);
	bpf_tail_call(ctx, &jmp, 0);
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int to_dev(struct xdp_md *ctx)
{
	if (ctx->ingress_ifindex == 7)
		return bpf_redirect_map(&cpus, 0, 0);
	return bpf_redirect_map(&devs, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
