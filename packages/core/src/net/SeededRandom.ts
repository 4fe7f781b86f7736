/**
 * A small deterministic PRNG for the traffic corpus: xoshiro128** (Blackman & Vigna), its
 * 128-bit state seeded from one u32 by four splitmix32 steps.
 *
 * Invariant: only 32-bit integer operations (Math.imul, shifts, >>> 0) and exact float
 * division by 2^32 are used, so the same seed gives the same sequence on every machine and
 * every JS engine.
 */

const splitmix32 = (state: { s: number }): number => {
  state.s = (state.s + 0x9e3779b9) >>> 0
  let z = state.s
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

export class SeededRandom {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    const st = { s: seed >>> 0 }
    this.a = splitmix32(st)
    this.b = splitmix32(st)
    this.c = splitmix32(st)
    this.d = splitmix32(st)
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1
  }

  /** Next u32 (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0
    const t = (this.b << 9) >>> 0
    this.c = (this.c ^ this.a) >>> 0
    this.d = (this.d ^ this.b) >>> 0
    this.b = (this.b ^ this.c) >>> 0
    this.a = (this.a ^ this.d) >>> 0
    this.c = (this.c ^ t) >>> 0
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: ReadonlyArray<T>): T {
    return items[this.int(0, items.length - 1)]!
  }

  /** n random bytes. */
  bytes(n: number): number[] {
    const out = new Array<number>(n)
    for (let i = 0; i < n; i++) out[i] = this.nextU32() & 0xff
    return out
  }
}
