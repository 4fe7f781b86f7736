/**
 * Call mechanics shared by both engines: helper and kfunc calls (r0's high half through
 * vm.r0hi, faults a callee leaves in vm.fault), bpf_tail_call (count, resolution, running the
 * target in the current frame) and the internal shape of a loaded program.
 *
 * A tail call runs the target at the same call depth with r1 = the caller's r1 and a fresh
 * activation of the frame's stack; when the target exits, its r0 is what the calling frame
 * returns (to its caller subprogram or out of the run), as the x86 JIT's tail call behaves.
 */
import type { Vm } from "./Vm.js"
import {
  VM_MAX_TAIL_CALL_CNT,
  type VmCounters,
  VmFaultCode,
  type VmProgram,
  type VmProgramSpec
} from "./VmTypes.js"

/** A program as the engines see each other (tail-call targets). */
export interface VmLoadedProgram extends VmProgram {
  readonly vm: Vm
  readonly spec: VmProgramSpec
  /**
   * Run the main function at call depth `depth` (the stack frame is already active). Returns 0
   * with r0 in vm.resultHi/resultLo, or a negative VmFaultCode.
   */
  enter(depth: number, r1h: number, r1l: number): number
  /**
   * With the load option `exposeRegisters`: r0..r10 of the entry frame when the last run ended
   * (exit or fault), as [hi, lo] pairs (index 2r, 2r+1). Otherwise all zero.
   */
  readonly registers: Uint32Array
}

export const newCounters = (helpers: number, kfuncs: number): VmCounters => ({
  insns: 0,
  runs: 0,
  helperCalls: new Float64Array(Math.max(helpers, 256)),
  kfuncCalls: new Float64Array(kfuncs),
  kfuncInsns: new Float64Array(kfuncs)
})

/**
 * bpf_tail_call from `self` at `depth`. Returns 1 when the target ran (its status is in
 * vm.fault.code — 0 or a fault — and r0 in vm.resultHi/resultLo), 0 when the call fell through.
 * `self.counters.insns` is corrected so the target's instructions are counted by the target.
 */
export const vmTailCall = (
  vm: Vm,
  self: VmLoadedProgram,
  depth: number,
  r1h: number,
  r1l: number,
  r2h: number,
  r2l: number,
  r3l: number
): number => {
  const resolve = self.spec.tailCall
  if (resolve === undefined) return 0
  const target = resolve(vm, r2h >>> 0, r2l >>> 0, r3l >>> 0)
  if (target === null) return 0
  if (vm.tailCalls >= VM_MAX_TAIL_CALL_CNT) return 0
  vm.tailCalls++
  if (target === undefined) return 0
  const t = target as VmLoadedProgram
  if (t.vm !== vm || typeof t.enter !== "function") {
    const f = vm.fault
    f.code = VmFaultCode.CallFault
    f.detail = 12
    f.message = `bpf_tail_call target ${target.name} was loaded into another VM`
    return 1
  }
  vm.renewFrame(depth)
  const before = vm.budgetLeft
  const st = t.enter(depth, r1h, r1l)
  self.counters.insns -= before - vm.budgetLeft
  if (st === 0) vm.fault.code = 0
  return 1
}
