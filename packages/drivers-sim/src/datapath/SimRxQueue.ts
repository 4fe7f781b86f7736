/**
 * One RX queue of the reference driver: descriptor ring + the driver's per-slot buffer array
 * (write-back overwrites the address, so the driver remembers it, as Intel drivers' rx_buf[]
 * does) + the reusable context. NAPI poll, the XDP hook call and the skb path live here.
 *
 * Verdicts: PASS builds the skb; TX converts to an xdp_frame and hands it to the paired TX queue;
 * REDIRECT calls core's xdpDoRedirect; failures are counted (xdpTxErrors, xdpRedirectErrors).
 * Buffer lifecycle: every ring slot always owns one frame of the FrameArea; after a packet is
 * dropped, aborted, passed (the stack copies synchronously), transmitted or redirected (both copy
 * the frame out), the same frame is re-posted at the producer index. Nothing is allocated per
 * packet.
 */
import {
  accountXdpVerdict,
  type DescriptorRing,
  type FrameArea,
  type NetDevice,
  PktHashType,
  runXdp,
  SkbRecord,
  XdpAction,
  xdpConvertBuffToFrame,
  xdpDoRedirect,
  XdpMemType,
  type XdpMetadataOps,
  xdpGetMetalen,
  xdpPrepareBuff,
  XdpRssHashType,
  XDP_PACKET_HEADROOM
} from "@devtx/core"
import { SimXdpBuff, simChecksumFromDesc, skbChecksumScratch, xdpChecksumToSkb } from "./SimMetadataOps.js"
import { SimBtfIdHintsMode, type SimBtfIdHintsState, simWriteBtfIdHints } from "./SimBtfIdHints.js"
import { SIM_RX_DESC_SIZE, type SimRxLayout, SimRxStatus } from "./SimRxDescriptor.js"

export class SimRxQueue {
  readonly ctx: SimXdpBuff
  readonly skb = new SkbRecord()
  /** frame start address owned by each slot */
  readonly slotFrame: Uint32Array
  hwHead = 0
  /** BTF-id hint writes that failed (adjust_meta refused) */
  hintsFailed = 0

  constructor(
    readonly index: number,
    readonly ring: DescriptorRing,
    readonly area: FrameArea,
    firstFrame: number,
    ifindex: number,
    ops: XdpMetadataOps,
    /** XDP_TX onto this queue's paired TX queue: 1 taken, 0 not */
    readonly xdpTx: (mem: Uint8Array, frame: number) => number,
    readonly layout: SimRxLayout,
    /** Jesper's per-packet BTF-id hints: written before the program when the mode is not OFF */
    readonly hints: SimBtfIdHintsState
  ) {
    this.ctx = new SimXdpBuff(area, { ifindex, queueIndex: index, dev: { xdpMetadataOps: ops } })
    this.ctx.desc = ring.view
    this.ctx.layout = layout
    this.ctx.rawDesc = ring.view
    this.slotFrame = new Uint32Array(ring.size)
    for (let i = 0; i < ring.size; i++) {
      this.slotFrame[i] = (firstFrame + i) * area.frameSize
      this.post(this.slotFrame[i]!)
    }
  }

  /**
   * Post a frame at the producer index, read format: the DMA address and a clear status byte (DD
   * must read 0 until the hardware writes back; the other bytes are overwritten by the write-back,
   * so the driver leaves them, as Intel drivers write only pkt_addr / hdr_addr).
   */
  post(frameStart: number): void {
    const ring = this.ring
    const off = (ring.producer & ring.mask) * SIM_RX_DESC_SIZE
    ring.view.setUint32(off + this.layout.BUF_ADDR, frameStart + XDP_PACKET_HEADROOM, true)
    ring.view.setUint8(off + this.layout.STATUS, 0)
    this.slotFrame[ring.producer & ring.mask] = frameStart
    ring.producer = (ring.producer + 1) >>> 0
  }

  pending(): number {
    return (this.hwHead - this.ring.consumer) >>> 0
  }

  /** NAPI poll: up to `budget` completed descriptors. */
  poll(dev: NetDevice, budget: number): number {
    const ring = this.ring
    const view = ring.view
    const ctx = this.ctx
    const stats = dev.rxStats
    let done = 0
    while (done < budget) {
      const slot = ring.consumer & ring.mask
      const off = slot * SIM_RX_DESC_SIZE
      const L = this.layout
      const st = view.getUint8(off + L.STATUS)
      if ((st & SimRxStatus.DD) === 0) break
      const frameStart = this.slotFrame[slot]!
      const len = view.getUint16(off + L.PKT_LEN, true)
      xdpPrepareBuff(ctx, frameStart, XDP_PACKET_HEADROOM, len, this.area.frameSize, true)
      ctx.descOff = off
      ctx.rawDescOff = off
      stats.packets++
      stats.bytes += len
      const prog = dev.xdpProg
      let act: number = XdpAction.PASS
      if (prog !== undefined) {
        // a failed hint write (no headroom) leaves the program without hints, as in the RFC
        if (this.hints.mode !== SimBtfIdHintsMode.OFF && simWriteBtfIdHints(ctx, this.hints) !== 0) this.hintsFailed++
        act = runXdp(prog.run, ctx)
        if (accountXdpVerdict(stats, act, true) !== 0) act = XdpAction.DROP
      }
      if (act === XdpAction.PASS) this.buildSkb(dev, off, st)
      else if (act === XdpAction.TX) {
        const f = xdpConvertBuffToFrame(ctx, XdpMemType.PAGE_POOL)
        if (f < 0 || this.xdpTx(ctx.area.bytes, f) === 0) stats.xdpTxErrors++
      } else if (act === XdpAction.REDIRECT) {
        if (xdpDoRedirect(ctx) < 0) stats.xdpRedirectErrors++
      }
      ring.consumer = (ring.consumer + 1) >>> 0
      this.post(frameStart)
      done++
    }
    return done
  }

  /** The driver's skb path (sim's answer to mlx5e_build_rx_skb): fields from the descriptor. */
  private buildSkb(dev: NetDevice, off: number, st: number): void {
    const skb = this.skb
    const view = this.ring.view
    const ctx = this.ctx
    const L = this.layout
    skb.reset()
    skb.ifindex = dev.ifindex
    skb.queue = this.index
    skb.dataAddr = ctx.data
    skb.len = ctx.dataEnd - ctx.data
    skb.metaLen = xdpGetMetalen(ctx)
    if ((st & SimRxStatus.RSS_VALID) !== 0) {
      skb.hash = view.getUint32(off + L.RSS_HASH, true)
      const t = view.getUint16(off + L.RSS_TYPE, true)
      skb.hashType = (t & XdpRssHashType.L4) !== 0 ? PktHashType.L4 : PktHashType.L3
    }
    if ((st & SimRxStatus.VLAN_STRIPPED) !== 0) {
      skb.vlanPresent = true
      skb.vlanProto = view.getUint16(off + L.VLAN_TPID, true)
      skb.vlanTci = view.getUint16(off + L.VLAN_TCI, true)
    }
    if (simChecksumFromDesc(view, off, L, skbChecksumScratch) === 0) {
      skb.ipSummed = xdpChecksumToSkb(skbChecksumScratch.ipSummed)
      skb.csum = skbChecksumScratch.cksum
      skb.csumLevel = skbChecksumScratch.cksumLevel
    }
    if ((st & SimRxStatus.TS_VALID) !== 0) {
      skb.hwtstampLo = view.getUint32(off + L.TS_LO, true)
      skb.hwtstampHi = view.getUint32(off + L.TS_HI, true)
    }
    dev.rxStats.skbs++
    dev.stack(skb, ctx.area.bytes)
  }
}
