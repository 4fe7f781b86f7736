/**
 * Ring index arithmetic shared by every ring in devtx, as the kernel's xsk rings and NIC
 * drivers do it: producer and consumer are free-running u32 counters; a slot is
 * `counter & mask`; fill level is `(prod - cons) >>> 0`, correct across the 2^32 wrap.
 * Ring sizes are powers of two (a ring of another size is rejected at creation).
 *
 * Ownership conventions drivers use on top of the indices:
 * - owner bit (mlx5 CQs): hardware writes `(index >> log2Size) & 1` into the entry; software
 *   owns the entry when the bit equals the parity of its own consumer counter's wrap count.
 * - done bit (Intel DD): hardware sets DD on write-back; software clears the descriptor when it
 *   gives the slot back.
 */
export const isPowerOfTwo = (n: number): boolean => n > 0 && n === (n | 0) && (n & (n - 1)) === 0

export const log2 = (n: number): number => 31 - Math.clz32(n)

/** Entries in use between a consumer and a producer counter. */
export const ringUsed = (prod: number, cons: number): number => (prod - cons) >>> 0

/** Owner-bit value hardware writes for the entry with counter `index` (mlx5 style). */
export const ownerBitFor = (index: number, logSize: number): number => (index >>> logSize) & 1

/** Next counter value (u32 wrap). */
export const ringNext = (counter: number): number => (counter + 1) >>> 0
