/**
 * Exact unsigned 64-bit arithmetic on (hi, lo) u32 halves, for the per-packet clock code (no
 * BigInt on the data path). Results wrap modulo 2^64 exactly as C `u64` does. Multiplications go
 * through 16-bit limbs so every intermediate float64 stays below 2^53.
 *
 * All functions write into a caller-owned `U64` and allocate nothing.
 */

export class U64 {
  hi = 0
  lo = 0
}

const TWO32 = 0x1_0000_0000

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

// limb scratch: little-endian 16-bit limbs of a 128-bit value
const limbs = new Float64Array(8)

const normalize = (): void => {
  let carry = 0
  for (let i = 0; i < 8; i++) {
    const v = limbs[i]! + carry
    const r = v % 65536
    limbs[i] = r
    carry = (v - r) / 65536
  }
}

/**
 * out = ((a * m + addend) mod 2^64) >> shift, and `fracOut.lo` = the low `shift` bits of the
 * wrapped sum (shift <= 32; `addend` < 2^32): the kernel's cyclecounter_cyc2ns(cc, cycles, mask,
 * &frac) with a = cycles, m = mult, addend = *frac, all in u64.
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
  const a0 = aLo & 0xffff
  const a1 = aLo >>> 16
  const a2 = aHi & 0xffff
  const a3 = aHi >>> 16
  const m0 = m & 0xffff
  const m1 = m >>> 16
  limbs[0] = a0 * m0 + (addend & 0xffff)
  limbs[1] = a1 * m0 + a0 * m1 + (addend >>> 16)
  limbs[2] = a2 * m0 + a1 * m1
  limbs[3] = a3 * m0 + a2 * m1
  limbs[4] = a3 * m1
  limbs[5] = 0
  limbs[6] = 0
  limbs[7] = 0
  normalize()
  // u64 wrap: keep limbs 0..3
  shiftOut(out, fracOut, shift)
}

/** out = ((a * m - sub) mod 2^64) >> shift (cc_cyc2ns_backwards); fracOut unused-safe. */
export const u64MulSubShift = (out: U64, aHi: number, aLo: number, m: number, sub: number, shift: number): void => {
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
  limbs[4] = a3 * m1
  limbs[5] = 0
  limbs[6] = 0
  limbs[7] = 0
  normalize()
  // subtract `sub` (< 2^32) modulo 2^64 on limbs 0..3
  let borrow = 0
  for (let i = 0; i < 4; i++) {
    const part = i === 0 ? sub & 0xffff : i === 1 ? sub >>> 16 : 0
    let v = limbs[i]! - part - borrow
    borrow = 0
    if (v < 0) {
      v += 65536
      borrow = 1
    }
    limbs[i] = v
  }
  shiftOut(out, scratchFrac, shift)
}

const scratchFrac = new U64()

const shiftOut = (out: U64, fracOut: U64, shift: number): void => {
  const lo = limbs[0]! + limbs[1]! * 65536
  const hi = limbs[2]! + limbs[3]! * 65536
  // value = hi * 2^32 + lo (u64), shift in [0, 32]
  if (shift === 0) {
    out.hi = hi
    out.lo = lo
    fracOut.hi = 0
    fracOut.lo = 0
    return
  }
  if (shift === 32) {
    out.hi = 0
    out.lo = hi
    fracOut.hi = 0
    fracOut.lo = lo
    return
  }
  const p = 2 ** shift
  const loFrac = lo % p
  const hiLowBits = hi % p
  out.hi = (hi - hiLowBits) / p
  out.lo = ((lo - loFrac) / p + hiLowBits * 2 ** (32 - shift)) >>> 0
  fracOut.hi = 0
  fracOut.lo = loFrac
}

/** out = a (u32) * b (u32) + c (u64 hi:lo), mod 2^64 */
export const u64MulU32AddU64 = (out: U64, a: number, b: number, cHi: number, cLo: number): void => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  limbs[0] = a0 * b0 + (cLo & 0xffff)
  limbs[1] = a1 * b0 + a0 * b1 + (cLo >>> 16)
  limbs[2] = a1 * b1 + (cHi & 0xffff)
  limbs[3] = cHi >>> 16
  limbs[4] = 0
  limbs[5] = 0
  limbs[6] = 0
  limbs[7] = 0
  normalize()
  out.lo = limbs[0]! + limbs[1]! * 65536
  out.hi = limbs[2]! + limbs[3]! * 65536
}
