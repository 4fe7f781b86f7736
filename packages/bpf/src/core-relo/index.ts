/**
 * Public entry point of the CO-RE relocator (libbpf 1.1.2 semantics).
 *
 * - CoreRelocator / relocateAll: resolve CO-RE relocation records against a target Btf, from any
 *   source (ELF .BTF.ext, or TypeScript program declarations with a built local BTF).
 * - patchInsn: apply a result to BPF instructions (imm/off/size patching, poison).
 * - relocateObject: the whole libbpf CO-RE pass over a clang-built BPF ELF object.
 */
export { CoreReloKind, coreReloKindStr, isEnumvalBased, isFieldBased, isTypeBased } from "./CoreRelocKind.js"
export {
  CoreAmbiguityError,
  CoreCalcError,
  CoreCandidateError,
  CoreMatchError,
  CorePatchError,
  type CoreReloIdentity,
  type CoreRelocationError,
  CoreSpecError
} from "./CoreErrors.js"
export { type CoreSpec, type CoreAccessor, formatCoreSpec, parseCoreSpec, emptySpec } from "./CoreAccessSpec.js"
export {
  CandidateCache,
  type CandidateScope,
  type CoreCandidate,
  essentialName,
  essentialNameLen,
  findCandidates
} from "./CoreCandidates.js"
export { fieldsAreCompat, typesAreCompat, typesMatch } from "./TypeCompat.js"
export { type CoreReloRes, fieldLshiftU64 } from "./CoreCalc.js"
export {
  type CoreCandidateOutcome,
  type CoreRelocation,
  CoreRelocator,
  type CoreRelocatorOptions,
  type CoreReloResult,
  type CoreResolveContext,
  relocateAll
} from "./CoreRelocator.js"
export { BPF_CALL_INSN, BPF_LD_IMM64, CORE_POISON_IMM, type PatchContext, patchInsn } from "./CoreInsnPatch.js"
export {
  CoreObjectError,
  loadErrnoOf,
  type ObjectRelocation,
  type RelocatedObject,
  type RelocatedProgram,
  type RelocateObjectError,
  type RelocateObjectOptions,
  relocateObject
} from "./CoreObjectRelocator.js"
