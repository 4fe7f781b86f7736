/**
 * The .BTF.ext parser against independent truth: line_info records name the C source file and
 * carry the text of the source line they point at; func_info records name the program symbols
 * (FUNC types) at their instruction offsets; core_relo counts per section are the ones libbpf
 * reports ("sec 'xdp': found N CO-RE relocations"); the big-endian object parses to the same
 * records. Malformed sections get a typed BtfExtError with libbpf's reason, never a throw.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BtfKind } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { stringTableOf } from "../../src/btf/BtfObject.js"
import { type BtfExt, BtfExtError, parseBtfExt } from "../../src/elf/BtfExt.js"
import { parseElf } from "../../src/elf/ElfObject.js"
import { buildOracle, runOracle, TESTDATA, removeScratch } from "../core-relo/oracle.js"

afterAll(removeScratch)

const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(TESTDATA, f)))

const load = (f: string) => {
  const elf = Result.getOrThrow(parseElf(read(f)))
  const btf = Result.getOrThrow(decodeBtf(elf.sectionByName(".BTF")!.data))
  const strings = stringTableOf(btf)!
  const extBytes = elf.sectionByName(".BTF.ext")!.data
  const ext = Result.getOrThrow(parseBtfExt(extBytes, { strings: (o) => strings.at(o) }))
  return { elf, btf, strings, extBytes, ext }
}

const OBJECTS: ReadonlyArray<[string, string]> = [
  ["rx_fields.o", "rx_fields.bpf.c"],
  ["rx_fields.bpfeb.o", "rx_fields.bpf.c"],
  ["rx_types.o", "rx_types.bpf.c"],
  ["prune.o", "prune.bpf.c"],
  ["tm.o", "tm.bpf.c"],
  ["enum64.o", "enum64.bpf.c"],
  ["enum_signed.o", "enum_signed.bpf.c"]
]

describe("parseBtfExt on clang objects", () => {
  for (const [obj, source] of OBJECTS) {
    it(`${obj}: line_info points at the source lines, func_info at the program symbols`, () => {
      const { elf, btf, strings, ext } = load(obj)
      expect(ext.hdrLen).toBe(32)
      expect(ext.littleEndian).toBe(elf.littleEndian)
      const lines = readFileSync(join(TESTDATA, source), "utf8").split("\n")
      let checked = 0
      for (const sec of ext.lineInfo.sections) {
        expect(elf.sectionByName(sec.secName)).toBeDefined()
        for (const li of sec.records) {
          expect(strings.at(li.fileNameOff)).toBe(`./${source}`)
          if (li.line === 0) continue // compiler-generated code has no line
          expect(strings.at(li.lineOff)).toBe(lines[li.line - 1])
          expect(li.col).toBeLessThanOrEqual(lines[li.line - 1]!.length + 1)
          checked++
        }
      }
      expect(checked).toBeGreaterThan(0)
      const funcs = elf.symbols.filter((s) => s.type === 2)
      const infos = ext.funcInfo.sections.flatMap((s) => s.records.map((r) => ({ sec: s.secName, ...r })))
      expect(infos.length).toBe(funcs.length)
      for (const fi of infos) {
        const t = btf.typeById(fi.typeId)
        expect(t?.kind).toBe(BtfKind.Func)
        const sym = funcs.find((s) => s.name === (t as { name: string }).name)!
        expect(elf.sections[sym.shndx]!.name).toBe(fi.sec)
        expect(fi.insnOff).toBe(sym.value)
      }
    })
  }

  it("the big-endian object has the same func/line records as the little-endian one", () => {
    const le = load("rx_fields.o").ext
    const be = load("rx_fields.bpfeb.o").ext
    const shape = (e: BtfExt) => ({
      func: e.funcInfo.sections.map((s) => [s.secName, s.records.length]),
      line: e.lineInfo.sections.map((s) => [s.secName, s.records.map((r) => r.line)]),
      coreKinds: e.coreRelo.sections.map((s) => [s.secName, new Set(s.records.map((r) => `${r.accessStr}/${r.kind}`))])
    })
    expect(shape(be).func).toEqual(shape(le).func)
    expect(shape(be).coreKinds).toEqual(shape(le).coreKinds)
    expect(be.littleEndian).toBe(false)
  })

  describe("core_relo counts match libbpf's", () => {
    let oracle = ""
    beforeAll(() => {
      oracle = buildOracle()
    })
    for (const [obj] of OBJECTS.filter(([o]) => !o.includes("bpfeb"))) {
      it(obj, () => {
        const { ext } = load(obj)
        const run = runOracle(oracle, obj, "t_same.btf")
        const libbpf = run.log.flatMap((l) => {
          const m = /^sec '([^']+)': found (\d+) CO-RE relocations$/.exec(l)
          return m === null ? [] : [[m[1]!, Number(m[2])] as const]
        })
        expect(ext.coreRelo.sections.map((s) => [s.secName, s.records.length] as const)).toEqual(libbpf)
      })
    }
  })
})

/** A .BTF.ext blob built by hand (little-endian) for the bad-input cases. */
const blob = (opts: {
  hdrLen?: number
  magic?: number
  version?: number
  flags?: number
  func?: { off: number; len: number }
  core?: { off: number; len: number }
  body: ReadonlyArray<number>
}): Uint8Array => {
  const hdrLen = opts.hdrLen ?? 32
  const out = new Uint8Array(hdrLen + opts.body.length * 4)
  const v = new DataView(out.buffer)
  v.setUint16(0, opts.magic ?? 0xeb9f, true)
  out[2] = opts.version ?? 1
  out[3] = opts.flags ?? 0
  v.setUint32(4, hdrLen, true)
  const fields = [opts.func?.off ?? 0, opts.func?.len ?? 0, 0, 0, opts.core?.off ?? 0, opts.core?.len ?? 0]
  fields.forEach((f, i) => {
    if (8 + i * 4 + 4 <= hdrLen) v.setUint32(8 + i * 4, f, true)
  })
  opts.body.forEach((w, i) => v.setUint32(hdrLen + i * 4, w, true))
  return out
}

describe("parseBtfExt on bad bytes", () => {
  const okFunc = [8, 1, 1, 0, 5] // rec_size 8, sec_name_off 1, num_info 1, {insn_off 0, type_id 5}
  it("a well-formed hand-made blob parses", () => {
    const r = Result.getOrThrow(parseBtfExt(blob({ func: { off: 0, len: 20 }, body: okFunc })))
    expect(r.funcInfo.sections).toEqual([{ secNameOff: 1, secName: "", records: [{ insnOff: 0, typeId: 5 }] }])
  })
  const cases: Array<[string, Uint8Array, string, "EINVAL" | "ENOTSUP"]> = [
    ["shorter than hdr_len's end", new Uint8Array([0x9f, 0xeb, 1, 0, 32]), "BTF.ext header not found", "EINVAL"],
    ["hdr_len past the end", blob({ hdrLen: 32, body: [] }).slice(0, 28), "BTF.ext header not found", "EINVAL"],
    ["bad magic", blob({ magic: 0x1234, body: okFunc }), "Invalid BTF.ext magic", "EINVAL"],
    ["version 2", blob({ version: 2, body: okFunc }), "Unsupported BTF.ext version", "ENOTSUP"],
    ["flags set", blob({ flags: 1, body: okFunc }), "Unsupported BTF.ext flags", "ENOTSUP"],
    ["no data after the header", blob({ body: [] }), "BTF.ext has no data", "EINVAL"],
    ["hdr_len < 24", blob({ hdrLen: 20, body: okFunc }), "too short", "EINVAL"],
    ["misaligned func_info", blob({ func: { off: 2, len: 20 }, body: [0, ...okFunc] }), "not aligned to 4 bytes", "EINVAL"],
    ["func_info past the end", blob({ func: { off: 0, len: 400 }, body: okFunc }), "beyond the end of the ELF section", "EINVAL"],
    ["no room for rec_size", blob({ func: { off: 0, len: 2 }, body: okFunc }), "record size not found", "EINVAL"],
    ["rec_size below the minimum", blob({ func: { off: 0, len: 20 }, body: [4, 1, 1, 0, 5] }), "invalid record size 4", "EINVAL"],
    [
      "rec_size not a multiple of 4",
      blob({ func: { off: 0, len: 24 }, body: [10, 1, 1, 0, 5, 0] }),
      "invalid record size 10",
      "EINVAL"
    ],
    ["rec_size only, no records", blob({ func: { off: 0, len: 4 }, body: okFunc }), "has no records", "EINVAL"],
    ["num_info 0", blob({ func: { off: 0, len: 12 }, body: [8, 1, 0] }), "incorrect num_records", "EINVAL"],
    [
      "num_info past the subsection",
      blob({ func: { off: 0, len: 20 }, body: [8, 1, 2, 0, 5] }),
      "incorrect num_records",
      "EINVAL"
    ],
    [
      "num_info that overflows 32 bits",
      blob({ func: { off: 0, len: 20 }, body: [8, 1, 0x20000001, 0, 5] }),
      "incorrect num_records",
      "EINVAL"
    ],
    [
      "section header cut short",
      blob({ func: { off: 0, len: 24 }, body: [...okFunc, 1] }),
      "section header is not found",
      "EINVAL"
    ],
    [
      "core_relo rec_size below 16",
      blob({ core: { off: 0, len: 24 }, body: [12, 1, 1, 0, 5, 1] }),
      "core_relo section in .BTF.ext has invalid record size 12",
      "EINVAL"
    ]
  ]
  for (const [name, bytes, reason, errno] of cases) {
    it(name, () => {
      const r = parseBtfExt(bytes)
      expect(Result.isFailure(r)).toBe(true)
      if (Result.isFailure(r)) {
        expect(r.failure).toBeInstanceOf(BtfExtError)
        expect(r.failure.reason).toContain(reason)
        expect(r.failure.errno).toBe(errno)
      }
    })
  }
  it("a section name or access string outside the string section", () => {
    const strings = (o: number) => (o < 4 ? ["", "xdp", "", ""][o] : undefined)
    const badSec = parseBtfExt(blob({ func: { off: 0, len: 20 }, body: [8, 9, 1, 0, 5] }), { strings })
    expect(Result.isFailure(badSec) && badSec.failure.reason).toContain("section name offset")
    const badAccess = parseBtfExt(blob({ core: { off: 0, len: 28 }, body: [16, 1, 1, 0, 5, 99, 0] }), { strings })
    expect(Result.isFailure(badAccess) && badAccess.failure.reason).toContain("access_str_off")
  })
  it("every truncation of a real .BTF.ext is a typed error, never a throw", () => {
    const { extBytes } = load("rx_fields.o")
    for (let n = 0; n < extBytes.length; n++) {
      const r = parseBtfExt(extBytes.slice(0, n))
      expect(Result.isFailure(r)).toBe(true)
      if (Result.isFailure(r)) expect(r.failure).toBeInstanceOf(BtfExtError)
    }
  })
})
