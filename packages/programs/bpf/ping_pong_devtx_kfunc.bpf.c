// SPDX-License-Identifier: GPL-2.0
/*
 * devtx TX timestamping + L4 checksum offload, kfunc design: the programs a ping-pong's TX side
 * attaches at the devtx hooks, written against the devtx kfuncs (packages/core/src/devtx/
 * DevtxOps.ts, packages/kfuncs/src/DevtxKfuncs.ts) — one code path for every NIC.
 *   submit:   want_timestamp -> bpf_devtx_request_tx_timestamp; want_checksum and a UDP/TCP
 *             frame (not a fragment) -> bpf_devtx_request_l4_csum(csum_start = transport
 *             header, csum_offset = UDP 6 / TCP 16); each request's return code is counted
 *   complete: bpf_devtx_tx_timestamp -> tx_log (rc, ns, frame length)
 * The raw design's counterpart is ping_pong_devtx_raw.bpf.c.
 */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kfuncs_devtx.h"
#include "packet_parse.h"
#include "tx_stamp_log.h"

const volatile __u8 want_timestamp = 1;
const volatile __u8 want_checksum = 1;

__u64 ts_requested = 0, ts_refused = 0, csum_requested = 0, csum_refused = 0, csum_skipped = 0;
__s32 last_refusal = 0;

/* UDP/TCP transport header offset and its checksum field's offset, or -1 */
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
int tx_submit(struct devtx_ctx *ctx)
{
	__u16 off = 0;
	int rc, l4;

	if (want_timestamp) {
		rc = bpf_devtx_request_tx_timestamp(ctx);
		if (rc == 0) {
			ts_requested++;
		} else {
			ts_refused++;
			last_refusal = rc;
		}
	}
	if (want_checksum) {
		l4 = csum_place(ctx, &off);
		if (l4 < 0) {
			csum_skipped++;
		} else {
			rc = bpf_devtx_request_l4_csum(ctx, l4, off);
			if (rc == 0) {
				csum_requested++;
			} else {
				csum_refused++;
				last_refusal = rc;
			}
		}
	}
	return 0;
}

SEC("devtx/xdp/complete")
int tx_complete(struct devtx_ctx *ctx)
{
	__u64 ts = 0;
	int rc = bpf_devtx_tx_timestamp(ctx, &ts);

	tx_log_push(rc, rc == 0 ? ts : 0, ctx->data_end - ctx->data);
	return 0;
}

char _license[] SEC("license") = "GPL";
