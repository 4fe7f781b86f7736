/**
 * Loading and attaching devtx programs, as Effects with typed errors. The RFC made devtx kfuncs
 * device-bound exactly like the RX metadata kfuncs, so the same rules hold:
 * - a program calling devtx kfuncs must be device-bound (prog_ifindex + BPF_F_XDP_DEV_BOUND_ONLY),
 *   else -EINVAL "metadata kfuncs require device-bound program";
 * - a kfunc not allowed at the program's hook side (a completion kfunc in a submit program, or the
 *   reverse) or unknown: -EACCES "calling kernel function X is not allowed";
 * - each kfunc is resolved once to the device's op; a missing op to the -EOPNOTSUPP default;
 * - attaching to a device other than the bound one: -EINVAL "Program bound to different device".
 */
import { Effect } from "effect"
import type { NetDevice } from "../driver/NetDevice.js"
import { Errno } from "../kernel/Errno.js"
import type { RxTimestampOut } from "../metadata/RxMetadataOut.js"
import { BPF_F_XDP_DEV_BOUND_ONLY, ProgramAttachError, ProgramLoadError } from "./ProgramLoader.js"
import { type DevtxCtx, DevtxPoint, type DevtxProgramFn, isSubmitPoint } from "../devtx/DevtxContext.js"
import { devtxKfuncByName } from "../devtx/DevtxOps.js"

export interface DevtxKfuncs {
  readonly requestTxTimestamp: (ctx: DevtxCtx) => number
  readonly txTimestamp: (ctx: DevtxCtx, out: RxTimestampOut) => number
  readonly requestL4Checksum: (ctx: DevtxCtx, csumStart: number, csumOffset: number) => number
  readonly requestLaunchTime: (ctx: DevtxCtx, hi: number, lo: number) => number
}

export interface DevtxProgramSpec {
  readonly name: string
  /** the hook point the program is written for */
  readonly point: DevtxPoint
  readonly kfuncs: ReadonlyArray<string>
  readonly instantiate: (env: { readonly kfuncs: DevtxKfuncs; readonly boundIfindex: number }) => DevtxProgramFn
}

export interface LoadedDevtxProgram {
  readonly name: string
  readonly point: DevtxPoint
  readonly boundIfindex: number
  readonly run: DevtxProgramFn
  readonly resolution: Readonly<Record<string, string>>
}

const eopnotsupp = (): number => -Errno.EOPNOTSUPP

export const loadDevtxProgram = (
  spec: DevtxProgramSpec,
  options: {
    readonly ifindex?: number
    readonly flags?: number
    readonly devices?: ReadonlyArray<NetDevice>
    readonly binder?: (resolved: DevtxKfuncs) => DevtxKfuncs
  } = {}
): Effect.Effect<LoadedDevtxProgram, ProgramLoadError> =>
  Effect.suspend(() => {
    const fail = (errno: number, reason: string) => Effect.fail(new ProgramLoadError({ program: spec.name, errno: -errno, reason }))
    const ifindex = options.ifindex ?? 0
    const devBound = ifindex !== 0 && ((options.flags ?? 0) & BPF_F_XDP_DEV_BOUND_ONLY) !== 0
    const rows = []
    for (const k of spec.kfuncs) {
      const row = devtxKfuncByName(k)
      if (row === undefined || (row.side === "submit") !== isSubmitPoint(spec.point))
        return fail(Errno.EACCES, `calling kernel function ${row?.kfunc ?? k} is not allowed`)
      rows.push(row)
    }
    if (rows.length > 0 && !devBound) return fail(Errno.EINVAL, "metadata kfuncs require device-bound program")
    const device = devBound ? options.devices?.find((d) => d.ifindex === ifindex) : undefined
    if (devBound && device === undefined) return fail(Errno.EINVAL, `prog_ifindex ${ifindex}: no such device`)
    const k: Record<string, unknown> = {
      requestTxTimestamp: eopnotsupp,
      txTimestamp: eopnotsupp,
      requestL4Checksum: eopnotsupp,
      requestLaunchTime: eopnotsupp
    }
    const resolution: Record<string, string> = {}
    for (const row of rows) {
      const op = device?.devtxOps?.[row.op]
      k[row.getter] = op ?? eopnotsupp
      resolution[row.kfunc] = op !== undefined ? `${device!.driver}:${row.kernelOp}` : "default:-EOPNOTSUPP"
    }
    const resolved = k as unknown as DevtxKfuncs
    const kfuncs = options.binder ? options.binder(resolved) : resolved
    return Effect.succeed({
      name: spec.name,
      point: spec.point,
      boundIfindex: devBound ? ifindex : 0,
      run: spec.instantiate({ kfuncs, boundIfindex: devBound ? ifindex : 0 }),
      resolution
    })
  })

/** fentry-style attach at the program's hook point of `device`. */
export const attachDevtx = (device: NetDevice, prog: LoadedDevtxProgram): Effect.Effect<void, ProgramAttachError> =>
  Effect.suspend(() => {
    if (prog.boundIfindex !== 0 && prog.boundIfindex !== device.ifindex)
      return Effect.fail(
        new ProgramAttachError({ program: prog.name, ifname: device.ifname, errno: -Errno.EINVAL, reason: "Program bound to different device" })
      )
    const h = device.devtx
    if (prog.point === DevtxPoint.SUBMIT_XDP) h.submitXdp = prog.run
    else if (prog.point === DevtxPoint.COMPLETE_XDP) h.completeXdp = prog.run
    else if (prog.point === DevtxPoint.SUBMIT_SKB) h.submitSkb = prog.run
    else h.completeSkb = prog.run
    return Effect.void
  })
