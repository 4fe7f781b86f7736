/**
 * The typed errors of the object loader (loadObject). Each names what libbpf or the kernel
 * would name — the section, the program, the relocation's index and the instruction index
 * inside the program — and, in `reason`, libbpf's wording where libbpf has one.
 * ELF, BTF and .BTF.ext parser errors pass through with their own types (ElfError, BtfError,
 * BtfExtError); a CO-RE failure is wrapped in ObjectCoreError with the relocator's error.
 */
import { Data } from "effect"
import type { CoreObjectError } from "../core-relo/CoreObjectRelocator.js"
import type { CoreRelocationError } from "../core-relo/CoreErrors.js"

/** The file is an ELF file but not a BPF relocatable object libbpf accepts. */
export class ObjectFormatError extends Data.TaggedError("ObjectFormatError")<{
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `object: ${this.reason} (value ${this.value})`
  }
}

/** No `license` section, or a GPL-only helper/kfunc under a non-GPL license. */
export class ObjectLicenseError extends Data.TaggedError("ObjectLicenseError")<{
  readonly reason: string
  /** the license string ("" when missing) */
  readonly license: string
  /** the program and the GPL-only callee, when that is the cause */
  readonly program?: string
  readonly callee?: string
}> {
  override get message(): string {
    return `license: ${this.reason}`
  }
}

/** A section the loader cannot use: a program section no program type claims, a static entry program, legacy maps. */
export class ObjectSectionError extends Data.TaggedError("ObjectSectionError")<{
  readonly section: string
  readonly program?: string
  readonly reason: string
}> {
  override get message(): string {
    return `sec '${this.section}': ${this.reason}`
  }
}

/** A relocation that cannot be applied (libbpf bpf_program__record_reloc / bpf_object__reloc_code). */
export class ObjectRelocationError extends Data.TaggedError("ObjectRelocationError")<{
  readonly section: string
  /** index of the Elf64_Rel in its relocation section (-1 for a call without relocation) */
  readonly relocIndex: number
  readonly program: string
  /** instruction index in the program (its own instructions, before subprograms are appended) */
  readonly insnIndex: number
  readonly symbol: string
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `prog '${this.program}': relo #${this.relocIndex} in sec '${this.section}' at insn #${this.insnIndex} against '${this.symbol}': ${this.reason} (value ${this.value})`
  }
}

/** A BTF-defined map (.maps) whose definition libbpf's parse_btf_map_def refuses. */
export class ObjectMapError extends Data.TaggedError("ObjectMapError")<{
  readonly map: string
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `map '${this.map}': ${this.reason}`
  }
}

/** An extern the loader does not resolve: __ksym variables and __kconfig values are not built. */
export class ObjectExternError extends Data.TaggedError("ObjectExternError")<{
  readonly name: string
  readonly kind: "ksym variable" | "kconfig" | "unknown"
  readonly reason: string
}> {
  override get message(): string {
    return `extern '${this.name}' (${this.kind}): ${this.reason}`
  }
}

/** The CO-RE pass failed; `detail` is the relocator's (libbpf-worded) message. */
export class ObjectCoreError extends Data.TaggedError("ObjectCoreError")<{
  readonly section: string
  readonly program: string
  readonly insnIndex: number
  readonly detail: string
  readonly cause: CoreRelocationError | CoreObjectError
}> {
  override get message(): string {
    return `prog '${this.program}' (sec '${this.section}', insn #${this.insnIndex}): CO-RE: ${this.detail}`
  }
}
