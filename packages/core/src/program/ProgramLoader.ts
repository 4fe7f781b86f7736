/**
 * Program load and attach, as Effects with typed errors — the devtx model of BPF_PROG_LOAD for an
 * XDP program and of dev_xdp_attach (kernel/bpf/offload.c, kernel/bpf/verifier.c, net/core/dev.c).
 *
 * Load rules (kfunc series v8, lore:20230119221536.3349901-1-sdf@google.com):
 * - a program that calls a metadata kfunc must be device-bound: prog_ifindex set with
 *   BPF_F_XDP_DEV_BOUND_ONLY; otherwise -EINVAL, log "metadata kfuncs require device-bound program";
 * - prog_ifindex without BPF_F_XDP_DEV_BOUND_ONLY asks for hardware offload, which no devtx device
 *   supports: -EINVAL (with a metadata kfunc the log is "metadata kfuncs can't be offloaded");
 * - a kfunc outside the program type's set: -EACCES, "calling kernel function X is not allowed"
 *   (kernel/bpf/verifier.c check_kfunc_call);
 * - prog_ifindex naming no device: -EINVAL (bpf_prog_dev_bound_init);
 * - dev-bound load resolves every metadata kfunc ONCE to the device's xdp_metadata_ops member
 *   (bpf_dev_bound_resolve_kfunc); a NULL member resolves to the generic default returning
 *   -EOPNOTSUPP. No per-call lookup remains.
 * Attach rule: a dev-bound program attaches only to the device it was bound to; otherwise -EINVAL
 * with extack "Program bound to different device" (net/core/dev.c dev_xdp_attach).
 */
import { Data, Effect } from "effect"
import type { AttachedXdpProgram, NetDevice } from "../driver/NetDevice.js"
import { Errno } from "../kernel/Errno.js"
import { METADATA_KFUNC_TABLE, metadataKfuncByName, metadataKfuncDefault } from "../metadata/MetadataTable.js"
import { SimulatedTaiClock, type TaiClock } from "./TaiClock.js"
import type { ProgramEnv, RxKfuncs, XdpProgramSpec } from "./XdpProgramSpec.js"

/** BPF_F_XDP_DEV_BOUND_ONLY, include/uapi/linux/bpf.h */
export const BPF_F_XDP_DEV_BOUND_ONLY = 1 << 6

export class ProgramLoadError extends Data.TaggedError("ProgramLoadError")<{
  readonly program: string
  /** negative errno, as bpf(BPF_PROG_LOAD) returns it */
  readonly errno: number
  /** the verifier-log line */
  readonly reason: string
}> {
  override get message(): string {
    return `load of ${this.program} failed (${this.errno}): ${this.reason}`
  }
}

export class ProgramAttachError extends Data.TaggedError("ProgramAttachError")<{
  readonly program: string
  readonly ifname: string
  readonly errno: number
  readonly reason: string
}> {
  override get message(): string {
    return `attach of ${this.program} to ${this.ifname} failed (${this.errno}): ${this.reason}`
  }
}

export interface LoadOptions {
  /** prog_ifindex (0 = none) */
  readonly ifindex?: number
  /** prog_flags */
  readonly flags?: number
  /** the devices the "kernel" knows, by ifindex */
  readonly devices?: ReadonlyArray<NetDevice>
  /** CLOCK_TAI for bpf_ktime_get_tai_ns (default: a simulated clock from 0, 1 us per read) */
  readonly clock?: TaiClock
  /**
   * How kfunc calls are bound. Default: dev-bound resolution (bpf_dev_bound_resolve_kfunc).
   * The kfuncs package supplies the other binding modes through this hook; it receives the
   * dev-bound resolution and may replace it.
   */
  readonly binder?: (resolved: RxKfuncs, device: NetDevice | undefined) => RxKfuncs
}

export interface LoadedXdpProgram extends AttachedXdpProgram {
  readonly spec: XdpProgramSpec
  /** kfunc symbol -> "driver:<op>" or "default:-EOPNOTSUPP", for inspection */
  readonly resolution: Readonly<Record<string, string>>
}

const unboundKfuncs = (): RxKfuncs => ({
  rxTimestamp: metadataKfuncDefault,
  rxHash: metadataKfuncDefault,
  rxVlanTag: metadataKfuncDefault,
  rxChecksum: metadataKfuncDefault
})

export const loadXdpProgram = (
  spec: XdpProgramSpec,
  options: LoadOptions = {}
): Effect.Effect<LoadedXdpProgram, ProgramLoadError> =>
  Effect.suspend(() => {
    const fail = (errno: number, reason: string) =>
      Effect.fail(new ProgramLoadError({ program: spec.name, errno: -errno, reason }))
    const ifindex = options.ifindex ?? 0
    const devBound = ifindex !== 0 && ((options.flags ?? 0) & BPF_F_XDP_DEV_BOUND_ONLY) !== 0
    const offload = ifindex !== 0 && !devBound

    const rows = []
    for (const name of spec.kfuncs) {
      const row = metadataKfuncByName(name)
      if (row === undefined) return fail(Errno.EACCES, `calling kernel function ${name} is not allowed`)
      rows.push(row)
    }
    if (rows.length > 0 && ifindex === 0) return fail(Errno.EINVAL, "metadata kfuncs require device-bound program")
    if (rows.length > 0 && offload) return fail(Errno.EINVAL, "metadata kfuncs can't be offloaded")
    if (offload) return fail(Errno.EINVAL, `prog_ifindex ${ifindex} without BPF_F_XDP_DEV_BOUND_ONLY requests hardware offload, which no devtx device supports`)

    let device: NetDevice | undefined
    if (devBound) {
      device = options.devices?.find((d) => d.ifindex === ifindex)
      if (device === undefined) return fail(Errno.EINVAL, `prog_ifindex ${ifindex}: no such device`)
    }

    const kfuncs: Record<string, unknown> = { ...unboundKfuncs() }
    const resolution: Record<string, string> = {}
    for (const row of rows) {
      const op = device?.xdpMetadataOps[row.op]
      kfuncs[row.getter] = op ?? metadataKfuncDefault
      resolution[row.kfunc] = op !== undefined ? `${device!.driver}:${row.kernelOp}` : "default:-EOPNOTSUPP"
    }
    const resolved = kfuncs as unknown as RxKfuncs
    const env: ProgramEnv = {
      kfuncs: options.binder ? options.binder(resolved, device) : resolved,
      clock: options.clock ?? new SimulatedTaiClock(0, 0, 1000),
      boundIfindex: devBound ? ifindex : 0,
      ...(device !== undefined ? { device } : {})
    }
    return Effect.succeed({
      name: spec.name,
      spec,
      run: spec.instantiate(env),
      boundIfindex: env.boundIfindex,
      resolution
    })
  })

/** dev_xdp_attach: attach (or replace) the device's XDP program. */
export const attachXdp = (
  device: NetDevice,
  prog: AttachedXdpProgram
): Effect.Effect<void, ProgramAttachError> =>
  Effect.suspend(() => {
    if (prog.boundIfindex !== 0 && prog.boundIfindex !== device.ifindex) {
      return Effect.fail(
        new ProgramAttachError({
          program: prog.name,
          ifname: device.ifname,
          errno: -Errno.EINVAL,
          reason: "Program bound to different device"
        })
      )
    }
    device.xdpProg = prog
    return Effect.void
  })

export const detachXdp = (device: NetDevice): Effect.Effect<void> =>
  Effect.sync(() => {
    device.xdpProg = undefined
  })

/** The kernel symbols of every metadata kfunc, in table order. */
export const metadataKfuncSymbols = (): ReadonlyArray<string> => METADATA_KFUNC_TABLE.map((r) => r.kfunc)
