/**
 * Binding modes of the RX kfuncs (DESIGN.md "The two data planes"):
 * - "dev-bound": resolved once at load to the driver's function — what Linux does (the core
 *   loader's default, bpf_dev_bound_resolve_kfunc).
 * - "generic": the program keeps calls that look the op up through the device at every call
 *   (RxGetters.ts); the load rules are the same (the program is still device-bound).
 * - "inlined": the loader splices the driver's field reads into a specialised program — not
 *   built yet (issue 8); asking for it fails with a typed error that says so.
 */
import {
  BPF_F_XDP_DEV_BOUND_ONLY,
  type LoadedXdpProgram,
  loadXdpProgram,
  type NetDevice,
  type ProgramLoadError,
  type RxKfuncs,
  type TaiClock,
  type XdpProgramSpec
} from "@devtx/core"
import { Data, Effect } from "effect"
import { rxChecksum, rxHash, rxTimestamp, rxVlanTag } from "./RxGetters.js"

export const KfuncBindingModes = ["generic", "dev-bound", "inlined"] as const
export type KfuncBindingMode = (typeof KfuncBindingModes)[number]

export class BindingNotBuiltError extends Data.TaggedError("BindingNotBuiltError")<{
  readonly mode: KfuncBindingMode
  readonly reason: string
}> {
  override get message(): string {
    return `kfunc binding mode '${this.mode}' is not built: ${this.reason}`
  }
}

export const genericRxKfuncs: RxKfuncs = { rxTimestamp, rxHash, rxVlanTag, rxChecksum }

export interface BindOptions {
  readonly mode: KfuncBindingMode
  readonly clock?: TaiClock
}

/** Load `spec` device-bound to `device` with the chosen binding mode. */
export const loadBound = (
  spec: XdpProgramSpec,
  device: NetDevice,
  options: BindOptions
): Effect.Effect<LoadedXdpProgram, ProgramLoadError | BindingNotBuiltError> => {
  if (options.mode === "inlined") {
    return Effect.fail(
      new BindingNotBuiltError({
        mode: "inlined",
        reason: "the inlining loader (driver field reads spliced into the program) lands with issue 8"
      })
    )
  }
  return loadXdpProgram(spec, {
    ifindex: device.ifindex,
    flags: BPF_F_XDP_DEV_BOUND_ONLY,
    devices: [device],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mode === "generic" ? { binder: () => genericRxKfuncs } : {})
  })
}
