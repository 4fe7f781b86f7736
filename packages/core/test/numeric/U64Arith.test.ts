/**
 * The shared u64 arithmetic (numeric/U64Arith.ts) against BigInt written out as C's u64 would
 * compute it (include/linux/timecounter.h cyclecounter_cyc2ns / cc_cyc2ns_backwards), on random
 * inputs across the whole u32/u64 ranges and every shift the functions accept, plus the edges.
 */
import { U64, u64Add, u64Gt, u64MulAddShift, u64MulSubShift, u64MulU32AddU64, u64SecNsecToNs, u64Set, u64Shr, u64Sub } from "@devtx/core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const M64 = (1n << 64n) - 1n
const big = (o: U64): bigint => (BigInt(o.hi) << 32n) | BigInt(o.lo)
const hi = (v: bigint): number => Number(v >> 32n)
const lo = (v: bigint): number => Number(v & 0xffffffffn)
const u32 = fc.integer({ min: 0, max: 0xffffffff })
const edgeU64 = fc.constantFrom(0n, 1n, 0xffffffffn, 1n << 32n, 1n << 63n, M64, M64 - 1n)
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: M64 }), edgeU64)
const shift = fc.integer({ min: 0, max: 63 })

describe("u64 arithmetic == BigInt u64", () => {
  it("add, sub, compare wrap like C u64", () => {
    const o = new U64()
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        u64Add(o, hi(a), lo(a), hi(b), lo(b))
        expect(big(o)).toBe((a + b) & M64)
        u64Sub(o, hi(a), lo(a), hi(b), lo(b))
        expect(big(o)).toBe((a - b) & M64)
        expect(u64Gt(hi(a), lo(a), hi(b), lo(b))).toBe(a > b)
      }),
      { numRuns: 2000 }
    )
  })

  it("set normalises to u32 halves; shr is a logical shift for 0..63", () => {
    const o = new U64()
    u64Set(o, -1, -2)
    expect(big(o)).toBe(M64 - 1n)
    fc.assert(
      fc.property(u64, shift, (a, s) => {
        u64Shr(o, hi(a), lo(a), s)
        expect(big(o)).toBe(a >> BigInt(s))
      }),
      { numRuns: 2000 }
    )
  })

  it("mul-add-shift is cyclecounter_cyc2ns: value and frac", () => {
    const o = new U64()
    const f = new U64()
    fc.assert(
      fc.property(u64, u32, u32, shift, (a, m, add, s) => {
        u64MulAddShift(o, f, hi(a), lo(a), m, add, s)
        const ns = (a * BigInt(m) + BigInt(add)) & M64
        expect([big(o), big(f)]).toEqual([ns >> BigInt(s), ns & ((1n << BigInt(s)) - 1n)])
      }),
      { numRuns: 5000 }
    )
  })

  it("mul-sub-shift is cc_cyc2ns_backwards", () => {
    const o = new U64()
    fc.assert(
      fc.property(u64, u32, u32, shift, (a, m, sub, s) => {
        u64MulSubShift(o, hi(a), lo(a), m, sub, s)
        const ns = (((a * BigInt(m)) & M64) - BigInt(sub)) & M64
        expect(big(o)).toBe(ns >> BigInt(s))
      }),
      { numRuns: 5000 }
    )
  })

  it("u32 * u32 + u64 (REAL_TIME_TO_NS)", () => {
    const o = new U64()
    fc.assert(
      fc.property(u32, u32, u64, (a, b, c) => {
        u64MulU32AddU64(o, a, b, hi(c), lo(c))
        expect(big(o)).toBe((BigInt(a) * BigInt(b) + c) & M64)
      }),
      { numRuns: 5000 }
    )
  })

  it("sec * NSEC_PER_SEC + nsec (REAL_TIME_TO_NS, the shared fast path) equals the limb product", () => {
    const o = new U64()
    const ref = new U64()
    fc.assert(
      fc.property(u32, u32, (sec, nsec) => {
        u64SecNsecToNs(o, sec, nsec)
        u64MulU32AddU64(ref, sec, 1_000_000_000, 0, nsec)
        expect(big(o)).toBe(BigInt(sec) * 1_000_000_000n + BigInt(nsec))
        expect([o.hi, o.lo]).toEqual([ref.hi, ref.lo])
      }),
      { numRuns: 5000 }
    )
    u64SecNsecToNs(o, 0xffffffff, 0xffffffff)
    expect(big(o)).toBe(0xffffffffn * 1_000_000_000n + 0xffffffffn)
  })

  it("edges: the all-ones product, a zero multiplier, subtracting more than the product", () => {
    const o = new U64()
    const f = new U64()
    u64MulAddShift(o, f, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0)
    expect(big(o)).toBe((M64 * 0xffffffffn + 0xffffffffn) & M64)
    u64MulSubShift(o, 0, 0, 0, 1, 0)
    expect(big(o)).toBe(M64)
    u64MulSubShift(o, 0, 5, 0, 1, 63)
    expect(big(o)).toBe(1n)
  })
})
