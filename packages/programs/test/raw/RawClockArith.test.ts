/**
 * The raw programs' own clock arithmetic against independent implementations: BigInt u64 math,
 * and the mlx5 driver's timecounter (drivers-mlx Mlx5Timecounter.cyc2time, the kfunc's converter).
 * Inside the clock-info snapshot's overflow window the raw conversion equals the driver's; beyond
 * it the raw program answers -ERANGE rather than a wrapped value.
 */
import { Errno } from "@devtx/core"
import { defaultMlx5Config, initMlx5Timecounter, Mlx5Timecounter, U64 } from "@devtx/drivers-mlx"
import { mlx5RawRodataFromConfig, mlx5RawStampToNs, U64Out, u64MulShift, u64MulU32Add } from "@devtx/programs"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const M64 = (1n << 64n) - 1n
const u64 = fc.bigInt({ min: 0n, max: M64 })
const u32 = fc.integer({ min: 0, max: 0xffffffff })
const big = (o: { hi: number; lo: number }) => (BigInt(o.hi) << 32n) | BigInt(o.lo)

describe("raw u64 arithmetic == BigInt", () => {
  it("mul-shift with add/sub (cyclecounter_cyc2ns / cc_cyc2ns_backwards)", () => {
    fc.assert(
      fc.property(u64, u32, u32, u32, fc.integer({ min: 0, max: 32 }), (a, m, add, sub, shift) => {
        const out = new U64Out()
        u64MulShift(out, Number(a >> 32n), Number(a & 0xffffffffn), m, add, sub, shift)
        const want = ((((a * BigInt(m) + BigInt(add) - BigInt(sub)) % (1n << 64n)) + (1n << 64n)) % (1n << 64n)) >> BigInt(shift)
        expect(big(out)).toBe(want)
      })
    )
  })

  it("u32 * u32 + u64 (REAL_TIME_TO_NS)", () => {
    fc.assert(
      fc.property(u32, u32, u64, (a, b, c) => {
        const out = new U64Out()
        u64MulU32Add(out, a, b, Number(c >> 32n), Number(c & 0xffffffffn))
        expect(big(out)).toBe((BigInt(a) * BigInt(b) + c) & M64)
      })
    )
  })
})

describe("mlx5 raw stamp conversion == the driver's timecounter", () => {
  for (const khz of [156250, 1_000_000]) {
    it(`free-running, ${khz} kHz: within the window equal, beyond it -ERANGE`, () => {
      const cfg = { ...defaultMlx5Config, tsFormat: "free-running", deviceFrequencyKhz: khz }
      const rodata = mlx5RawRodataFromConfig(cfg)
      if (typeof rodata === "string") throw new Error(rodata)
      const tc = new Mlx5Timecounter()
      initMlx5Timecounter(tc, khz, BigInt(cfg.phcStartNs), BigInt(cfg.startCycles))
      const start = BigInt(cfg.startCycles)
      const window = (BigInt(rodata.clock.overflowCyclesHi) << 32n) | BigInt(rodata.clock.overflowCyclesLo)
      fc.assert(
        fc.property(fc.bigInt({ min: -window, max: window }), (d) => {
          const ts = (start + d) & M64
          const out = new U64Out()
          const rc = mlx5RawStampToNs(rodata, Number(ts >> 32n), Number(ts & 0xffffffffn), out, new U64Out())
          const want = new U64()
          tc.cyc2time(Number(ts >> 32n), Number(ts & 0xffffffffn), want)
          expect([rc, big(out)]).toEqual([0, big(want)])
        })
      )
      const far = start + window + 1n
      expect(mlx5RawStampToNs(rodata, Number(far >> 32n), Number(far & 0xffffffffn), new U64Out(), new U64Out())).toBe(-Errno.ERANGE)
    })
  }
})
