/**
 * The reference NIC's PTP hardware clock: a u64 nanosecond counter held as two u32 halves,
 * advanced explicitly (the host controls time: `advance` per received frame, or `set`), so every
 * timestamp the hardware writes is known to a test before the frame is received.
 */
export class SimPhc {
  hi = 0
  lo = 0

  /** Set from a decimal string of ns (control plane; BigInt stays out of the data path). */
  setFromDecimal(ns: string): void {
    const v = BigInt(ns)
    this.hi = Number((v >> 32n) & 0xffffffffn)
    this.lo = Number(v & 0xffffffffn)
  }

  /** Advance by `ns` (0 <= ns < 2^32). */
  advance(ns: number): void {
    const lo = this.lo + ns
    if (lo >= 0x1_0000_0000) {
      this.lo = lo - 0x1_0000_0000
      this.hi = (this.hi + 1) >>> 0
    } else {
      this.lo = lo
    }
  }

  toDecimal(): string {
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)).toString()
  }
}
