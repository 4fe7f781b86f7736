/**
 * mlx5's AF_XDP TX metadata ops (mlx5e_xsk_tx_metadata_ops, en/xdp.c) and the devtx kfunc ops
 * (the RFC design) on the same WQE / CQE bits.
 *
 * xsk_tx_metadata_ops — mainline has exactly two members:
 *  - tmo_request_checksum (mlx5e_xsk_request_checksum): priv is the WQE's eth segment;
 *    cs_flags |= MLX5_ETH_WQE_L3_CSUM | MLX5_ETH_WQE_L4_CSUM. csum_start and csum_offset are
 *    ignored ("HW/FW is doing parsing, so offsets are largely ignored").
 *  - tmo_fill_timestamp (mlx5e_xsk_fill_timestamp): priv is { cqe, cq }; returns
 *    get_cqe_ts(cqe) converted by mlx5_real_time_cyc2time when is_real_time_rq ||
 *    is_real_time_sq, else by mlx5_timecounter_cyc2time.
 *  - no tmo_request_timestamp: every send CQE carries a timestamp, so there is nothing to ask
 *    for (the author's answer on the list); no tmo_request_launch_time: mlx5 has no launch time.
 *  xsk-features therefore reads tx-timestamp | tx-checksum (netdev_nl_dev_fill).
 *
 * devtx ops: request timestamp = 0 with nothing to set (same reason); request L4 checksum = the
 * eth segment's L3|L4 cs_flags, start/offset ignored, 0; tx timestamp = the send CQE's stamp
 * converted, always 0 (a send CQE always has one). No launch-time op (-EOPNOTSUPP).
 *
 * Per packet: no allocation, numeric status codes.
 */
import { DevtxCtx, type RxTimestampOut, U64 } from "@devtx/core"
import { cqeTimestampH, cqeTimestampL } from "./Mlx5Cqe.js"
import { mlx5CqeTsToNs, type Mlx5Timecounter } from "./Mlx5Clock.js"
import { Mlx5EthWqeCsum, WqeEth } from "./Mlx5Wqe.js"

/**
 * The priv both tmo ops receive: at request time `view/off` is the WQE's eth segment, at
 * completion time the send CQE; plus the SQ's converter (sq->ptp_cyc2time / clock).
 */
export class Mlx5TmoPriv {
  view: DataView = new DataView(new ArrayBuffer(0))
  off = 0
  constructor(
    readonly tsFormat: number,
    readonly tc: Mlx5Timecounter
  ) {}
}

const scratch = new U64()

/** mlx5e_xsk_request_checksum */
export const mlx5eXskRequestChecksum = (_csumStart: number, _csumOffset: number, p: Mlx5TmoPriv): void => {
  const at = p.off + WqeEth.CS_FLAGS
  p.view.setUint8(at, p.view.getUint8(at) | Mlx5EthWqeCsum.L3 | Mlx5EthWqeCsum.L4)
}

/** mlx5e_xsk_fill_timestamp */
export const mlx5eXskFillTimestamp = (p: Mlx5TmoPriv, out: RxTimestampOut): void => {
  mlx5CqeTsToNs(p.tsFormat, p.tc, cqeTimestampH(p.view, p.off), cqeTimestampL(p.view, p.off), scratch)
  out.hi = scratch.hi
  out.lo = scratch.lo
}

/** The devtx hook context as mlx5 fills it: desc = the WQE's eth segment, compl = the send CQE. */
export class Mlx5DevtxCtx extends DevtxCtx {
  constructor(
    readonly tsFormat: number,
    readonly tc: Mlx5Timecounter
  ) {
    super()
  }
}

export const mlx5DevtxRequestTxTimestamp = (_ctx: Mlx5DevtxCtx): number => 0

export const mlx5DevtxRequestL4Checksum = (ctx: Mlx5DevtxCtx, _start: number, _offset: number): number => {
  const at = ctx.descOff + WqeEth.CS_FLAGS
  ctx.desc.setUint8(at, ctx.desc.getUint8(at) | Mlx5EthWqeCsum.L3 | Mlx5EthWqeCsum.L4)
  return 0
}

export const mlx5DevtxTxTimestamp = (ctx: Mlx5DevtxCtx, out: RxTimestampOut): number => {
  mlx5CqeTsToNs(ctx.tsFormat, ctx.tc, cqeTimestampH(ctx.compl, ctx.complOff), cqeTimestampL(ctx.compl, ctx.complOff), scratch)
  out.hi = scratch.hi
  out.lo = scratch.lo
  return 0
}
