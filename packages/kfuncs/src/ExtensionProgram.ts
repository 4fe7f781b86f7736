/**
 * freplace (BPF_PROG_TYPE_EXT) of a device-bound XDP program, and a libxdp-style dispatcher to
 * host extensions. Toke's "bpf: Support consuming XDP HW metadata from fext programs" (merged with
 * the kfunc series v8): when the target program is dev-bound, the extension inherits its binding
 * at load (kernel/bpf/syscall.c bpf_prog_load -> bpf_prog_dev_bound_inherit), so its metadata
 * kfunc calls resolve through the target's device — here, through the target's binding mode too.
 *
 * Rules modelled:
 * - load: a kfunc outside the metadata set -> -EACCES "calling kernel function X is not allowed";
 *   metadata kfuncs with a target that is not dev-bound -> -EINVAL "metadata kfuncs require
 *   device-bound program" (the extension inherits nothing to be bound with);
 * - attach: a dev-bound extension may replace a slot only in a target bound to the same device,
 *   else -EINVAL "Target program bound device mismatch" (kernel/bpf/verifier.c
 *   bpf_check_attach_target, bpf_prog_dev_bound_match).
 * The dispatcher runs its slots in order and continues while a slot returns an action in its
 * chain-call mask (libxdp: XDP_PASS by default), returning the first other verdict.
 */
import {
  type AttachedXdpProgram,
  Errno,
  metadataKfuncByName,
  metadataKfuncDefault,
  ProgramAttachError,
  ProgramLoadError,
  type RxKfuncs,
  SimulatedTaiClock,
  XdpAction,
  type XdpBuff,
  type XdpProgramSpec
} from "@devtx/core"
import { Effect, Result } from "effect"
import type { InlineDescriptionError } from "./InlineCompiler.js"
import { type BindOptions, type BoundXdpProgram, bindRxKfuncs, type KfuncBindingInfo, loadBound } from "./KfuncBinding.js"

export interface LoadedExtension extends AttachedXdpProgram {
  readonly spec: XdpProgramSpec
  /** the binding inherited from the target (undefined when the target is not dev-bound) */
  readonly binding: KfuncBindingInfo | undefined
}

const unbound = (): RxKfuncs => ({
  rxTimestamp: metadataKfuncDefault,
  rxHash: metadataKfuncDefault,
  rxVlanTag: metadataKfuncDefault,
  rxChecksum: metadataKfuncDefault
})

/** BPF_PROG_LOAD of an extension with attach_prog_fd = target. */
export const loadExtension = (
  spec: XdpProgramSpec,
  target: BoundXdpProgram | AttachedXdpProgram
): Effect.Effect<LoadedExtension, ProgramLoadError | InlineDescriptionError> =>
  Effect.suspend((): Effect.Effect<LoadedExtension, ProgramLoadError | InlineDescriptionError> => {
    const fail = (errno: number, reason: string) => Effect.fail(new ProgramLoadError({ program: spec.name, errno: -errno, reason }))
    const rows = []
    for (const name of spec.kfuncs) {
      const row = metadataKfuncByName(name)
      if (row === undefined) return fail(Errno.EACCES, `calling kernel function ${name} is not allowed`)
      rows.push(row)
    }
    const inherited = "binding" in target ? target.binding : undefined
    if (rows.length > 0 && (target.boundIfindex === 0 || inherited === undefined))
      return fail(Errno.EINVAL, "metadata kfuncs require device-bound program")
    let kfuncs = unbound()
    let binding: KfuncBindingInfo | undefined
    if (inherited !== undefined) {
      const resolved: Record<string, unknown> = { ...unbound() }
      for (const row of rows) resolved[row.getter] = inherited.device.xdpMetadataOps[row.op] ?? metadataKfuncDefault
      const r = bindRxKfuncs(inherited.mode, inherited.device, resolved as unknown as RxKfuncs)
      if (Result.isFailure(r)) return Effect.fail(r.failure)
      kfuncs = r.success.kfuncs
      binding = { mode: inherited.mode, device: inherited.device, kfuncs, inlined: r.success.inlined }
    }
    const run = spec.instantiate({ kfuncs, clock: new SimulatedTaiClock(0, 0, 1000), boundIfindex: target.boundIfindex })
    return Effect.succeed({ name: spec.name, spec, run, boundIfindex: target.boundIfindex, binding })
  })

/** A libxdp-style dispatcher: a dev-bound program whose slots freplace extensions fill. */
export interface XdpDispatcher extends BoundXdpProgram {
  readonly slots: Array<LoadedExtension | undefined>
  /** bit (1 << action) set: continue to the next slot on that action */
  chainCallActions: number
}

/** Load a dispatcher with `slots` slots, bound to `device` like any program. */
export const loadDispatcher = (
  device: Parameters<typeof loadBound>[1],
  slotCount: number,
  options: BindOptions
): Effect.Effect<XdpDispatcher, Effect.Error<ReturnType<typeof loadBound>>> => {
  const slots: Array<LoadedExtension | undefined> = new Array(slotCount).fill(undefined)
  const box = { chain: 1 << XdpAction.PASS }
  const spec: XdpProgramSpec = {
    name: "xdp_dispatcher",
    kfuncs: [],
    instantiate: () => (ctx: XdpBuff) => {
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]
        if (s === undefined) continue
        const act = s.run(ctx)
        if (((1 << act) & box.chain) === 0) return act
      }
      return XdpAction.PASS
    }
  }
  return Effect.map(loadBound(spec, device, options), (p) => {
    const d = Object.assign(p, {
      slots,
      get chainCallActions() {
        return box.chain
      },
      set chainCallActions(v: number) {
        box.chain = v
      }
    })
    return d as XdpDispatcher
  })
}

/** Attach an extension to slot `slot` of `dispatcher` (BPF_LINK_CREATE with target_fd). */
export const attachExtension = (
  dispatcher: XdpDispatcher,
  slot: number,
  ext: LoadedExtension
): Effect.Effect<void, ProgramAttachError> =>
  Effect.suspend((): Effect.Effect<void, ProgramAttachError> => {
    const fail = (reason: string) =>
      Effect.fail(new ProgramAttachError({ program: ext.name, ifname: dispatcher.binding.device.ifname, errno: -Errno.EINVAL, reason }))
    if (ext.boundIfindex !== 0 && ext.boundIfindex !== dispatcher.boundIfindex) return fail("Target program bound device mismatch")
    if (!Number.isInteger(slot) || slot < 0 || slot >= dispatcher.slots.length) return fail(`Subprog slot ${slot} doesn't exist`)
    dispatcher.slots[slot] = ext
    return Effect.void
  })
