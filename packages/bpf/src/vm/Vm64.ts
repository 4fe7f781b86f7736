/**
 * 64-bit integer operations on (hi, lo) u32 halves for the VM's ALU64 (no BigInt): the
 * multiplications and divisions that do not fit a couple of inline JS ops. Each writes its result
 * into `R64` ([0] = hi, [1] = lo); inputs are any JS numbers and are taken modulo 2^32.
 *
 * Semantics are the eBPF instruction set's (Documentation/bpf/standardization/instruction-set.rst,
 * kernel/bpf/core.c): unsigned DIV by 0 gives 0, unsigned MOD by 0 leaves the dividend; signed
 * SDIV/SMOD (cpu v4, off = 1) truncate toward zero, LLONG_MIN / -1 = LLONG_MIN, LLONG_MIN % -1 = 0,
 * SDIV by 0 gives 0 and SMOD by 0 leaves the dividend.
 */

/** result of the last operation: [hi, lo] */
export const R64 = new Uint32Array(2)

const TWO32 = 4294967296

/** high 32 bits of the u32 x u32 product */
export const mulHi32 = (a: number, b: number): number => {
  a >>>= 0
  b >>>= 0
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  const t = a0 * b0
  const m1 = a1 * b0 + (t >>> 16)
  const m2 = a0 * b1 + (m1 & 0xffff)
  return (a1 * b1 + Math.floor(m1 / 65536) + Math.floor(m2 / 65536)) >>> 0
}

/** R64 = a * b mod 2^64 */
export const mul64 = (ah: number, al: number, bh: number, bl: number): void => {
  R64[0] = mulHi32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)
  R64[1] = Math.imul(al, bl)
}

/** quotient in R64, remainder in REM64; b != 0 */
export const REM64 = new Uint32Array(2)

const udivmod = (ah: number, al: number, bh: number, bl: number): void => {
  ah >>>= 0
  al >>>= 0
  bh >>>= 0
  bl >>>= 0
  if (bh === 0) {
    if (ah === 0) {
      const q = Math.floor(al / bl)
      R64[0] = 0
      R64[1] = q
      REM64[0] = 0
      REM64[1] = al - q * bl
      return
    }
    if (bl <= 0x1fffff) {
      // two steps, every intermediate below 2^53
      const qh = Math.floor(ah / bl)
      const r1 = ah - qh * bl
      const t = r1 * TWO32 + al
      let ql = Math.floor(t / bl)
      let r = t - ql * bl
      if (r < 0) {
        ql -= 1
        r += bl
      } else if (r >= bl) {
        ql += 1
        r -= bl
      }
      R64[0] = qh
      R64[1] = ql
      REM64[0] = 0
      REM64[1] = r
      return
    }
  }
  // restoring binary long division
  let qh = 0
  let ql = 0
  let rh = 0
  let rl = 0
  for (let i = 63; i >= 0; i--) {
    // r = (r << 1) | bit i of a
    rh = ((rh << 1) | (rl >>> 31)) >>> 0
    const bit = i >= 32 ? (ah >>> (i - 32)) & 1 : (al >>> i) & 1
    rl = ((rl << 1) | bit) >>> 0
    if (rh > bh || (rh === bh && rl >= bl)) {
      const lo = rl - bl
      rh = (rh - bh - (lo < 0 ? 1 : 0)) >>> 0
      rl = lo >>> 0
      if (i >= 32) qh |= 1 << (i - 32)
      else ql |= 1 << i
    }
  }
  R64[0] = qh
  R64[1] = ql
  REM64[0] = rh
  REM64[1] = rl
}

/** R64 = a / b (unsigned), 0 when b == 0 */
export const udiv64 = (ah: number, al: number, bh: number, bl: number): void => {
  if ((bh | bl) === 0) {
    R64[0] = 0
    R64[1] = 0
    return
  }
  udivmod(ah, al, bh, bl)
}

/** R64 = a % b (unsigned), a when b == 0 */
export const umod64 = (ah: number, al: number, bh: number, bl: number): void => {
  if ((bh | bl) === 0) {
    R64[0] = ah
    R64[1] = al
    return
  }
  udivmod(ah, al, bh, bl)
  R64[0] = REM64[0] as number
  R64[1] = REM64[1] as number
}

const negInto = (hi: number, lo: number, out: Uint32Array): void => {
  lo >>>= 0
  out[1] = -lo
  out[0] = ~hi + (lo === 0 ? 1 : 0)
}

const ABS = new Uint32Array(4)

/** R64 = a / b (signed, truncating), 0 when b == 0 */
export const sdiv64 = (ah: number, al: number, bh: number, bl: number): void => {
  if ((bh | bl) === 0) {
    R64[0] = 0
    R64[1] = 0
    return
  }
  const an = (ah | 0) < 0
  const bn = (bh | 0) < 0
  if (an) {
    negInto(ah, al, R64)
    ABS[0] = R64[0] as number
    ABS[1] = R64[1] as number
  } else {
    ABS[0] = ah
    ABS[1] = al
  }
  if (bn) {
    negInto(bh, bl, R64)
    ABS[2] = R64[0] as number
    ABS[3] = R64[1] as number
  } else {
    ABS[2] = bh
    ABS[3] = bl
  }
  udivmod(ABS[0] as number, ABS[1] as number, ABS[2] as number, ABS[3] as number)
  if (an !== bn) negInto(R64[0] as number, R64[1] as number, R64)
}

/** R64 = a % b (signed, sign of the dividend), a when b == 0 */
export const smod64 = (ah: number, al: number, bh: number, bl: number): void => {
  if ((bh | bl) === 0) {
    R64[0] = ah
    R64[1] = al
    return
  }
  const an = (ah | 0) < 0
  if (an) {
    negInto(ah, al, R64)
    ABS[0] = R64[0] as number
    ABS[1] = R64[1] as number
  } else {
    ABS[0] = ah
    ABS[1] = al
  }
  if ((bh | 0) < 0) {
    negInto(bh, bl, R64)
    ABS[2] = R64[0] as number
    ABS[3] = R64[1] as number
  } else {
    ABS[2] = bh
    ABS[3] = bl
  }
  udivmod(ABS[0] as number, ABS[1] as number, ABS[2] as number, ABS[3] as number)
  if (an) negInto(REM64[0] as number, REM64[1] as number, R64)
  else {
    R64[0] = REM64[0] as number
    R64[1] = REM64[1] as number
  }
}
