/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the devtx completion programs report per completed frame, in .bss for the loader to read
 * (bpftool map dump shows it by name): the status code (0, -ENODATA, -EOPNOTSUPP, -ERANGE), the
 * timestamp in ns and the frame length. Full: further records only count in tx_log_dropped,
 * nothing is written past the end — packages/programs/src/raw/TxStampLog.ts's contract.
 */
#ifndef DEVTX_TX_STAMP_LOG_H
#define DEVTX_TX_STAMP_LOG_H

#define TX_LOG_CAPACITY 64

struct tx_log_entry {
	__s32 rc;
	__u32 len;
	__u64 ts;
};

struct tx_log_entry tx_log[TX_LOG_CAPACITY] = {};
__u32 tx_log_count = 0;
__u32 tx_log_dropped = 0;

static __always_inline void tx_log_push(int rc, __u64 ts, __u32 len)
{
	__u32 i = tx_log_count;

	if (i >= TX_LOG_CAPACITY) {
		tx_log_dropped++;
		return;
	}
	tx_log[i].rc = rc;
	tx_log[i].len = len;
	tx_log[i].ts = ts;
	tx_log_count = i + 1;
}

#endif
