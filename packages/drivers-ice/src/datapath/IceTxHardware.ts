/**
 * The ice hardware model, TX: from the tail doorbell to the wire. Per TX ring, in ring order
 * (a frame never overtakes another of the same ring), one packet at a time:
 *   1. Read descriptors from the hardware head: context descriptors (DTYPE 0x1) set up the packet
 *      (CMD.TSYN + the PHY timestamp index, CMD.IL2TAG2 + l2tag2); data descriptors (DTYPE 0x0)
 *      are gathered into the frame until one with CMD.EOP. A packet whose EOP lies beyond the
 *      tail is not started (the driver has not finished it). Any other DTYPE is a malformed
 *      descriptor: counted and skipped (the real device's MDD would stop the queue).
 *   2. Checksum offload, from the FIRST data descriptor's fields, on the copy (DMA reads never
 *      write host memory): l3 = MACLEN * 2, l4 = l3 + IPLEN * 4.
 *      IIPT_IPV4_CSUM: the IPv4 header checksum is recomputed over IPLEN * 4 bytes.
 *      L4T TCP / UDP: the ones'-complement sum from l4 to the end of the L3 payload (IPv4 total
 *        length / IPv6 payload length; the frame end if the header says more), including the
 *        checksum field as software seeded it (CHECKSUM_PARTIAL: the pseudo-header sum), is
 *        complemented into the field (TCP l4+16, UDP l4+6; a UDP result of 0 goes out as
 *        0xFFFF). L4T SCTP: CRC32c over the SCTP packet with the field zeroed, at l4+8.
 *      MODELLING ASSUMPTION: the hardware takes the pseudo-header from the seeded field, as the
 *      kernel's CHECKSUM_PARTIAL contract provides it (Intel's datasheets are not quoted here).
 *   3. VLAN insertion on the wire: CMD.IL2TAG1 inserts an 802.1Q tag (TPID 0x8100) with L2TAG1
 *      after the MAC addresses; a context descriptor's IL2TAG2 inserts the outer tag with the
 *      configured outer TPID in front of it.
 *   4. The frame takes `wireNs` on the wire; it leaves at the PHC value after that. TSYN: the
 *      PHY latches that time into timestamp memory entry `idx` before step 5.
 *   5. DD write-back: every data descriptor of the packet that had CMD.RS gets DTYPE = 0xF
 *      (ICE_TX_DESC_DTYPE_DESC_DONE); the rest of its qword is left as it was (modelling
 *      assumption: the driver reads only DTYPE). There is no completion queue: nothing can make
 *      the hardware stall on completions.
 * Per packet: no allocation, no exceptions.
 */
import { csumFinish, csumPartial, type DescriptorRing, ipv4HeaderChecksum, sctpChecksum, sctpStoreChecksum, type TxWire } from "@devtx/core"
import type { IcePhyTsMemory } from "./IcePtpTx.js"
import {
  ICE_TX_CMD_IIPT_M,
  ICE_TX_CMD_L4T_M,
  ICE_TX_DESC_SIZE,
  IceTxCmd,
  IceTxCtxCmd,
  IceTxDescOff,
  IceTxDtype,
  iceTxBufSize,
  iceTxCmd,
  iceTxCtxCmd,
  iceTxCtxTsynIdx,
  iceTxDtype,
  iceTxL2tag1,
  iceTxOffset,
  iceTxWriteBackDone
} from "./IceTxDesc.js"

/** One TX ring as the hardware sees it. */
export interface IceTxHwRing {
  readonly ring: DescriptorRing
  /** the hardware's next descriptor (free-running counter) */
  hwHead: number
}

export class IceTxHardware {
  readonly wireBuf: Uint8Array
  /** descriptors with a DTYPE the transmit path does not take */
  malformedDescs = 0
  /** data descriptors whose buffer would overflow the wire buffer (dropped) */
  oversize = 0
  framesSent = 0

  constructor(
    /** DMA regions: buf_addr's high half indexes this array */
    readonly regions: ReadonlyArray<Uint8Array | undefined>,
    readonly phc: { hi: number; lo: number; advance(ns: number): void },
    readonly phy: IcePhyTsMemory,
    readonly wireNs: number,
    /** TPID of the tag a context descriptor's IL2TAG2 inserts */
    readonly outerTpid: number,
    maxFrame: number,
    public wire: TxWire
  ) {
    this.wireBuf = new Uint8Array(maxFrame + 8)
  }

  /** Send up to `budget` packets of `q`; returns packets sent. */
  transmit(q: IceTxHwRing, budget: number): number {
    let sent = 0
    while (sent < budget && this.transmitOne(q)) sent++
    return sent
  }

  /** One packet: true if a packet left (or malformed descriptors were skipped and a packet left). */
  private transmitOne(q: IceTxHwRing): boolean {
    const ring = q.ring
    const v = ring.view
    const tail = ring.producer
    // find the packet's extent first: the hardware starts a packet only with its EOP fetched
    let p = q.hwHead
    let eop = -1
    while (p !== tail) {
      const d = (p & ring.mask) * ICE_TX_DESC_SIZE
      const t = iceTxDtype(v, d)
      if (t === IceTxDtype.DATA && (iceTxCmd(v, d) & IceTxCmd.EOP) !== 0) {
        eop = p
        break
      }
      p = (p + 1) >>> 0
    }
    if (eop < 0) return false
    const w = this.wireBuf
    const room = w.length - 8
    let tsyn = -1
    let tag2 = -1
    let len = 0
    let firstCmd = -1
    let firstOff = 0
    let tag1 = 0
    let overflow = false
    const end = (eop + 1) >>> 0
    for (let c = q.hwHead; c !== end; c = (c + 1) >>> 0) {
      const d = (c & ring.mask) * ICE_TX_DESC_SIZE
      const t = iceTxDtype(v, d)
      if (t === IceTxDtype.CTX) {
        const cmd = iceTxCtxCmd(v, d)
        if ((cmd & IceTxCtxCmd.TSYN) !== 0) tsyn = iceTxCtxTsynIdx(v, d)
        if ((cmd & IceTxCtxCmd.IL2TAG2) !== 0) tag2 = v.getUint16(d + IceTxDescOff.L2TAG2, true)
        continue
      }
      if (t !== IceTxDtype.DATA) {
        this.malformedDescs++
        continue
      }
      const cmd = iceTxCmd(v, d)
      if (firstCmd < 0) {
        firstCmd = cmd
        firstOff = iceTxOffset(v, d)
        tag1 = (cmd & IceTxCmd.IL2TAG1) !== 0 ? iceTxL2tag1(v, d) : -1
      }
      const size = iceTxBufSize(v, d)
      const mem = this.regions[v.getUint32(d + IceTxDescOff.BUF_ADDR + 4, true)]
      const addr = v.getUint32(d + IceTxDescOff.BUF_ADDR, true)
      if (mem === undefined || len + size > room || addr + size > mem.length) overflow = true
      else {
        w.set(mem.subarray(addr, addr + size), len)
        len += size
      }
    }
    // the frame goes (or is dropped), the descriptors are done either way
    if (overflow) this.oversize++
    else {
      if (firstCmd > 0) this.checksum(w, len, firstCmd, firstOff)
      let outLen = len
      if (tag1 >= 0) outLen = this.insertTag(w, outLen, 0x8100, tag1)
      if (tag2 >= 0) outLen = this.insertTag(w, outLen, this.outerTpid, tag2)
      const phc = this.phc
      phc.advance(this.wireNs)
      if (tsyn >= 0) this.phy.capture(tsyn, phc.lo)
      this.framesSent++
      this.wire(w, 0, outLen, phc.hi, phc.lo)
    }
    for (let c = q.hwHead; c !== end; c = (c + 1) >>> 0) {
      const d = (c & ring.mask) * ICE_TX_DESC_SIZE
      if (iceTxDtype(v, d) === IceTxDtype.DATA && (iceTxCmd(v, d) & IceTxCmd.RS) !== 0) iceTxWriteBackDone(v, d)
    }
    q.hwHead = end
    return true
  }

  /** Insert a 4-byte tag after the MAC addresses; returns the new length. */
  private insertTag(w: Uint8Array, len: number, tpid: number, tci: number): number {
    w.copyWithin(16, 12, len)
    w[12] = tpid >>> 8
    w[13] = tpid & 0xff
    w[14] = (tci >>> 8) & 0xff
    w[15] = tci & 0xff
    return len + 4
  }

  private checksum(w: Uint8Array, len: number, cmd: number, offset: number): void {
    const l3 = (offset & 0x7f) * 2
    const l4 = l3 + ((offset >>> 7) & 0x7f) * 4
    const iipt = cmd & ICE_TX_CMD_IIPT_M
    if (iipt === IceTxCmd.IIPT_IPV4_CSUM && l4 <= len && l4 >= l3 + 20) {
      w[l3 + 10] = 0
      w[l3 + 11] = 0
      const c = ipv4HeaderChecksum(w, l3, l4 - l3)
      w[l3 + 10] = c >>> 8
      w[l3 + 11] = c & 0xff
    }
    const l4t = cmd & ICE_TX_CMD_L4T_M
    if (l4t === 0 || l4 >= len) return
    let end = len
    if (iipt === IceTxCmd.IIPT_IPV6 && l3 + 6 <= len) end = l3 + 40 + ((w[l3 + 4]! << 8) | w[l3 + 5]!)
    else if (iipt !== 0 && l3 + 4 <= len) end = l3 + ((w[l3 + 2]! << 8) | w[l3 + 3]!)
    if (end > len || end <= l4) end = len
    if (l4t === IceTxCmd.L4T_EOFT_SCTP) {
      if (l4 + 12 > end) return
      sctpStoreChecksum(w, l4, sctpChecksum(w, l4, end - l4))
      return
    }
    const at = l4 + (l4t === IceTxCmd.L4T_EOFT_TCP ? 16 : 6)
    if (at + 2 > end) return
    let out = csumFinish(csumPartial(w, l4, end - l4))
    if (l4t === IceTxCmd.L4T_EOFT_UDP && out === 0) out = 0xffff
    w[at] = out >>> 8
    w[at + 1] = out & 0xff
  }
}
