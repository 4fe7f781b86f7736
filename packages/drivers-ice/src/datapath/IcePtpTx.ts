/**
 * ice TX timestamps: the PHY timestamp memory (hardware) and the driver's tracker of it
 * (struct ice_ptp_tx, ice_ptp.c / ice_ptp.h). A TX timestamp is never in a descriptor: the
 * driver takes a free index (ice_ptp_request_ts), names it in a context descriptor (CMD.TSYN,
 * index at ICE_TXD_CTX_QW1_TSYN_S 30), the PHY latches a 40-bit value into that entry when the
 * frame leaves, and the driver reads the entry back by index (ice_ptp_process_tx_tstamp, run from
 * the TSYN_TX interrupt) and extends it with ice_ptp_extend_40b_ts.
 *
 * PHY memory entry (one per index, INDEX_PER_PORT = 64 on E810/E830, ice_ptp.h):
 *    39                         8 7            1   0
 *   +----------------------------+--------------+---+
 *   | ns[31:0] (PHC low 32 bits) | sub-ns [6:0] | V |     held as hi8 = bits 39:32, lo32 = bits 31:0
 *   +----------------------------+--------------+---+
 * The modelled PHC counts whole ns, so the sub-ns bits are 0.
 *
 * Tracker rules, as the kernel has them:
 * - request: the first zero bit of in_use from last_ll_ts_idx_read + 1 (-1 unless E810 low
 *   latency, so from 0), wrapping to the first zero bit; none free -> -1 and the caller counts
 *   tx_hwtstamp_skipped (the frame is sent without a timestamp, never held back). Returns
 *   idx + tx->offset (offset 0 on E810/E830). The index is marked in_use with the request time.
 * - process (E810: has_ready_bitmap = 0; E830: 1, mac_type != ICE_MAC_E810): for each in_use
 *   index: waited > 2 s (start + 2 * HZ before jiffies) -> drop, tx_hwtstamp_timeouts++; with a
 *   ready bitmap, not ready -> skip (or drop without reading if timed out); E810 reads the entry
 *   and treats a value equal to the index's cached_tstamp as not captured yet; no valid bit ->
 *   drop; then in_use is cleared (the index is free again) and the value, extended, goes to its
 *   owner (0 when the cached PHC time is older than 2 s: tx_hwtstamp_discarded++).
 * - an index is never handed out while its in_use bit is set: no reuse while in flight.
 *
 * devtx additions (not in the kernel): indexes requested through the devtx kfunc are owned by
 * the descriptor (OWNER_DEVTX): the interrupt processing skips them and the TX ring releases them
 * when the packet's descriptors complete, after the completion hook read the entry — tying the
 * index's lifetime to the DD write-back instead of to the interrupt. An skb whose descriptors
 * complete before its timestamp was processed is orphaned (OWNER_ORPHAN): its value is
 * processed and dropped, and the index freed, as the kernel frees an skb reference.
 *
 * Per packet: no allocation, numeric results.
 */
import { ICE_PTP_TX_DISCARD_NS, ICE_PTP_TX_TIMEOUT_NS, ICE_PTP_TX_TS_VALID, iceExtend40bTs, U64Halves, u64DiffNs } from "./IceTimestamp.js"

/** INDEX_PER_PORT (ice_ptp.h): timestamp indexes per port on E810 / E830 */
export const ICE_INDEX_PER_PORT = 64

/** The PHY's timestamp memory block of one port (hardware side). */
export class IcePhyTsMemory {
  readonly lo32: Uint32Array
  readonly hi8: Uint8Array
  /** the E830 ready bitmap (PHY_REG_TX_MEMORY_STATUS): set on capture, cleared when read (modelling assumption) */
  readonly ready: Uint8Array
  captures = 0

  constructor(readonly len: number) {
    this.lo32 = new Uint32Array(len)
    this.hi8 = new Uint8Array(len)
    this.ready = new Uint8Array(len)
  }

  /** The PHY latches the PHC low 32 bits of the departure time into entry `idx`. */
  capture(idx: number, nsLo: number): void {
    if (idx < 0 || idx >= this.len) return
    this.lo32[idx] = ((nsLo << 8) | ICE_PTP_TX_TS_VALID) >>> 0
    this.hi8[idx] = nsLo >>> 24
    this.ready[idx] = 1
    this.captures++
  }
}

/** pf->ptp: the PF's cached PHC time and when it was cached (on the PHC), plus counters. */
export class IcePfPtp {
  /** cached_phc_time (u64 halves); equals the PHC when the periodic work last ran */
  lastHi = 0
  lastLo = 0
  /** pf->ptp.late_cached_phc_updates */
  lateCachedPhcUpdates = 0
  /** how many times the periodic work ran */
  updates = 0
  /** pf->ptp.tx_hwtstamp_skipped / _timeouts / _discarded (ethtool -S names) */
  txHwtstampSkipped = 0
  txHwtstampTimeouts = 0
  txHwtstampDiscarded = 0
}

export const IceTsOwner = {
  NONE: 0,
  SKB: 1,
  DEVTX: 2,
  ORPHAN: 3
} as const

/** Where a processed skb timestamp goes: the TX ring that holds the skb, by ring slot. */
export interface IceTsSink {
  tsDelivered(slot: number, ok: boolean, hi: number, lo: number): void
}

/** struct ice_ptp_tx for one port. */
export class IcePtpTx {
  readonly inUse: Uint8Array
  readonly owner: Uint8Array
  /** the TX ring (index into `sinks`) and its slot the request belongs to */
  readonly ring: Uint16Array
  readonly slot: Uint32Array
  readonly startHi: Uint32Array
  readonly startLo: Uint32Array
  /** cached_tstamp per index (E810 verifies a new value differs from it) */
  readonly cachedLo: Uint32Array
  readonly cachedHi: Uint8Array
  /** tx->offset (0 on E810/E830) */
  readonly offset = 0
  /** tx->last_ll_ts_idx_read (-1: no low-latency read happened) */
  lastLlTsIdxRead = -1
  readonly sinks: IceTsSink[] = []
  private readonly ext = new U64Halves()

  constructor(
    /** tx->init (ICE_FLAG_PTP) */
    readonly init: boolean,
    readonly hasReadyBitmap: boolean,
    readonly len: number,
    readonly pf: IcePfPtp,
    readonly phy: IcePhyTsMemory
  ) {
    this.inUse = new Uint8Array(len)
    this.owner = new Uint8Array(len)
    this.ring = new Uint16Array(len)
    this.slot = new Uint32Array(len)
    this.startHi = new Uint32Array(len)
    this.startLo = new Uint32Array(len)
    this.cachedLo = new Uint32Array(len)
    this.cachedHi = new Uint8Array(len)
  }

  inUseCount(): number {
    let n = 0
    for (let i = 0; i < this.len; i++) n += this.inUse[i]!
    return n
  }

  /** ice_ptp_request_ts: the PHY index (idx + offset), or -1 when the tracker is down or full. */
  request(owner: number, ring: number, slot: number, nowHi: number, nowLo: number): number {
    if (!this.init) return -1
    let idx = -1
    for (let i = this.lastLlTsIdxRead + 1; i < this.len; i++)
      if (this.inUse[i] === 0) {
        idx = i
        break
      }
    if (idx < 0)
      for (let i = 0; i < this.len; i++)
        if (this.inUse[i] === 0) {
          idx = i
          break
        }
    if (idx < 0) return -1
    this.inUse[idx] = 1
    this.owner[idx] = owner
    this.ring[idx] = ring
    this.slot[idx] = slot
    this.startHi[idx] = nowHi
    this.startLo[idx] = nowLo
    return idx + this.offset
  }

  /**
   * Free an index (devtx-owned indexes, when their descriptors completed), consuming the entry
   * as ice_ptp_process_tx_tstamp's read would: E810 caches the value (so the next user of the
   * index does not take it for its own capture), E830 clears the ready bit.
   */
  release(phyIdx: number): void {
    const idx = phyIdx - this.offset
    if (idx < 0 || idx >= this.len) return
    if (this.hasReadyBitmap) this.phy.ready[phyIdx] = 0
    else {
      this.cachedLo[idx] = this.phy.lo32[phyIdx]!
      this.cachedHi[idx] = this.phy.hi8[phyIdx]!
    }
    this.inUse[idx] = 0
    this.owner[idx] = IceTsOwner.NONE
  }

  /** The skb's descriptors completed before its timestamp was processed. */
  orphan(phyIdx: number): void {
    const idx = phyIdx - this.offset
    if (idx >= 0 && idx < this.len && this.inUse[idx] === 1 && this.owner[idx] === IceTsOwner.SKB) this.owner[idx] = IceTsOwner.ORPHAN
  }

  /**
   * ice_ptp_extend_40b_ts with the PF's cached time: into `out`, false when it returns 0 (cached
   * time more than 2 s old on the PHC: tx_hwtstamp_discarded++, or an extension that gives 0).
   */
  extend40b(rawHi8: number, rawLo32: number, nowHi: number, nowLo: number, out: U64Halves): boolean {
    const pf = this.pf
    if (u64DiffNs(nowHi, nowLo, pf.lastHi, pf.lastLo) > ICE_PTP_TX_DISCARD_NS) {
      pf.txHwtstampDiscarded++
      return false
    }
    iceExtend40bTs(pf.lastHi, pf.lastLo, rawHi8, rawLo32, out)
    return out.hi !== 0 || out.lo !== 0
  }

  /** ice_ptp_process_tx_tstamp (the TSYN_TX interrupt's work) at PHC time now. Returns indexes freed. */
  process(nowHi: number, nowLo: number): number {
    if (!this.init) return 0
    const phy = this.phy
    let freed = 0
    for (let idx = 0; idx < this.len; idx++) {
      if (this.inUse[idx] === 0) continue
      const owner = this.owner[idx]!
      if (owner === IceTsOwner.DEVTX) continue
      const phyIdx = idx + this.offset
      let drop = false
      let rawLo = 0
      let rawHi = 0
      if (u64DiffNs(nowHi, nowLo, this.startHi[idx]!, this.startLo[idx]!) > ICE_PTP_TX_TIMEOUT_NS) {
        drop = true
        this.pf.txHwtstampTimeouts++
      }
      let read = true
      if (this.hasReadyBitmap && phy.ready[phyIdx] === 0) {
        if (!drop) continue
        read = false
      }
      if (read) {
        rawLo = phy.lo32[phyIdx]!
        rawHi = phy.hi8[phyIdx]!
        if (this.hasReadyBitmap) phy.ready[phyIdx] = 0
        if (!drop && !this.hasReadyBitmap && rawLo === this.cachedLo[idx] && rawHi === this.cachedHi[idx]) continue
        if ((rawLo & ICE_PTP_TX_TS_VALID) === 0) drop = true
      }
      if (!this.hasReadyBitmap && (rawLo !== 0 || rawHi !== 0)) {
        this.cachedLo[idx] = rawLo
        this.cachedHi[idx] = rawHi
      }
      this.inUse[idx] = 0
      this.owner[idx] = IceTsOwner.NONE
      freed++
      if (owner !== IceTsOwner.SKB) continue
      const sink = this.sinks[this.ring[idx]!]
      if (sink === undefined) continue
      if (drop) sink.tsDelivered(this.slot[idx]!, false, 0, 0)
      else if (this.extend40b(rawHi, rawLo, nowHi, nowLo, this.ext)) sink.tsDelivered(this.slot[idx]!, true, this.ext.hi, this.ext.lo)
      else sink.tsDelivered(this.slot[idx]!, false, 0, 0)
    }
    return freed
  }
}
