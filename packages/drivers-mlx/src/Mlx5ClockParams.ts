/**
 * Control-plane set-up of the mlx5 free-running clock converter (BigInt allowed here): the
 * cyclecounter constants mlx5_timecounter_init derives from the device_frequency_khz capability,
 * timecounter_init, and the overflow watchdog bound of mlx5_init_overflow_period
 * (drivers/net/ethernet/mellanox/mlx5/core/lib/clock.c; include/linux/clocksource.h;
 * kernel/time/timecounter.c).
 */
import type { Mlx5Timecounter } from "./datapath/Mlx5Clock.js"

const U32_MAX = 0xffffffffn
/** NSEC_PER_MSEC */
const NSEC_PER_MSEC = 1_000_000n

/** ilog2 of a positive bigint */
const ilog2 = (v: bigint): number => v.toString(2).length - 1

/**
 * mlx5_ptp_shift_constant(dev_freq_khz) = min(ilog2(dev_freq_khz) + 16,
 * ilog2((U32_MAX / NSEC_PER_MSEC) * dev_freq_khz)) (lib/clock.c; replaced MLX5_CYCLES_SHIFT = 31
 * in 2023, "net/mlx5: Use a dynamic shift constant").
 */
export const mlx5PtpShiftConstant = (devFreqKhz: number): number =>
  Math.min(ilog2(BigInt(devFreqKhz)) + 16, ilog2((U32_MAX / NSEC_PER_MSEC) * BigInt(devFreqKhz)))

/** clocksource_khz2mult(khz, shift) = ((1000000 << shift) + khz / 2) / khz, truncated to u32. */
export const clocksourceKhz2mult = (khz: number, shift: number): number => {
  const k = BigInt(khz)
  return Number((((1_000_000n << BigInt(shift)) + k / 2n) / k) & U32_MAX)
}

/** overflow_cycles = min(div64_u64(~0ULL >> 1, mult), div_u64(mask, 3)) (mlx5_init_overflow_period). */
export const mlx5OverflowCycles = (mult: number): bigint => {
  const mask = (1n << 41n) - 1n
  const a = ((1n << 64n) - 1n) >> 1n
  const byMult = a / BigInt(mult)
  const byMask = mask / 3n
  return byMult < byMask ? byMult : byMask
}

/**
 * mlx5_timecounter_init + timecounter_init(&tc, &cycles, start_ns) with the counter at
 * `startCycles`, and the overflow bound.
 */
export const initMlx5Timecounter = (tc: Mlx5Timecounter, devFreqKhz: number, startNs: bigint, startCycles: bigint): void => {
  tc.shift = mlx5PtpShiftConstant(devFreqKhz)
  tc.mult = clocksourceKhz2mult(devFreqKhz, tc.shift)
  tc.cycleLastHi = Number((startCycles >> 32n) & U32_MAX)
  tc.cycleLastLo = Number(startCycles & U32_MAX)
  tc.nsecHi = Number((startNs >> 32n) & U32_MAX)
  tc.nsecLo = Number(startNs & U32_MAX)
  tc.frac = 0
  const oc = mlx5OverflowCycles(tc.mult)
  tc.overflowCyclesHi = Number((oc >> 32n) & U32_MAX)
  tc.overflowCyclesLo = Number(oc & U32_MAX)
}
