/**
 * The raw program's clock conversion (mlx5RawStampToNs, on core's u64 arithmetic, itself checked
 * against BigInt in core test/numeric) against the mlx5 driver's timecounter
 * (drivers-mlx Mlx5Timecounter.cyc2time, the kfunc's converter).
 * Inside the clock-info snapshot's overflow window the raw conversion equals the driver's; beyond
 * it the raw program answers -ERANGE rather than a wrapped value.
 */
import { Errno, U64 } from "@devtx/core"
import { defaultMlx5Config, initMlx5Timecounter, Mlx5Timecounter } from "@devtx/drivers-mlx/internals"
import { mlx5RawRodataFromConfig, mlx5RawStampToNs } from "@devtx/programs"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const M64 = (1n << 64n) - 1n
const big = (o: { hi: number; lo: number }) => (BigInt(o.hi) << 32n) | BigInt(o.lo)

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
          const out = new U64()
          const rc = mlx5RawStampToNs(rodata, Number(ts >> 32n), Number(ts & 0xffffffffn), out, new U64())
          const want = new U64()
          tc.cyc2time(Number(ts >> 32n), Number(ts & 0xffffffffn), want)
          expect([rc, big(out)]).toEqual([0, big(want)])
        })
      )
      const far = start + window + 1n
      expect(mlx5RawStampToNs(rodata, Number(far >> 32n), Number(far & 0xffffffffn), new U64(), new U64())).toBe(-Errno.ERANGE)
    })
  }
})
