/**
 * One ice Rx ring, driver half (ice_txrx.c ice_clean_rx_irq / ice_alloc_rx_bufs, single-buffer
 * frames): the descriptor ring, the per-slot buffer array (rx_fqes: the write-back overwrites
 * pkt_addr, so the driver remembers each slot's buffer), the ring's packet context and the
 * reusable ice_xdp_buff.
 *
 * Posting (ice_alloc_rx_bufs): write read.pkt_addr, clear wb.status_error0 (so DD reads 0); the
 * other bytes keep whatever the previous write-back left, as on the real ring.
 * Poll: while status_error0.DD of next_to_clean is set: length = pkt_len & 0x3FFF, build the
 * xdp_buff (XDP_PACKET_HEADROOM; ice_xdp_buff.eop_desc = XdpBuff.rawDesc/rawDescOff, the raw
 * design's view of the current descriptor), run the program, on XDP_PASS build the skb from the
 * same descriptor (ice_process_skb_fields + ice_receive_skb), on XDP_TX convert to an xdp_frame
 * and put it on the queue's XDP TX ring (ice_xmit_xdp_ring; refused -> xdpTxErrors), on
 * XDP_REDIRECT call xdp_do_redirect (failure -> xdpRedirectErrors), re-post the buffer. Nothing is
 * allocated per packet; every slot always owns one frame of the FrameArea.
 */
import {
  accountXdpVerdict,
  type DescriptorRing,
  type FrameArea,
  type NetDevice,
  ntohs,
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
  XDP_PACKET_HEADROOM
} from "@devtx/core"
import {
  iceGetRxCsum,
  iceGetRxHash,
  iceGetVlanTci,
  IcePktCtx,
  icePtpGetRxHwts,
  iceSkbCsumScratch,
  iceSkbTsScratch,
  IceXdpBuff,
  iceXdpChecksumToSkb
} from "./IceMetadataOps.js"
import { libieRxPtParse, LibethPayload, ptPayloadLayer } from "./IcePtypeTable.js"
import { ICE_RX_FLEX_DESC_SIZE, ICE_RX_FLX_DESC_PKT_LEN_M, iceGetPtype, IceRxDesc, IceStatus0 } from "./IceRxFlexDesc.js"

/** VLAN_VID_MASK (include/linux/if_vlan.h) */
const VLAN_VID_MASK = 0x0fff

export class IceRxQueue {
  readonly ctx: IceXdpBuff
  readonly pktCtx = new IcePktCtx()
  readonly skb = new SkbRecord()
  readonly slotFrame: Uint32Array
  /** the hardware's head (next descriptor it writes) */
  hwHead = 0
  /** descriptors seen with DD but without EOF (multi-buffer frames are not modelled; never expected) */
  nonEopDescs = 0

  constructor(
    readonly index: number,
    readonly ring: DescriptorRing,
    readonly area: FrameArea,
    firstFrame: number,
    ifindex: number,
    ops: XdpMetadataOps,
    /** XDP_TX onto this queue's XDP TX ring: 1 taken, 0 not */
    readonly xdpTx: (mem: Uint8Array, frame: number) => number = () => 0
  ) {
    this.ctx = new IceXdpBuff(area, { ifindex, queueIndex: index, dev: { xdpMetadataOps: ops } })
    this.ctx.desc = ring.view
    this.ctx.rawDesc = ring.view
    this.ctx.pktCtx = this.pktCtx
    this.slotFrame = new Uint32Array(ring.size)
    for (let i = 0; i < ring.size; i++) this.post((firstFrame + i) * area.frameSize)
  }

  /** ice_alloc_rx_bufs for one slot at next_to_use. */
  post(frameStart: number): void {
    const ring = this.ring
    const off = (ring.producer & ring.mask) * ICE_RX_FLEX_DESC_SIZE
    const v = ring.view
    v.setUint32(off + IceRxDesc.PKT_ADDR, frameStart + XDP_PACKET_HEADROOM, true)
    v.setUint32(off + IceRxDesc.PKT_ADDR + 4, 0, true)
    v.setUint16(off + IceRxDesc.STATUS_ERROR0, 0, true)
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
      const off = slot * ICE_RX_FLEX_DESC_SIZE
      const s0 = view.getUint16(off + IceRxDesc.STATUS_ERROR0, true)
      if ((s0 & IceStatus0.DD) === 0) break
      if ((s0 & IceStatus0.EOF) === 0) this.nonEopDescs++
      const frameStart = this.slotFrame[slot]!
      const len = view.getUint16(off + IceRxDesc.PKT_LEN, true) & ICE_RX_FLX_DESC_PKT_LEN_M
      xdpPrepareBuff(ctx, frameStart, XDP_PACKET_HEADROOM, len, this.area.frameSize, true)
      ctx.descOff = off
      ctx.rawDescOff = off
      stats.packets++
      stats.bytes += len
      const prog = dev.xdpProg
      let act: number = XdpAction.PASS
      if (prog !== undefined) {
        act = runXdp(prog.run, ctx)
        if (accountXdpVerdict(stats, act, true) !== 0) act = XdpAction.DROP
      }
      if (act === XdpAction.PASS) this.buildSkb(dev, off)
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

  /** ice_process_skb_fields + ice_receive_skb */
  private buildSkb(dev: NetDevice, off: number): void {
    const skb = this.skb
    const view = this.ring.view
    const ctx = this.ctx
    const pkt = this.pktCtx
    skb.reset()
    skb.ifindex = dev.ifindex
    skb.queue = this.index
    skb.dataAddr = ctx.data
    skb.len = ctx.dataEnd - ctx.data
    skb.metaLen = xdpGetMetalen(ctx)
    // ice_rx_hash_to_skb: libeth_rx_pt_has_hash (payload_layer > NONE && NETIF_F_RXHASH), hash != 0
    const pt = libieRxPtParse(iceGetPtype(view, off))
    const payload = ptPayloadLayer(pt)
    if (pkt.rxhash && payload > LibethPayload.NONE) {
      const hash = iceGetRxHash(view, off)
      if (hash !== 0) {
        skb.hash = hash
        skb.hashType = payload === LibethPayload.L4 ? PktHashType.L4 : payload === LibethPayload.L3 ? PktHashType.L3 : PktHashType.L2
      }
    }
    // ice_rx_csum
    iceGetRxCsum(view, off, pkt, true, iceSkbCsumScratch)
    skb.ipSummed = iceXdpChecksumToSkb(iceSkbCsumScratch.ipSummed)
    skb.csum = iceSkbCsumScratch.cksum
    skb.csumLevel = iceSkbCsumScratch.cksumLevel
    // ice_ptp_rx_hwts_to_skb when rx_ring->ptp_rx
    if (pkt.ptpRx && icePtpGetRxHwts(view, off, pkt, iceSkbTsScratch)) {
      skb.hwtstampHi = iceSkbTsScratch.hi
      skb.hwtstampLo = iceSkbTsScratch.lo
    }
    // ice_receive_skb: a tag with VID 0 (priority tag) is not put on the skb
    const tci = iceGetVlanTci(view, off)
    if ((tci & VLAN_VID_MASK) !== 0 && pkt.vlanProto !== 0) {
      skb.vlanPresent = true
      skb.vlanProto = ntohs(pkt.vlanProto)
      skb.vlanTci = tci
    }
    dev.rxStats.skbs++
    dev.stack(skb, ctx.area.bytes)
  }
}
