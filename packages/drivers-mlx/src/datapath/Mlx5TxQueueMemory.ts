/**
 * The memory one mlx5 send queue shares between driver and device: the cyclic SQ of 64-byte
 * WQEBBs, its doorbell record, the SQ's own CQ of 64-byte CQEs and its doorbell record.
 * Invariants: sizes are powers of two; the CQ has as many entries as the SQ has WQEBBs
 * (mlx5e_build_tx_cq_param: log_cq_size = log_sq_size), and every CQE completes at least one
 * WQEBB, so a CQ never holds more entries than the SQ has WQEBBs in flight.
 *
 *   SQ doorbell record: BE32 sq->pc (mlx5e_notify_hw: *wq->db = cpu_to_be32(pc), en/txrx.h);
 *     the hardware processes WQEBBs up to it. (The 8-byte BlueFlame/UAR write of the doorbell
 *     WQE's ctrl segment that follows it, mlx5_write64, only kicks the device: not modelled.)
 *   CQ doorbell record [MLX5_CQ_SET_CI = 0]: BE32 cc & 0xffffff (mlx5_cqwq_update_db_record)
 *   Every CQE starts as op_own 0xF1 (opcode INVALID, owner 1: en_main.c mlx5e_alloc_cq_common).
 *
 * The WQ buffer is allocated in PAGE_SIZE fragments (mlx5_frag_buf); a WQE must not cross a
 * fragment edge, so the driver pads the edge with NOP WQEs (mlx5e_xdpsq_get_next_pi /
 * mlx5e_txqsq_get_next_pi). With 4 KiB pages a fragment holds 64 WQEBBs.
 */
import { MLX5_CQE64_SIZE, MLX5_CQE_INIT_OP_OWN } from "./Mlx5Cqe.js"
import { MLX5_SEND_WQE_BB } from "./Mlx5Wqe.js"

/** WQEBBs per PAGE_SIZE (4096) fragment of the WQ buffer */
export const MLX5_WQ_FRAG_WQEBBS = 4096 / MLX5_SEND_WQE_BB

export class Mlx5TxQueueMemory {
  readonly size: number
  readonly logSize: number
  readonly mask: number
  readonly sq: Uint8Array
  readonly sqView: DataView
  readonly sqDbrec: DataView
  readonly cq: Uint8Array
  readonly cqView: DataView
  readonly cqDbrec: DataView

  constructor(
    logSize: number,
    /** the SQ number the device assigned (sq->sqn) */
    readonly sqn: number
  ) {
    this.logSize = logSize
    this.size = 1 << logSize
    this.mask = this.size - 1
    this.sq = new Uint8Array(this.size * MLX5_SEND_WQE_BB)
    this.sqView = new DataView(this.sq.buffer)
    this.sqDbrec = new DataView(new ArrayBuffer(4))
    this.cq = new Uint8Array(this.size * MLX5_CQE64_SIZE)
    this.cqView = new DataView(this.cq.buffer)
    this.cqDbrec = new DataView(new ArrayBuffer(4))
    for (let i = 0; i < this.size; i++) this.cq[i * MLX5_CQE64_SIZE + MLX5_CQE64_SIZE - 1] = MLX5_CQE_INIT_OP_OWN
  }

  /** mlx5_wq_cyc_get_contig_wqebbs(wq, ix): WQEBBs from ix to the end of its fragment (or the ring). */
  contigWqebbs(ix: number): number {
    const fragEnd = (ix | (MLX5_WQ_FRAG_WQEBBS - 1)) + 1
    return Math.min(fragEnd, this.size) - ix
  }
}
