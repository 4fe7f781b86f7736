/**
 * The driver half of one mlx5e receive queue (legacy cyclic RQ, linear buffers): the CQ poll
 * loop mlx5e_poll_rx_cq with CQE decompression, mlx5e_handle_rx_cqe, the XDP hook, the skb
 * path mlx5e_build_rx_skb, and RQ refill (drivers/net/ethernet/mellanox/mlx5/core/en_rx.c).
 *
 * Ownership (wq.h mlx5_cqwq_get_cqe): the CQE at cc belongs to software when
 * (op_own & 1) == ((cc >> log_cq_size) & 1).
 * Decompression (mlx5e_decompress_cqes_start / _cont): a title CQE with format COMPRESSED holds
 * the session length in byte_cnt; the driver copies the title into cqd.title and, per CQE,
 * overwrites byte_cnt and check_sum from the mini CQE, clears the format bits, sets the owner
 * bit, and sets wqe_counter = title's + i (mod RQ size). The FIRST CQE goes through
 * mlx5e_decompress_cqe and keeps the title's hash; every later one through
 * mlx5e_decompress_cqe_no_hash, which zeroes rss_hash_type and rss_hash_result. Mini CQE array
 * k is read from slot cc+1 (k = 0) or cc+8k. Afterwards mlx5e_cqes_update_owner rewrites op_own
 * of the n slots to this pass's parity.
 * Buffers: WQE i always owns frame (firstFrame + i) of the FrameArea (a recycled page);
 * consumed WQEs are reposted at the end of the poll and the RQ doorbell record is updated.
 * Verdicts (mlx5e_xdp_handle): XDP_TX converts to an xdp_frame and posts it on the RQ's XDP SQ
 * (rq->xdpsq, copied to a bounce frame there); XDP_REDIRECT goes through core's xdpDoRedirect;
 * failures count xdpTxErrors / xdpRedirectErrors. At the end of the poll
 * (mlx5e_xdp_rx_poll_complete) the XDP SQ's open MPWQE is closed and its doorbell rung once:
 * every XDP_TX frame of one NAPI poll is one doorbell batch.
 * The raw-descriptor design reads the CQE through XdpBuff.rawDesc/rawDescOff, set per packet to
 * what mxbuf->cqe points at: the CQ slot, or the decompression title copy (cqd.title) for a
 * compressed session, as mlx5e does.
 *
 * Per packet: no allocation, no exceptions.
 */
import {
  accountXdpVerdict,
  type FrameArea,
  type NetDevice,
  PktHashType,
  runXdp,
  RxChecksumOut,
  SKB_SHARED_INFO_SIZE,
  SkbChecksum,
  SkbRecord,
  U64,
  XDP_PACKET_HEADROOM,
  XdpAction,
  XdpChecksum,
  xdpConvertBuffToFrame,
  xdpDoRedirect,
  xdpGetMetalen,
  XdpMemType,
  type XdpMetadataOps,
  xdpPrepareBuff
} from "@devtx/core"
import {
  Cqe64,
  CQE_RSS_HTYPE_IP,
  CQE_RSS_HTYPE_L4,
  MLX5_CQE64_SIZE,
  MLX5_MINI_CQE8_SIZE,
  MLX5_MINI_CQE_ARRAY_SIZE,
  Mlx5CqeFormat,
  Mlx5CqeOpcode,
  cqeByteCnt,
  cqeHasVlan,
  cqeLroNumSeg,
  cqeOpcode,
  cqeRssHashResult,
  cqeRssHashType,
  cqeTimestampH,
  cqeTimestampL,
  cqeVlanInfo,
  cqeWqeCounter
} from "./Mlx5Cqe.js"
import { mlx5CqeTsToNs } from "./Mlx5Clock.js"
import { MLX5_CQ_DBREC_CI_MASK, type Mlx5RxQueueMemory, WqeDataSeg } from "./Mlx5RxQueueMemory.js"
import { Mlx5eXdpBuff, type Mlx5RqState, mlx5eHandleCsum } from "./Mlx5XdpMetadataOps.js"
import type { Mlx5eTxSq } from "./Mlx5eTxSq.js"

/** An lkey for the posted buffers (any value: the model does not translate keys). */
export const MLX5_MODEL_RX_LKEY = 0x00001100

/** rq stats the driver keeps (a subset of ethtool -S rx*_ names) */
export class Mlx5eRqStats {
  cqeCompressBlks = 0
  cqeCompressPkts = 0
  wqeErr = 0
  csumComplete = 0
  csumUnnecessary = 0
  csumUnnecessaryInner = 0
  csumNone = 0
  removedVlanPackets = 0
}

/** struct mlx5e_cq_decomp */
class CqDecomp {
  readonly title = new Uint8Array(MLX5_CQE64_SIZE)
  readonly titleView = new DataView(this.title.buffer)
  readonly miniArr = new Uint8Array(MLX5_CQE64_SIZE)
  readonly miniView = new DataView(this.miniArr.buffer)
  left = 0
  wqeCounter = 0
  miniArrIdx = 0
}

export class Mlx5eRq {
  readonly ctx: Mlx5eXdpBuff
  readonly skb = new SkbRecord()
  readonly stats = new Mlx5eRqStats()
  readonly cqd = new CqDecomp()
  /** CQ consumer counter (mlx5_cqwq.cc) */
  cc = 0
  /** RQ producer / consumer counters (mlx5_wq_cyc wqe_ctr and the popped count) */
  wqPc = 0
  wqCc = 0
  /** rq->xdpsq: where XDP_TX goes (set by the device at bring-up) */
  xdpsq: Mlx5eTxSq | undefined = undefined
  private readonly csum = new RxChecksumOut()
  private readonly ts = new U64()
  private dev!: NetDevice

  constructor(
    readonly index: number,
    readonly mem: Mlx5RxQueueMemory,
    readonly area: FrameArea,
    readonly firstFrame: number,
    readonly rq: Mlx5RqState,
    ifindex: number,
    ops: XdpMetadataOps
  ) {
    this.ctx = new Mlx5eXdpBuff(area, { ifindex, queueIndex: index, dev: { xdpMetadataOps: ops } })
    this.ctx.rq = rq
    this.postRxWqes()
  }

  /** Buffer size the WQE advertises: frame minus headroom minus skb_shared_info. */
  private get wqeByteCount(): number {
    return this.area.frameSize - XDP_PACKET_HEADROOM - SKB_SHARED_INFO_SIZE
  }

  /** mlx5e_post_rx_wqes: refill every missing WQE, then the doorbell record. */
  postRxWqes(): void {
    const mem = this.mem
    const v = mem.rqView
    while (((this.wqPc - this.wqCc) & 0xffff) < mem.size) {
      const ix = this.wqPc & mem.mask
      const off = ix * 16
      const frame = (this.firstFrame + ix) * this.area.frameSize
      v.setUint32(off + WqeDataSeg.BYTE_COUNT, this.wqeByteCount, false)
      v.setUint32(off + WqeDataSeg.LKEY, MLX5_MODEL_RX_LKEY, false)
      v.setUint32(off + WqeDataSeg.ADDR, 0, false)
      v.setUint32(off + WqeDataSeg.ADDR + 4, frame + XDP_PACKET_HEADROOM, false)
      this.wqPc = (this.wqPc + 1) & 0xffff
    }
    mem.rqDbrec.setUint32(0, this.wqPc, false)
  }

  /** mlx5_cqwq_get_cqe: the slot offset of the CQE at cc if software owns it, else -1. */
  getCqe(): number {
    const mem = this.mem
    const off = (this.cc & mem.mask) * MLX5_CQE64_SIZE
    const owner = mem.cq[off + Cqe64.OP_OWN]! & 1
    return owner === ((this.cc >>> mem.logSize) & 1) ? off : -1
  }

  /** CQEs software owns right now (walks the owner bits; a compressed title counts its session). */
  pending(): number {
    if (this.cqd.left > 0) return this.cqd.left
    const mem = this.mem
    let n = 0
    let cc = this.cc
    while (n < mem.size) {
      const off = (cc & mem.mask) * MLX5_CQE64_SIZE
      if ((mem.cq[off + Cqe64.OP_OWN]! & 1) !== ((cc >>> mem.logSize) & 1)) break
      const opOwn = mem.cq[off + Cqe64.OP_OWN]!
      const step = ((opOwn >>> 2) & 3) === Mlx5CqeFormat.COMPRESSED ? cqeByteCnt(mem.cqView, off) : 1
      n += step
      cc = (cc + step) >>> 0
    }
    return n
  }

  /** mlx5e_poll_rx_cq */
  poll(dev: NetDevice, budget: number): number {
    this.dev = dev
    this.rq.noCsumComplete = this.rq.noCsumCompletePrivFlag || dev.xdpProg !== undefined
    let work = 0
    if (this.cqd.left > 0) work += this.decompressCont(0, budget)
    // the do/while of mlx5e_poll_rx_cq: a decompress_cqes_start returns its count minus one and
    // the loop's ++work_done adds it back
    let off = work < budget ? this.getCqe() : -1
    while (off >= 0) {
      if (((this.mem.cq[off + Cqe64.OP_OWN]! >>> 2) & 3) === Mlx5CqeFormat.COMPRESSED) {
        work += this.decompressStart(budget - work)
      } else {
        this.cc = (this.cc + 1) >>> 0 // mlx5_cqwq_pop
        this.handleRxCqe(this.mem.cqView, off)
      }
      work++
      off = work < budget ? this.getCqe() : -1
    }
    this.postRxWqes()
    this.mem.cqDbrec.setUint32(0, this.cc & MLX5_CQ_DBREC_CI_MASK, false) // mlx5_cqwq_update_db_record
    if (this.xdpsq !== undefined) this.xdpsq.flush() // mlx5e_xdp_rx_poll_complete
    return work
  }

  private readTitle(cc: number): void {
    const mem = this.mem
    const off = (cc & mem.mask) * MLX5_CQE64_SIZE
    this.cqd.title.set(mem.cq.subarray(off, off + MLX5_CQE64_SIZE))
    this.cqd.left = cqeByteCnt(this.cqd.titleView, 0)
    this.cqd.wqeCounter = cqeWqeCounter(this.cqd.titleView, 0)
    this.stats.cqeCompressBlks++
  }

  private readMiniArr(cc: number): void {
    const mem = this.mem
    const off = (cc & mem.mask) * MLX5_CQE64_SIZE
    this.cqd.miniArr.set(mem.cq.subarray(off, off + MLX5_CQE64_SIZE))
    this.cqd.miniArrIdx = 0
  }

  /** mlx5e_decompress_cqe */
  private decompressCqe(cqcc: number): void {
    const d = this.cqd
    const t = d.titleView
    const m = d.miniArrIdx * MLX5_MINI_CQE8_SIZE
    t.setUint32(Cqe64.BYTE_CNT, d.miniView.getUint32(m + 4, false), false)
    t.setUint16(Cqe64.CHECK_SUM, d.miniView.getUint16(m, false), false)
    const opOwn = (d.title[Cqe64.OP_OWN]! & 0xf0) | ((cqcc >>> this.mem.logSize) & 1)
    d.title[Cqe64.OP_OWN] = opOwn
    t.setUint16(Cqe64.WQE_COUNTER, d.wqeCounter, false)
    d.wqeCounter = (d.wqeCounter + 1) & this.mem.mask // mlx5_wq_cyc_ctr2ix(wq, wqe_counter + 1)
  }

  /** mlx5e_decompress_cqe_no_hash */
  private decompressCqeNoHash(cqcc: number): void {
    this.decompressCqe(cqcc)
    this.cqd.title[Cqe64.RSS_HASH_TYPE] = 0
    this.cqd.titleView.setUint32(Cqe64.RSS_HASH_RESULT, 0, false)
  }

  /** mlx5e_cqes_update_owner(wq, n): op_own of slots [cc, cc+n) := parity of their pass. */
  private updateOwner(n: number): void {
    const mem = this.mem
    for (let i = 0; i < n; i++) {
      const ctr = (this.cc + i) >>> 0
      mem.cq[(ctr & mem.mask) * MLX5_CQE64_SIZE + Cqe64.OP_OWN] = (ctr >>> mem.logSize) & 1
    }
  }

  /** mlx5e_decompress_cqes_cont */
  private decompressCont(updateOwnerOnly: number, budgetRem: number): number {
    const d = this.cqd
    let cqcc = (this.cc + updateOwnerOnly) >>> 0
    const count = Math.min(d.left, budgetRem)
    for (let i = updateOwnerOnly; i < count; i++, d.miniArrIdx++, cqcc = (cqcc + 1) >>> 0) {
      if (d.miniArrIdx === MLX5_MINI_CQE_ARRAY_SIZE) this.readMiniArr(cqcc)
      this.decompressCqeNoHash(cqcc)
      this.handleRxCqe(d.titleView, 0)
    }
    this.updateOwner((cqcc - this.cc) >>> 0)
    this.cc = cqcc
    d.left -= count
    this.stats.cqeCompressPkts += count
    return count
  }

  /** mlx5e_decompress_cqes_start */
  private decompressStart(budgetRem: number): number {
    const cc = this.cc
    this.readTitle(cc)
    this.readMiniArr((cc + 1) >>> 0)
    this.decompressCqe(cc)
    this.handleRxCqe(this.cqd.titleView, 0)
    this.cqd.miniArrIdx++
    return this.decompressCont(1, budgetRem) - 1
  }

  /** mlx5e_handle_rx_cqe (legacy cyclic RQ, linear skb) */
  private handleRxCqe(view: DataView, off: number): void {
    const dev = this.dev
    const stats = dev.rxStats
    const mem = this.mem
    const ci = cqeWqeCounter(view, off) & mem.mask
    const bcnt = cqeByteCnt(view, off)
    if (cqeOpcode(view, off) !== Mlx5CqeOpcode.RESP_SEND) {
      // MLX5E_RX_ERR_CQE: mlx5e_handle_rx_err_cqe, then the WQE is freed
      this.stats.wqeErr++
      this.wqCc = (this.wqCc + 1) & 0xffff
      return
    }
    const ctx = this.ctx
    const frameStart = (this.firstFrame + ci) * this.area.frameSize
    xdpPrepareBuff(ctx, frameStart, XDP_PACKET_HEADROOM, bcnt, this.area.frameSize, true)
    ctx.cqe = view
    ctx.cqeOff = off
    ctx.rawDesc = view
    ctx.rawDescOff = off
    stats.packets++
    stats.bytes += bcnt
    const prog = dev.xdpProg
    let act: number = XdpAction.PASS
    if (prog !== undefined) {
      act = runXdp(prog.run, ctx)
      if (accountXdpVerdict(stats, act, true) !== 0) act = XdpAction.DROP
    }
    if (act === XdpAction.PASS) this.buildRxSkb(view, off)
    else if (act === XdpAction.TX) {
      const f = xdpConvertBuffToFrame(ctx, XdpMemType.PAGE_POOL)
      if (f < 0 || this.xdpsq === undefined || this.xdpsq.xmitXdpFrame(ctx.area.bytes, f) === 0) stats.xdpTxErrors++
    } else if (act === XdpAction.REDIRECT) {
      if (xdpDoRedirect(ctx) < 0) stats.xdpRedirectErrors++
    }
    this.wqCc = (this.wqCc + 1) & 0xffff // mlx5_wq_cyc_pop
  }

  /** mlx5e_build_rx_skb: the sk_buff fields from the CQE. */
  private buildRxSkb(view: DataView, off: number): void {
    const dev = this.dev
    const rq = this.rq
    const skb = this.skb
    const ctx = this.ctx
    skb.reset()
    skb.ifindex = dev.ifindex
    skb.queue = this.index
    skb.dataAddr = ctx.data
    skb.len = ctx.dataEnd - ctx.data
    skb.metaLen = xdpGetMetalen(ctx)
    if (rq.rxFilterAll) {
      mlx5CqeTsToNs(rq.tsFormat, rq.tc, cqeTimestampH(view, off), cqeTimestampL(view, off), this.ts)
      skb.hwtstampHi = this.ts.hi
      skb.hwtstampLo = this.ts.lo
    }
    if (rq.featRxhash) {
      // mlx5e_skb_set_hash
      const cht = cqeRssHashType(view, off)
      skb.hashType = (cht & CQE_RSS_HTYPE_L4) !== 0 ? PktHashType.L4 : (cht & CQE_RSS_HTYPE_IP) !== 0 ? PktHashType.L3 : PktHashType.NONE
      skb.hash = cqeRssHashResult(view, off)
    }
    if (cqeHasVlan(view, off)) {
      skb.vlanPresent = true
      skb.vlanProto = 0x8100 // __vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), ...)
      skb.vlanTci = cqeVlanInfo(view, off)
      this.stats.removedVlanPackets++
    }
    const c = this.csum
    mlx5eHandleCsum(rq.featRxcsum, cqeLroNumSeg(view, off) !== 0, rq.noCsumComplete, false, view, off, ctx.area.bytes, ctx.data, skb.len, c)
    if (c.ipSummed === XdpChecksum.COMPLETE) {
      skb.ipSummed = SkbChecksum.COMPLETE
      skb.csum = c.cksum
      this.stats.csumComplete++
    } else if (c.ipSummed === XdpChecksum.UNNECESSARY) {
      skb.ipSummed = SkbChecksum.UNNECESSARY
      skb.csumLevel = c.cksumLevel
      if (c.cksumLevel !== 0) this.stats.csumUnnecessaryInner++
      else this.stats.csumUnnecessary++
    } else {
      skb.ipSummed = SkbChecksum.NONE
      this.stats.csumNone++
    }
    dev.rxStats.skbs++
    dev.stack(skb, ctx.area.bytes)
  }
}
