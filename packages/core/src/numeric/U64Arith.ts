/**
 * Exact unsigned 64-bit arithmetic on (hi, lo) u32 halves, for per-packet clock code (no BigInt
 * on the data path): the one implementation the mlx5 driver's timecounter, the inlined kfunc
 * conversions (kfuncs fast/InlineConversions.ts) and the raw programs' clock code share.
 *
 * Contract: every input half is a u32 (0 <= x < 2^32, an integer); every result wraps modulo 2^64
 * exactly as C `u64` does and is written as u32 halves into a caller-owned U64. Products go
 * through 16-bit limbs so every float64 intermediate stays below 2^53. No function allocates,
 * throws or reads anything but its arguments and a module-private limb scratch.
 *
 * The clock formulas these serve (include/linux/timecounter.h, and mlx5's real-time format):
 *   REAL_TIME_TO_NS:      ns = sec * NSEC_PER_SEC + nsec (drivers/net/ethernet/mellanox/mlx5/core/lib/clock.h)
 *   cyclecounter_cyc2ns:  ns = cycles * mult + *frac;  *frac = ns & ((1 << shift) - 1);  ns >> shift
 *   cc_cyc2ns_backwards:  ((cycles * mult) - frac) >> shift
 * both in u64 (wrapping) arithmetic.
 */

export class U64 {
  hi = 0
  lo = 0
}

const TWO32 = 0x1_0000_0000

/** out = hi:lo */
export const u64Set = (out: U64, hi: number, lo: number): void => {
  out.hi = hi >>> 0
  out.lo = lo >>> 0
}

/** out = a + b (mod 2^64) */
export const u64Add = (out: U64, aHi: number, aLo: number, bHi: number, bLo: number): void => {
  const lo = aLo + bLo
  const carry = lo >= TWO32 ? 1 : 0
  out.lo = (lo - carry * TWO32) >>> 0
  out.hi = (aHi + bHi + carry) >>> 0
}

/** out = a - b (mod 2^64) */
export const u64Sub = (out: U64, aHi: number, aLo: number, bHi: number, bLo: number): void => {
  const lo = aLo - bLo
  const borrow = lo < 0 ? 1 : 0
  out.lo = (lo + borrow * TWO32) >>> 0
  out.hi = (aHi - bHi - borrow) >>> 0
}

/** a > b, unsigned */
export const u64Gt = (aHi: number, aLo: number, bHi: number, bLo: number): boolean =>
  aHi > bHi || (aHi === bHi && aLo > bLo)

/** out = a >> s (logical), 0 <= s <= 63 */
export const u64Shr = (out: U64, aHi: number, aLo: number, s: number): void => {
  if (s === 0) {
    out.hi = aHi
    out.lo = aLo
  } else if (s < 32) {
    out.lo = ((aLo >>> s) | (aHi << (32 - s))) >>> 0
    out.hi = aHi >>> s
  } else {
    out.lo = aHi >>> (s - 32)
    out.hi = 0
  }
}

// four 16-bit limbs of a u64, least significant first
const limbs = new Float64Array(4)

/** carry the limbs into 16-bit digits; the carry out of limb 3 (weight 2^64) is the u64 wrap */
const carryLimbs = (): void => {
  let carry = 0
  for (let i = 0; i < 4; i++) {
    const v = limbs[i]! + carry
    const r = v % 65536
    limbs[i] = r
    carry = (v - r) / 65536
  }
}

/** limbs := a * m (not yet carried), a u64, m u32; the partial product at 2^64 is dropped */
const mulLimbs = (aHi: number, aLo: number, m: number): void => {
  const a0 = aLo & 0xffff
  const a1 = aLo >>> 16
  const a2 = aHi & 0xffff
  const a3 = aHi >>> 16
  const m0 = m & 0xffff
  const m1 = m >>> 16
  limbs[0] = a0 * m0
  limbs[1] = a1 * m0 + a0 * m1
  limbs[2] = a2 * m0 + a1 * m1
  limbs[3] = a3 * m0 + a2 * m1
}

const scratch = new U64()

/** carried limbs >> shift into out; the low `shift` bits into fracOut (0 <= shift <= 63) */
const shiftLimbs = (out: U64, fracOut: U64, shift: number): void => {
  const lo = limbs[0]! + limbs[1]! * 65536
  const hi = limbs[2]! + limbs[3]! * 65536
  u64Shr(out, hi, lo, shift)
  if (shift === 0) {
    fracOut.hi = 0
    fracOut.lo = 0
  } else if (shift < 32) {
    fracOut.hi = 0
    fracOut.lo = (lo & ((1 << shift) - 1)) >>> 0
  } else {
    fracOut.hi = shift === 32 ? 0 : (hi & ((1 << (shift - 32)) - 1)) >>> 0
    fracOut.lo = lo
  }
}

/**
 * out = ((a * m + addend) mod 2^64) >> shift, fracOut = the low `shift` bits of that sum:
 * cyclecounter_cyc2ns(cc, a, mask, &frac) with m = mult, addend = *frac (a u32), 0 <= shift <= 63.
 */
export const u64MulAddShift = (
  out: U64,
  fracOut: U64,
  aHi: number,
  aLo: number,
  m: number,
  addend: number,
  shift: number
): void => {
  mulLimbs(aHi, aLo, m)
  limbs[0] = limbs[0]! + (addend & 0xffff)
  limbs[1] = limbs[1]! + (addend >>> 16)
  carryLimbs()
  shiftLimbs(out, fracOut, shift)
}

/** out = ((a * m - sub) mod 2^64) >> shift: cc_cyc2ns_backwards with sub = frac (a u32), 0 <= shift <= 63 */
export const u64MulSubShift = (out: U64, aHi: number, aLo: number, m: number, sub: number, shift: number): void => {
  mulLimbs(aHi, aLo, m)
  // add 2^64 - sub (its two's complement); the carry out of limb 3 drops with the wrap
  limbs[0] = limbs[0]! + (65536 - (sub & 0xffff))
  limbs[1] = limbs[1]! + (65535 - (sub >>> 16))
  limbs[2] = limbs[2]! + 65535
  limbs[3] = limbs[3]! + 65535
  carryLimbs()
  shiftLimbs(out, scratch, shift)
}

/** out = a * b + c (mod 2^64), a and b u32, c u64: e.g. REAL_TIME_TO_NS(sec, nsec) = sec * NSEC_PER_SEC + nsec */
export const u64MulU32AddU64 = (out: U64, a: number, b: number, cHi: number, cLo: number): void => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  limbs[0] = a0 * b0 + (cLo & 0xffff)
  limbs[1] = a1 * b0 + a0 * b1 + (cLo >>> 16)
  limbs[2] = a1 * b1 + (cHi & 0xffff)
  limbs[3] = cHi >>> 16
  carryLimbs()
  out.lo = limbs[0]! + limbs[1]! * 65536
  out.hi = limbs[2]! + limbs[3]! * 65536
}

/** NSEC_PER_SEC (include/vdso/time64.h) split at 2^16: 1e9 = 15258 * 2^16 + 51712 */
const NSEC_HI16 = 15258
const NSEC_LO16 = 51712

/**
 * out = sec * NSEC_PER_SEC + nsec, sec and nsec u32: REAL_TIME_TO_NS(sec, nsec), what
 * mlx5_real_time_cyc2time computes from a real-time CQE stamp. The one conversion the mlx5
 * driver, the inlined kfuncs and the raw programs (and their benchmark floors) all call, so no
 * style pays for a different conversion. Exact with float64 partial products (no limb loop):
 * every intermediate stays below 2^53; the result is below 2^62 + 2^32, so it never wraps.
 */
export const u64SecNsecToNs = (out: U64, sec: number, nsec: number): void => {
  const low = sec * NSEC_LO16 + nsec // < 2^48 + 2^32, weight 1
  const high = sec * NSEC_HI16 // < 2^46, weight 2^16
  const highHi = Math.floor(high / 65536) // weight 2^32
  const z = (high - highHi * 65536) * 65536 + low // < 2^50
  const carry = Math.floor(z / TWO32)
  out.hi = (highHi + carry) >>> 0
  out.lo = z - carry * TWO32
}
