/** mlx5 real-time CQE timestamps (sec:nsec) to ns: exact against BigInt for every u32 pair. */
import { U64 } from "@devtx/core"
import { realTimeCyc2time } from "@devtx/drivers-mlx/internals"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

describe("realTimeCyc2time", () => {
  it("equals sec * NSEC_PER_SEC + nsec exactly (mod 2^64)", () => {
    const out = new U64()
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (sec, nsec) => {
        realTimeCyc2time(sec, nsec, out)
        const want = (BigInt(sec) * 1_000_000_000n + BigInt(nsec)) & ((1n << 64n) - 1n)
        expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(want)
      }),
      { numRuns: 20_000 }
    )
    realTimeCyc2time(0xffffffff, 0xffffffff, out)
    expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(0xffffffffn * 1_000_000_000n + 0xffffffffn)
  })
})
