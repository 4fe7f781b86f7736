/**
 * The CO-RE pass over a whole BPF ELF object, as libbpf's bpf_object__relocate_core runs it
 * (libbpf src/libbpf.c, 1.1.2): every .BTF.ext core_relo section in order, every record in
 * order, one candidate cache for the whole object, relocation numbers counted per section,
 * instruction numbers relative to the program that holds the instruction, and the first failure
 * aborting the pass.
 *
 * Contract:
 * - `relocateObject(elfBytes, targetBtf, options)` never throws. Bad ELF / .BTF / .BTF.ext bytes
 *   fail with their parsers' typed errors; a relocation or patch failure fails with the
 *   CoreRelocationError libbpf would have reported (its errno is what bpf_object__load returns).
 * - On success every program's instructions are returned patched (ALU/ALU64 imm, LDX/ST/STX off
 *   and size, LD_IMM64 imm64, poison calls), with the per-relocation outcomes.
 * - FIELD_LSHIFT_U64 uses the object's own byte order by default (a bpfeb object runs on a
 *   big-endian machine); libbpf uses its host's.
 * - The object's BTF is decoded with decodeBtf (../BtfDecoder.ts); records' access strings and
 *   section names are looked up in its string section.
 */
import { Data, Result } from "effect"
import type { Btf } from "../btf/BtfType.js"
import type { BtfError } from "../btf/BtfErrors.js"
import { decodeBtf } from "../btf/BtfDecoder.js"
import { stringTableOf } from "../btf/BtfObject.js"
import { type BtfExt, type BtfExtError, parseBtfExt } from "../elf/BtfExt.js"
import { BPF_INSN_SIZE, type BpfInsn, type BpfProgramImage, bpfProgramsOf, type ElfError, parseElf } from "../elf/ElfObject.js"
import type { CandidateScope } from "./CoreCandidates.js"
import { Errno, type ErrnoName, errnoName } from "../kernel/Errno.js"
import { CorePatchError, type CoreRelocationError } from "./CoreErrors.js"
import { patchInsn } from "./CoreInsnPatch.js"
import { type CoreRelocation, CoreRelocator, type CoreReloResult } from "./CoreRelocator.js"

/** The object is structurally unusable for CO-RE (no .BTF, a relocation outside any program...). */
export class CoreObjectError extends Data.TaggedError("CoreObjectError")<{
  readonly reason: string
  readonly errno: "EINVAL" | "ENOENT"
  readonly value: number
}> {
  override get message(): string {
    return `CO-RE object: ${this.reason} (${this.errno})`
  }
}

export type RelocateObjectError = ElfError | BtfError | BtfExtError | CoreObjectError | CoreRelocationError

export interface RelocatedProgram {
  readonly name: string
  readonly sectionName: string
  /** the program's instructions after CO-RE patching */
  readonly insns: ReadonlyArray<BpfInsn>
}

export interface ObjectRelocation {
  readonly sectionName: string
  /** libbpf's relo number: the record's index within its .BTF.ext section */
  readonly reloIndex: number
  readonly progName: string
  /** program-relative instruction index */
  readonly insnIndex: number
  readonly relo: CoreRelocation
  readonly result: CoreReloResult
}

export interface RelocatedObject {
  readonly localBtf: Btf
  readonly btfExt: BtfExt
  readonly programs: ReadonlyArray<RelocatedProgram>
  readonly relocations: ReadonlyArray<ObjectRelocation>
}

export interface RelocateObjectOptions {
  readonly scope?: CandidateScope
  readonly moduleName?: string
  /** byte order of the machine that runs the program (FIELD_LSHIFT_U64); default: the ELF's */
  readonly bigEndian?: boolean
  /** libbpf-style log lines, without the "libbpf: " prefix */
  readonly log?: (line: string) => void
}

const objErr = (reason: string, errno: "EINVAL" | "ENOENT", value: number) =>
  Result.fail(new CoreObjectError({ reason, errno, value }))

/** The negative errno libbpf's bpf_object__load returns for a failure of this pass. */
export const loadErrnoOf = (e: RelocateObjectError): number => {
  switch (e._tag) {
    case "CoreObjectError":
      return -Errno[e.errno]
    case "CoreCandidateError":
    case "CoreSpecError":
    case "CoreMatchError":
    case "CoreAmbiguityError":
    case "CoreCalcError":
    case "CorePatchError":
      return -Errno[e.errno]
    default:
      return -Errno.EINVAL
  }
}

/** bpf_object__relocate_core over an ELF object's bytes. */
export const relocateObject = (
  elfBytes: Uint8Array,
  targetBtf: Btf,
  options: RelocateObjectOptions = {}
): Result.Result<RelocatedObject, RelocateObjectError> => {
  const log = options.log ?? (() => {})
  const elfR = parseElf(elfBytes)
  if (Result.isFailure(elfR)) return Result.fail(elfR.failure)
  const elf = elfR.success
  const btfSec = elf.sectionByName(".BTF")
  if (btfSec === undefined) return objErr("object has no .BTF section", "EINVAL", 0)
  const btfR = decodeBtf(btfSec.data)
  if (Result.isFailure(btfR)) return Result.fail(btfR.failure)
  const localBtf = btfR.success
  const strings = stringTableOf(localBtf)
  const extSec = elf.sectionByName(".BTF.ext")
  if (extSec === undefined) return objErr("object has no .BTF.ext section", "EINVAL", 0)
  const extR = parseBtfExt(extSec.data, strings === undefined ? {} : { strings: (off) => strings.at(off) })
  if (Result.isFailure(extR)) return Result.fail(extR.failure)
  const btfExt = extR.success
  const progsR = bpfProgramsOf(elf)
  if (Result.isFailure(progsR)) return Result.fail(progsR.failure)
  const images = progsR.success
  const insnsOf = new Map<BpfProgramImage, Array<BpfInsn>>(images.map((p) => [p, p.insns.map((i) => ({ ...i }))]))

  const relocator = new CoreRelocator(localBtf, targetBtf, {
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.moduleName !== undefined ? { moduleName: options.moduleName } : {}),
    bigEndian: options.bigEndian ?? !elf.littleEndian,
    log
  })
  const relocations: Array<ObjectRelocation> = []
  for (const sec of btfExt.coreRelo.sections) {
    const secName = sec.secName
    if (secName === "") return objErr("core_relo section without a name", "EINVAL", sec.secNameOff)
    const anyProg = images.find((p) => p.sectionName === secName)
    if (anyProg === undefined) {
      log(`sec '${secName}': failed to find a BPF program`)
      return objErr(`sec '${secName}': failed to find a BPF program`, "ENOENT", sec.secNameOff)
    }
    const secIdx = anyProg.sectionIndex
    log(`sec '${secName}': found ${sec.records.length} CO-RE relocations`)
    for (let i = 0; i < sec.records.length; i++) {
      const rec = sec.records[i]!
      if (rec.insnOff % BPF_INSN_SIZE !== 0) return objErr(`relo #${i}: insn_off is not a multiple of 8`, "EINVAL", rec.insnOff)
      const secInsn = rec.insnOff / BPF_INSN_SIZE
      const prog = images.find(
        (p) =>
          p.sectionIndex === secIdx &&
          secInsn >= p.sectionOffset / BPF_INSN_SIZE &&
          secInsn < p.sectionOffset / BPF_INSN_SIZE + p.insns.length
      )
      if (prog === undefined) {
        log(`sec '${secName}': skipping CO-RE relocation #${i} for insn #${secInsn} belonging to eliminated weak subprogram`)
        continue
      }
      const insnIndex = secInsn - prog.sectionOffset / BPF_INSN_SIZE
      const insns = insnsOf.get(prog)!
      const relo: CoreRelocation = { insnOff: rec.insnOff, typeId: rec.typeId, accessStr: rec.accessStr, kind: rec.kind }
      const resolved = relocator.resolve(relo, { reloIndex: i, progName: prog.name })
      if (Result.isFailure(resolved)) {
        log(`prog '${prog.name}': relo #${i}: failed to relocate: ${loadErrnoOf(resolved.failure)}`)
        return Result.fail(resolved.failure)
      }
      const perr = patchInsn(insns, { progName: prog.name, reloIndex: i, insnIndex, log }, resolved.success)
      if (perr !== 0) {
        log(`prog '${prog.name}': relo #${i}: failed to patch insn #${insnIndex}: ${perr}`)
        return Result.fail(
          new CorePatchError({
            reloIndex: i,
            progName: prog.name,
            insnOff: rec.insnOff,
            typeId: rec.typeId,
            accessStr: rec.accessStr,
            kind: rec.kind,
            insnIndex,
            errno: errnoName(-perr) as ErrnoName,
            reason: `failed to patch insn #${insnIndex}`
          })
        )
      }
      relocations.push({ sectionName: secName, reloIndex: i, progName: prog.name, insnIndex, relo, result: resolved.success })
    }
  }
  return Result.succeed({
    localBtf,
    btfExt,
    programs: images.map((p) => ({ name: p.name, sectionName: p.sectionName, insns: insnsOf.get(p)! })),
    relocations
  })
}
