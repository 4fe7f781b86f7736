/**
 * Seeded fuzz: 100 000 mutated blobs (bit flips, truncations, splices of real blobs, random u32
 * writes into headers and type records, header fields set to boundary values) built from the
 * committed fixtures and the kernel base BTF. Every outcome must be a Btf or a typed BtfError:
 * never a throw, never the internal-defect error, never a hang (the test's own timeout). When a
 * mutant decodes, it must also re-encode and decode to the same types.
 */
import { Result } from "effect"
import { expect, test } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { encodeBtf } from "../../src/btf/BtfEncoder.js"
import { decodeOrThrow, fixtureBytes } from "./btfTestTools.js"

/** xorshift32: deterministic across runs and machines */
const rng = (seed: number) => {
  let x = seed >>> 0 || 1
  return (n: number): number => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return n <= 0 ? 0 : x % n
  }
}

const ITERATIONS = 100_000
const BOUNDARY = [0, 1, 3, 4, 12, 23, 24, 25, 32, 0x7fffffff, 0x80000000, 0xffffffff, 0x00ffffff, 0x01000000, 0xfffff]

test(`${ITERATIONS} mutated blobs: always a Btf or a typed BtfError`, () => {
  const base = decodeOrThrow(fixtureBytes("base.btf"))
  const corpus: ReadonlyArray<{ bytes: Uint8Array; base?: Btf }> = [
    { bytes: fixtureBytes("layouts.btf") },
    { bytes: fixtureBytes("base.btf") },
    { bytes: fixtureBytes("split.btf"), base },
    { bytes: fixtureBytes("progs.bpfel.btf") },
    { bytes: fixtureBytes("progs.bpfeb.btf") }
  ]
  const r = rng(0xdeadbeef)
  const tags = new Map<string, number>()
  let decoded = 0
  for (let i = 0; i < ITERATIONS; i++) {
    const src = corpus[r(corpus.length)]!
    let b = src.bytes.slice()
    const ops = 1 + r(3)
    for (let o = 0; o < ops; o++) {
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
      switch (r(6)) {
        case 0: // bit flips
          for (let f = 1 + r(8); f > 0 && b.length > 0; f--) {
            const at = r(b.length)
            b[at] = b[at]! ^ (1 << r(8))
          }
          break
        case 1: // truncation
          b = b.slice(0, r(b.length + 1))
          break
        case 2: {
          // splice: a prefix of this blob and a suffix of another
          const other = corpus[r(corpus.length)]!.bytes
          const cut = r(b.length + 1)
          const from = r(other.length + 1)
          const out = new Uint8Array(cut + other.length - from)
          out.set(b.subarray(0, cut))
          out.set(other.subarray(from), cut)
          b = out
          break
        }
        case 3: // random u32 into the header
          if (b.length >= 24)
            dv.setUint32(4 * r(6), r(2) === 0 ? r(0x7fffffff) * 2 + r(2) : BOUNDARY[r(BOUNDARY.length)]!, r(2) === 0)
          break
        case 4: // random u32 into the type section (aligned, as records are)
          if (b.length >= 28) {
            const at = 24 + 4 * r(Math.floor((b.length - 24) / 4))
            if (at + 4 <= b.length)
              dv.setUint32(at, r(3) === 0 ? BOUNDARY[r(BOUNDARY.length)]! : (r(0x10000) << 16) | r(0x10000), true)
          }
          break
        default: {
          // small random u32 (a plausible id / offset / vlen) anywhere aligned
          if (b.length >= 4) {
            const at = 4 * r(Math.floor(b.length / 4))
            dv.setUint32(at, r(64), true)
          }
        }
      }
    }
    const result = decodeBtf(b, src.base === undefined ? {} : { base: src.base })
    if (Result.isSuccess(result)) {
      decoded++
      const enc = encodeBtf(result.success)
      expect(Result.isSuccess(enc)).toBe(true)
      if (Result.isSuccess(enc)) {
        const again = decodeBtf(enc.success, src.base === undefined ? {} : { base: src.base })
        expect(Result.isSuccess(again) && again.success.types).toEqual(result.success.types)
      }
    } else {
      const tag = result.failure._tag
      tags.set(tag, (tags.get(tag) ?? 0) + 1)
      if (tag === "BtfInternalError") throw new Error(`decoder defect on mutant #${i}: ${result.failure.message}`)
    }
  }
  // the mutations reach every stage of the decoder
  for (const tag of ["BtfHeaderError", "BtfStringError", "BtfTypeError", "BtfReferenceError", "BtfLoopError"])
    expect(tags.get(tag) ?? 0, tag).toBeGreaterThan(0)
  expect(decoded).toBeGreaterThan(0)
}, 120_000)
