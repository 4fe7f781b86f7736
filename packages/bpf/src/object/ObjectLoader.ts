/**
 * loadObject: a clang-built BPF ELF object (`clang -O2 -g -target bpf|bpfeb`) to a LoadedObject,
 * in the order libbpf's bpf_object__open + the relocation half of bpf_object__load run:
 *
 *   ELF header (ET_REL, e_machine EM_BPF or 0 as libbpf allows) → symbol table → `license` →
 *   .BTF / .BTF.ext → programs (one per FUNC symbol of each executable section; .text holds
 *   subprograms; a static entry program or a section no program type claims is refused) →
 *   DATASEC fix-up → maps (`.maps`, then `.data*`/`.rodata*`/`.bss*`) → externs → CO-RE
 *   (relocateObject against options.targetBtf) → program relocations → per entry program:
 *   subprograms appended, maps/globals/kfuncs relocated → GPL check of helpers and kfuncs.
 *
 * Contract: never throws — every malformed or unsupported input is one typed error
 * (LoadObjectError). The result's instruction images are host-order (a bpfeb object is
 * converted), as the VM contract in vm/VmTypes.ts describes; nothing is created (maps are
 * specs, see ../maps for their run-time form).
 */
import { Effect, Result } from "effect"
import { decodeBtf } from "../btf/BtfDecoder.js"
import type { BtfError } from "../btf/BtfErrors.js"
import { stringTableOf } from "../btf/BtfObject.js"
import type { Btf } from "../btf/BtfType.js"
import { type CoreObjectError, relocateObject } from "../core-relo/CoreObjectRelocator.js"
import type { CoreRelocationError } from "../core-relo/CoreErrors.js"
import { type BtfExt, type BtfExtError, parseBtfExt } from "../elf/BtfExt.js"
import {
  type BpfInsn,
  type BpfProgramImage,
  BPF_INSN_SIZE,
  bpfProgramsOf,
  EM_BPF,
  type ElfError,
  ElfSectionFlag,
  ElfSectionType,
  ElfSymbolBind,
  encodeInsns,
  parseElf
} from "../elf/ElfObject.js"
import { BPF_CALL_CODE } from "./BpfInsnCodes.js"
import { MAPS_SECTION, parseBtfMaps } from "./BtfMapDefs.js"
import { type DatasecLayout, datasecLayouts } from "./DatasecLayout.js"
import { collectExterns, type KfuncExtern } from "./Externs.js"
import { globalDataMaps, objectNameOf } from "./GlobalData.js"
import { GPL_ONLY_HELPERS, licenseIsGplCompatible, licenseOf } from "./License.js"
import type { MapSpec } from "./MapSpec.js"
import {
  ObjectCoreError,
  type ObjectExternError,
  ObjectFormatError,
  ObjectLicenseError,
  type ObjectMapError,
  type ObjectRelocationError,
  ObjectSectionError
} from "./ObjectErrors.js"
import { DEFAULT_PROGRAM_SECTIONS, type ProgramSectionDef } from "./ProgramSections.js"
import { type ProgramLineInfo, programLineInfo } from "./ProgramLineInfo.js"
import { collectProgRelocs, type ProgReloc } from "./ProgramRelocs.js"
import { linkProgram } from "./SubprogLinker.js"

/** ET_REL, include/uapi/linux/elf.h */
const ET_REL = 1
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export interface LoadObjectOptions {
  /** the BTF CO-RE relocations resolve against: a driver's split BTF on the kernel base, or vmlinux */
  readonly targetBtf?: Btf
  /** section name → program type (default DEFAULT_PROGRAM_SECTIONS) */
  readonly programSections?: ReadonlyArray<ProgramSectionDef>
  /** the object's name or path (libbpf: basename up to the first '.'); names the global-data maps. Default "obj" */
  readonly objectName?: string
  /** libbpf-style CO-RE log lines */
  readonly coreLog?: (line: string) => void
}

export interface LoadedProgram {
  readonly name: string
  readonly section: string
  readonly def: ProgramSectionDef
  /** relocated instructions: entry program, then the appended subprograms */
  readonly insns: ReadonlyArray<BpfInsn>
  /** the same, as host-order 8-byte struct bpf_insn */
  readonly image: Uint8Array
  /** the subprograms appended, with their first instruction index in the image */
  readonly subprograms: ReadonlyArray<{ readonly name: string; readonly start: number }>
  /** kfunc call imm = index here */
  readonly kfuncs: ReadonlyArray<KfuncExtern>
  /** helper ids (enum bpf_func_id) called, ascending */
  readonly helperIds: ReadonlyArray<number>
  readonly lineInfo: ReadonlyArray<ProgramLineInfo>
}

export interface LoadedObject {
  readonly name: string
  readonly license: string
  readonly littleEndian: boolean
  /** the object's own BTF (undefined without .BTF) */
  readonly btf: Btf | undefined
  readonly btfExt: BtfExt | undefined
  /** entry programs in section-index then offset order */
  readonly programs: ReadonlyArray<LoadedProgram>
  /** .maps maps, then global-data maps: LD_IMM64 imm = index here */
  readonly maps: ReadonlyArray<MapSpec>
  /** CO-RE relocations applied */
  readonly coreRelocations: number
}

export type LoadObjectError =
  | ElfError
  | BtfError
  | BtfExtError
  | ObjectFormatError
  | ObjectLicenseError
  | ObjectSectionError
  | ObjectRelocationError
  | ObjectMapError
  | ObjectExternError
  | ObjectCoreError

const sectionErr = (section: string, reason: string, program?: string) =>
  Result.fail(new ObjectSectionError({ section, reason, ...(program !== undefined ? { program } : {}) }))

/** The whole open + relocate pass as a Result (the Effect form is loadObject). */
export const openObject = (bytes: Uint8Array, options: LoadObjectOptions = {}): Result.Result<LoadedObject, LoadObjectError> => {
  const elfR = parseElf(bytes)
  if (Result.isFailure(elfR)) return Result.fail(elfR.failure)
  const elf = elfR.success
  if (elf.fileType !== ET_REL || (elf.machine !== 0 && elf.machine !== EM_BPF)) {
    return Result.fail(
      new ObjectFormatError({
        reason: `not a valid eBPF object file: e_type ${elf.fileType} (expected ET_REL 1), e_machine ${elf.machine} (expected EM_BPF ${EM_BPF})`,
        value: elf.fileType !== ET_REL ? elf.fileType : elf.machine
      })
    )
  }
  if (elf.symbols.length === 0) return Result.fail(new ObjectFormatError({ reason: "elf: symbol strings section missing or invalid", value: 0 }))
  if (elf.sectionByName("maps") !== undefined) {
    return sectionErr("maps", "legacy map definitions in 'maps' section are not supported by libbpf v1.0+")
  }
  const licSec = elf.sectionByName("license")
  if (licSec === undefined) {
    return Result.fail(new ObjectLicenseError({ reason: "the object has no 'license' section (char LICENSE[] SEC(\"license\"))", license: "" }))
  }
  const license = licenseOf(licSec.data)

  let btf: Btf | undefined
  let btfExt: BtfExt | undefined
  const btfSec = elf.sectionByName(".BTF")
  if (btfSec !== undefined) {
    const r = decodeBtf(btfSec.data)
    if (Result.isFailure(r)) return Result.fail(r.failure)
    btf = r.success
    const extSec = elf.sectionByName(".BTF.ext")
    if (extSec !== undefined) {
      const strings = stringTableOf(btf)
      const e = parseBtfExt(extSec.data, strings === undefined ? {} : { strings: (off) => strings.at(off) })
      if (Result.isFailure(e)) return Result.fail(e.failure)
      btfExt = e.success
    }
  }

  const progsR = bpfProgramsOf(elf)
  if (Result.isFailure(progsR)) return Result.fail(progsR.failure)
  const images = progsR.success
  const text = elf.sections.find(
    (s) => s.name === ".text" && s.type === ElfSectionType.Progbits && (s.flags & ElfSectionFlag.ExecInstr) !== 0
  )
  const textIndex = text?.index ?? -1
  const defs = options.programSections ?? DEFAULT_PROGRAM_SECTIONS
  const entries: Array<{ readonly image: BpfProgramImage; readonly def: ProgramSectionDef }> = []
  for (const p of images) {
    if (p.sectionIndex === textIndex) continue
    if (p.bind === ElfSymbolBind.Local) return sectionErr(p.sectionName, `program '${p.name}' is static and not supported`, p.name)
    const def = defs.find((d) => d.section === p.sectionName)
    if (def === undefined) {
      return sectionErr(p.sectionName, `prog '${p.name}': missing BPF prog type, check ELF section name '${p.sectionName}'`, p.name)
    }
    entries.push({ image: p, def })
  }

  let layouts: ReadonlyMap<string, DatasecLayout> = new Map()
  if (btf !== undefined) {
    const l = datasecLayouts(btf, elf)
    if (Result.isFailure(l)) return Result.fail(l.failure)
    layouts = l.success
  }
  const maps: Array<MapSpec> = []
  const mapsSec = elf.sectionByName(MAPS_SECTION)
  if (mapsSec !== undefined) {
    const m = parseBtfMaps(btf, layouts, mapsSec)
    if (Result.isFailure(m)) return Result.fail(m.failure)
    maps.push(...m.success)
  }
  maps.push(...globalDataMaps(elf, objectNameOf(options.objectName ?? "obj"), layouts))

  const ext = collectExterns(elf, btf)
  if (Result.isFailure(ext)) return Result.fail(ext.failure)

  // CO-RE first, on the section programs, as bpf_object__relocate does
  let insnsByProg = new Map<BpfProgramImage, ReadonlyArray<BpfInsn>>(images.map((p) => [p, p.insns]))
  let coreRelocations = 0
  const coreCount = btfExt?.coreRelo.sections.reduce((n, s) => n + s.records.length, 0) ?? 0
  if (coreCount > 0) {
    if (options.targetBtf === undefined) {
      return sectionErr(".BTF.ext", `the object has ${coreCount} CO-RE relocations and no target BTF was given (options.targetBtf)`)
    }
    const core = relocateObject(bytes, options.targetBtf, options.coreLog !== undefined ? { log: options.coreLog } : {})
    if (Result.isFailure(core)) {
      const e = core.failure
      if (e._tag === "CoreObjectError" || e._tag.startsWith("Core")) {
        const ce = e as CoreRelocationError | CoreObjectError
        const prog = "progName" in ce ? images.find((p) => p.name === ce.progName) : undefined
        const insnIndex = "insnOff" in ce && prog !== undefined ? ce.insnOff / BPF_INSN_SIZE - prog.sectionOffset / BPF_INSN_SIZE : -1
        return Result.fail(
          new ObjectCoreError({
            section: prog?.sectionName ?? "",
            program: prog?.name ?? ("progName" in ce ? ce.progName : ""),
            insnIndex,
            detail: ce.message,
            cause: ce
          })
        )
      }
      return Result.fail(e as ElfError | BtfError | BtfExtError)
    }
    insnsByProg = new Map(images.map((p, i) => [p, core.success.programs[i]!.insns]))
    coreRelocations = core.success.relocations.length
  }
  const insnsOf = (p: BpfProgramImage): ReadonlyArray<BpfInsn> => insnsByProg.get(p)!

  const relocsR = collectProgRelocs({
    elf,
    programs: images,
    insnsOf,
    externs: ext.success,
    maps,
    textIndex,
    mapsIndex: mapsSec?.index ?? -1
  })
  if (Result.isFailure(relocsR)) return Result.fail(relocsR.failure)
  const relocs = relocsR.success
  const relocsOf = (p: BpfProgramImage): ReadonlyArray<ProgReloc> => relocs.get(p) ?? []
  const strings = btf === undefined ? undefined : stringTableOf(btf)
  const gpl = licenseIsGplCompatible(license)

  const programs: Array<LoadedProgram> = []
  for (const { image, def } of entries) {
    const linked = linkProgram(image, { programs: images, relocsOf, insnsOf, maps, textIndex })
    if (Result.isFailure(linked)) return Result.fail(linked.failure)
    const { insns, pieces, kfuncs } = linked.success
    const helpers = new Set<number>()
    for (const i of insns) if (i.code === BPF_CALL_CODE && i.src === 0) helpers.add(i.imm)
    const helperIds = [...helpers].sort((a, b) => a - b)
    if (!gpl) {
      const gplHelper = helperIds.find((id) => GPL_ONLY_HELPERS.has(id))
      if (gplHelper !== undefined) {
        const callee = GPL_ONLY_HELPERS.get(gplHelper)!
        return Result.fail(
          new ObjectLicenseError({
            reason: `prog '${image.name}': cannot call GPL-restricted function ${callee}#${gplHelper} from non-GPL compatible program (license "${license}")`,
            license,
            program: image.name,
            callee
          })
        )
      }
      if (kfuncs.length > 0) {
        return Result.fail(
          new ObjectLicenseError({
            reason: `prog '${image.name}': cannot call kernel function ${kfuncs[0]!.name} from non-GPL compatible program (license "${license}")`,
            license,
            program: image.name,
            callee: kfuncs[0]!.name
          })
        )
      }
    }
    programs.push({
      name: image.name,
      section: image.sectionName,
      def,
      insns,
      image: encodeInsns(insns, HOST_LITTLE_ENDIAN),
      subprograms: pieces.slice(1).map((p) => ({ name: p.prog.name, start: p.start })),
      kfuncs,
      helperIds,
      lineInfo: programLineInfo(btfExt, strings, pieces)
    })
  }
  return Result.succeed({
    name: objectNameOf(options.objectName ?? "obj"),
    license,
    littleEndian: elf.littleEndian,
    btf,
    btfExt,
    programs,
    maps,
    coreRelocations
  })
}

/** bpf_object__open + the relocation half of bpf_object__load, as an Effect with typed errors. */
export const loadObject = (bytes: Uint8Array, options: LoadObjectOptions = {}): Effect.Effect<LoadedObject, LoadObjectError> =>
  Effect.suspend(() => Effect.fromResult(openObject(bytes, options)))
