/**
 * The memory one mlx5 receive queue shares between driver and device (what both sides DMA):
 * the cyclic RQ of receive WQEs, its doorbell record, the CQ of 64-byte CQEs and its doorbell
 * record. Invariant: sizes are powers of two and the CQ has as many entries as the RQ (mlx5e
 * sizes a legacy RQ's CQ with the RQ's log size).
 *
 *   receive WQE (struct mlx5e_rx_wqe_cyc, linear RQ: one struct mlx5_wqe_data_seg, qp.h), BE:
 *     0 byte_count (BE32) | 4 lkey (BE32) | 8 addr (BE64)
 *   RQ doorbell record: BE32 wqe_ctr (mlx5_wq_cyc_update_db_record: *db = cpu_to_be32(wqe_ctr))
 *   CQ doorbell record [MLX5_CQ_SET_CI = 0]: BE32 cc & 0xffffff (mlx5_cqwq_update_db_record)
 */
import { MLX5_CQE64_SIZE, MLX5_CQE_INIT_OP_OWN } from "./Mlx5Cqe.js"

/** struct mlx5_wqe_data_seg field offsets (include/linux/mlx5/qp.h) */
export const WqeDataSeg = { BYTE_COUNT: 0, LKEY: 4, ADDR: 8 } as const
export const MLX5_WQE_DATA_SEG_SIZE = 16
/** mask of the CQ consumer index in the doorbell record (mlx5_cqwq_update_db_record) */
export const MLX5_CQ_DBREC_CI_MASK = 0xffffff

export class Mlx5RxQueueMemory {
  readonly size: number
  readonly logSize: number
  readonly mask: number
  readonly rq: Uint8Array
  readonly rqView: DataView
  readonly rqDbrec: DataView
  readonly cq: Uint8Array
  readonly cqView: DataView
  readonly cqDbrec: DataView

  constructor(logSize: number) {
    this.logSize = logSize
    this.size = 1 << logSize
    this.mask = this.size - 1
    this.rq = new Uint8Array(this.size * MLX5_WQE_DATA_SEG_SIZE)
    this.rqView = new DataView(this.rq.buffer)
    this.rqDbrec = new DataView(new ArrayBuffer(4))
    this.cq = new Uint8Array(this.size * MLX5_CQE64_SIZE)
    this.cqView = new DataView(this.cq.buffer)
    this.cqDbrec = new DataView(new ArrayBuffer(4))
    // mlx5e_alloc_cq_common: every CQE starts as op_own 0xf1 (INVALID, owner 1)
    for (let i = 0; i < this.size; i++) this.cq[i * MLX5_CQE64_SIZE + MLX5_CQE64_SIZE - 1] = MLX5_CQE_INIT_OP_OWN
  }
}
