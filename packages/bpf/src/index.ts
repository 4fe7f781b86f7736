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
export * from "./vm/VmTypes.js"
export * from "./object/BpfInsnCodes.js"
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
