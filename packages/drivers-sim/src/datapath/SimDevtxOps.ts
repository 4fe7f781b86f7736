/**
 * The reference driver's devtx kfunc implementations (the RFC design): submit-side kfuncs set
 * bits in the TX descriptor the hook context points at; the completion-side kfunc reads the
 * completion entry. Returns 0, -ENODATA (no timestamp in this completion), -EINVAL (a checksum
 * field outside the frame).
 */
import { type DevtxCtx, Errno, type RxTimestampOut } from "@devtx/core"
import { SimTxCmd, SimTxCompl, SimTxComplStatus, SimTxDesc } from "./SimTxDescriptor.js"

const orCmd = (ctx: DevtxCtx, bits: number): void => {
  ctx.desc.setUint8(ctx.descOff + SimTxDesc.CMD, ctx.desc.getUint8(ctx.descOff + SimTxDesc.CMD) | bits)
}

export const simDevtxRequestTxTimestamp = (ctx: DevtxCtx): number => {
  orCmd(ctx, SimTxCmd.TSTAMP)
  return 0
}

export const simDevtxTxTimestamp = (ctx: DevtxCtx, out: RxTimestampOut): number => {
  if ((ctx.compl.getUint8(ctx.complOff + SimTxCompl.STATUS) & SimTxComplStatus.TS_VALID) === 0) return -Errno.ENODATA
  out.lo = ctx.compl.getUint32(ctx.complOff + SimTxCompl.TS_LO, true)
  out.hi = ctx.compl.getUint32(ctx.complOff + SimTxCompl.TS_HI, true)
  return 0
}

export const simDevtxRequestL4Checksum = (ctx: DevtxCtx, start: number, offset: number): number => {
  if (start + offset + 2 > ctx.len) return -Errno.EINVAL
  ctx.desc.setUint16(ctx.descOff + SimTxDesc.CSUM_START, start, true)
  ctx.desc.setUint16(ctx.descOff + SimTxDesc.CSUM_OFFSET, offset, true)
  orCmd(ctx, SimTxCmd.L4_CSUM)
  return 0
}

export const simDevtxRequestLaunchTime = (ctx: DevtxCtx, hi: number, lo: number): number => {
  ctx.desc.setUint32(ctx.descOff + SimTxDesc.LAUNCH_LO, lo, true)
  ctx.desc.setUint32(ctx.descOff + SimTxDesc.LAUNCH_HI, hi, true)
  orCmd(ctx, SimTxCmd.LAUNCH)
  return 0
}
