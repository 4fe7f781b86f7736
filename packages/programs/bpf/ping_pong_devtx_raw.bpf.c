// SPDX-License-Identifier: GPL-2.0
/*
 * devtx TX timestamping + L4 checksum offload, raw-descriptor design: the programs write the
 * NIC's own TX descriptor at submit and read its completion entry at complete, through
 * CO-RE-relocated fields of the driver structs in the generated headers (devtx_sim.h,
 * devtx_mlx5.h: the drivers' published BTF). The path is chosen at load with
 * bpf_core_type_exists, as in hw_metadata_raw.bpf.c. The TypeScript references:
 * packages/programs/src/raw/SimRawDevtx.ts and Mlx5RawDevtx.ts.
 *
 *   sim  submit:   sim_tx_desc.tstamp = 1; for a UDP/TCP frame csum_start, csum_offset and
 *                  l4_csum = 1 (CHECKSUM_PARTIAL: the sender seeded the pseudo-header sum)
 *        complete: sim_tx_compl.ts_valid ? ts_hi:ts_lo : -ENODATA
 *   mlx5 submit:   for a UDP/TCP frame cs_flags |= MLX5_ETH_WQE_L3_CSUM | MLX5_ETH_WQE_L4_CSUM
 *                  (include/linux/mlx5/qp.h BIT(6) | BIT(7)); no timestamp request exists: every
 *                  send CQE is stamped
 *        complete: the send CQE's timestamp_h:timestamp_l, real-time format (sec:nsec)
 *   ice  not built here: its checksum plan (IceRawDevtx.ts) is not ported to C yet, and its TX
 *        timestamp is in PHY memory, not in a descriptor — both hooks count the frame in
 *        not_supported.
 * desc/compl are the driver's memory: the program writes the descriptor the driver is about to
 * hand to the hardware (a plain store through a relocated offset).
 */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "devtx_sim.h"
#include "devtx_mlx5.h"
#include "kfuncs_devtx.h"
#include "packet_parse.h"
#include "tx_stamp_log.h"

#define ENODATA 61

const volatile __u8 want_timestamp = 1;
const volatile __u8 want_checksum = 1;

__u64 csum_written = 0, csum_skipped = 0, not_supported = 0;

/*
 * A CO-RE relocated read-modify-write of a bitfield: byte offset, size and shifts come from the
 * target BTF (the relocations libbpf's BPF_CORE_READ_BITFIELD uses), the new value is masked in.
 */
#define CORE_WRITE_BITFIELD(s, field, new_val)                                                       \
	({                                                                                           \
		void *__p = (void *)(s) + __CORE_RELO(s, field, BYTE_OFFSET);                        \
		unsigned int __sz = __CORE_RELO(s, field, BYTE_SIZE);                                \
		unsigned int __l = __CORE_RELO(s, field, LSHIFT_U64);                                \
		unsigned int __r = __CORE_RELO(s, field, RSHIFT_U64);                                \
		unsigned long long __m = (~0ULL << __r) >> __l, __v = 0;                             \
		asm volatile("" : "+r"(__p));                                                        \
		switch (__sz) {                                                                      \
		case 1: __v = *(__u8 *)__p; break;                                                   \
		case 2: __v = *(__u16 *)__p; break;                                                  \
		case 4: __v = *(__u32 *)__p; break;                                                  \
		default: __v = *(__u64 *)__p; break;                                                 \
		}                                                                                    \
		__v = (__v & ~__m) | (((unsigned long long)(new_val) << (__r - __l)) & __m);          \
		switch (__sz) {                                                                      \
		case 1: *(__u8 *)__p = __v; break;                                                   \
		case 2: *(__u16 *)__p = __v; break;                                                  \
		case 4: *(__u32 *)__p = __v; break;                                                  \
		default: *(__u64 *)__p = __v; break;                                                 \
		}                                                                                    \
	})

static __always_inline int csum_place(struct devtx_ctx *ctx, __u16 *csum_offset)
{
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 proto = 0;
	int l4 = l4_offset(data, end, &proto, 1);

	if (l4 < 0)
		return -1;
	if (proto == DEVTX_IPPROTO_UDP)
		*csum_offset = 6;
	else if (proto == DEVTX_IPPROTO_TCP)
		*csum_offset = 16;
	else
		return -1;
	if (data + l4 + *csum_offset + 2 > end)
		return -1;
	return l4;
}

SEC("devtx/xdp/submit")
int tx_submit_raw(struct devtx_ctx *ctx)
{
	__u16 off = 0;
	int l4;

	if (bpf_core_type_exists(struct sim_tx_desc)) {
		struct sim_tx_desc *d = (void *)(long)ctx->desc;

		if (want_timestamp)
			CORE_WRITE_BITFIELD(d, tstamp, 1);
		if (want_checksum) {
			l4 = csum_place(ctx, &off);
			if (l4 < 0) {
				csum_skipped++;
			} else {
				d->csum_start = l4;
				d->csum_offset = off;
				CORE_WRITE_BITFIELD(d, l4_csum, 1);
				csum_written++;
			}
		}
	} else if (bpf_core_type_exists(struct mlx5_wqe_eth_seg)) {
		struct mlx5_wqe_eth_seg *eseg = (void *)(long)ctx->desc;

		if (want_checksum) {
			l4 = csum_place(ctx, &off);
			if (l4 < 0) {
				csum_skipped++;
			} else {
				eseg->cs_flags |= (1 << 6) | (1 << 7);
				csum_written++;
			}
		}
	} else {
		not_supported++;
	}
	return 0;
}

SEC("devtx/xdp/complete")
int tx_complete_raw(struct devtx_ctx *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	if (bpf_core_type_exists(struct sim_tx_compl)) {
		struct sim_tx_compl *c = (void *)(long)ctx->compl;

		if (BPF_CORE_READ_BITFIELD(c, ts_valid))
			tx_log_push(0, ((__u64)c->ts_hi << 32) | c->ts_lo, len);
		else
			tx_log_push(-ENODATA, 0, len);
	} else if (bpf_core_type_exists(struct mlx5_cqe64)) {
		struct mlx5_cqe64 *cqe = (void *)(long)ctx->compl;

		/* REAL_TIME_TO_NS(sec, nsec) (mlx5 lib/clock.h) */
		tx_log_push(0, (__u64)bpf_ntohl(cqe->timestamp_h) * 1000000000ULL + bpf_ntohl(cqe->timestamp_l), len);
	} else {
		not_supported++;
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
