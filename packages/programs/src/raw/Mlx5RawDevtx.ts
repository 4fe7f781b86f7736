/**
 * devtx timestamping + checksum offload, raw-descriptor style, for mlx5. At submit DevtxCtx.desc
 * is the send WQE's eth segment (struct mlx5_wqe_eth_seg, include/linux/mlx5/qp.h); at completion
 * DevtxCtx.compl is the send CQE (struct mlx5_cqe64, opcode MLX5_CQE_REQ) that completed the
 * frame's doorbell batch.
 *
 *   mlx5_wqe_eth_seg                          mlx5_cqe64 (big-endian)
 *    4 | cs_flags: 0x40 L3_CSUM, 0x80 L4_CSUM |   48 | timestamp_h (BE32) | timestamp_l (BE32) |
 *
 * Submit: for a UDP/TCP frame, cs_flags |= MLX5_ETH_WQE_L3_CSUM | MLX5_ETH_WQE_L4_CSUM (qp.h
 * BIT(6) | BIT(7)) through a relocated u8 write — what mlx5e_xsk_request_checksum does; the
 * hardware parses the headers itself, so no start/offset is written (mlx5 has none to write).
 * A timestamp needs no request: every send CQE carries one (that is why mlx5e has no
 * tmo_request_timestamp) — the submit program writes nothing for it.
 * Complete: the CQE stamp, converted by the program itself (mlx5RawStampToNs: real-time
 * sec:nsec, or the free-running timecounter over the .rodata clock-info snapshot — the SQ's
 * converter is the real-time one when is_real_time_rq || is_real_time_sq, as on RX here since
 * both follow the device's ts format). Always 0 unless the snapshot is out of range (-ERANGE).
 * Per packet: no allocation.
 */
import { type DevtxCtx, DevtxPoint, type RawDevtxProgramSpec, U64 } from "@devtx/core"
import { L4Location, l4Locate } from "./FrameL4Locator.js"
import { type Mlx5RawRodata, mlx5RawStampToNs } from "./Mlx5RawHwMetadata.js"
import type { RawDevtxSubmitOptions } from "./SimRawDevtx.js"
import type { TxStampLog } from "./TxStampLog.js"

/** MLX5_ETH_WQE_L3_CSUM BIT(6), MLX5_ETH_WQE_L4_CSUM BIT(7) (include/linux/mlx5/qp.h) */
const MLX5_ETH_WQE_L3_CSUM = 1 << 6
const MLX5_ETH_WQE_L4_CSUM = 1 << 7

export const mlx5RawDevtxSubmit = (opts: RawDevtxSubmitOptions): RawDevtxProgramSpec => ({
  name: "devtx_submit_raw_mlx5",
  point: opts.point ?? DevtxPoint.SUBMIT_XDP,
  structs: [{ name: "mlx5_wqe_eth_seg___devtx", fields: [{ name: "cs_flags", type: "u8" }] }],
  instantiate: ({ fields }) => {
    const cs = fields.mlx5_wqe_eth_seg!.cs_flags!
    const loc = new L4Location()
    return (ctx: DevtxCtx): void => {
      // opts.timestamp: nothing to write, every send CQE is stamped
      if (opts.checksum && l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0)
        cs.write(ctx.desc, ctx.descOff, cs.read(ctx.desc, ctx.descOff) | MLX5_ETH_WQE_L3_CSUM | MLX5_ETH_WQE_L4_CSUM)
    }
  }
})

export const mlx5RawDevtxComplete = (rodata: Mlx5RawRodata, log: TxStampLog, point: DevtxPoint = DevtxPoint.COMPLETE_XDP): RawDevtxProgramSpec => ({
  name: "devtx_complete_raw_mlx5",
  point,
  structs: [
    {
      name: "mlx5_cqe64___devtx",
      fields: [
        { name: "timestamp_h", type: "be32" },
        { name: "timestamp_l", type: "be32" }
      ]
    }
  ],
  instantiate: ({ fields }) => {
    const F = fields.mlx5_cqe64!
    const tsH = F.timestamp_h!.read
    const tsL = F.timestamp_l!.read
    const ns = new U64()
    const scratch = new U64()
    return (ctx: DevtxCtx): void => {
      const rc = mlx5RawStampToNs(rodata, tsH(ctx.compl, ctx.complOff), tsL(ctx.compl, ctx.complOff), ns, scratch)
      log.push(rc, rc === 0 ? ns.hi : 0, rc === 0 ? ns.lo : 0, ctx.data)
    }
  }
})
