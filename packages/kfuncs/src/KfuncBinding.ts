/**
 * Binding modes of the RX kfuncs (README.md; docs/architecture.md):
 * - "dev-bound": resolved once at load to the driver's function — what Linux does (the core
 *   loader's default, bpf_dev_bound_resolve_kfunc).
 * - "generic": the program keeps calls that look the op up through the device at every call
 *   (RxGetters.ts); the load rules are the same (the program is still device-bound).
 * - "inlined": the loader splices the driver's field reads into the program: every kfunc the
 *   driver describes (NetDevice.xdpMetadataInline) becomes a generated body with constant
 *   offsets (InlineCompiler.ts); undescribed ops stay dev-bound calls. A device that publishes no
 *   description cannot be bound this way (BindingNotBuiltError says so).
 * In every mode the program is device-bound: it attaches only to its device, it cannot go into a
 * BPF_MAP_TYPE_PROG_ARRAY (ProgArray.ts), and an freplace extension inherits the binding
 * (ExtensionProgram.ts). The loaded program records its binding for those checks.
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
import { Data, Effect, Result } from "effect"
import { type InlineDescriptionError, inlineRxKfuncs } from "./InlineCompiler.js"
import { rxChecksum, rxHash, rxTimestamp, rxVlanTag } from "./RxGetters.js"

export const KfuncBindingModes = ["generic", "dev-bound", "inlined"] as const
export type KfuncBindingMode = (typeof KfuncBindingModes)[number]

export class BindingNotBuiltError extends Data.TaggedError("BindingNotBuiltError")<{
  readonly mode: KfuncBindingMode
  readonly reason: string
  /** the inline description the driver published was rejected */
  readonly cause?: InlineDescriptionError
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

/** How a loaded program's kfuncs were bound (an extension loaded against it inherits this). */
export interface KfuncBindingInfo {
  readonly mode: KfuncBindingMode
  readonly device: NetDevice
  readonly kfuncs: RxKfuncs
  /** kernel symbols of the kfuncs whose calls were replaced by spliced reads (inlined mode) */
  readonly inlined: ReadonlyArray<string>
}

export interface BoundXdpProgram extends LoadedXdpProgram {
  readonly binding: KfuncBindingInfo
}

/**
 * The kfunc table of `mode` over the dev-bound resolution `resolved` for `device` (the binder the
 * core loader calls; also used for extensions). Fails only when the inline description is bad.
 */
export const bindRxKfuncs = (
  mode: KfuncBindingMode,
  device: NetDevice,
  resolved: RxKfuncs
): Result.Result<{ readonly kfuncs: RxKfuncs; readonly inlined: ReadonlyArray<string> }, InlineDescriptionError> =>
  mode === "generic"
    ? Result.succeed({ kfuncs: genericRxKfuncs, inlined: [] })
    : mode === "dev-bound"
      ? Result.succeed({ kfuncs: resolved, inlined: [] })
      : inlineRxKfuncs(device, resolved)

/** Load `spec` device-bound to `device` with the chosen binding mode. */
export const loadBound = (
  spec: XdpProgramSpec,
  device: NetDevice,
  options: BindOptions
): Effect.Effect<BoundXdpProgram, ProgramLoadError | BindingNotBuiltError> =>
  Effect.suspend((): Effect.Effect<BoundXdpProgram, ProgramLoadError | BindingNotBuiltError> => {
    if (options.mode === "inlined" && device.xdpMetadataInline === undefined)
      return Effect.fail(
        new BindingNotBuiltError({
          mode: "inlined",
          reason: `device ${device.ifname} (driver ${device.driver}) publishes no inline description of its metadata ops`
        })
      )
    let bound: { readonly kfuncs: RxKfuncs; readonly inlined: ReadonlyArray<string> } | undefined
    let failure: InlineDescriptionError | undefined
    return loadXdpProgram(spec, {
      ifindex: device.ifindex,
      flags: BPF_F_XDP_DEV_BOUND_ONLY,
      devices: [device],
      ...(options.clock ? { clock: options.clock } : {}),
      binder: (resolved) => {
        const r = bindRxKfuncs(options.mode, device, resolved)
        if (Result.isFailure(r)) {
          failure = r.failure
          return resolved
        }
        bound = r.success
        return r.success.kfuncs
      }
    }).pipe(
      Effect.flatMap((prog) =>
        failure !== undefined
          ? Effect.fail(new BindingNotBuiltError({ mode: "inlined", reason: failure.message, cause: failure }))
          : Effect.succeed({
              ...prog,
              binding: { mode: options.mode, device, kfuncs: bound!.kfuncs, inlined: bound!.inlined }
            })
      )
    )
  })
