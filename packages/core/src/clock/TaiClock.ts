/**
 * CLOCK_TAI as programs (bpf_ktime_get_tai_ns) and hosts (clock_gettime) read it. devtx runs on
 * simulated time so output is reproducible: SimulatedTaiClock starts at a given ns value and
 * moves a fixed step per read. Values are u64 ns as two u32 halves (no BigInt on the data path).
 */
import type { RxTimestampOut } from "../metadata/RxMetadataOut.js"

export interface TaiClock {
  /** write the current time into out (hi:lo ns) */
  read(out: RxTimestampOut): void
}

export class SimulatedTaiClock implements TaiClock {
  hi: number
  lo: number
  constructor(
    startHi: number,
    startLo: number,
    readonly stepNs: number
  ) {
    this.hi = startHi
    this.lo = startLo
  }
  read(out: RxTimestampOut): void {
    const lo = this.lo + this.stepNs
    if (lo >= 0x1_0000_0000) {
      this.lo = lo - 0x1_0000_0000
      this.hi = (this.hi + 1) >>> 0
    } else this.lo = lo
    out.hi = this.hi
    out.lo = this.lo
  }
}

/** u64 (hi:lo) in decimal, exactly, without BigInt: 2^32 = 42949 * 10^5 + 67296. */
export const u64ToDecimal = (hi: number, lo: number): string => {
  const a = hi * 42949
  const b = hi * 67296 + lo
  const top = a + Math.floor(b / 100000)
  const low = b % 100000
  return top === 0 ? String(low) : String(top) + String(low).padStart(5, "0")
}

/** u64 (hi:lo) as a float64 (inexact above 2^53; for printing seconds, as C's double cast). */
export const u64ToNumber = (hi: number, lo: number): number => hi * 4294967296 + lo
