// SPDX-License-Identifier: GPL-2.0
/*
 * A vendor's new field, read the raw way, as a clang-compiled object (the C form of
 * packages/programs/src/raw/SimRawFlowMark.ts; `devtx compare new-field` runs both): drivers-sim's
 * descriptor layout v2 adds `flow_mark` to struct sim_rx_desc_wb (the RSS indirection index the
 * hash selected, 0 when not hashed); layout v1 has no such field. One object for both layouts:
 * bpf_core_field_exists() on the local view decides at load — on v1 the relocation is 0, the read
 * is dead code (its poisoned access never reached) and every packet records -EOPNOTSUPP.
 *
 * Output, the program's .bss (bpftool map dump shows it by name):
 *   marks_n         packets recorded (at most FLOW_MARK_LOG)
 *   mark_rc[i]      0 (mark_val[i] read), -ENODATA (RSS_VALID clear), -EOPNOTSUPP (no flow_mark)
 *   mark_val[i]     the flow_mark of packet i
 * The context is reached as hw_metadata_raw.bpf.c does: bpf_cast_to_kern_ctx, then
 * bpf_rdonly_cast to the sim driver's struct sim_xdp_buff (SimBtf.ts), then ->desc->wb.
 */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kfuncs_mainline.h"

#define ENODATA 61
#define EOPNOTSUPP 95
#define FLOW_MARK_LOG 512

struct sim_rx_desc_wb___fm {
	__u8 rss_valid: 1;
	__u32 flow_mark;
} __attribute__((preserve_access_index));
union sim_rx_desc___fm {
	struct sim_rx_desc_wb___fm wb;
} __attribute__((preserve_access_index));
struct sim_xdp_buff___fm {
	union sim_rx_desc___fm *desc;
} __attribute__((preserve_access_index));

__u32 marks_n = 0;
__s32 mark_rc[FLOW_MARK_LOG] = {};
__u32 mark_val[FLOW_MARK_LOG] = {};

SEC("xdp")
int flow_mark_raw(struct xdp_md *ctx)
{
	struct sim_xdp_buff___fm *sb = bpf_rdonly_cast(bpf_cast_to_kern_ctx(ctx), bpf_core_type_id_kernel(struct sim_xdp_buff___fm));
	struct sim_rx_desc_wb___fm *wb = &sb->desc->wb;
	__u32 i = marks_n;

	if (i >= FLOW_MARK_LOG)
		return XDP_PASS;
	marks_n = i + 1;
	if (!bpf_core_field_exists(wb->flow_mark)) {
		mark_rc[i] = -EOPNOTSUPP;
		mark_val[i] = 0;
	} else if (!BPF_CORE_READ_BITFIELD(wb, rss_valid)) {
		mark_rc[i] = -ENODATA;
		mark_val[i] = 0;
	} else {
		mark_rc[i] = 0;
		mark_val[i] = wb->flow_mark;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
