/**
 * Typed errors of the VM's control plane. A load is refused with VmLoadError (the static checks
 * of VmProgramChecker); a run that faulted becomes a VmRunError built from the VM's preallocated
 * fault slot. Messages name the program and the instruction slot:
 *   `xdp_prog: insn 17: invalid read of 4 bytes at packet+66, window [0, 60)`
 */
import { Data } from "effect"
import type { Vm } from "./Vm.js"
import { VM_FRAME_STACK_BYTES, type VmFault, VmFaultCode } from "./VmTypes.js"

export class VmLoadError extends Data.TaggedError("VmLoadError")<{
  readonly program: string
  /** instruction slot index */
  readonly insn: number
  readonly reason: string
}> {
  override get message(): string {
    return `${this.program}: insn ${this.insn}: ${this.reason}`
  }
}

/** Names of the fault codes, as the error's `kind`. */
export const vmFaultKind = (code: number): string => {
  switch (code) {
    case VmFaultCode.OutOfBounds:
      return "OutOfBounds"
    case VmFaultCode.NoRegion:
      return "NoRegion"
    case VmFaultCode.ReadOnly:
      return "ReadOnly"
    case VmFaultCode.UninitStack:
      return "UninitStack"
    case VmFaultCode.Budget:
      return "Budget"
    case VmFaultCode.CallDepth:
      return "CallDepth"
    case VmFaultCode.CtxAccess:
      return "CtxAccess"
    case VmFaultCode.NotDereferencable:
      return "NotDereferencable"
    case VmFaultCode.CallFault:
      return "CallFault"
    case VmFaultCode.AtomicNotAllowed:
      return "AtomicNotAllowed"
    default:
      return `Unknown(${code})`
  }
}

export class VmRunError extends Data.TaggedError("VmRunError")<{
  readonly program: string
  readonly insn: number
  /** vmFaultKind of the code */
  readonly kind: string
  readonly code: number
  readonly reason: string
}> {
  override get message(): string {
    return `${this.program}: insn ${this.insn}: ${this.reason}`
  }
}

const hex64 = (hi: number, lo: number): string =>
  `0x${(hi >>> 0).toString(16).padStart(8, "0")}${(lo >>> 0).toString(16).padStart(8, "0")}`

/** One-line reason for the fault in `f` (region names from `vm`). */
export const vmFaultReason = (vm: Vm, f: VmFault): string => {
  const rw = f.write === 1 ? "write" : "read"
  const rname = f.region >= 0 ? (vm.regions[f.region]?.name ?? `region${f.region}`) : ""
  const at = `${rname}+${f.addrLo}`
  switch (f.code) {
    case VmFaultCode.OutOfBounds:
      return `invalid ${rw} of ${f.size} bytes at ${at}, window [${f.windowLo}, ${f.windowHi})`
    case VmFaultCode.NoRegion:
      return `invalid ${rw} of ${f.size} bytes at ${hex64(f.addrHi, f.addrLo)}: not a pointer into any region`
    case VmFaultCode.ReadOnly:
      return `invalid write of ${f.size} bytes at ${at}: region ${rname} is read-only`
    case VmFaultCode.UninitStack: {
      const frameEnd = ((f.addrLo >> 9) + 1) * VM_FRAME_STACK_BYTES
      const depth = vm.stack.bytes.byteLength / VM_FRAME_STACK_BYTES - (f.addrLo >> 9) - 1
      return `invalid read of ${f.size} bytes from uninitialised stack at fp${f.addrLo - frameEnd} of frame ${depth}`
    }
    case VmFaultCode.Budget:
      return `instruction budget of ${f.detail} exhausted (an unbounded loop?)`
    case VmFaultCode.CallDepth:
      return `the call stack of ${f.detail} frames is too deep !`
    case VmFaultCode.CtxAccess:
      return `invalid bpf_context ${rw} off=${f.addrLo} size=${f.size}`
    case VmFaultCode.NotDereferencable:
      return `invalid ${rw} of ${f.size} bytes through map handle ${rname}: a map pointer is not dereferencable`
    case VmFaultCode.CallFault:
      return `call #${f.detail} faulted: ${f.message}`
    case VmFaultCode.AtomicNotAllowed:
      // kernel/bpf/verifier.c check_atomic: "BPF_ATOMIC stores into R%d %s is not allowed"
      return `BPF_ATOMIC stores into ${rname} (${at}) is not allowed`
    default:
      return `fault code ${f.code}`
  }
}

/** Snapshot of vm.fault as a typed error (control plane; allocates). */
export const vmRunError = (vm: Vm): VmRunError => {
  const f = vm.fault
  return new VmRunError({
    program: f.program,
    insn: f.insn,
    kind: vmFaultKind(f.code),
    code: f.code,
    reason: vmFaultReason(vm, f)
  })
}
