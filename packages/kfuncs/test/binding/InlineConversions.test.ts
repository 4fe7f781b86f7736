/**
 * The declared conversions of the inline description language (fast/InlineConversions.ts)
 * against the kernel's formulas written out in BigInt u64 arithmetic (include/linux/timecounter.h
 * timecounter_cyc2time / cyclecounter_cyc2ns / cc_cyc2ns_backwards; mlx5 lib/clock.h
 * REAL_TIME_TO_NS; ice_ptp.c ice_ptp_extend_32b_ts), on random inputs across the whole u32/u64
 * ranges, plus the language's refusals for conversions and context words.
 */
import { U64 } from "@devtx/core"
import { extend32bTs, secNsecToNs, timecounterCyc2time } from "../../src/fast/InlineConversions.js"
import { compileCases, type InlineDescriptionError } from "@devtx/kfuncs"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const M64 = (1n << 64n) - 1n
const u64 = (o: U64): bigint => (BigInt(o.hi) << 32n) | BigInt(o.lo)
const hi = (v: bigint): number => Number((v >> 32n) & 0xffffffffn)
const lo = (v: bigint): number => Number(v & 0xffffffffn)

/** timecounter_cyc2time, verbatim in u64 */
const refCyc2time = (maskBits: number, cycles: bigint, mult: bigint, shift: bigint, frac: bigint, cycleLast: bigint, nsec: bigint): bigint => {
  const mask = maskBits === 64 ? M64 : (1n << BigInt(maskBits)) - 1n
  let delta = (cycles - cycleLast) & mask
  if (delta > mask / 2n) {
    delta = (cycleLast - cycles) & mask
    // cc_cyc2ns_backwards: ((cycles * mult) - frac) >> shift, u64
    const ns = (((delta * mult) & M64) - frac) & M64
    return (nsec - (ns >> shift)) & M64
  }
  // cyclecounter_cyc2ns: (cycles * mult + frac) >> shift, u64
  const ns = (((delta * mult) & M64) + frac) & M64
  return (nsec + (ns >> shift)) & M64
}

const u32 = fc.integer({ min: 0, max: 0xffffffff })
const u64a = fc.bigInt({ min: 0n, max: M64 })

describe("declared conversions == the kernel formulas (BigInt u64)", () => {
  it("sec-nsec-to-ns: sec * NSEC_PER_SEC + nsec", () => {
    const o = new U64()
    fc.assert(
      fc.property(u32, u32, (sec, nsec) => {
        secNsecToNs(o, sec, nsec)
        expect(u64(o)).toBe((BigInt(sec) * 1_000_000_000n + BigInt(nsec)) & M64)
      }),
      { numRuns: 5000 }
    )
  })

  it("timecounter-cyc2time, both directions, masks 33..64, shift 0..32", () => {
    const o = new U64()
    fc.assert(
      fc.property(
        fc.integer({ min: 33, max: 64 }),
        u64a,
        u32,
        fc.integer({ min: 0, max: 32 }),
        u32,
        u64a,
        u64a,
        fc.boolean(),
        (maskBits, cyclesRaw, mult, shift, fracRaw, cycleLast, nsec, near) => {
          // half the runs put the stamp within +-2^20 of cycle_last (the usual case), half anywhere
          const cycles = near ? (cycleLast + (cyclesRaw % (1n << 21n)) - (1n << 20n)) & M64 : cyclesRaw
          const frac = shift === 32 ? fracRaw : fracRaw % 2 ** shift
          timecounterCyc2time(o, maskBits, hi(cycles), lo(cycles), mult, shift, frac, hi(cycleLast), lo(cycleLast), hi(nsec), lo(nsec))
          expect(u64(o)).toBe(refCyc2time(maskBits, cycles, BigInt(mult), BigInt(shift), BigInt(frac), cycleLast, nsec))
        }
      ),
      { numRuns: 5000 }
    )
  })

  it("extend-32b-ts: ice_ptp_extend_32b_ts", () => {
    const o = new U64()
    fc.assert(
      fc.property(u64a, u32, (cached, in32) => {
        extend32bTs(o, hi(cached), lo(cached), in32)
        const phcLo = cached & 0xffffffffn
        const delta = (BigInt(in32) - phcLo) & 0xffffffffn
        const want = delta > 0x7fffffffn ? (cached - ((phcLo - BigInt(in32)) & 0xffffffffn)) & M64 : (cached + delta) & M64
        expect(u64(o)).toBe(want)
      }),
      { numRuns: 5000 }
    )
  })
})

describe("the language's refusals for its extensions", () => {
  const compile = (cases: unknown, members: ReadonlyArray<string> = ["hi", "lo"], driverFn?: (c: never, o: never) => number) =>
    compileCases({ driver: "t", op: "xmoRxTimestamp", locator: { view: "desc", offset: "descOff" }, members, desc: { cases } as never, driverFn })
  const reason = (r: ReturnType<typeof compile>) => (Result.isFailure(r) ? (r.failure as InlineDescriptionError).reason : "compiled")

  it("context paths are checked identifiers, 1..4 deep, no prototype plumbing", () => {
    for (const path of [[], ["a", "b", "c", "d", "e"], ["x; y"], ["__proto__"], ["constructor"], "pktCtx"]) {
      expect(reason(compile([{ tests: [{ context: path, mask: 1, when: "set" }], rc: -61, writes: {} }, { tests: [], rc: -61, writes: {} }]))).toBe(
        "a context path is 1..4 member names"
      )
    }
    expect((globalThis as Record<string, unknown>)["y"]).toBeUndefined()
  })

  it("a missing context member reads 0, never throws", () => {
    const r = compile([{ tests: [{ context: ["no", "such"], mask: 1, when: "clear" }], rc: -61, writes: {} }, { tests: [], rc: 0, writes: { hi: { constant: 1 }, lo: { constant: 2 } } }])
    if (Result.isFailure(r)) throw r.failure
    expect(r.success({ desc: new DataView(new ArrayBuffer(4)), descOff: 0 } as never, {} as never)).toBe(-61)
  })

  it("conversions: only declared names, only on timestamp ops, not mixed with writes; maskBits in range", () => {
    const conv = { op: "sec-nsec-to-ns", sec: { constant: 1 }, nsec: { constant: 2 } }
    expect(reason(compile([{ tests: [], rc: 0, writes: {}, convert: { op: "eval" } }]))).toMatch(/^unknown conversion/)
    expect(reason(compile([{ tests: [], rc: 0, writes: {}, convert: conv }], ["hash", "rssType"]))).toMatch(/only for the timestamp ops/)
    expect(reason(compile([{ tests: [], rc: 0, writes: { hi: { constant: 0 } }, convert: conv }]))).toMatch(/writes through its conversion only/)
    expect(reason(compile([{ tests: [], rc: 0, writes: {}, convert: { ...conv, op: "timecounter-cyc2time", maskBits: 65 } }]))).toBe(
      "timecounter maskBits must be 33..64"
    )
    expect(reason(compile([{ tests: [], rc: 0, writes: {}, convert: { op: "extend-32b-ts", cachedHi: { constant: 0 }, cachedLo: { constant: 0 } } }]))).toBe(
      "conversion input 'in32' missing"
    )
    expect(reason(compile([{ tests: [], rc: 0, writes: { hi: { constant: 0 }, lo: { constant: 0 } }, zeroRc: -61 }]))).toBe("zeroRc only with a conversion")
    const ok = compile([{ tests: [], rc: 0, writes: {}, convert: conv }])
    if (Result.isFailure(ok)) throw ok.failure
    const out = { hi: 0, lo: 0 }
    expect(ok.success({ desc: new DataView(new ArrayBuffer(4)), descOff: 0 } as never, out as never)).toBe(0)
    expect(out).toEqual({ hi: 0, lo: 1_000_000_002 })
  })

  it("delegation needs the driver's function and a bare case", () => {
    expect(reason(compile([{ tests: [], rc: 0, writes: {}, delegate: true }]))).toBe("a delegating case needs the driver's function for this op")
    const fn = (_c: never, o: never): number => {
      ;(o as { hi: number }).hi = 7
      return 0
    }
    expect(reason(compile([{ tests: [], rc: -61, writes: {}, delegate: true }], ["hi", "lo"], fn))).toBe("a delegating case has rc 0, no writes and no conversion")
    const ok = compile([{ tests: [], rc: 0, writes: {}, delegate: true }], ["hi", "lo"], fn)
    if (Result.isFailure(ok)) throw ok.failure
    const out = { hi: 0, lo: 0 }
    expect(ok.success({ desc: new DataView(new ArrayBuffer(4)), descOff: 0 } as never, out as never)).toBe(0)
    expect(out.hi).toBe(7)
  })
})
