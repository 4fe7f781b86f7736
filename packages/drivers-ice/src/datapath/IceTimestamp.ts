/**
 * ice's PTP arithmetic on the per-packet path, over u64 values held as two u32 halves (no BigInt).
 *
 * ice_ptp_extend_32b_ts(cached_phc_time, in_tstamp) (drivers/net/ethernet/intel/ice/ice_ptp.c):
 *   phc_time_lo = (u32)cached_phc_time
 *   delta = (u32)(in_tstamp - phc_time_lo)
 *   if delta > U32_MAX / 2 (= 0x7FFFFFFF):  ns = cached_phc_time - (u32)(phc_time_lo - in_tstamp)
 *   else:                                   ns = cached_phc_time + delta
 * in u64 arithmetic (wrapping mod 2^64). The result is right only while the true time lies in
 * [cached - 2^31, cached + 2^31) ns; ice keeps the cache fresh with a periodic work item every
 * 500 ms (ice_ptp_periodic_work) and warns when more than 2000 ms passed between updates
 * (ice_ptp_update_cached_phctime). A stale cache yields a result off by a multiple of 2^32 ns,
 * silently: the RX path has no staleness check (only the TX ice_ptp_extend_40b_ts discards).
 *
 * IcePhc is the device's PTP hardware clock (GLTSYN_TIME_L/H), advanced explicitly by the host.
 */

const TWO32 = 0x1_0000_0000

/** A u64 as two u32 halves (out-parameter of the extension). */
export class U64Halves {
  hi = 0
  lo = 0
}

/** ice_ptp_extend_32b_ts into `out`. All inputs are u32 numbers. */
export const iceExtend32bTs = (cachedHi: number, cachedLo: number, in32: number, out: U64Halves): void => {
  const delta = (in32 - cachedLo) >>> 0
  if (delta > 0x7fffffff) {
    const back = (cachedLo - in32) >>> 0
    const lo = cachedLo - back
    if (lo < 0) {
      out.lo = lo + TWO32
      out.hi = (cachedHi - 1) >>> 0
    } else {
      out.lo = lo
      out.hi = cachedHi
    }
  } else {
    const lo = cachedLo + delta
    if (lo >= TWO32) {
      out.lo = lo - TWO32
      out.hi = (cachedHi + 1) >>> 0
    } else {
      out.lo = lo
      out.hi = cachedHi
    }
  }
}

/** The PHC: a u64 ns counter as two halves. */
export class IcePhc {
  hi = 0
  lo = 0

  /** Set from a decimal string of ns (control plane). */
  setFromDecimal(ns: string): void {
    const v = BigInt(ns)
    this.hi = Number((v >> 32n) & 0xffffffffn)
    this.lo = Number(v & 0xffffffffn)
  }

  /** Advance by `ns`, 0 <= ns < 2^32. */
  advance(ns: number): void {
    const lo = this.lo + ns
    if (lo >= TWO32) {
      this.lo = lo - TWO32
      this.hi = (this.hi + 1) >>> 0
    } else this.lo = lo
  }

  toDecimal(): string {
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)).toString()
  }
}

/** a - b for u64 halves as a float64 of ns (exact while |a - b| < 2^53): for staleness checks. */
export const u64DiffNs = (aHi: number, aLo: number, bHi: number, bLo: number): number => (aHi - bHi) * TWO32 + (aLo - bLo)
