/**
 * ElfObject against llvm-readelf (an independent ELF reader): every section header and symbol
 * of the clang-built fixtures, little- and big-endian; programs against the symbol table and
 * the section bytes llvm-objcopy extracts; and bad bytes -> typed ElfError, never a throw.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { bpfProgramsOf, ElfError, encodeInsns, parseElf } from "../../src/elf/ElfObject.js"
import { scratchDir, TESTDATA, removeScratch } from "../core-relo/oracle.js"

afterAll(removeScratch)

const OBJECTS = ["rx_fields.o", "rx_fields.bpfeb.o", "rx_types.o", "prune.o", "tm.o", "enum64.o", "enum_signed.o"]
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(TESTDATA, f)))

interface ReadelfSection {
  Index: number
  Name: { Value: string }
  Type: { RawValue: number }
  Flags: { RawFlags: number }
  Offset: number
  Size: number
  Link: number
  Info: number
  AddressAlignment: number
  EntrySize: number
}
interface ReadelfSymbol {
  Name: { Value: string }
  Value: number
  Size: number
  Binding: { RawValue: number }
  Type: { RawValue: number }
  Section: { RawValue: number }
}

const readelf = (f: string, flag: string): Record<string, unknown> => {
  const out = execFileSync("llvm-readelf", ["--elf-output-style=JSON", flag, join(TESTDATA, f)], { encoding: "utf8" })
  return Object.values((JSON.parse(out) as Array<Record<string, Record<string, unknown>>>)[0]!)[0]!
}

describe("parseElf matches llvm-readelf", () => {
  for (const f of OBJECTS) {
    it(f, () => {
      const elf = Result.getOrThrow(parseElf(read(f)))
      const header = readelf(f, "-h") as {
        ElfHeader: {
          Ident: { DataEncoding: { RawValue: number } }
          Machine: { RawValue: number }
        }
      }
      expect(elf.littleEndian).toBe(header.ElfHeader.Ident.DataEncoding.RawValue === 1)
      expect(elf.machine).toBe(header.ElfHeader.Machine.RawValue)

      const sections = (readelf(f, "-S") as { Sections: Array<{ Section: ReadelfSection }> }).Sections.map((s) => s.Section)
      expect(elf.sections.length).toBe(sections.length)
      for (const want of sections) {
        const got = elf.sections[want.Index]!
        expect({
          name: got.name,
          type: got.type,
          flags: got.flags,
          offset: got.offset,
          size: got.size,
          link: got.link,
          info: got.info,
          addralign: got.addralign,
          entsize: got.entsize
        }).toEqual({
          name: want.Name.Value,
          type: want.Type.RawValue,
          flags: want.Flags.RawFlags,
          offset: want.Offset,
          size: want.Size,
          link: want.Link,
          info: want.Info,
          addralign: want.AddressAlignment,
          entsize: want.EntrySize
        })
      }

      const symbols = (readelf(f, "-s") as { Symbols: Array<{ Symbol: ReadelfSymbol }> }).Symbols.map((s) => s.Symbol)
      expect(elf.symbols.length).toBe(symbols.length)
      symbols.forEach((want, i) => {
        const got = elf.symbols[i]!
        // llvm-readelf shows section symbols by their section's name
        if (want.Type.RawValue !== 3) expect(got.name).toBe(want.Name.Value)
        expect([got.value, got.size, got.bind, got.type, got.shndx]).toEqual([
          want.Value,
          want.Size,
          want.Binding.RawValue,
          want.Type.RawValue,
          want.Section.RawValue
        ])
      })
    })
  }
})

describe("bpfProgramsOf", () => {
  for (const f of OBJECTS) {
    it(`${f}: programs are the FUNC symbols, and their instructions round-trip to the section bytes llvm-objcopy dumps`, () => {
      const elf = Result.getOrThrow(parseElf(read(f)))
      const progs = Result.getOrThrow(bpfProgramsOf(elf))
      const funcs = (readelf(f, "-s") as { Symbols: Array<{ Symbol: ReadelfSymbol }> }).Symbols.map((s) => s.Symbol).filter(
        (s) => s.Type.RawValue === 2
      )
      expect(progs.map((p) => p.name).sort()).toEqual(funcs.map((s) => s.Name.Value).sort())
      const dir = join(scratchDir(), `elf-${f}`)
      mkdirSync(dir, { recursive: true })
      for (const sec of new Set(progs.map((p) => p.sectionName))) {
        const out = join(dir, `${sec}.bin`)
        execFileSync("llvm-objcopy", [`--dump-section=${sec}=${out}`, join(TESTDATA, f), join(dir, "scratch.o")])
        const bytes = new Uint8Array(readFileSync(out))
        const inSec = progs.filter((p) => p.sectionName === sec).sort((a, b) => a.sectionOffset - b.sectionOffset)
        const joined = inSec.flatMap((p) => [...encodeInsns(p.insns, elf.littleEndian)])
        expect(new Uint8Array(joined)).toEqual(bytes.subarray(0, joined.length))
        expect(inSec.at(-1)!.sectionOffset + inSec.at(-1)!.insns.length * 8).toBe(bytes.length)
      }
    })
  }
})

describe("parseElf on bad bytes", () => {
  const good = read("rx_fields.o")
  const cases: Array<[string, (b: Uint8Array) => Uint8Array]> = [
    ["empty", () => new Uint8Array(0)],
    ["header truncated", (b) => b.slice(0, 40)],
    ["bad magic", (b) => setU8(b, 1, 0x46)],
    ["32-bit class", (b) => setU8(b, 4, 1)],
    ["unknown byte order", (b) => setU8(b, 5, 3)],
    ["bad version", (b) => setU8(b, 6, 2)],
    ["section table past the end", (b) => b.slice(0, b.length - 100)],
    ["e_shoff past the end", (b) => setU32(b, 40, 0xfffffff0)],
    ["e_shoff beyond 2^53", (b) => setU32(b, 44, 0xffffffff)],
    ["bad e_shentsize", (b) => setU16(b, 58, 40)],
    ["e_shstrndx not a string table", (b) => setU16(b, 62, 3)],
    ["section data outside the file", (b) => setU32(b, shdr(b, 3) + 24, 0x7ffffff0)],
    ["section size outside the file", (b) => setU32(b, shdr(b, 16) + 32, 0x7ffffff0)],
    ["section name past the name table", (b) => setU32(b, shdr(b, 3), 0xfffff)],
    ["symtab entsize wrong", (b) => setU32(b, shdr(b, 26) + 56, 16)],
    ["symtab link not a string table", (b) => setU32(b, shdr(b, 26) + 40, 3)],
    ["symbol name past the string table", (b) => setU32(b, symAt(b, 5), 0xffffff)]
  ]
  for (const [name, mutate] of cases) {
    it(name, () => {
      const r = parseElf(mutate(good.slice()))
      expect(Result.isFailure(r)).toBe(true)
      if (Result.isFailure(r)) {
        expect(r.failure).toBeInstanceOf(ElfError)
        expect(r.failure.reason.length).toBeGreaterThan(0)
        expect(Number.isInteger(r.failure.offset)).toBe(true)
      }
    })
  }
  it("a program crossing its section's end", () => {
    const b = good.slice()
    const elf = Result.getOrThrow(parseElf(b))
    const prog = elf.symbols.find((s) => s.name === "rx_fields")!
    setU32(b, symAt(b, prog.index) + 16, 0x100000)
    const progs = bpfProgramsOf(Result.getOrThrow(parseElf(b)))
    expect(Result.isFailure(progs) && progs.failure.reason).toContain("crosses section boundary")
  })
})

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength)
const setU8 = (b: Uint8Array, at: number, v: number): Uint8Array => {
  b[at] = v
  return b
}
const setU16 = (b: Uint8Array, at: number, v: number): Uint8Array => {
  dv(b).setUint16(at, v, true)
  return b
}
const setU32 = (b: Uint8Array, at: number, v: number): Uint8Array => {
  dv(b).setUint32(at, v, true)
  return b
}
const shdr = (b: Uint8Array, i: number): number => Number(dv(b).getBigUint64(40, true)) + i * 64
const symAt = (b: Uint8Array, i: number): number => {
  const elf = Result.getOrThrow(parseElf(b))
  const symtab = elf.sections.find((s) => s.type === 2)!
  return symtab.offset + i * 24
}
