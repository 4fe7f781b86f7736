/* __ksym extern functions (kfuncs): the XDP RX metadata kfuncs, each called from two programs
 * in different orders so each program gets its own kfunc list. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* enum xdp_rss_hash_type is in the 6.18 UAPI only through vmlinux; the kfunc takes its address */
enum xdp_rss_hash_type { XDP_RSS_TYPE_NONE = 0 };

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash, enum xdp_rss_hash_type *rss_type) __ksym;

SEC("xdp")
int meta_a(struct xdp_md *ctx)
{
	__u64 ts = 0;
	__u32 h = 0;
	enum xdp_rss_hash_type t;

	bpf_xdp_metadata_rx_timestamp(ctx, &ts);
	bpf_xdp_metadata_rx_hash(ctx, &h, &t);
	return (ts + h) & 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int meta_b(struct xdp_md *ctx)
{
	__u32 h = 0;
	enum xdp_rss_hash_type t;

	return bpf_xdp_metadata_rx_hash(ctx, &h, &t) == 0 ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
