/**
 * The declared 64-bit timestamp conversions an inline description may name (core
 * placement/InlineMetadataOps.ts InlineConversion); the inlining loader (InlineCompiler.ts) passes
 * these functions to the code it generates — descriptions choose one by name, they never supply
 * code. Every input is a u32; every result is a u64 written as two u32 halves into the caller's
 * U64 (core numeric/U64Arith.ts, whose exact u64 arithmetic these build on). sec * 1e9 has its own
 * path: a 2^16 split of the constant keeps every float64 intermediate below 2^53 without limbs.
 *
 * - secNsecToNs(sec, nsec): sec * NSEC_PER_SEC + nsec — REAL_TIME_TO_NS / mlx5_real_time_cyc2time
 *   (drivers/net/ethernet/mellanox/mlx5/core/lib/clock.h).
 * - timecounterCyc2time: timecounter_cyc2time (include/linux/timecounter.h):
 *     delta = (cycles - cycle_last) & mask
 *     delta > mask / 2:  nsec - ((((cycle_last - cycles) & mask) * mult - frac) >> shift)
 *                        (cc_cyc2ns_backwards)
 *     otherwise:         nsec + ((delta * mult + frac) >> shift)   (cyclecounter_cyc2ns)
 *   with mask = CLOCKSOURCE_MASK(maskBits) (include/linux/clocksource.h), maskBits 33..64.
 * - extend32bTs(cached, in32): ice_ptp_extend_32b_ts (drivers/net/ethernet/intel/ice/ice_ptp.c):
 *     delta = (u32)(in32 - (u32)cached); delta > U32_MAX/2 ? cached - (u32)((u32)cached - in32)
 *     : cached + delta.
 *
 * Per packet: no allocation, no exceptions, no BigInt.
 */
import { U64, u64Add, u64MulAddShift, u64MulSubShift, u64SecNsecToNs, u64Sub } from "@devtx/core"


/**
 * sec * NSEC_PER_SEC + nsec: core's u64SecNsecToNs, the same function the mlx5 driver and the raw
 * programs call (one conversion for every style).
 */
export const secNsecToNs = (out: U64, sec: number, nsec: number): void => u64SecNsecToNs(out, sec, nsec)

const scratch = new U64()
const fracScratch = new U64()

/** timecounter_cyc2time; the mask is CLOCKSOURCE_MASK(maskBits), 33 <= maskBits <= 64 */
export const timecounterCyc2time = (
  out: U64,
  maskBits: number,
  cyclesHi: number,
  cyclesLo: number,
  mult: number,
  shift: number,
  frac: number,
  cycleLastHi: number,
  cycleLastLo: number,
  nsecHi: number,
  nsecLo: number
): void => {
  const maskHi = maskBits === 64 ? 0xffffffff : 2 ** (maskBits - 32) - 1
  // mask / 2 = 2^(maskBits-1) - 1: delta > mask/2 <=> delta >= 2^(maskBits-1) <=> hi >= 2^(maskBits-33)
  const halfHi = 2 ** (maskBits - 33)
  u64Sub(scratch, cyclesHi, cyclesLo, cycleLastHi, cycleLastLo)
  let dHi = (scratch.hi & maskHi) >>> 0
  let dLo = scratch.lo
  if (dHi >= halfHi) {
    u64Sub(scratch, cycleLastHi, cycleLastLo, cyclesHi, cyclesLo)
    dHi = (scratch.hi & maskHi) >>> 0
    dLo = scratch.lo
    u64MulSubShift(scratch, dHi, dLo, mult, frac, shift)
    u64Sub(out, nsecHi, nsecLo, scratch.hi, scratch.lo)
  } else {
    u64MulAddShift(scratch, fracScratch, dHi, dLo, mult, frac, shift)
    u64Add(out, nsecHi, nsecLo, scratch.hi, scratch.lo)
  }
}

/** ice_ptp_extend_32b_ts(cached, in32) */
export const extend32bTs = (out: U64, cachedHi: number, cachedLo: number, in32: number): void => {
  const delta = (in32 - cachedLo) >>> 0
  if (delta > 0x7fffffff) u64Sub(out, cachedHi, cachedLo, 0, (cachedLo - in32) >>> 0)
  else u64Add(out, cachedHi, cachedLo, 0, delta)
}
