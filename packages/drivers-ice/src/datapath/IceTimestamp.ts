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

/**
 * ice_ptp_extend_40b_ts(pf, in_tstamp) without its discard check (the caller applies it): the raw
 * PHY timestamp is 40 bits, {ns[31:0] : 32 | sub-ns : 7 | valid : 1} from bit 39 down to bit 0
 * ("32 bits of nanoseconds | 7 high bits of sub ns underflow | v", ice_ptp.c). It is passed here as
 * its high 8 bits (`rawHi8` = bits 39:32) and low 32 bits (`rawLo32` = bits 31:0); the extension
 * takes (in_tstamp >> 8) & GENMASK_ULL(31, 0) — dropping the valid bit and the sub-ns bits —
 * and runs ice_ptp_extend_32b_ts with the PF's cached PHC time. The caller checks the valid bit
 * first ("It is assumed that the caller verifies the timestamp is valid").
 */
export const iceExtend40bTs = (cachedHi: number, cachedLo: number, rawHi8: number, rawLo32: number, out: U64Halves): void => {
  const in32 = (((rawHi8 & 0xff) << 24) | (rawLo32 >>> 8)) >>> 0
  iceExtend32bTs(cachedHi, cachedLo, in32, out)
}

/** ICE_PTP_TS_VALID BIT(0): the valid bit of a raw 40-bit timestamp (ice_ptp.h) */
export const ICE_PTP_TX_TS_VALID = 1
/**
 * The discard window of ice_ptp_extend_40b_ts: a cached PHC time older than 2000 ms
 * (cached_phc_jiffies + msecs_to_jiffies(2000) before jiffies) makes it return 0 and count
 * tx_hwtstamp_discarded. devtx has no jiffies: the age is measured on the PHC.
 */
export const ICE_PTP_TX_DISCARD_NS = 2_000_000_000
/** ice_ptp_process_tx_tstamp drops requests waiting longer than 2 * HZ (tx_hwtstamp_timeouts) */
export const ICE_PTP_TX_TIMEOUT_NS = 2_000_000_000
