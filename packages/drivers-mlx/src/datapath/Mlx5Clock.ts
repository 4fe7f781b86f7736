/**
 * The mlx5 device clock, both halves.
 *
 * Hardware (what the NIC stamps into CQE timestamp_h:timestamp_l, and what the PHC reads):
 * - real-time format (rq_ts_format REAL_TIME or FREE_RUNNING_AND_REAL_TIME): a UTC/TAI clock
 *   kept as seconds and nanoseconds; the CQE carries seconds in the upper 32 bits and
 *   nanoseconds in the lower 32 bits.
 * - free-running format: a 64-bit counter of device cycles at device_frequency_khz.
 * The host advances the clock (one tick per received frame) so every stamp is known in advance.
 *
 * Driver (drivers/net/ethernet/mellanox/mlx5/core/lib/clock.h, include/linux/timecounter.h):
 * - mlx5_real_time_cyc2time: ns = REAL_TIME_TO_NS(ts >> 32, ts & 0xFFFFFFFF) = hi * NSEC_PER_SEC + lo.
 * - mlx5_timecounter_cyc2time: timecounter_cyc2time(&timer->tc, ts) over a cyclecounter with
 *   mask CLOCKSOURCE_MASK(41), mult/shift from device_frequency_khz (see Mlx5ClockParams.ts):
 *     delta = (ts - tc.cycle_last) & mask
 *     delta >  mask / 2 : nsec = tc.nsec - ((((ts' = cycle_last - ts) & mask) * mult - tc.frac) >> shift)
 *     otherwise         : nsec = tc.nsec + ((delta * mult + tc.frac) >> shift)
 *   all in u64 arithmetic (wrapping), as the kernel computes it.
 * - timecounter_read (the overflow watchdog, mlx5_timestamp_overflow): folds the elapsed cycles
 *   into tc.nsec / tc.frac and moves cycle_last, so deltas stay below the overflow bound.
 *
 * Per packet: no allocation, no BigInt; 64-bit values are (hi, lo) u32 pairs.
 */
import { U64, u64Add, u64Gt, u64MulAddShift, u64MulSubShift, u64SecNsecToNs, u64Sub } from "@devtx/core"

/** NSEC_PER_SEC */
export const NSEC_PER_SEC = 1_000_000_000
/** CLOCKSOURCE_MASK(41) as (hi, lo): the mlx5 cyclecounter mask (lib/clock.c mlx5_timecounter_init). */
export const MLX5_CYCLES_MASK_HI = 0x1ff
export const MLX5_CYCLES_MASK_LO = 0xffffffff

/** Which converter rq->ptp_cyc2time is (mlx5_rq_ts_translator, lib/clock.h). */
export const Mlx5TsFormat = { FREE_RUNNING: 0, REAL_TIME: 1 } as const

/** The NIC's clocks (hardware half). */
export class Mlx5HwClock {
  /** real-time clock: seconds and nanoseconds (nsec < 1e9) */
  sec = 0
  nsec = 0
  /** free-running internal timer, u64 cycles */
  cyclesHi = 0
  cyclesLo = 0

  /** Advance both clocks: real time by `ns` (< 2^32), the counter by `cycles` (< 2^32). */
  advance(ns: number, cycles: number): void {
    let nsec = this.nsec + ns
    let carry = 0
    while (nsec >= NSEC_PER_SEC) {
      nsec -= NSEC_PER_SEC
      carry++
    }
    this.nsec = nsec
    this.sec = (this.sec + carry) >>> 0
    const lo = this.cyclesLo + cycles
    if (lo >= 0x1_0000_0000) {
      this.cyclesLo = lo - 0x1_0000_0000
      this.cyclesHi = (this.cyclesHi + 1) >>> 0
    } else this.cyclesLo = lo
  }
}

/** struct cyclecounter + struct timecounter of the mlx5 timer (driver half). */
export class Mlx5Timecounter {
  /** cyclecounter.mult / .shift */
  mult = 0
  shift = 0
  /** timecounter.cycle_last */
  cycleLastHi = 0
  cycleLastLo = 0
  /** timecounter.nsec */
  nsecHi = 0
  nsecLo = 0
  /** timecounter.frac (< 2^shift) */
  frac = 0
  /** overflow watchdog threshold in cycles (mlx5_init_overflow_period's overflow_cycles) */
  overflowCyclesHi = 0
  overflowCyclesLo = 0

  private readonly d = new U64()
  private readonly ns = new U64()
  private readonly fr = new U64()

  /** timecounter_cyc2time(&tc, cycles) into out (ns, u64). */
  cyc2time(cyclesHi: number, cyclesLo: number, out: U64): void {
    const d = this.d
    u64Sub(d, cyclesHi, cyclesLo, this.cycleLastHi, this.cycleLastLo)
    d.hi &= MLX5_CYCLES_MASK_HI
    // mask / 2 = 2^40 - 1: delta > mask/2 <=> bit 40 set
    if (d.hi >= 0x100) {
      u64Sub(d, this.cycleLastHi, this.cycleLastLo, cyclesHi, cyclesLo)
      d.hi &= MLX5_CYCLES_MASK_HI
      u64MulSubShift(this.ns, d.hi, d.lo, this.mult, this.frac, this.shift)
      u64Sub(out, this.nsecHi, this.nsecLo, this.ns.hi, this.ns.lo)
    } else {
      u64MulAddShift(this.ns, this.fr, d.hi, d.lo, this.mult, this.frac, this.shift)
      u64Add(out, this.nsecHi, this.nsecLo, this.ns.hi, this.ns.lo)
    }
  }

  /** timecounter_read with the counter at `now`: fold elapsed cycles into nsec/frac. */
  read(nowHi: number, nowLo: number): void {
    const d = this.d
    u64Sub(d, nowHi, nowLo, this.cycleLastHi, this.cycleLastLo)
    d.hi &= MLX5_CYCLES_MASK_HI
    u64MulAddShift(this.ns, this.fr, d.hi, d.lo, this.mult, this.frac, this.shift)
    this.frac = this.fr.lo
    this.cycleLastHi = nowHi >>> 0
    this.cycleLastLo = nowLo >>> 0
    u64Add(this.ns, this.nsecHi, this.nsecLo, this.ns.hi, this.ns.lo)
    this.nsecHi = this.ns.hi
    this.nsecLo = this.ns.lo
  }

  /** The overflow watchdog: run timecounter_read once the counter has moved overflow_cycles. */
  overflowWork(nowHi: number, nowLo: number): boolean {
    const d = this.d
    u64Sub(d, nowHi, nowLo, this.cycleLastHi, this.cycleLastLo)
    d.hi &= MLX5_CYCLES_MASK_HI
    if (!u64Gt(d.hi, d.lo, this.overflowCyclesHi, this.overflowCyclesLo)) return false
    this.read(nowHi, nowLo)
    return true
  }
}

/** mlx5_real_time_cyc2time: ns = hi * NSEC_PER_SEC + lo (u64), core's u64SecNsecToNs. */
export const realTimeCyc2time = (tsHi: number, tsLo: number, out: U64): void => u64SecNsecToNs(out, tsHi, tsLo)

/** rq->ptp_cyc2time(clock, ts) for either format (mlx5e_cqe_ts_to_ns, en/txrx.h). */
export const mlx5CqeTsToNs = (format: number, tc: Mlx5Timecounter, tsHi: number, tsLo: number, out: U64): void => {
  if (format === Mlx5TsFormat.REAL_TIME) realTimeCyc2time(tsHi, tsLo, out)
  else tc.cyc2time(tsHi, tsLo, out)
}
