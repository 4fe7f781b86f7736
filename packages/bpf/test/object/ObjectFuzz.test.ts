/**
 * 10,000 mutated objects (fast-check, fixed seed): flipped bytes, truncations, corrupted section
 * headers, symbols and relocations of the fixture objects (both byte orders, CO-RE with a target).
 * Every one must give a loaded object or one of the loader's typed errors: never a throw, never
 * a hang. Runs in a few seconds.
 */
import { Result } from "effect"
import fc from "fast-check"
import { expect, test } from "vitest"
import { BtfBuilder } from "../../src/btf/BtfBuilder.js"
import { parseElf } from "../../src/elf/ElfObject.js"
import { fixture, tryLoad } from "./objectTestTools.js"

const TAGS = new Set([
  "ElfError",
  "BtfHeaderError",
  "BtfStringError",
  "BtfTypeError",
  "BtfReferenceError",
  "BtfLoopError",
  "BtfInternalError",
  "BtfExtError",
  "ObjectFormatError",
  "ObjectLicenseError",
  "ObjectSectionError",
  "ObjectRelocationError",
  "ObjectMapError",
  "ObjectExternError",
  "ObjectCoreError"
])

const target = (() => {
  const b = new BtfBuilder()
  const u32 = b.addInt("unsigned int", 4)
  const u16 = b.addInt("short unsigned int", 2)
  b.addStruct("nic_rx_desc", 12, [
    { name: "rss_hash", type: u32, bitOffset: 32 },
    { name: "vlan_tci", type: u16, bitOffset: 64 }
  ])
  const r = b.build()
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success.btf
})()

const FILES = ["progs.o", "progs.bpfeb.o", "maps.o", "maps.bpfeb.o", "globals.o", "globals.bpfeb.o", "kfunc.o", "core.o"]
const corpus = FILES.map((f) => {
  const bytes = fixture(f)
  const elf = parseElf(bytes)
  if (Result.isFailure(elf)) throw new Error(elf.failure.message)
  const le = elf.success.littleEndian
  const shoff = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(40, le))
  const symtab = elf.success.sections.find((s) => s.type === 2)!
  const rels = elf.success.sections.filter((s) => s.type === 9 && s.name.startsWith(".rel") && !s.name.includes("debug"))
  return { bytes, le, shoff, shnum: elf.success.sections.length, symtab, rels }
})

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("shdr" as const),
    section: fc.nat(),
    field: fc.constantFrom(0, 4, 8, 24, 32, 40, 44, 56),
    value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 8, 9, 0xffffffff, 0x7fffffff), fc.nat())
  }),
  fc.record({ kind: fc.constant("sym" as const), sym: fc.nat(), field: fc.constantFrom(0, 4, 6, 8, 16), value: fc.nat() }),
  fc.record({ kind: fc.constant("rel" as const), rel: fc.nat(), entry: fc.nat(), field: fc.constantFrom(0, 8, 12), value: fc.nat() })
)

test("10,000 mutated objects: a loaded object or a typed error, never a throw", () => {
  const seen = new Map<string, number>()
  fc.assert(
    fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (fi, muts) => {
      const src = corpus[fi]!
      let b = src.bytes.slice()
      for (const m of muts) {
        const dv = new DataView(b.buffer)
        const put32 = (at: number, v: number) => {
          if (at >= 0 && at + 4 <= b.length) dv.setUint32(at, v >>> 0, src.le)
        }
        switch (m.kind) {
          case "flip":
            if (b.length > 0) b[m.at % b.length]! ^= 1 << m.bit
            break
          case "byte":
            if (b.length > 0) b[m.at % b.length] = m.value
            break
          case "truncate":
            b = b.slice(0, m.at % (b.length + 1))
            break
          case "shdr":
            put32(src.shoff + (m.section % src.shnum) * 64 + m.field, m.value)
            break
          case "sym": {
            const n = src.symtab.size / 24
            const at = src.symtab.offset + (m.sym % n) * 24 + m.field
            if (m.field === 4 || m.field === 6) {
              if (at + 2 <= b.length) dv.setUint16(at, m.value & 0xffff, src.le)
            } else put32(at, m.value)
            break
          }
          case "rel": {
            if (src.rels.length === 0) break
            const rel = src.rels[m.rel % src.rels.length]!
            const n = Math.max(1, rel.size / 16)
            put32(rel.offset + (m.entry % n) * 16 + m.field, m.field === 0 ? m.value % 4096 : m.value % 64)
            break
          }
        }
      }
      const r = tryLoad(b, { targetBtf: target, objectName: "fuzz" })
      const tag = Result.isSuccess(r) ? "loaded" : r.failure._tag
      if (Result.isFailure(r)) {
        expect(TAGS.has(tag)).toBe(true)
        expect(typeof r.failure.message).toBe("string")
      } else {
        for (const p of r.success.programs) expect(p.image.length).toBe(p.insns.length * 8)
      }
      seen.set(tag, (seen.get(tag) ?? 0) + 1)
    }),
    { seed: 0x0b1ec7, numRuns: 10_000 }
  )
  // the corpus reaches both outcomes and several error kinds
  expect(seen.get("loaded") ?? 0).toBeGreaterThan(100)
  expect([...seen.keys()].filter((k) => k !== "loaded").length).toBeGreaterThanOrEqual(5)
})
