/**
 * The devtx kfuncs as the RFC v3 named them (bpf_devtx_request_tx_timestamp,
 * bpf_devtx_tx_timestamp, bpf_devtx_request_l4_csum) plus the devtx launch-time addition, in
 * their GENERIC form (the device's op looked up through the context at every call, -EOPNOTSUPP
 * when absent), and `loadBoundDevtx` to load a devtx program device-bound with either binding.
 * Return codes: 0, -EOPNOTSUPP, -ENODATA (completion without a timestamp), -EINVAL.
 */
import {
  BPF_F_XDP_DEV_BOUND_ONLY,
  type DevtxCtx,
  type DevtxKfuncs,
  type DevtxProgramSpec,
  Errno,
  type LoadedDevtxProgram,
  loadDevtxProgram,
  type NetDevice,
  type ProgramLoadError,
  type RxTimestampOut
} from "@devtx/core"

import type { KfuncBindingMode } from "./KfuncBinding.js"
import { BindingNotBuiltError } from "./KfuncBinding.js"
import { Effect as E, type Effect } from "effect"

export const requestTxTimestamp = (ctx: DevtxCtx): number => {
  const op = ctx.ops?.xmoRequestTxTimestamp
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx)
}

export const txTimestamp = (ctx: DevtxCtx, out: RxTimestampOut): number => {
  const op = ctx.ops?.xmoTxTimestamp
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, out)
}

export const requestL4Checksum = (ctx: DevtxCtx, csumStart: number, csumOffset: number): number => {
  const op = ctx.ops?.xmoRequestL4Checksum
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, csumStart, csumOffset)
}

export const requestLaunchTime = (ctx: DevtxCtx, hi: number, lo: number): number => {
  const op = ctx.ops?.xmoRequestLaunchTime
  return op === undefined ? -Errno.EOPNOTSUPP : op(ctx, hi, lo)
}

export const genericDevtxKfuncs: DevtxKfuncs = { requestTxTimestamp, txTimestamp, requestL4Checksum, requestLaunchTime }

/** Load a devtx program device-bound to `device` with the chosen binding mode. */
export const loadBoundDevtx = (
  spec: DevtxProgramSpec,
  device: NetDevice,
  mode: KfuncBindingMode
): Effect.Effect<LoadedDevtxProgram, ProgramLoadError | BindingNotBuiltError> =>
  mode === "inlined"
    ? E.fail(new BindingNotBuiltError({ mode, reason: "the inlining loader lands with issue 8" }))
    : loadDevtxProgram(spec, {
        ifindex: device.ifindex,
        flags: BPF_F_XDP_DEV_BOUND_ONLY,
        devices: [device],
        ...(mode === "generic" ? { binder: () => genericDevtxKfuncs } : {})
      })
