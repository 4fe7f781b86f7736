/* Globals in each data section: .bss, .data, .rodata, a custom .data.* and .rodata.* section,
 * and string literals (.rodata.str1.1), reached with LD_IMM64 BPF_PSEUDO_MAP_VALUE. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stats {
	__u64 packets;
	__u32 last_len;
	__u16 ports[2];
};

__u64 counter;                       /* .bss */
struct stats st;                     /* .bss */
int level = -3;                      /* .data */
unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 0x01 }; /* .data */
const volatile __u32 limit = 1500;   /* .rodata */
const volatile char tag[8] = "devtx";   /* .rodata */
__u32 custom_val SEC(".data.custom") = 0xabcd;
const volatile __u16 custom_ro SEC(".rodata.custom") = 9;
static __u32 hidden_bss;             /* .bss, static */

SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	counter++;
	st.packets++;
	st.last_len = len;
	st.ports[1] = 80;
	hidden_bss += 2;
	custom_val += custom_ro;
	mac[5] = (unsigned char)level;
	if (len > limit)
		bpf_printk("long %u %s", len, tag);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
