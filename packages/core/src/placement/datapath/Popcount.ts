/**
 * Hamming weight of a u32 (hweight32): the traits store computes value offsets with popcounts
 * over the two halves of each u64 bitmap. Pure arithmetic, no allocation.
 */
export const popcount32 = (x: number): number => {
  let v = x >>> 0
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  v = (v + (v >>> 4)) & 0x0f0f0f0f
  return Math.imul(v, 0x01010101) >>> 24
}
