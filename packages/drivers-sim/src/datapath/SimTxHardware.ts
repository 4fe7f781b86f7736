/**
 * The reference NIC's hardware model, TX: between the driver's doorbell (the ring producer) and
 * the wire. For each descriptor, in ring order (FIFO — a frame never overtakes another):
 *   1. LAUNCH: if its launch time is later than the PHC, the queue waits — the PHC moves on to the
 *      launch time — so no frame leaves before its time and every frame behind it waits too
 *      (Documentation/networking/xsk-tx-metadata.rst: launch time blocks the queue).
 *   2. The frame takes `wireNs` on the wire; it leaves at the PHC value after that.
 *   3. The bytes are copied to the wire buffer; L4_CSUM is applied to the copy (host memory is
 *      never written, as DMA reads do not write back).
 *   4. RS: a completion entry is written (status with DD last) covering every descriptor since the
 *      previous completion; the completion ring never overwrites an entry the driver has not
 *      reaped — the hardware stops instead (backpressure).
 */
import { csumFinishMangled, csumPartial, type DescriptorRing, type TxWire } from "@devtx/core"
import type { SimPhc } from "./SimPhc.js"
import { SIM_TX_COMPL_SIZE, SIM_TX_DESC_SIZE, SimTxCmd, SimTxCompl, SimTxComplStatus, SimTxDesc, SIM_TX_VERSION_1 } from "./SimTxDescriptor.js"

export interface SimTxHwQueue {
  readonly ring: DescriptorRing
  readonly compl: DescriptorRing
  /** hardware's next descriptor */
  hwHead: number
  /** a covered descriptor since the last completion asked for a timestamp */
  pendingTs: boolean
}

export class SimTxHardware {
  readonly wireBuf: Uint8Array
  /** PHC at which the last frame left */
  lastTxHi = 0
  lastTxLo = 0

  constructor(
    readonly regions: ReadonlyArray<Uint8Array | undefined>,
    readonly phc: SimPhc,
    readonly wireNs: number,
    maxFrame: number,
    public wire: TxWire
  ) {
    this.wireBuf = new Uint8Array(maxFrame)
  }

  /** Send up to `budget` frames of `q`; returns frames sent. */
  transmit(q: SimTxHwQueue, budget: number): number {
    const ring = q.ring
    const v = ring.view
    const c = q.compl
    let sent = 0
    while (sent < budget && q.hwHead !== ring.producer) {
      const d = (q.hwHead & ring.mask) * SIM_TX_DESC_SIZE
      const cmd = v.getUint8(d + SimTxDesc.CMD)
      // a completion slot must be free before a descriptor with RS is sent
      if ((cmd & SimTxCmd.RS) !== 0 && ((c.producer - c.consumer) >>> 0) === c.size) break
      const phc = this.phc
      if ((cmd & SimTxCmd.LAUNCH) !== 0) {
        const lh = v.getUint32(d + SimTxDesc.LAUNCH_HI, true)
        const ll = v.getUint32(d + SimTxDesc.LAUNCH_LO, true)
        if (lh > phc.hi || (lh === phc.hi && ll > phc.lo)) {
          phc.hi = lh
          phc.lo = ll
        }
      }
      phc.advance(this.wireNs)
      const mem = this.regions[v.getUint8(d + SimTxDesc.REGION)]!
      const addr = v.getUint32(d + SimTxDesc.BUF_ADDR, true)
      const len = v.getUint16(d + SimTxDesc.LEN, true)
      const w = this.wireBuf
      w.set(mem.subarray(addr, addr + len), 0)
      if ((cmd & SimTxCmd.L4_CSUM) !== 0) {
        const start = v.getUint16(d + SimTxDesc.CSUM_START, true)
        const at = start + v.getUint16(d + SimTxDesc.CSUM_OFFSET, true)
        if (at + 2 <= len) {
          // as skb_checksum_help stores it: a computed 0 goes out as CSUM_MANGLED_0
          const out = csumFinishMangled(csumPartial(w, start, len - start))
          w[at] = out >>> 8
          w[at + 1] = out & 0xff
        }
      }
      this.lastTxHi = phc.hi
      this.lastTxLo = phc.lo
      this.wire(w, 0, len, phc.hi, phc.lo)
      if ((cmd & SimTxCmd.TSTAMP) !== 0) q.pendingTs = true
      if ((cmd & SimTxCmd.RS) !== 0) {
        const e = (c.producer & c.mask) * SIM_TX_COMPL_SIZE
        const cv = c.view
        cv.setUint16(e + SimTxCompl.LAST_DESC, q.hwHead & 0xffff, true)
        cv.setUint8(e + SimTxCompl.VERSION, SIM_TX_VERSION_1)
        cv.setUint32(e + SimTxCompl.TS_LO, q.pendingTs ? phc.lo : 0, true)
        cv.setUint32(e + SimTxCompl.TS_HI, q.pendingTs ? phc.hi : 0, true)
        cv.setUint8(e + SimTxCompl.STATUS, SimTxComplStatus.DD | (q.pendingTs ? SimTxComplStatus.TS_VALID : 0))
        c.producer = (c.producer + 1) >>> 0
        q.pendingTs = false
      }
      q.hwHead = (q.hwHead + 1) >>> 0
      sent++
    }
    return sent
  }
}
