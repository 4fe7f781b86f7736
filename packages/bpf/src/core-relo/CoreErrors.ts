/**
 * Typed failures of the CO-RE relocator. Each names the relocation (its index, program,
 * instruction offset, local root type id, access string and kind), libbpf's errno for the same
 * failure and libbpf's wording of the reason, so a failure reads like libbpf's log:
 *   relo #2 <byte_off> [8] '0:0': field offset ambiguity: 64 != 0 (EINVAL)
 *
 * A poisoned relocation is not an error (it is a result with `poison: true`), as in libbpf:
 * the verifier rejects the program only if the poisoned instruction is reachable.
 */
import { Data } from "effect"
import type { ErrnoName } from "../kernel/Errno.js"

import { coreReloKindStr } from "./CoreRelocKind.js"

export interface CoreReloIdentity {
  /** relocation index (libbpf: index within its .BTF.ext section) */
  readonly reloIndex: number
  readonly progName: string
  /** instruction byte offset as given (section-relative for ELF objects) */
  readonly insnOff: number
  /** local root type id */
  readonly typeId: number
  readonly accessStr: string
  readonly kind: number
}

interface CoreErrorFields extends CoreReloIdentity {
  /** libbpf's errno for this failure (it returns -errno) */
  readonly errno: ErrnoName
  /** libbpf's wording */
  readonly reason: string
}

const render = (e: CoreErrorFields): string =>
  `relo #${e.reloIndex} <${coreReloKindStr(e.kind)}> [${e.typeId}] '${e.accessStr}': ${e.reason} (${e.errno})`

/** The local type has no usable candidate search: an id past the end, or an anonymous type. */
export class CoreCandidateError extends Data.TaggedError("CoreCandidateError")<CoreErrorFields> {
  override get message(): string {
    return render(this)
  }
}

/** The access string does not parse against the local type (bad syntax, index out of range, wrong kind). */
export class CoreSpecError extends Data.TaggedError("CoreSpecError")<CoreErrorFields> {
  override get message(): string {
    return render(this)
  }
}

/** Matching a candidate failed with an error (not a mere mismatch): dangling reference, nesting too deep. */
export class CoreMatchError extends Data.TaggedError("CoreMatchError")<CoreErrorFields & { readonly candidateId: number }> {
  override get message(): string {
    return render(this)
  }
}

/** Several candidates matched with different offsets or values ("field offset ambiguity: X != Y"). */
export class CoreAmbiguityError extends Data.TaggedError("CoreAmbiguityError")<
  CoreErrorFields & {
    readonly ambiguity: "offset" | "decision"
    /** the candidate ids that disagreed: the later one first, as libbpf prints them */
    readonly candidateIds: readonly [number, number]
  }
> {
  override get message(): string {
    return render(this)
  }
}

/** The value cannot be computed (bitfield not readable with a 64-bit load, array access with a non-offset kind). */
export class CoreCalcError extends Data.TaggedError("CoreCalcError")<CoreErrorFields> {
  override get message(): string {
    return render(this)
  }
}

/** The instruction cannot be patched (unexpected current value, offset too big, unsupported instruction). */
export class CorePatchError extends Data.TaggedError("CorePatchError")<CoreErrorFields & { readonly insnIndex: number }> {
  override get message(): string {
    return render(this)
  }
}

export type CoreRelocationError =
  | CoreCandidateError
  | CoreSpecError
  | CoreMatchError
  | CoreAmbiguityError
  | CoreCalcError
  | CorePatchError
