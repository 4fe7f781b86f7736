/**
 * Public entry point of the BTF module: the type model, decoder, encoder/builder, queries and
 * dumpers (bpftool raw JSON / C). ELF and .BTF.ext live in ../elf, the CO-RE relocator in
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
