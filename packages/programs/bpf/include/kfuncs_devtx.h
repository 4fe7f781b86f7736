/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kfuncs that no mainline kernel has, as devtx defines them (so not generated from
 * /sys/kernel/btf/vmlinux; kfuncs_mainline.h is):
 *
 *  - bpf_xdp_metadata_rx_checksum: PROPOSED, NOT IN MAINLINE — the 4-argument form and the bit
 *    values of enum xdp_checksum that packages/core/src/kernel/XdpChecksum.ts documents;
 *  - the devtx TX hook context and kfuncs (devtx RFC v3, abandoned, plus devtx's launch-time
 *    addition): packages/core/src/devtx/DevtxOps.ts is their table. Return codes 0, -EOPNOTSUPP,
 *    -ENODATA (a completion without a timestamp), -EINVAL.
 */
#ifndef DEVTX_KFUNCS_DEVTX_H
#define DEVTX_KFUNCS_DEVTX_H

enum xdp_checksum {
	XDP_CHECKSUM_NONE = 0x1,
	XDP_CHECKSUM_UNNECESSARY = 0x2,
	XDP_CHECKSUM_COMPLETE = 0x4,
};

extern int bpf_xdp_metadata_rx_checksum(const struct xdp_md *ctx, enum xdp_checksum *ip_summed, __u32 *cksum,
					__u8 *cksum_level) __ksym;

/*
 * What a program at a devtx hook (SEC("devtx/xdp/submit"), SEC("devtx/xdp/complete")) gets as
 * its context. Like struct xdp_md, loads are converted by the program type:
 *   data, data_end  the frame, as packet pointers
 *   desc            the driver's TX descriptor (submit; writable: the raw design writes it)
 *   compl           the driver's completion entry (complete; read-only)
 * desc and compl are 0 at the other side.
 *
 *   off 0 | data u32 | data_end u32 | ifindex u32 | queue u32 |
 *      16 | desc u64 | compl u64 |  (24 bytes)
 */
struct devtx_ctx {
	__u32 data;
	__u32 data_end;
	__u32 ifindex;
	__u32 queue;
	__u64 desc;
	__u64 compl;
};

extern int bpf_devtx_request_tx_timestamp(const struct devtx_ctx *ctx) __ksym;
extern int bpf_devtx_tx_timestamp(const struct devtx_ctx *ctx, __u64 *timestamp) __ksym;
extern int bpf_devtx_request_l4_csum(const struct devtx_ctx *ctx, __u16 csum_start, __u16 csum_offset) __ksym;
extern int bpf_devtx_request_launch_time(const struct devtx_ctx *ctx, __u64 launch_time) __ksym;

#endif
