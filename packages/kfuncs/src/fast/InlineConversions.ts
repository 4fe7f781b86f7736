/**
 * The declared 64-bit timestamp conversions an inline description may name (core
 * placement/InlineMetadataOps.ts InlineConversion); the inlining loader (InlineCompiler.ts) passes
 * these functions to the code it generates — descriptions choose one by name, they never supply
 * code. Every input is a u32; every result is a u64 written as two u32 halves into the caller's
 * U64Out. Exact modulo 2^64 like the kernel's u64 arithmetic: products go through 16-bit limbs (or,
 * for sec * 1e9, a 2^16 split of the constant) so every float64 intermediate stays below 2^53.
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

export class U64Out {
  hi = 0
  lo = 0
}

/** NSEC_PER_SEC (include/vdso/time64.h) */
const NSEC_PER_SEC = 1_000_000_000
const TWO32 = 0x1_0000_0000

// four 16-bit limbs of a u64, least significant first, plus overflow room for products
const limbs = new Float64Array(6)

const normalize = (): void => {
  let carry = 0
  for (let i = 0; i < 6; i++) {
    const v = limbs[i]! + carry
    const r = v - Math.floor(v / 65536) * 65536
    limbs[i] = r
    carry = (v - r) / 65536
  }
}

/** limbs := (hi:lo * m) mod 2^64, m a u32 */
const mulU64U32 = (hi: number, lo: number, m: number): void => {
  const a0 = lo & 0xffff
  const a1 = lo >>> 16
  const a2 = hi & 0xffff
  const a3 = hi >>> 16
  const m0 = m & 0xffff
  const m1 = m >>> 16
  limbs[0] = a0 * m0
  limbs[1] = a1 * m0 + a0 * m1
  limbs[2] = a2 * m0 + a1 * m1
  limbs[3] = a3 * m0 + a2 * m1
  limbs[4] = 0 // a3 * m1 lands at 2^64 and beyond: dropped by the u64 wrap
  limbs[5] = 0
  normalize()
}

/** limbs := limbs + v (u32), mod 2^64 */
const addU32 = (v: number): void => {
  limbs[0] = limbs[0]! + (v & 0xffff)
  limbs[1] = limbs[1]! + (v >>> 16)
  normalize()
}

/** limbs := limbs - v (u32), mod 2^64 */
const subU32 = (v: number): void => {
  // add 2^64 - v: the two's complement, then drop the carry out of limb 3
  limbs[0] = limbs[0]! + (65536 - (v & 0xffff))
  limbs[1] = limbs[1]! + (65535 - (v >>> 16))
  limbs[2] = limbs[2]! + 65535
  limbs[3] = limbs[3]! + 65535
  normalize()
}

const limbsHi = (): number => limbs[2]! + limbs[3]! * 65536
const limbsLo = (): number => limbs[0]! + limbs[1]! * 65536

/** (hi:lo) >> s for s in 0..63, into out */
const shr = (out: U64Out, hi: number, lo: number, s: number): void => {
  if (s === 0) {
    out.hi = hi
    out.lo = lo
  } else if (s < 32) {
    out.lo = ((lo >>> s) | (hi << (32 - s))) >>> 0
    out.hi = hi >>> s
  } else {
    out.lo = hi >>> (s - 32)
    out.hi = 0
  }
}

const add64 = (out: U64Out, aHi: number, aLo: number, bHi: number, bLo: number): void => {
  const lo = aLo + bLo
  const carry = lo >= TWO32 ? 1 : 0
  out.lo = lo - carry * TWO32
  out.hi = (aHi + bHi + carry) >>> 0
}

const sub64 = (out: U64Out, aHi: number, aLo: number, bHi: number, bLo: number): void => {
  const lo = aLo - bLo
  const borrow = lo < 0 ? 1 : 0
  out.lo = lo + borrow * TWO32
  out.hi = (aHi - bHi - borrow) >>> 0
}

// NSEC_PER_SEC split at 2^16: 1e9 = NSEC_HI16 * 2^16 + NSEC_LO16
const NSEC_HI16 = Math.floor(NSEC_PER_SEC / 65536) // 15258
const NSEC_LO16 = NSEC_PER_SEC - NSEC_HI16 * 65536 // 51712

/**
 * sec * NSEC_PER_SEC + nsec, exact with float64 partial products (no limb loop: this is the
 * per-packet hot conversion of mlx5's real-time clock): every intermediate stays below 2^53.
 * The result is below 2^62 + 2^32, so no u64 wrap can occur.
 */
export const secNsecToNs = (out: U64Out, sec: number, nsec: number): void => {
  const low = sec * NSEC_LO16 + nsec // < 2^48 + 2^32, weight 1
  const high = sec * NSEC_HI16 // < 2^46, weight 2^16
  const highHi = Math.floor(high / 65536) // weight 2^32
  const z = (high - highHi * 65536) * 65536 + low // < 2^50
  const carry = Math.floor(z / TWO32)
  out.hi = (highHi + carry) >>> 0
  out.lo = z - carry * TWO32
}

const scratch = new U64Out()

/** timecounter_cyc2time; the mask is CLOCKSOURCE_MASK(maskBits), 33 <= maskBits <= 64 */
export const timecounterCyc2time = (
  out: U64Out,
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
  sub64(scratch, cyclesHi, cyclesLo, cycleLastHi, cycleLastLo)
  let dHi = (scratch.hi & maskHi) >>> 0
  let dLo = scratch.lo
  if (dHi >= halfHi) {
    sub64(scratch, cycleLastHi, cycleLastLo, cyclesHi, cyclesLo)
    dHi = (scratch.hi & maskHi) >>> 0
    dLo = scratch.lo
    mulU64U32(dHi, dLo, mult)
    subU32(frac)
    shr(scratch, limbsHi(), limbsLo(), shift)
    sub64(out, nsecHi, nsecLo, scratch.hi, scratch.lo)
  } else {
    mulU64U32(dHi, dLo, mult)
    addU32(frac)
    shr(scratch, limbsHi(), limbsLo(), shift)
    add64(out, nsecHi, nsecLo, scratch.hi, scratch.lo)
  }
}

/** ice_ptp_extend_32b_ts(cached, in32) */
export const extend32bTs = (out: U64Out, cachedHi: number, cachedLo: number, in32: number): void => {
  const delta = (in32 - cachedLo) >>> 0
  if (delta > 0x7fffffff) sub64(out, cachedHi, cachedLo, 0, (cachedLo - in32) >>> 0)
  else add64(out, cachedHi, cachedLo, 0, delta)
}
