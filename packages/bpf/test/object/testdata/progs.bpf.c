/* Programs by section: two programs in "xdp" (libbpf splits a section by FUNC symbol), one in
 * "xdp.frags", one per devtx hook; .text subprograms (global and static, one calling another)
 * shared by several programs, and a static function called from inside .text. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int sub_static(int x)
{
	return x * 3 + 1;
}

__noinline int sub_global(int x)
{
	return sub_static(x) + 7;
}

__noinline int sub_leaf(int x)
{
	return x ^ 0x55;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	return sub_global(ctx->ingress_ifindex) & 3;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	return (sub_leaf(ctx->rx_queue_index) + sub_global(1)) & 3;
}

SEC("xdp.frags")
int xdp_frags_prog(struct xdp_md *ctx)
{
	return sub_leaf(ctx->data_end - ctx->data) & 3;
}

SEC("devtx/xdp/submit")
int tx_xdp_submit(void *ctx)
{
	return sub_static(2);
}

SEC("devtx/xdp/complete")
int tx_xdp_complete(void *ctx)
{
	return 0;
}

SEC("devtx/skb/submit")
int tx_skb_submit(void *ctx)
{
	return sub_global(3);
}

SEC("devtx/skb/complete")
int tx_skb_complete(void *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
