/**
 * Collects each program's relocations from the SHT_REL sections of executable sections, as
 * libbpf's bpf_object__collect_prog_relos + bpf_program__record_reloc do, and classifies each:
 *
 *   call   R_BPF_64_32 on `call` (src_reg BPF_PSEUDO_CALL) against a .text symbol: bpf-to-bpf call
 *   kfunc  R_BPF_64_32 on `call` against a __ksym extern function
 *   func   R_BPF_64_64 on LD_IMM64 src_reg BPF_PSEUDO_FUNC against .text: a subprogram's address
 *   map    R_BPF_64_64 on LD_IMM64 against a `.maps` symbol: the map at that offset
 *   data   R_BPF_64_64 on LD_IMM64 against a global-data section or variable: map + offset
 *
 *   Elf64_Rel (16 bytes, the object's byte order)
 *   0                8                12               16
 *   +----------------+----------------+----------------+
 *   |    r_offset    | r_info: type   | r_info: sym    |   (LSB order; MSB objects store sym first)
 *   +----------------+----------------+----------------+
 *   r_info = sym << 32 | type; r_offset = byte offset of the instruction in the target section
 *
 * Relocation instruction indexes are program-relative (libbpf subtracts prog->sec_insn_off).
 * A relocation inside no program (a dropped weak function) is skipped, as libbpf does.
 * Errors use libbpf's wording; unknown relocation types are refused (libbpf ignores the type).
 */
import { Result } from "effect"
import {
  type BpfInsn,
  type BpfProgramImage,
  BPF_INSN_SIZE,
  type ElfObject,
  type ElfSection,
  ElfSectionFlag,
  ElfSectionType,
  ElfSymbolBind,
  ElfSymbolType
} from "../elf/ElfObject.js"
import {
  BPF_CALL_CODE,
  BPF_LD_IMM64_CODE,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_FUNC,
  ELF64_REL_SIZE,
  R_BPF_64_32,
  R_BPF_64_64
} from "./BpfInsnCodes.js"
import type { KfuncExtern } from "./Externs.js"
import { globalDataKindOf } from "./GlobalData.js"
import type { MapSpec } from "./MapSpec.js"
import { ObjectFormatError, ObjectRelocationError } from "./ObjectErrors.js"

export type ProgReloc =
  | { readonly kind: "call"; readonly insnIndex: number; readonly symOff: number; readonly relocIndex: number; readonly symbol: string }
  | { readonly kind: "func"; readonly insnIndex: number; readonly symOff: number; readonly relocIndex: number; readonly symbol: string }
  | { readonly kind: "kfunc"; readonly insnIndex: number; readonly ext: KfuncExtern; readonly relocIndex: number; readonly symbol: string }
  | { readonly kind: "map"; readonly insnIndex: number; readonly mapIndex: number; readonly relocIndex: number; readonly symbol: string }
  | {
      readonly kind: "data"
      readonly insnIndex: number
      readonly mapIndex: number
      readonly symOff: number
      readonly relocIndex: number
      readonly symbol: string
    }

const SHN_LORESERVE = 0xff00

export interface RelocContext {
  readonly elf: ElfObject
  readonly programs: ReadonlyArray<BpfProgramImage>
  /** the program's current (CO-RE patched) instructions */
  readonly insnsOf: (p: BpfProgramImage) => ReadonlyArray<BpfInsn>
  readonly externs: ReadonlyMap<number, KfuncExtern>
  readonly maps: ReadonlyArray<MapSpec>
  readonly textIndex: number
  readonly mapsIndex: number
}

/** Relocations of every program, keyed by program. */
export const collectProgRelocs = (
  ctx: RelocContext
): Result.Result<ReadonlyMap<BpfProgramImage, ReadonlyArray<ProgReloc>>, ObjectFormatError | ObjectRelocationError> => {
  const { elf } = ctx
  const out = new Map<BpfProgramImage, Array<ProgReloc>>(ctx.programs.map((p) => [p, []]))
  for (const rel of elf.sections) {
    if (rel.type !== ElfSectionType.Rel) continue
    const target: ElfSection | undefined = elf.sections[rel.info]
    if (rel.entsize !== ELF64_REL_SIZE || target === undefined) {
      return Result.fail(new ObjectFormatError({ reason: `relocation section '${rel.name}': bad sh_entsize or sh_info`, value: rel.info }))
    }
    if (target.type !== ElfSectionType.Progbits || (target.flags & ElfSectionFlag.ExecInstr) === 0) continue // only code (libbpf skips the rest)
    const view = new DataView(rel.data.buffer, rel.data.byteOffset, rel.data.byteLength)
    const le = elf.littleEndian
    const count = Math.floor(rel.data.length / ELF64_REL_SIZE)
    for (let i = 0; i < count; i++) {
      const at = i * ELF64_REL_SIZE
      const offHi = view.getUint32(at + (le ? 4 : 0), le)
      const offLo = view.getUint32(at + (le ? 0 : 4), le)
      const type = view.getUint32(at + (le ? 8 : 12), le)
      const symIdx = view.getUint32(at + (le ? 12 : 8), le)
      const fail = (program: string, insnIndex: number, symbol: string, reason: string, value: number) =>
        Result.fail(new ObjectRelocationError({ section: target.name, relocIndex: i, program, insnIndex, symbol, reason, value }))
      const sym = elf.symbols[symIdx]
      if (sym === undefined) {
        return fail("", -1, `#${symIdx}`, `sec '${rel.name}': symbol #${symIdx} not found for relo #${i}`, symIdx)
      }
      if (sym.shndx >= elf.sections.length && sym.shndx < SHN_LORESERVE) {
        return fail("", -1, sym.name, `sec '${rel.name}': corrupted symbol #${symIdx} pointing to invalid section #${sym.shndx} for relo #${i}`, sym.shndx)
      }
      const offset = offHi * 0x100000000 + offLo
      if (offset % BPF_INSN_SIZE !== 0 || offset >= target.size) {
        return fail("", -1, sym.name, `sec '${rel.name}': invalid offset 0x${offset.toString(16)} for relo #${i}`, offset)
      }
      const secInsn = offset / BPF_INSN_SIZE
      const prog = ctx.programs.find(
        (p) => p.sectionIndex === target.index && secInsn >= p.sectionOffset / BPF_INSN_SIZE && secInsn < p.sectionOffset / BPF_INSN_SIZE + p.insns.length
      )
      if (prog === undefined) continue // libbpf: "probably overridden weak function, skipping"
      const insnIndex = secInsn - prog.sectionOffset / BPF_INSN_SIZE
      const symName = sym.type === ElfSymbolType.Section && sym.name === "" ? (elf.sections[sym.shndx]?.name ?? "") : sym.name
      const insn = ctx.insnsOf(prog)[insnIndex]!
      const bad = (reason: string, value: number) => fail(prog.name, insnIndex, symName, reason, value)
      if (type !== R_BPF_64_64 && type !== R_BPF_64_32) return bad(`unknown relocation type ${type} for a program instruction`, type)
      const isCall = insn.code === BPF_CALL_CODE
      const isLdImm64 = insn.code === BPF_LD_IMM64_CODE
      if (isCall && type !== R_BPF_64_32) return bad(`relocation type ${type} on a call (expected R_BPF_64_32)`, type)
      if (isLdImm64 && type !== R_BPF_64_64) return bad(`relocation type ${type} on LD_IMM64 (expected R_BPF_64_64)`, type)
      if (isLdImm64 && insnIndex + 1 >= prog.insns.length) return bad("LD_IMM64 without its second half", insnIndex)
      const list = out.get(prog)!
      // bpf_program__record_reloc, in libbpf's order
      const isExtern = sym.shndx === 0 && (sym.bind === ElfSymbolBind.Global || sym.bind === ElfSymbolBind.Weak) && sym.type === ElfSymbolType.NoType
      if (isExtern) {
        const ext = ctx.externs.get(symIdx)
        if (ext === undefined) return bad("extern relo failed to find extern", symIdx)
        if (!isCall) return bad("extern relo against a kfunc on a non-call instruction", insn.code)
        list.push({ kind: "kfunc", insnIndex, ext, relocIndex: i, symbol: symName })
        continue
      }
      if (isCall) {
        if (insn.src !== BPF_PSEUDO_CALL) return bad("incorrect bpf_call opcode", insn.src)
        if (sym.shndx === 0 || sym.shndx !== ctx.textIndex) {
          return bad(`bad call relo against '${symName}' in section '${elf.sections[sym.shndx]?.name ?? ""}'`, sym.shndx)
        }
        if (sym.value % BPF_INSN_SIZE !== 0) return bad(`bad call relo offset: ${sym.value}`, sym.value)
        list.push({ kind: "call", insnIndex, symOff: sym.value, relocIndex: i, symbol: symName })
        continue
      }
      if (!isLdImm64) return bad(`invalid relo against '${symName}' for insns[${insnIndex}].code 0x${insn.code.toString(16)}`, insn.code)
      if (sym.shndx === 0 || sym.shndx >= SHN_LORESERVE) {
        return bad(`invalid relo against '${symName}' in special section 0x${sym.shndx.toString(16)}; forgot to initialize global var?..`, sym.shndx)
      }
      const isSubprog =
        sym.shndx === ctx.textIndex &&
        ((sym.bind === ElfSymbolBind.Global && sym.type === ElfSymbolType.Func) ||
          (sym.bind === ElfSymbolBind.Local && sym.type === ElfSymbolType.Section))
      if (isSubprog) {
        if (sym.value % BPF_INSN_SIZE !== 0 || insn.imm % BPF_INSN_SIZE !== 0) {
          return bad(`bad subprog addr relo against '${symName}' at offset ${sym.value}+${insn.imm}`, sym.value)
        }
        if (insn.src !== BPF_PSEUDO_FUNC) return bad("subprog address relo on LD_IMM64 without src_reg BPF_PSEUDO_FUNC", insn.src)
        list.push({ kind: "func", insnIndex, symOff: sym.value, relocIndex: i, symbol: symName })
        continue
      }
      const symSec = elf.sections[sym.shndx]
      const secName = symSec?.name ?? ""
      const dataKind = symSec === undefined ? undefined : globalDataKindOf(symSec.name, symSec.type, symSec.flags)
      if (dataKind === undefined) {
        if (sym.shndx !== ctx.mapsIndex) return bad(`bad map relo against '${symName}' in section '${secName}'`, sym.shndx)
        const mapIndex = ctx.maps.findIndex((m) => m.kind === "maps" && m.sectionIndex === sym.shndx && m.sectionOffset === sym.value)
        if (mapIndex < 0) return bad(`map relo failed to find map for section '${secName}', off ${sym.value}`, sym.value)
        list.push({ kind: "map", insnIndex, mapIndex, relocIndex: i, symbol: symName })
        continue
      }
      const dataMap = ctx.maps.findIndex((m) => m.kind !== "maps" && m.sectionIndex === sym.shndx)
      if (dataMap < 0) return bad(`data relo failed to find map for section '${secName}'`, sym.shndx)
      list.push({ kind: "data", insnIndex, mapIndex: dataMap, symOff: sym.value, relocIndex: i, symbol: symName })
    }
  }
  return Result.succeed(out)
}
