/**
 * @devtx/bpf — the loader side of the house, as libbpf and cilium/ebpf are: ELF objects, BTF,
 * .BTF.ext, CO-RE relocation, maps, and the eBPF VM that runs clang-compiled programs.
 * It depends on nothing in devtx; core and the program types build on it.
 */
export * from "./vm/BpfInsnDecoder.js"
export * from "./vm/BpfOpcodes.js"
export { Vm, VM_STACK_BYTES, type VmOptions, type VmRegionInit } from "./vm/Vm.js"
export { R64, mul64, sdiv64, smod64, udiv64, umod64 } from "./vm/Vm64.js"
export type { VmLoadedProgram } from "./vm/VmCalls.js"
export { VmLoadError, VmRunError, vmFaultKind, vmFaultReason, vmRunError } from "./vm/VmErrors.js"
export { VmInterpreterProgram } from "./vm/VmInterpreter.js"
export { VmJitProgram } from "./vm/VmJit.js"
export { loadVmProgram, loadVmProgramSync, runVmProgram, type VmRunResult } from "./vm/VmLoader.js"
export { stackInitialised, stackMarkWritten, vmAccess, vmAtomic, vmLoad, vmRegionAt, vmStore } from "./vm/VmMemory.js"
export { type CheckedProgram, type CheckResult, checkProgram } from "./vm/VmProgramChecker.js"
export * from "./vm/VmTypes.js"
export * from "./vm/BpfAssembler.js"
