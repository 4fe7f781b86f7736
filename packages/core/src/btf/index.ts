/**
 * Public entry point of the BTF module: the type model, decoder, encoder/builder, queries,
 * dumpers (bpftool raw JSON / C) and the kernel base BTF devtx ships.
 * (ElfObject, BtfExt and core/ are exported by their own modules.)
 */
export * from "./BtfType.js"
export * from "./BtfErrors.js"
export * from "./BtfWire.js"
export { BtfStringTable } from "./BtfStringTable.js"
export { BtfObject, stringTableOf } from "./BtfObject.js"
export { isValidIdentifier, isValidSectionName } from "./BtfNameRules.js"
export {
  type BtfHeader,
  type DecodeBtfOptions,
  decodeBtf,
  decodeBtfHeader,
  decodeBtfEffect
} from "./BtfDecoder.js"
export { type EncodeBtfOptions, encodeBtf } from "./BtfEncoder.js"
export { BtfBuilder, type BuiltBtf, type MemberSpec } from "./BtfBuilder.js"
export * from "./BtfTypeQueries.js"
export {
  btfDumpRaw,
  btfDumpRawJson,
  rawDumpType,
  type RawJsonObject,
  type RawJsonValue
} from "./BtfDumpRaw.js"
export { btfDumpC, btfDumpCTypes } from "./BtfDumpC.js"
export { type KernelBaseBtf, kernelBaseBtf } from "./KernelBaseBtf.js"
export { DriverBtfBuilder, memberAt } from "./DriverBtfBuilder.js"
