/**
 * Typed errors of the BTF module. Every malformed input maps to exactly one of these, carrying
 * where it went wrong (byte offset in the blob, type id), why (`reason`, worded like the
 * kernel's verifier log or libbpf's pr_debug where one exists) and the offending value.
 *
 * Invariant: decoders never throw; they return `Result.fail(error)` with one of these.
 * `message` is a one-line rendering in the kernel's log style, e.g.
 * `[25] PTR (anon) type_id=999 Invalid type_id` (kernel/bpf/btf.c btf_verifier_log_type).
 */
import { Data } from "effect"

/** The header: size, magic, version, flags, hdr_len, section bounds and alignment. */
export class BtfHeaderError extends Data.TaggedError("BtfHeaderError")<{
  /** byte offset of the offending header field */
  readonly offset: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `${this.reason} (value ${this.value} at byte ${this.offset})`
  }
}

/** The string section, or a string offset that points outside it. */
export class BtfStringError extends Data.TaggedError("BtfStringError")<{
  /** byte offset in the blob (of the string section, or of the field holding the bad offset) */
  readonly offset: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `${this.reason} (value ${this.value} at byte ${this.offset})`
  }
}

/**
 * A type record that is malformed on its own (kernel check_meta phase): unknown kind, record
 * past the end of the section, bad vlen/size/kind_flag/name, bad member offset...
 */
export class BtfTypeError extends Data.TaggedError("BtfTypeError")<{
  readonly typeId: number
  /** bpftool kind name ("PTR"), or "UNKNOWN" */
  readonly kind: string
  /** the type's name, "(anon)" when it has none */
  readonly name: string
  /** byte offset of the record in the blob */
  readonly offset: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `[${this.typeId}] ${this.kind} ${this.name} ${this.reason}`
  }
}

/**
 * A type reference that does not resolve (kernel resolve phase): a type id past the end, a
 * reference to a kind that cannot be referenced there (VAR, DATASEC, DECL_TAG, FUNC...).
 */
export class BtfReferenceError extends Data.TaggedError("BtfReferenceError")<{
  readonly typeId: number
  readonly kind: string
  readonly name: string
  readonly offset: number
  /** which reference: "type_id", "index_type_id", "member 'x'", "arg#1", ... */
  readonly field: string
  /** the referenced type id */
  readonly value: number
  readonly reason: string
}> {
  override get message(): string {
    return `[${this.typeId}] ${this.kind} ${this.name} ${this.field}=${this.value} ${this.reason}`
  }
}

/** A cycle in reference chains the kernel rejects ("Loop detected"), or a chain deeper than MAX_RESOLVE_DEPTH. */
export class BtfLoopError extends Data.TaggedError("BtfLoopError")<{
  readonly typeId: number
  readonly kind: string
  readonly name: string
  readonly offset: number
  /** the type ids on the resolve stack when the loop closed, outermost first */
  readonly chain: ReadonlyArray<number>
  readonly reason: string
  /** the id that closed the loop (or the depth for "Exceeded max resolving depth") */
  readonly value: number
}> {
  override get message(): string {
    return `[${this.typeId}] ${this.kind} ${this.name} ${this.reason} (via ${this.chain.join(" -> ")} -> ${this.value})`
  }
}

/**
 * Raised only if the decoder itself hits an unexpected exception: a bug, never an expected
 * outcome (the fuzz test asserts it never occurs). Kept so decodeBtf can honour "never throws".
 */
export class BtfInternalError extends Data.TaggedError("BtfInternalError")<{
  readonly reason: string
}> {
  override get message(): string {
    return `internal BTF decoder error: ${this.reason}`
  }
}

/** Everything decodeBtf can fail with. */
export type BtfError =
  | BtfHeaderError
  | BtfStringError
  | BtfTypeError
  | BtfReferenceError
  | BtfLoopError
  | BtfInternalError

/** The encoder was given a model it cannot write (out-of-range value, base without strings...). */
export class BtfEncodeError extends Data.TaggedError("BtfEncodeError")<{
  /** type id being encoded, 0 for whole-object problems */
  readonly typeId: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `cannot encode [${this.typeId}]: ${this.reason} (value ${this.value})`
  }
}

/**
 * A type query (size, alignment) that has no answer, with libbpf's errno:
 * EINVAL (no size: void, FWD, FUNC, FUNC_PROTO, bad id) or E2BIG (overflow, chain too deep).
 */
export class BtfQueryError extends Data.TaggedError("BtfQueryError")<{
  readonly typeId: number
  readonly errno: "EINVAL" | "E2BIG"
  readonly reason: string
}> {
  override get message(): string {
    return `[${this.typeId}] ${this.reason} (${this.errno})`
  }
}
