/**
 * The devtx kfuncs as the RFC v3 named them (bpf_devtx_request_tx_timestamp,
 * bpf_devtx_tx_timestamp, bpf_devtx_request_l4_csum) plus the devtx launch-time addition, in
 * their GENERIC form (the device's op looked up through the context at every call, -EOPNOTSUPP
 * when absent), and `loadBoundDevtx` to load a devtx program device-bound in any binding mode:
 * generic, dev-bound (the driver's functions), or inlined (code generated from the driver's
 * NetDevice.devtxInline description, DevtxInlineCompiler.ts; a device publishing none cannot be
 * bound this way: BindingNotBuiltError).
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

import { Effect as E, type Effect, Result } from "effect"
import { inlineDevtxKfuncs } from "./DevtxInlineCompiler.js"
import type { InlineDescriptionError } from "./InlineCompiler.js"
import type { KfuncBindingMode } from "./KfuncBinding.js"
import { BindingNotBuiltError } from "./KfuncBinding.js"

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

/** A devtx program loaded by loadBoundDevtx, with how its kfuncs were bound. */
export interface BoundDevtxProgram extends LoadedDevtxProgram {
  readonly binding: {
    readonly mode: KfuncBindingMode
    /** kernel symbols of the kfuncs replaced by generated bodies (inlined mode) */
    readonly inlined: ReadonlyArray<string>
  }
}

/** Load a devtx program device-bound to `device` with the chosen binding mode. */
export const loadBoundDevtx = (
  spec: DevtxProgramSpec,
  device: NetDevice,
  mode: KfuncBindingMode
): Effect.Effect<BoundDevtxProgram, ProgramLoadError | BindingNotBuiltError> =>
  E.suspend((): Effect.Effect<BoundDevtxProgram, ProgramLoadError | BindingNotBuiltError> => {
    if (mode === "inlined" && device.devtxInline === undefined)
      return E.fail(
        new BindingNotBuiltError({
          mode,
          reason: `device ${device.ifname} (driver ${device.driver}) publishes no inline description of its devtx ops`
        })
      )
    let inlined: ReadonlyArray<string> = []
    let failure: InlineDescriptionError | undefined
    const binder = (resolved: DevtxKfuncs): DevtxKfuncs => {
      if (mode === "generic") return genericDevtxKfuncs
      if (mode === "dev-bound") return resolved
      const r = inlineDevtxKfuncs(device, resolved)
      if (Result.isFailure(r)) {
        failure = r.failure
        return resolved
      }
      inlined = r.success.inlined
      return r.success.kfuncs
    }
    return loadDevtxProgram(spec, { ifindex: device.ifindex, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [device], binder }).pipe(
      E.flatMap((prog) =>
        failure !== undefined
          ? E.fail(new BindingNotBuiltError({ mode, reason: failure.message, cause: failure }))
          : E.succeed({ ...prog, binding: { mode, inlined } })
      )
    )
  })
