/**
 * Loading and running programs from the control plane. `loadVmProgram` checks the image
 * (VmProgramChecker) and builds the chosen engine; `runVmProgram` is a one-shot run returning
 * r0 or a typed VmRunError. The per-packet path calls `program.run` directly and reads
 * vm.resultHi/resultLo or vm.fault.
 */
import { Effect } from "effect"
import type { Vm } from "./Vm.js"
import type { VmLoadedProgram } from "./VmCalls.js"
import { VmLoadError, type VmRunError, vmRunError } from "./VmErrors.js"
import { VmInterpreterProgram } from "./VmInterpreter.js"
import { compileJit } from "./VmJit.js"
import { checkProgram } from "./VmProgramChecker.js"
import type { VmLoadOptions, VmProgramSpec } from "./VmTypes.js"

/** Synchronous load: the program, or the reason it was refused. */
export const loadVmProgramSync = (vm: Vm, spec: VmProgramSpec, options: VmLoadOptions = {}): VmLoadedProgram | VmLoadError => {
  const checked = checkProgram(spec)
  if (!checked.ok) return new VmLoadError({ program: spec.name, insn: checked.insn, reason: checked.reason })
  const engine = options.engine ?? "jit"
  if (engine === "interpreter") return new VmInterpreterProgram(vm, spec, checked.program, options)
  return compileJit(vm, spec, checked.program, options)
}

export const loadVmProgram = (
  vm: Vm,
  spec: VmProgramSpec,
  options: VmLoadOptions = {}
): Effect.Effect<VmLoadedProgram, VmLoadError> =>
  Effect.suspend(() => {
    const p = loadVmProgramSync(vm, spec, options)
    return p instanceof VmLoadError ? Effect.fail(p) : Effect.succeed(p)
  })

/** r0 of one run */
export interface VmRunResult {
  readonly hi: number
  readonly lo: number
}

export const runVmProgram = (program: VmLoadedProgram, r1hi: number, r1lo: number): Effect.Effect<VmRunResult, VmRunError> =>
  Effect.suspend(() => {
    const st = program.run(r1hi, r1lo)
    if (st !== 0) return Effect.fail(vmRunError(program.vm))
    return Effect.succeed({ hi: program.vm.resultHi >>> 0, lo: program.vm.resultLo >>> 0 })
  })
