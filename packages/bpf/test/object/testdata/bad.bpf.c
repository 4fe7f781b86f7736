/* Objects the loader must refuse, one per -D variant (build.sh): no license section, a __ksym
 * extern variable, a __kconfig extern, a program in a section no program type claims, a
 * GPL-only helper and a kfunc under a non-GPL license, a static (STB_LOCAL) entry program,
 * a map whose key_size and key type disagree, a legacy SEC("maps") definition. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifdef BAD_KSYMVAR
extern const int bpf_prog_active __ksym;
#endif
#ifdef BAD_KCONFIG
extern int CONFIG_HZ __kconfig;
#endif
#ifdef BAD_KFUNC_NONGPL
extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
#endif

#ifdef BAD_MAPKEY
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, 8);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} conflicting SEC(".maps");
#endif
#ifdef BAD_LEGACYMAPS
struct { unsigned int type, key_size, value_size, max_entries; } legacy SEC("maps") = { 2, 4, 4, 1 };
#endif

#ifdef BAD_UNKNOWNSEC
SEC("tc")
#else
SEC("xdp")
#endif
#ifdef BAD_STATIC
static __attribute__((used))
#endif
int bad_prog(struct xdp_md *ctx)
{
	int r = XDP_PASS;
#ifdef BAD_KSYMVAR
	r += bpf_prog_active;
#endif
#ifdef BAD_KCONFIG
	r += CONFIG_HZ;
#endif
#ifdef BAD_MAPKEY
	__u32 k = 0;
	if (bpf_map_lookup_elem(&conflicting, &k))
		r = XDP_DROP;
#endif
#ifdef BAD_GPLONLY
	bpf_printk("x");
#endif
#ifdef BAD_GPLTASK
	/* bpf_get_current_task: .gpl_only (kernel/trace/bpf_trace.c), reachable from XDP through
	 * bpf_base_func_proto for CAP_PERFMON (kernel/bpf/helpers.c) */
	if (bpf_get_current_task() == 0)
		r = XDP_DROP;
#endif
#ifdef BAD_KFUNC_NONGPL
	__u64 ts;
	bpf_xdp_metadata_rx_timestamp(ctx, &ts);
#endif
	return r;
}

#ifndef BAD_NOLICENSE
#if defined(BAD_GPLONLY) || defined(BAD_GPLTASK) || defined(BAD_KFUNC_NONGPL)
char LICENSE[] SEC("license") = "Proprietary";
#else
char LICENSE[] SEC("license") = "GPL";
#endif
#endif
