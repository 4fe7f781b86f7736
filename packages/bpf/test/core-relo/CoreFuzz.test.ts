/**
 * Seeded fuzz over mutated real objects: ELF bytes, .BTF.ext bytes and the .BTF strings that
 * hold access strings are corrupted (byte/word overwrites, small integer tweaks, truncation),
 * then parseElf, bpfProgramsOf, parseBtfExt and the whole relocateObject pass must return a
 * Result (a typed error or a value) and never throw. Deterministic: a fixed seed per block.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { parseBtfExt } from "../../src/elf/BtfExt.js"
import { bpfProgramsOf, parseElf } from "../../src/elf/ElfObject.js"
import { relocateObject } from "../../src/core-relo/index.js"
import { TESTDATA } from "./oracle.js"

const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(TESTDATA, f)))

/** mulberry32: a small deterministic PRNG */
const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const OBJECTS = ["rx_fields.o", "rx_types.o", "prune.o", "tm.o", "rx_fields.bpfeb.o"].map(read)
const TARGET: Btf = Result.getOrThrow(decodeBtf(read("t_moved.btf")))

/** byte ranges of a section in the file, for targeted mutation */
const sectionRange = (bytes: Uint8Array, name: string): [number, number] => {
  const s = Result.getOrThrow(parseElf(bytes)).sectionByName(name)!
  return [s.offset, s.size]
}

const mutate = (src: Uint8Array, rnd: () => number, lo: number, len: number): Uint8Array => {
  const b = src.slice()
  const v = new DataView(b.buffer)
  const n = 1 + Math.floor(rnd() * 4)
  for (let i = 0; i < n; i++) {
    const at = lo + Math.floor(rnd() * Math.max(1, len - 4))
    const op = rnd()
    if (op < 0.35) b[at] = Math.floor(rnd() * 256)
    else if (op < 0.6) v.setUint32(at, Math.floor(rnd() * 0x100000000), rnd() < 0.5)
    else if (op < 0.85) b[at] = (b[at]! + (rnd() < 0.5 ? 1 : 255)) & 0xff
    else v.setUint32(at, [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 8, 16, 32][Math.floor(rnd() * 8)]!, true)
  }
  if (rnd() < 0.1) return b.slice(0, Math.floor(rnd() * b.length))
  return b
}

/**
 * Runs every parser and the relocator on `bytes`: "no-result" when one of them returned
 * something else, "relocator" when relocateObject got as far as the CO-RE pass, else "parsers".
 */
const exercise = (bytes: Uint8Array, relocate: boolean): "no-result" | "parsers" | "relocator" => {
  const elf = parseElf(bytes)
  if (!Result.isResult(elf)) return "no-result"
  if (Result.isSuccess(elf)) {
    if (!Result.isResult(bpfProgramsOf(elf.success))) return "no-result"
    const ext = elf.success.sectionByName(".BTF.ext")
    if (ext !== undefined && !Result.isResult(parseBtfExt(ext.data))) return "no-result"
  }
  if (!relocate) return "parsers"
  const r = relocateObject(bytes, TARGET)
  if (!Result.isResult(r)) return "no-result"
  return Result.isSuccess(r) || r.failure._tag.startsWith("Core") ? "relocator" : "parsers"
}

const run = (cases: number, seed: number, pick: (b: Uint8Array) => [number, number], relocateEvery: number) => {
  const rnd = prng(seed)
  let failures = 0
  let reachedRelocator = 0
  let firstFailure = ""
  for (let i = 0; i < cases; i++) {
    const src = OBJECTS[i % OBJECTS.length]!
    const [lo, len] = pick(src)
    const bytes = mutate(src, rnd, lo, len)
    try {
      const outcome = exercise(bytes, i % relocateEvery === 0)
      if (outcome === "no-result") {
        failures++
        firstFailure ||= `case ${i}: not a Result`
      }
      if (outcome === "relocator") reachedRelocator++
    } catch (e) {
      failures++
      firstFailure ||= `case ${i} (seed ${seed}): threw ${(e as Error).stack}`
    }
  }
  return { failures, firstFailure, reachedRelocator }
}

describe("fuzz: mutated real objects never make the ELF/.BTF.ext parsers or the relocator throw", () => {
  it("whole-file mutations (ELF headers, section table, symbols, code)", () => {
    const r = run(12_000, 0x5eed0001, (b) => [0, b.length], 8)
    expect(r.firstFailure).toBe("")
    expect(r.failures).toBe(0)
  })
  it(".BTF.ext mutations", () => {
    const r = run(12_000, 0x5eed0002, (b) => sectionRange(b, ".BTF.ext"), 3)
    expect(r.firstFailure).toBe("")
    expect(r.failures).toBe(0)
    // the mutations are not all stopped by the parser: many reach the CO-RE pass
    expect(r.reachedRelocator).toBeGreaterThan(1_000)
  })
  it(".BTF mutations (types and the access strings), relocated in full", () => {
    const r = run(3_000, 0x5eed0003, (b) => sectionRange(b, ".BTF"), 1)
    expect(r.firstFailure).toBe("")
    expect(r.failures).toBe(0)
    expect(r.reachedRelocator).toBeGreaterThan(300)
  })
})
