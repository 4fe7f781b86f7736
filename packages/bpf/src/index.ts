/**
 * @devtx/bpf — the loader side of the house, as libbpf and cilium/ebpf are: ELF objects, BTF,
 * .BTF.ext, CO-RE relocation, maps, and the eBPF VM that runs clang-compiled programs.
 * It depends on nothing in devtx; core and the program types build on it.
 */
export * from "./kernel/Errno.js"
export * from "./btf/index.js"
export * from "./elf/ElfObject.js"
export * from "./elf/BtfExt.js"
export * from "./core-relo/index.js"
// the ELF reader and the VM both name a decodeInsns: the package exports the VM one as decodeVmInsns
export { type DecodedInsns, decodeInsns as decodeVmInsns, encodeInsn } from "./vm/BpfInsnDecoder.js"
export * from "./vm/BpfOpcodes.js"
export { Vm, VM_STACK_BYTES, type VmOptions, type VmRegionInit } from "./vm/Vm.js"
export { R64, mul64, sdiv64, smod64, udiv64, umod64 } from "./vm/Vm64.js"
export type { VmLoadedProgram } from "./vm/VmCalls.js"
export { VmLoadError, VmRunError, vmFaultKind, vmFaultReason, vmRunError } from "./vm/VmErrors.js"
export { VmInterpreterProgram } from "./vm/VmInterpreter.js"
export { VmJitProgram } from "./vm/VmJit.js"
export { loadVmProgram, loadVmProgramSync, runVmProgram, type VmRunResult } from "./vm/VmLoader.js"
export { stackInitialised, stackMarkWritten, vmAccess, vmAtomic, vmLoad, vmStore } from "./vm/VmMemory.js"
export { type CheckedProgram, type CheckResult, checkProgram } from "./vm/VmProgramChecker.js"
export * from "./vm/VmTypes.js"
export * from "./vm/BpfAssembler.js"
// the pseudo-source constants are the VM's (vm/BpfOpcodes.ts, same values); the object loader adds its relocation codes
export { BPF_CALL_CODE, BPF_LD_IMM64_CODE, ELF64_REL_SIZE, R_BPF_64_32, R_BPF_64_64, R_BPF_64_ABS32, R_BPF_64_ABS64, R_BPF_64_NODYLD32, R_BPF_NONE } from "./object/BpfInsnCodes.js"
export * from "./object/ObjectErrors.js"
export * from "./object/ProgramSections.js"
export * from "./object/License.js"
export * from "./object/MapSpec.js"
export { MAPS_SECTION, parseBtfMaps } from "./object/BtfMapDefs.js"
export { type DatasecLayout, type DatasecVar, datasecLayouts } from "./object/DatasecLayout.js"
export { BPF_OBJ_NAME_LEN, globalDataKindOf, globalDataMaps, internalMapName, objectNameOf } from "./object/GlobalData.js"
export { collectExterns, type KfuncExtern } from "./object/Externs.js"
export { type ProgramLineInfo, programLineInfo } from "./object/ProgramLineInfo.js"
export { collectProgRelocs, type ProgReloc } from "./object/ProgramRelocs.js"
export { type ImagePiece, type LinkedImage, linkProgram } from "./object/SubprogLinker.js"
export * from "./object/ObjectLoader.js"
