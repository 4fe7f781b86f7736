/**
 * A bounds-checked reader for ELF64 relocatable objects as clang writes them for BPF
 * (`clang -target bpf` / `bpfel` / `bpfeb`), enough to find sections by name (.BTF, .BTF.ext,
 * program sections such as "xdp"), the symbol table, and each BPF program's instructions.
 *
 * Contract:
 * - `parseElf(bytes)` never throws: malformed input gives `Result.fail(ElfError)` naming the byte
 *   offset, the reason and the offending value. Every offset/size read from the file is checked
 *   against the buffer before it is used; 64-bit fields must fit in 2^53.
 * - Both byte orders (EI_DATA 1 = LSB, 2 = MSB); 64-bit class only (EI_CLASS 2), as BPF objects are.
 * - Section data are zero-copy `subarray`s of the input (SHT_NOBITS sections have empty data).
 * - `bpfProgramsOf` finds programs the way libbpf's bpf_object__add_programs does: every STT_FUNC
 *   symbol inside an executable (SHF_EXECINSTR) PROGBITS section is a program (or subprogram) of
 *   `st_size` bytes at section offset `st_value`.
 *
 * Layouts (include/uapi/linux/elf.h; all fields in the file's byte order):
 *
 *   Elf64_Ehdr (64 bytes)
 *   0                16      18      20              24              32              40              48      52   54   56   58   60   62   64
 *   +----------------+-------+-------+---------------+---------------+---------------+---------------+-------+----+----+----+----+----+----+
 *   |   e_ident[16]  |e_type |e_mach.|   e_version   |  e_entry (8)  |  e_phoff (8)  |  e_shoff (8)  |e_flags|ehsz|phes|phnm|shes|shnm|shsx|
 *   +----------------+-------+-------+---------------+---------------+---------------+---------------+-------+----+----+----+----+----+----+
 *   e_ident: 7f 'E' 'L' 'F' | EI_CLASS (2 = 64-bit) | EI_DATA (1 = LSB, 2 = MSB) | EI_VERSION (1) | padding
 *
 *   Elf64_Shdr (64 bytes)
 *   0        4        8                16               24               32               40       44       48               56               64
 *   +--------+--------+----------------+----------------+----------------+----------------+--------+--------+----------------+----------------+
 *   |sh_name |sh_type |   sh_flags     |    sh_addr     |   sh_offset    |    sh_size     |sh_link |sh_info |  sh_addralign  |   sh_entsize   |
 *   +--------+--------+----------------+----------------+----------------+----------------+--------+--------+----------------+----------------+
 *
 *   Elf64_Sym (24 bytes)
 *   0        4    5    6        8                16               24
 *   +--------+----+----+--------+----------------+----------------+
 *   |st_name |info|othr|st_shndx|    st_value    |    st_size     |     info = bind << 4 | type
 *   +--------+----+----+--------+----------------+----------------+
 *
 *   struct bpf_insn (8 bytes, uapi linux/bpf.h)
 *   0      1                 2        4
 *   +------+-----------------+--------+----------------+
 *   | code | dst:4 | src:4   | off s16|     imm s32    |     LSB objects: dst = low nibble; MSB objects: dst = high nibble
 *   +------+-----------------+--------+----------------+
 */
import { Data, Result } from "effect"

/** ELFMAG, include/uapi/linux/elf.h */
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const
/** EI_CLASS index and ELFCLASS64, include/uapi/linux/elf.h */
const EI_CLASS = 4
const ELFCLASS64 = 2
/** EI_DATA index, ELFDATA2LSB, ELFDATA2MSB, include/uapi/linux/elf.h */
const EI_DATA = 5
const ELFDATA2LSB = 1
const ELFDATA2MSB = 2
/** EI_VERSION index and EV_CURRENT, include/uapi/linux/elf.h */
const EI_VERSION = 6
const EV_CURRENT = 1
/** sizeof(Elf64_Ehdr), sizeof(Elf64_Shdr), sizeof(Elf64_Sym), include/uapi/linux/elf.h */
const EHDR_SIZE = 64
const SHDR_SIZE = 64
const SYM_SIZE = 24
/** SHN_UNDEF, SHN_LORESERVE, SHN_XINDEX, include/uapi/linux/elf.h */
const SHN_UNDEF = 0
const SHN_LORESERVE = 0xff00
const SHN_XINDEX = 0xffff

/** sh_type values, include/uapi/linux/elf.h */
export const ElfSectionType = {
  Null: 0,
  Progbits: 1,
  Symtab: 2,
  Strtab: 3,
  Rela: 4,
  Nobits: 8,
  Rel: 9
} as const
/** sh_flags bits, include/uapi/linux/elf.h */
export const ElfSectionFlag = { Write: 0x1, Alloc: 0x2, ExecInstr: 0x4 } as const
/** ELF64_ST_TYPE values, include/uapi/linux/elf.h */
export const ElfSymbolType = { NoType: 0, Object: 1, Func: 2, Section: 3, File: 4 } as const
/** ELF64_ST_BIND values, include/uapi/linux/elf.h */
export const ElfSymbolBind = { Local: 0, Global: 1, Weak: 2 } as const
/** EM_BPF, include/uapi/linux/elf-em.h */
export const EM_BPF = 247
/** sizeof(struct bpf_insn), uapi linux/bpf.h (libbpf BPF_INSN_SZ) */
export const BPF_INSN_SIZE = 8

/** Malformed ELF bytes: where (byte offset), why, and the offending value. */
export class ElfError extends Data.TaggedError("ElfError")<{
  readonly offset: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `ELF: ${this.reason} (value ${this.value} at byte ${this.offset})`
  }
}

export interface ElfSection {
  readonly index: number
  readonly name: string
  readonly type: number
  readonly flags: number
  readonly offset: number
  readonly size: number
  readonly link: number
  readonly info: number
  readonly addralign: number
  readonly entsize: number
  /** the section's bytes (empty for SHT_NOBITS and SHT_NULL) */
  readonly data: Uint8Array
}

export interface ElfSymbol {
  readonly index: number
  readonly name: string
  /** ELF64_ST_TYPE */
  readonly type: number
  /** ELF64_ST_BIND */
  readonly bind: number
  readonly other: number
  readonly shndx: number
  readonly value: number
  readonly size: number
}

export interface ElfObject {
  readonly littleEndian: boolean
  /** e_type (1 = ET_REL) */
  readonly fileType: number
  /** e_machine (247 = EM_BPF) */
  readonly machine: number
  readonly sections: ReadonlyArray<ElfSection>
  /** the SHT_SYMTAB entries in table order (index 0 is the null symbol); empty without a symtab */
  readonly symbols: ReadonlyArray<ElfSymbol>
  /** the first section with this name */
  sectionByName(name: string): ElfSection | undefined
}

/** One BPF instruction (struct bpf_insn), decoded; `off` is signed 16-bit and `imm` signed 32-bit. */
export interface BpfInsn {
  code: number
  dst: number
  src: number
  off: number
  imm: number
}

/** A program (or subprogram) found in an executable section. */
export interface BpfProgramImage {
  readonly name: string
  readonly sectionName: string
  readonly sectionIndex: number
  /** byte offset of the first instruction within its section */
  readonly sectionOffset: number
  /** the symbol's binding: STB_GLOBAL entry points, STB_LOCAL static subprograms */
  readonly bind: number
  readonly insns: ReadonlyArray<BpfInsn>
}

class Reader {
  readonly view: DataView
  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  u8(off: number): number {
    return this.view.getUint8(off)
  }
  u16(off: number): number {
    return this.view.getUint16(off, this.le)
  }
  u32(off: number): number {
    return this.view.getUint32(off, this.le)
  }
  /** u64 that must fit in a JS number (2^53); undefined otherwise */
  u64(off: number): number | undefined {
    const lo = this.view.getUint32(off + (this.le ? 0 : 4), this.le)
    const hi = this.view.getUint32(off + (this.le ? 4 : 0), this.le)
    if (hi >= 0x200000) return undefined
    return hi * 0x100000000 + lo
  }
}

const fail = (offset: number, reason: string, value: number): Result.Result<never, ElfError> =>
  Result.fail(new ElfError({ offset, reason, value }))

/** A NUL-terminated string at `off` inside a string-table section; undefined when out of range or unterminated. */
const cString = (table: Uint8Array, off: number): string | undefined => {
  if (off >= table.length) return undefined
  const end = table.indexOf(0, off)
  if (end < 0) return undefined
  return new TextDecoder().decode(table.subarray(off, end))
}

/** Parses the ELF64 header, section headers, section names and the symbol table. */
export const parseElf = (bytes: Uint8Array): Result.Result<ElfObject, ElfError> => {
  if (bytes.length < EHDR_SIZE) return fail(0, "file shorter than the ELF64 header", bytes.length)
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== ELF_MAGIC[i]) return fail(i, "bad ELF magic", bytes[i]!)
  }
  if (bytes[EI_CLASS] !== ELFCLASS64) return fail(EI_CLASS, "not a 64-bit ELF (EI_CLASS)", bytes[EI_CLASS]!)
  const data = bytes[EI_DATA]
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) return fail(EI_DATA, "unknown byte order (EI_DATA)", data!)
  if (bytes[EI_VERSION] !== EV_CURRENT) return fail(EI_VERSION, "unknown ELF version (EI_VERSION)", bytes[EI_VERSION]!)
  const r = new Reader(bytes, data === ELFDATA2LSB)

  const fileType = r.u16(16)
  const machine = r.u16(18)
  const shoff = r.u64(40)
  if (shoff === undefined) return fail(40, "e_shoff does not fit in 2^53", r.u32(40))
  const shentsize = r.u16(58)
  let shnum = r.u16(60)
  let shstrndx = r.u16(62)
  if (shoff === 0) {
    return Result.succeed(makeObject(r.le, fileType, machine, [], []))
  }
  if (shentsize !== SHDR_SIZE) return fail(58, "e_shentsize is not sizeof(Elf64_Shdr)", shentsize)
  if (shoff > bytes.length - SHDR_SIZE) return fail(40, "section header table outside the file", shoff)
  // Extended numbering (gABI): e_shnum 0 → count in section 0's sh_size; SHN_XINDEX → index in its sh_link.
  if (shnum === 0) {
    const n = r.u64(shoff + 32)
    if (n === undefined) return fail(shoff + 32, "extended section count does not fit in 2^53", r.u32(shoff + 32))
    shnum = n
  }
  if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + 40)
  if (shnum > (bytes.length - shoff) / SHDR_SIZE) return fail(60, "section header table past the end of the file", shnum)

  interface RawSection {
    nameOff: number
    type: number
    flags: number
    offset: number
    size: number
    link: number
    info: number
    addralign: number
    entsize: number
  }
  const raw: Array<RawSection> = []
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * SHDR_SIZE
    const type = r.u32(h + 4)
    const flags = r.u64(h + 8)
    const offset = r.u64(h + 24)
    const size = r.u64(h + 32)
    const addralign = r.u64(h + 48)
    const entsize = r.u64(h + 56)
    if (flags === undefined) return fail(h + 8, `section ${i}: sh_flags does not fit in 2^53`, r.u32(h + 8))
    if (offset === undefined) return fail(h + 24, `section ${i}: sh_offset does not fit in 2^53`, r.u32(h + 24))
    if (size === undefined) return fail(h + 32, `section ${i}: sh_size does not fit in 2^53`, r.u32(h + 32))
    if (addralign === undefined) return fail(h + 48, `section ${i}: sh_addralign does not fit in 2^53`, r.u32(h + 48))
    if (entsize === undefined) return fail(h + 56, `section ${i}: sh_entsize does not fit in 2^53`, r.u32(h + 56))
    const hasBytes = i !== 0 && type !== ElfSectionType.Nobits && type !== ElfSectionType.Null
    if (hasBytes && (offset > bytes.length || size > bytes.length - offset)) {
      return fail(h + 24, `section ${i}: data (offset ${offset}, size ${size}) outside the file`, offset)
    }
    raw.push({
      nameOff: r.u32(h),
      type,
      flags,
      offset,
      size,
      link: r.u32(h + 40),
      info: r.u32(h + 44),
      addralign,
      entsize
    })
  }

  let names: Uint8Array = new Uint8Array(0)
  if (shstrndx !== SHN_UNDEF) {
    const s = raw[shstrndx]
    if (s === undefined || s.type !== ElfSectionType.Strtab) {
      return fail(62, "e_shstrndx does not name a string table section", shstrndx)
    }
    names = bytes.subarray(s.offset, s.offset + s.size)
  }
  const sections: Array<ElfSection> = []
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!
    let name = ""
    if (s.nameOff !== 0 || names.length > 0) {
      const n = cString(names, s.nameOff)
      if (n === undefined) return fail(shoff + i * SHDR_SIZE, `section ${i}: sh_name outside the section name table`, s.nameOff)
      name = n
    }
    const hasBytes = i !== 0 && s.type !== ElfSectionType.Nobits && s.type !== ElfSectionType.Null
    sections.push({
      index: i,
      name,
      type: s.type,
      flags: s.flags,
      offset: s.offset,
      size: s.size,
      link: s.link,
      info: s.info,
      addralign: s.addralign,
      entsize: s.entsize,
      data: hasBytes ? bytes.subarray(s.offset, s.offset + s.size) : new Uint8Array(0)
    })
  }

  const symbols: Array<ElfSymbol> = []
  const symtab = sections.find((s) => s.type === ElfSectionType.Symtab)
  if (symtab !== undefined) {
    const symHdr = shoff + symtab.index * SHDR_SIZE
    if (symtab.entsize !== SYM_SIZE) return fail(symHdr + 56, "symbol table sh_entsize is not sizeof(Elf64_Sym)", symtab.entsize)
    if (symtab.size % SYM_SIZE !== 0) return fail(symHdr + 32, "symbol table size is not a multiple of sizeof(Elf64_Sym)", symtab.size)
    const strtab = sections[symtab.link]
    if (strtab === undefined || strtab.type !== ElfSectionType.Strtab) {
      return fail(symHdr + 40, "symbol table sh_link does not name a string table", symtab.link)
    }
    const count = symtab.size / SYM_SIZE
    for (let i = 0; i < count; i++) {
      const at = symtab.offset + i * SYM_SIZE
      const nameOff = r.u32(at)
      const name = nameOff === 0 ? "" : cString(strtab.data, nameOff)
      if (name === undefined) return fail(at, `symbol ${i}: st_name outside the string table`, nameOff)
      const value = r.u64(at + 8)
      const size = r.u64(at + 16)
      if (value === undefined) return fail(at + 8, `symbol ${i}: st_value does not fit in 2^53`, r.u32(at + 8))
      if (size === undefined) return fail(at + 16, `symbol ${i}: st_size does not fit in 2^53`, r.u32(at + 16))
      const info = r.u8(at + 4)
      symbols.push({
        index: i,
        name,
        type: info & 0xf,
        bind: info >> 4,
        other: r.u8(at + 5),
        shndx: r.u16(at + 6),
        value,
        size
      })
    }
  }
  return Result.succeed(makeObject(r.le, fileType, machine, sections, symbols))
}

const makeObject = (
  littleEndian: boolean,
  fileType: number,
  machine: number,
  sections: ReadonlyArray<ElfSection>,
  symbols: ReadonlyArray<ElfSymbol>
): ElfObject => ({
  littleEndian,
  fileType,
  machine,
  sections,
  symbols,
  sectionByName: (name) => sections.find((s) => s.name === name)
})

/** Decodes whole 8-byte instructions from `data` in the object's byte order (a trailing partial one is ignored). */
export const decodeInsns = (data: Uint8Array, littleEndian: boolean): Array<BpfInsn> => {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const out: Array<BpfInsn> = []
  for (let at = 0; at + BPF_INSN_SIZE <= data.length; at += BPF_INSN_SIZE) {
    const regs = data[at + 1]!
    out.push({
      code: data[at]!,
      dst: littleEndian ? regs & 0xf : regs >> 4,
      src: littleEndian ? regs >> 4 : regs & 0xf,
      off: view.getInt16(at + 2, littleEndian),
      imm: view.getInt32(at + 4, littleEndian)
    })
  }
  return out
}

/** Encodes instructions back to bytes in the given byte order (inverse of decodeInsns). */
export const encodeInsns = (insns: ReadonlyArray<BpfInsn>, littleEndian: boolean): Uint8Array => {
  const out = new Uint8Array(insns.length * BPF_INSN_SIZE)
  const view = new DataView(out.buffer)
  insns.forEach((insn, i) => {
    const at = i * BPF_INSN_SIZE
    out[at] = insn.code
    out[at + 1] = littleEndian ? ((insn.src & 0xf) << 4) | (insn.dst & 0xf) : ((insn.dst & 0xf) << 4) | (insn.src & 0xf)
    view.setInt16(at + 2, insn.off, littleEndian)
    view.setInt32(at + 4, insn.imm, littleEndian)
  })
  return out
}

/**
 * The BPF programs and subprograms of an object: STT_FUNC symbols in executable PROGBITS
 * sections, in section order then offset order (libbpf bpf_object__add_programs). Fails when a
 * program crosses its section's end or is not instruction-aligned (libbpf: "program at offset
 * %zu crosses section boundary").
 */
export const bpfProgramsOf = (elf: ElfObject): Result.Result<ReadonlyArray<BpfProgramImage>, ElfError> => {
  const out: Array<BpfProgramImage> = []
  for (const sec of elf.sections) {
    if (sec.type !== ElfSectionType.Progbits || (sec.flags & ElfSectionFlag.ExecInstr) === 0) continue
    const syms = elf.symbols
      .filter((s) => s.shndx === sec.index && s.type === ElfSymbolType.Func && s.shndx < SHN_LORESERVE)
      .sort((a, b) => a.value - b.value)
    for (const s of syms) {
      if (s.value % BPF_INSN_SIZE !== 0 || s.size % BPF_INSN_SIZE !== 0) {
        return fail(sec.offset + s.value, `program '${s.name}' is not aligned to whole instructions`, s.value)
      }
      if (s.value > sec.size || s.size > sec.size - s.value) {
        return fail(sec.offset + s.value, `sec '${sec.name}': program '${s.name}' crosses section boundary`, s.value + s.size)
      }
      out.push({
        name: s.name,
        sectionName: sec.name,
        sectionIndex: sec.index,
        sectionOffset: s.value,
        bind: s.bind,
        insns: decodeInsns(sec.data.subarray(s.value, s.value + s.size), elf.littleEndian)
      })
    }
  }
  return Result.succeed(out)
}
