/**
 * The raw programs' own unsigned 64-bit arithmetic on (hi, lo) u32 halves, for turning a NIC's
 * raw clock value into nanoseconds without BigInt on the per-packet path. Results wrap modulo
 * 2^64 as C `u64` does. Products go through 16-bit limbs so every float64 stays below 2^53.
 *
 * A raw program carries this itself: with kfuncs the driver does the conversion
 * (mlx5e_cqe_ts_to_ns); in the raw design every program that wants nanoseconds from an mlx5 CQE
 * has to redo it (one more piece of the per-NIC cost).
 *
 * Every function writes into a caller-owned U64Out and allocates nothing.
 */

export class U64Out {
  hi = 0
  lo = 0
}

const TWO32 = 0x1_0000_0000
const limbs = new Float64Array(6)

const carryLimbs = (n: number): void => {
  let carry = 0
  for (let i = 0; i < n; i++) {
    const v = limbs[i]! + carry
    const r = v % 65536
    limbs[i] = r
    carry = (v - r) / 65536
  }
}

/** out = a + b (mod 2^64) */
export const u64Add = (out: U64Out, aHi: number, aLo: number, bHi: number, bLo: number): void => {
  const lo = aLo + bLo
  const c = lo >= TWO32 ? 1 : 0
  out.lo = (lo - c * TWO32) >>> 0
  out.hi = (aHi + bHi + c) >>> 0
}

/** out = a - b (mod 2^64) */
export const u64Sub = (out: U64Out, aHi: number, aLo: number, bHi: number, bLo: number): void => {
  const lo = aLo - bLo
  const b = lo < 0 ? 1 : 0
  out.lo = (lo + b * TWO32) >>> 0
  out.hi = (aHi - bHi - b) >>> 0
}

/** out = a (u32) * b (u32) + c (u64) (mod 2^64): REAL_TIME_TO_NS(sec, nsec) = sec * NSEC_PER_SEC + nsec */
export const u64MulU32Add = (out: U64Out, a: number, b: number, cHi: number, cLo: number): void => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  limbs[0] = a0 * b0 + (cLo & 0xffff)
  limbs[1] = a1 * b0 + a0 * b1 + (cLo >>> 16)
  limbs[2] = a1 * b1 + (cHi & 0xffff)
  limbs[3] = cHi >>> 16
  carryLimbs(4)
  out.lo = limbs[0]! + limbs[1]! * 65536
  out.hi = limbs[2]! + limbs[3]! * 65536
}

/**
 * out = ((a * m + add - sub) mod 2^64) >> shift, a u64, m/add/sub u32, 0 <= shift <= 32:
 * cyclecounter_cyc2ns (add = frac) and cc_cyc2ns_backwards (sub = frac) of include/linux/timecounter.h.
 */
export const u64MulShift = (out: U64Out, aHi: number, aLo: number, m: number, add: number, sub: number, shift: number): void => {
  const a0 = aLo & 0xffff
  const a1 = aLo >>> 16
  const a2 = aHi & 0xffff
  const a3 = aHi >>> 16
  const m0 = m & 0xffff
  const m1 = m >>> 16
  // + 2^64 keeps the subtraction non-negative; it vanishes in the mod 2^64 below
  limbs[0] = a0 * m0 + (add & 0xffff) - (sub & 0xffff)
  limbs[1] = a1 * m0 + a0 * m1 + (add >>> 16) - (sub >>> 16)
  limbs[2] = a2 * m0 + a1 * m1
  limbs[3] = a3 * m0 + a2 * m1
  limbs[4] = a3 * m1 + 1
  limbs[5] = 0
  // borrow-aware normalisation (limbs may be negative before carrying)
  let carry = 0
  for (let i = 0; i < 6; i++) {
    const v = limbs[i]! + carry
    const r = ((v % 65536) + 65536) % 65536
    limbs[i] = r
    carry = (v - r) / 65536
  }
  const lo = limbs[0]! + limbs[1]! * 65536
  const hi = limbs[2]! + limbs[3]! * 65536
  if (shift === 0) {
    out.hi = hi
    out.lo = lo
    return
  }
  if (shift === 32) {
    out.hi = 0
    out.lo = hi
    return
  }
  const p = 2 ** shift
  const hiLow = hi % p
  out.hi = (hi - hiLow) / p
  out.lo = ((lo - (lo % p)) / p + hiLow * 2 ** (32 - shift)) >>> 0
}
