/**
 * The driver half of one mlx5e send queue: WQE building, doorbell, and the CQ poll that frees
 * WQEs — for all four kinds a channel has (en.h / en_main.c): the skb txqsq (en_tx.c
 * mlx5e_sq_xmit_wqe / mlx5e_poll_tx_cq), the XDP_TX xdpsq (rq->xdpsq), the XDP_REDIRECT xdpsq
 * (ndo_xdp_xmit) and the AF_XDP xsksq (en/xsk/tx.c mlx5e_xsk_tx), the XDP ones in en/xdp.c.
 *
 * Counters: pc / cc count WQEBBs (u16); wqe_info[ix] = { num_wqebbs, num_pkts } for the WQE that
 * starts at ix; a per-packet FIFO (the xdpi_fifo / skb fifo) holds what each packet needs at
 * completion, in post order.
 *
 * Posting (room: mlx5e_wqc_has_room_for(wq, cc, pc, n) = ((cc - pc) & mask) >= n || cc == pc):
 *  - regular XDP WQE (mlx5e_xmit_xdp_frame): -EBUSY-like false when len < MLX5E_XDP_MIN_INLINE
 *    with inline required, len > hw_mtu, or no room for 1 WQEBB (the doorbell is rung first).
 *    ctrl.trailer and eth (but its last 4 bytes) are zeroed — fm_ce_se included — the inline
 *    header (18 bytes when min_inline_mode != NONE) goes to eth.inline_hdr.start + the next DS,
 *    the rest to one data segment; ds = 2 + linear + !!inline; opcode SEND, index = sq->pc.
 *    xsk_tx_metadata_request(meta, &mlx5e_xsk_tx_metadata_ops, eseg) runs after the WQE is built.
 *  - MPWQE (mlx5e_xmit_xdp_frame_mpwqe, priv flag xdp_tx_mpwqe): a session opens when there is
 *    room for stop_room WQEBBs (NOP-padding a fragment edge so max_sq_mpw_wqebbs fit), zeroes
 *    ctrl+eth, and ONLY THEN calls xsk_tx_metadata_request on its eth segment: later packets'
 *    checksum requests are never looked at, and the session's cs_flags cover all its packets.
 *    Each packet adds one data segment; the session closes when full (ds == max * 4) or when
 *    the driver flushes, writing opcode ENHANCED_MPSW and the DS count.
 *  - skb WQE (mlx5e_sq_xmit_wqe): cs_flags L3|L4 for CHECKSUM_PARTIAL
 *    (mlx5e_txwqe_build_eseg_csum; csum_start/offset are not passed to the NIC), inline
 *    max(L2 header, MLX5E_MIN_INLINE) bytes in L2 mode (mlx5e_calc_min_inline), NOP-padded to a
 *    fragment edge when it spans WQEBBs; NETDEV_TX_BUSY when the room is below stop_room (the
 *    queue would be stopped). No xmit_more: each skb rings its own doorbell.
 *  - doorbell (mlx5e_notify_hw): fm_ce_se |= MLX5_WQE_CTRL_CQ_UPDATE on the LAST WQE posted
 *    (sq->doorbell_cseg), then the doorbell record = pc. Only that WQE gets a CQE: one CQE per
 *    doorbell batch.
 *  - AF_XDP (mlx5e_xsk_tx): per descriptor, room check first, then xsk_tx_peek_desc (which
 *    reserves the completion slot); a frame the xmit refuses is completed through a NOP WQE
 *    (mlx5e_xsk_tx_post_err) — it is never lost; one doorbell at the end.
 *
 * Completion (mlx5e_poll_xdpsq_cq / mlx5e_poll_tx_cq): per CQE (at most MLX5E_TX_CQ_POLL_BUDGET
 * = 128), free WQEs from sq->cc up to and including wqe_counter; each packet of each freed WQE
 * completes with THIS CQE: XSK packets get tmo_fill_timestamp(cqe) into their UMEM
 * tx_timestamp when they asked for one, then xsk_tx_completed(n); skbs get the CQE stamp when
 * they asked for SKBTX_HW_TSTAMP. The CQ doorbell record is updated, then sq->cc.
 *
 * Buffers: XDP_TX and ndo_xdp_xmit frames are copied into a per-SQ bounce frame (the model does
 * not keep RX page-pool pages in flight as mlx5e's MLX5E_XDP_XMIT_MODE_PAGE does); the bounce
 * frame is released at completion. AF_XDP frames are sent from the UMEM in place (zero copy).
 *
 * Per packet: no allocation, no exceptions; numeric status codes.
 */
import {
  type DmaRegionTable,
  DevtxPoint,
  type DevtxHooks,
  type DevtxProgramFn,
  type FrameArea,
  NetdevTx,
  RxTimestampOut,
  type TxSkb,
  type TxSkbCompletion,
  XdpDescOption,
  XdpDescOut,
  XdpFrameView,
  type XskSocket,
  type XskTxMetadataOps,
  xskTxCompleted,
  xskTxMetadataComplete,
  xskTxMetadataRequest,
  xskTxMetadataToCompl,
  xskTxPeekDesc
} from "@devtx/core"
import { Cqe64, MLX5_CQE64_SIZE, cqeWqeCounter } from "./Mlx5Cqe.js"
import { type Mlx5DevtxCtx, type Mlx5TmoPriv, mlx5eXskFillTimestamp } from "./Mlx5DevtxOps.js"
import { MLX5_CQ_DBREC_CI_MASK } from "./Mlx5RxQueueMemory.js"
import { MLX5_MODEL_MKEY } from "./Mlx5TxHardware.js"
import type { Mlx5TxQueueMemory } from "./Mlx5TxQueueMemory.js"
import {
  INL_HDR_START_SZ,
  inlineDsCount,
  MLX5_SEND_WQE_BB,
  MLX5_SEND_WQE_DS,
  MLX5_SEND_WQE_MAX_WQEBBS,
  MLX5_SEND_WQEBB_NUM_DS,
  MLX5_WQE_CTRL_CQ_UPDATE,
  MLX5E_MIN_INLINE,
  MLX5E_TX_WQE_EMPTY_DS_COUNT,
  MLX5E_XDP_MIN_INLINE,
  Mlx5EthWqeCsum,
  Mlx5Opcode,
  TxWqe,
  WqeCtrl,
  WqeEth,
  wqebbsOfDs,
  writeCtrlSeg,
  writeDataSeg
} from "./Mlx5Wqe.js"

/** The four SQ kinds of a channel. */
export const Mlx5eSqKind = { TXQ: 0, XDP_TX: 1, XDP_REDIRECT: 2, XSK: 3 } as const

/** MLX5E_TX_CQ_POLL_BUDGET (en.h) */
export const MLX5E_TX_CQ_POLL_BUDGET = 128
/** MLX5E_STOP_ROOM(wqebbs) = wqebbs * 2 - 1 (en/txrx.h) */
export const mlx5eStopRoom = (wqebbs: number): number => wqebbs * 2 - 1
/**
 * mlx5e_get_max_sq_aligned_wqebbs on x86 (L1_CACHE_BYTES 64): min(max_sq_wqebbs = 16,
 * MLX5_SEND_WQE_MAX_WQEBBS - 1) = 15, so a full session has 60 DS (its 6-bit DS count cannot hold 64).
 */
export const MLX5_MODEL_MAX_SQ_MPW_WQEBBS = MLX5_SEND_WQE_MAX_WQEBBS - 1
/** packets a WQEBB can carry at most (one DS each): sizes the per-packet FIFO (MLX5E_XDP_FIFO_ENTRIES2DS_MAX_RATIO spirit) */
const FIFO_PER_WQEBB = MLX5_SEND_WQEBB_NUM_DS

/** What a FIFO entry completes. */
export const Mlx5eTxKind = { SKB: 1, BOUNCE: 2, XSK: 3 } as const

/** ethtool -S style counters of one SQ */
export class Mlx5eSqStats {
  xmit = 0
  mpwqe = 0
  nops = 0
  full = 0
  err = 0
  cqes = 0
  csumPartial = 0
  csumNone = 0
  /** model: no bounce frame free for an XDP_TX / ndo_xdp_xmit frame */
  bounceFull = 0
}

export interface Mlx5eSqParams {
  readonly kind: number
  readonly minInline: number
  readonly mpwqe: boolean
  readonly hwMtu: number
  readonly ifindex: number
  readonly queue: number
}

export class Mlx5eTxSq {
  pc = 0
  cc = 0
  /** CQ consumer counter */
  cqCc = 0
  readonly stats = new Mlx5eSqStats()
  readonly wiNumWqebbs: Uint8Array
  readonly wiNumPkts: Uint8Array
  // the per-packet FIFO
  readonly fKind: Uint8Array
  readonly fToken: Int32Array
  readonly fRegion: Uint16Array
  readonly fAddr: Uint32Array
  readonly fLen: Uint32Array
  readonly fEseg: Uint32Array
  readonly fTstamp: Uint8Array
  readonly fifoMask: number
  fifoPc = 0
  fifoCc = 0
  /** sq->doorbell_cseg: byte offset of the last posted WQE's ctrl segment, -1 none */
  doorbellCseg = -1
  /** the open MPWQE session: ctrl offset (-1 closed), DS count, packets */
  mpwWqe = -1
  mpwDs = 0
  mpwPkts = 0
  readonly stopRoom: number
  /** AF_XDP */
  socket: XskSocket | undefined = undefined
  socketRegion = 0
  private readonly desc = new XdpDescOut()
  private readonly fv = new XdpFrameView()
  private frameMem: Uint8Array = new Uint8Array(0)
  private frameView: DataView = new DataView(new ArrayBuffer(0))
  /** the next AF_XDP descriptor starts a packet (metadata is read from first fragments only) */
  private firstFrag = true
  private readonly scratch = new RxTimestampOut()
  /** bounce frames (XDP SQs) */
  bounce: FrameArea | undefined
  bounceRegion = -1
  bounceFree: Uint32Array = new Uint32Array(0)
  bounceTop = 0

  constructor(
    readonly params: Mlx5eSqParams,
    readonly mem: Mlx5TxQueueMemory,
    /** the device's DMA region table (u16 region index: fRegion is a Uint16Array) */
    readonly dma: DmaRegionTable,
    readonly tmoOps: XskTxMetadataOps<Mlx5TmoPriv>,
    readonly priv: Mlx5TmoPriv,
    readonly hooks: DevtxHooks,
    readonly devtxCtx: Mlx5DevtxCtx
  ) {
    const n = mem.size
    this.wiNumWqebbs = new Uint8Array(n)
    this.wiNumPkts = new Uint8Array(n)
    const f = n * FIFO_PER_WQEBB
    this.fKind = new Uint8Array(f)
    this.fToken = new Int32Array(f)
    this.fRegion = new Uint16Array(f)
    this.fAddr = new Uint32Array(f)
    this.fLen = new Uint32Array(f)
    this.fEseg = new Uint32Array(f)
    this.fTstamp = new Uint8Array(f)
    this.fifoMask = f - 1
    this.stopRoom =
      params.kind === Mlx5eSqKind.TXQ
        ? mlx5eStopRoom(MLX5_SEND_WQE_MAX_WQEBBS)
        : params.mpwqe
          ? mlx5eStopRoom(MLX5_MODEL_MAX_SQ_MPW_WQEBBS)
          : 1
  }

  /** Give this SQ bounce frames (XDP_TX / ndo_xdp_xmit SQs). */
  setBounce(area: FrameArea): void {
    this.bounce = area
    this.bounceRegion = this.dma.map(area.bytes)
    this.bounceFree = new Uint32Array(area.frameCount)
    for (let i = 0; i < area.frameCount; i++) this.bounceFree[this.bounceTop++] = i * area.frameSize
  }

  /** Whether DMA region `s` is still needed by this SQ: its bounce frames, the bound socket, a posted packet not completed. */
  usesRegion(s: number): boolean {
    if (s === this.bounceRegion || (this.socket !== undefined && this.socketRegion === s)) return true
    for (let i = this.fifoCc; i !== this.fifoPc; i = (i + 1) >>> 0) if (this.fRegion[i & this.fifoMask] === s) return true
    return false
  }

  /** Packets posted and not completed yet. */
  inFlight(): number {
    return (this.fifoPc - this.fifoCc) >>> 0
  }

  /** mlx5e_wqc_has_room_for(wq, cc, pc, n) */
  hasRoomFor(n: number): boolean {
    return ((this.cc - this.pc) & this.mem.mask) >= n || this.cc === this.pc
  }

  // ---- WQE building ------------------------------------------------------------------------

  /** mlx5e_post_nop */
  private postNop(): number {
    const mem = this.mem
    const w = (this.pc & mem.mask) * MLX5_SEND_WQE_BB
    mem.sq.fill(0, w, w + 16)
    writeCtrlSeg(mem.sqView, w, this.pc, Mlx5Opcode.NOP, mem.sqn, 1)
    this.pc = (this.pc + 1) & 0xffff
    return w
  }

  /** mlx5e_xdpsq_get_next_pi / mlx5e_txqsq_get_next_pi: NOP-pad a fragment edge so `size` WQEBBs fit. */
  private nextPi(size: number): number {
    const mem = this.mem
    let pi = this.pc & mem.mask
    const contig = mem.contigWqebbs(pi)
    if (contig < size) {
      for (let i = 0; i < contig; i++) {
        this.wiNumWqebbs[pi + i] = 1
        this.wiNumPkts[pi + i] = 0
        this.postNop()
      }
      this.stats.nops += contig
      pi = this.pc & mem.mask
    }
    return pi
  }

  /** mlx5e_notify_hw via mlx5e_xmit_xdp_doorbell / the skb path: CQ_UPDATE on the last WQE, doorbell record = pc. */
  doorbell(): void {
    if (this.doorbellCseg < 0) return
    const at = this.doorbellCseg + WqeCtrl.FM_CE_SE
    this.mem.sq[at] = this.mem.sq[at]! | MLX5_WQE_CTRL_CQ_UPDATE
    this.mem.sqDbrec.setUint32(0, this.pc, false)
    this.doorbellCseg = -1
  }

  private pushFifo(kind: number, token: number, region: number, addr: number, len: number, eseg: number, tstamp: boolean): void {
    const i = this.fifoPc & this.fifoMask
    this.fKind[i] = kind
    this.fToken[i] = token
    this.fRegion[i] = region
    this.fAddr[i] = addr
    this.fLen[i] = len
    this.fEseg[i] = eseg
    this.fTstamp[i] = tstamp ? 1 : 0
    this.fifoPc = (this.fifoPc + 1) >>> 0
  }

  private submitHook(fn: DevtxProgramFn | undefined, point: DevtxPoint, region: number, addr: number, len: number, eseg: number): void {
    if (fn === undefined) return
    const c = this.devtxCtx
    c.point = point
    c.queue = this.params.queue
    c.mem = this.dma.mem[region]!
    c.data = addr
    c.len = len
    c.desc = this.mem.sqView
    c.descOff = eseg
    fn(c)
  }

  /**
   * mlx5e_xmit_xdp_frame: one regular SEND WQE for the frame at (region, addr, len). `meta` is
   * the UMEM offset of struct xsk_tx_metadata (-1 none). Returns the eth segment offset, or -1.
   */
  private xmitRegular(region: number, addr: number, len: number, meta: number, metaView: DataView | undefined, checked: boolean): number {
    const p = this.params
    const inlineOk = p.minInline === 0 || len >= MLX5E_XDP_MIN_INLINE
    if (!inlineOk || len > p.hwMtu) {
      this.stats.err++
      return -1
    }
    if (!checked && !this.hasRoomFor(1)) {
      this.doorbell()
      this.stats.full++
      return -1
    }
    const inl = p.minInline !== 0 ? MLX5E_XDP_MIN_INLINE : 0
    const linear = len - inl > 0 ? 1 : 0
    const ds = MLX5E_TX_WQE_EMPTY_DS_COUNT + linear + (inl !== 0 ? 1 : 0)
    const mem = this.mem
    const pi = this.nextPi(1)
    const w = pi * MLX5_SEND_WQE_BB
    const eseg = w + TxWqe.ETH
    const sq = mem.sq
    // memset(&cseg->trailer, 0, ...); memset(eseg, 0, sizeof(*eseg) - sizeof(eseg->trailer))
    sq.fill(0, w + WqeCtrl.SIGNATURE, w + 16)
    sq.fill(0, eseg, eseg + WqeEth.TRAILER)
    let dseg = w + TxWqe.DATA
    if (inl !== 0) {
      const src = this.dma.mem[region]!
      sq[eseg + WqeEth.INLINE_HDR_START] = src[addr]!
      sq[eseg + WqeEth.INLINE_HDR_START + 1] = src[addr + 1]!
      for (let k = INL_HDR_START_SZ; k < inl; k++) sq[dseg + k - INL_HDR_START_SZ] = src[addr + k]!
      dseg += MLX5_SEND_WQE_DS
    }
    if (linear !== 0) writeDataSeg(mem.sqView, dseg, len - inl, MLX5_MODEL_MKEY, region, addr + inl)
    writeCtrlSeg(mem.sqView, w, this.pc, Mlx5Opcode.SEND, mem.sqn, ds)
    mem.sqView.setUint16(eseg + WqeEth.INLINE_HDR_SZ, inl, false)
    this.wiNumWqebbs[pi] = 1
    this.wiNumPkts[pi] = 1
    this.pc = (this.pc + 1) & 0xffff
    if (meta >= 0 && metaView !== undefined) {
      this.priv.view = mem.sqView
      this.priv.off = eseg
      xskTxMetadataRequest(metaView, meta, this.tmoOps, this.priv)
    }
    this.doorbellCseg = w
    this.stats.xmit++
    return eseg
  }

  /** mlx5e_xdp_mpwqe_complete */
  completeMpwqe(): void {
    const w = this.mpwWqe
    if (w < 0) return
    const mem = this.mem
    const pi = this.pc & mem.mask
    writeCtrlSeg(mem.sqView, w, this.pc, Mlx5Opcode.ENHANCED_MPSW, mem.sqn, this.mpwDs)
    const n = wqebbsOfDs(this.mpwDs)
    this.wiNumWqebbs[pi] = n
    this.wiNumPkts[pi] = this.mpwPkts
    this.pc = (this.pc + n) & 0xffff
    this.doorbellCseg = w
    this.mpwWqe = -1
  }

  /** mlx5e_xmit_xdp_frame_mpwqe. Returns the session's eth segment offset, or -1. */
  private xmitMpwqe(region: number, addr: number, len: number, meta: number, metaView: DataView | undefined): number {
    if (len > this.params.hwMtu) {
      this.stats.err++
      return -1
    }
    const mem = this.mem
    if (this.mpwWqe < 0) {
      // mlx5e_xmit_xdp_frame_check_mpwqe, then mlx5e_xdp_mpwqe_session_start
      if (!this.hasRoomFor(this.stopRoom)) {
        this.doorbell()
        this.stats.full++
        return -1
      }
      const pi = this.nextPi(MLX5_MODEL_MAX_SQ_MPW_WQEBBS)
      const w = pi * MLX5_SEND_WQE_BB
      mem.sq.fill(0, w, w + TxWqe.DATA)
      this.mpwWqe = w
      this.mpwDs = MLX5E_TX_WQE_EMPTY_DS_COUNT
      this.mpwPkts = 0
      this.stats.mpwqe++
      if (meta >= 0 && metaView !== undefined) {
        this.priv.view = mem.sqView
        this.priv.off = w + TxWqe.ETH
        xskTxMetadataRequest(metaView, meta, this.tmoOps, this.priv)
      }
    }
    const w = this.mpwWqe
    // mlx5e_xdp_mpwqe_add_dseg (inline_on is not modelled: always a pointer segment)
    writeDataSeg(mem.sqView, w + this.mpwDs * MLX5_SEND_WQE_DS, len, MLX5_MODEL_MKEY, region, addr)
    this.mpwDs++
    this.mpwPkts++
    this.stats.xmit++
    if (this.mpwDs === MLX5_MODEL_MAX_SQ_MPW_WQEBBS * MLX5_SEND_WQEBB_NUM_DS) {
      this.completeMpwqe()
      return w + TxWqe.ETH
    }
    return w + TxWqe.ETH
  }

  /** sq->xmit_xdp_frame */
  private xmit(region: number, addr: number, len: number, meta: number, metaView: DataView | undefined, checked: boolean): number {
    return this.params.mpwqe ? this.xmitMpwqe(region, addr, len, meta, metaView) : this.xmitRegular(region, addr, len, meta, metaView, checked)
  }

  /** Flush (mlx5e_xdp_rx_poll_complete / XDP_XMIT_FLUSH): close the MPWQE session, ring the doorbell. */
  flush(): void {
    if (this.mpwWqe >= 0) this.completeMpwqe()
    this.doorbell()
  }

  // ---- entry points ------------------------------------------------------------------------

  /**
   * One xdp_frame (its hard start at `frame` in `mem`): copy into a bounce frame and post it.
   * 1 taken, 0 not (error, ring full, no bounce frame). No doorbell: the caller flushes.
   */
  xmitXdpFrame(memBytes: Uint8Array, frame: number): number {
    const b = this.bounce
    if (b === undefined) return 0
    if (this.bounceTop === 0) {
      this.stats.bounceFull++
      return 0
    }
    if (memBytes !== this.frameMem) {
      // a new source memory (first frame from another device): one view, reused afterwards
      this.frameMem = memBytes
      this.frameView = new DataView(memBytes.buffer, memBytes.byteOffset, memBytes.byteLength)
    }
    const f = this.fv.read(this.frameView, frame)
    if (f.len > b.frameSize) {
      this.stats.err++
      return 0
    }
    const at = this.bounceFree[this.bounceTop - 1]!
    b.bytes.set(memBytes.subarray(f.data, f.data + f.len), at)
    const eseg = this.xmit(this.bounceRegion, at, f.len, -1, undefined, false)
    if (eseg < 0) return 0
    this.bounceTop--
    this.pushFifo(Mlx5eTxKind.BOUNCE, at, this.bounceRegion, at, f.len, eseg, false)
    this.submitHook(this.hooks.submitXdp, DevtxPoint.SUBMIT_XDP, this.bounceRegion, at, f.len, eseg)
    return 1
  }

  /** mlx5e_xsk_tx: pull up to `budget` descriptors of the bound socket; one doorbell. Returns descriptors taken. */
  xskTx(budget: number): number {
    const s = this.socket
    if (s === undefined) return 0
    const out = this.desc
    const umem = s.umem.area
    const metaEnabled = s.umem.txMetadataLen !== 0
    let n = 0
    let flush = false
    for (; n < budget; ) {
      // sq->xmit_xdp_frame_check
      if (this.params.mpwqe ? this.mpwWqe < 0 && !this.hasRoomFor(this.stopRoom) : !this.hasRoomFor(1)) {
        this.doorbell()
        this.stats.full++
        break
      }
      if (!xskTxPeekDesc(s, out, this.firstFrag)) break
      this.firstFrag = (out.options & XdpDescOption.PKT_CONTD) === 0
      const meta = out.meta
      let eseg = this.xmit(this.socketRegion, out.addr, out.len, meta, umem.view, true)
      if (eseg < 0) {
        // mlx5e_xsk_tx_post_err: complete the descriptor through a NOP WQE
        if (this.mpwWqe >= 0) this.completeMpwqe()
        const pi = this.pc & this.mem.mask
        this.wiNumWqebbs[pi] = 1
        this.wiNumPkts[pi] = 1
        eseg = this.postNop() + TxWqe.ETH
        this.doorbellCseg = eseg - TxWqe.ETH
        this.pushFifo(Mlx5eTxKind.XSK, -1, this.socketRegion, out.addr, out.len, eseg, false)
      } else {
        const compl = metaEnabled && meta >= 0 ? xskTxMetadataToCompl(umem.view, meta) : -1
        this.pushFifo(Mlx5eTxKind.XSK, compl, this.socketRegion, out.addr, out.len, eseg, false)
        this.submitHook(this.hooks.submitXdp, DevtxPoint.SUBMIT_XDP, this.socketRegion, out.addr, out.len, eseg)
      }
      flush = true
      n++
    }
    if (flush) this.flush()
    return n
  }

  /** mlx5e_xmit (ndo_start_xmit) without xmit_more: NetdevTx.OK or NetdevTx.BUSY. */
  xmitSkb(skb: TxSkb, region: number): number {
    if (!this.hasRoomFor(this.stopRoom)) {
      this.stats.full++
      return NetdevTx.BUSY
    }
    const p = this.params
    const src = skb.mem
    const len = skb.len
    let ihs = 0
    if (p.minInline !== 0) {
      // mlx5e_calc_min_inline(L2) = min(max(skb_network_offset, MLX5E_MIN_INLINE), headlen)
      let l2 = 14
      let proto = len >= 14 ? (src[skb.data + 12]! << 8) | src[skb.data + 13]! : 0
      while ((proto === 0x8100 || proto === 0x88a8) && l2 + 4 <= len) {
        proto = (src[skb.data + l2 + 2]! << 8) | src[skb.data + l2 + 3]!
        l2 += 4
      }
      ihs = Math.min(Math.max(l2, MLX5E_MIN_INLINE), len)
    }
    const linear = len - ihs > 0 ? 1 : 0
    const ds = MLX5E_TX_WQE_EMPTY_DS_COUNT + inlineDsCount(ihs) + linear
    const nWqebbs = wqebbsOfDs(ds)
    const mem = this.mem
    const pi = this.nextPi(nWqebbs)
    const w = pi * MLX5_SEND_WQE_BB
    const eseg = w + TxWqe.ETH
    const sq = mem.sq
    sq.fill(0, w, w + TxWqe.DATA) // MLX5E_TX_FETCH_WQE zeroes ctrl + eth
    if (skb.csumStart >= 0) {
      sq[eseg + WqeEth.CS_FLAGS] = Mlx5EthWqeCsum.L3 | Mlx5EthWqeCsum.L4
      this.stats.csumPartial++
    } else this.stats.csumNone++
    let dseg = w + TxWqe.DATA
    if (ihs > 0) {
      sq[eseg + WqeEth.INLINE_HDR_START] = src[skb.data]!
      sq[eseg + WqeEth.INLINE_HDR_START + 1] = src[skb.data + 1]!
      for (let k = INL_HDR_START_SZ; k < ihs; k++) sq[dseg + k - INL_HDR_START_SZ] = src[skb.data + k]!
      mem.sqView.setUint16(eseg + WqeEth.INLINE_HDR_SZ, ihs, false)
      dseg += inlineDsCount(ihs) * MLX5_SEND_WQE_DS
    }
    if (linear !== 0) writeDataSeg(mem.sqView, dseg, len - ihs, MLX5_MODEL_MKEY, region, skb.data + ihs)
    writeCtrlSeg(mem.sqView, w, this.pc, Mlx5Opcode.SEND, mem.sqn, ds)
    this.wiNumWqebbs[pi] = nWqebbs
    this.wiNumPkts[pi] = 1
    this.pc = (this.pc + nWqebbs) & 0xffff
    this.pushFifo(Mlx5eTxKind.SKB, skb.cookie, region, skb.data, len, eseg, skb.hwTstamp)
    this.stats.xmit++
    this.submitHook(this.hooks.submitSkb, DevtxPoint.SUBMIT_SKB, region, skb.data, len, eseg)
    this.doorbellCseg = w
    this.doorbell()
    return NetdevTx.OK
  }

  // ---- completion --------------------------------------------------------------------------

  /** mlx5_cqwq_get_cqe: slot offset of the CQE at cqCc if software owns it, else -1. */
  private getCqe(): number {
    const mem = this.mem
    const off = (this.cqCc & mem.mask) * MLX5_CQE64_SIZE
    return (mem.cq[off + Cqe64.OP_OWN]! & 1) === ((this.cqCc >>> mem.logSize) & 1) ? off : -1
  }

  /** mlx5e_poll_xdpsq_cq / mlx5e_poll_tx_cq: reap CQEs until `budget` packets are done. Returns packets completed. */
  poll(budget: number, skbDone: TxSkbCompletion): number {
    const mem = this.mem
    const cqv = mem.cqView
    let sqcc = this.cc
    let done = 0
    let xsk = 0
    let i = 0
    while (i < MLX5E_TX_CQ_POLL_BUDGET && done < budget) {
      const c = this.getCqe()
      if (c < 0) break
      this.cqCc = (this.cqCc + 1) >>> 0 // mlx5_cqwq_pop
      const wqeCounter = cqeWqeCounter(cqv, c)
      for (let guard = 0; guard <= mem.size; guard++) {
        const last = sqcc === wqeCounter
        const ci = sqcc & mem.mask
        const nw = this.wiNumWqebbs[ci]!
        const np = this.wiNumPkts[ci]!
        sqcc = (sqcc + nw) & 0xffff
        for (let k = 0; k < np; k++) {
          const j = this.fifoCc & this.fifoMask
          this.fifoCc = (this.fifoCc + 1) >>> 0
          const kind = this.fKind[j]!
          const hook = kind === Mlx5eTxKind.SKB ? this.hooks.completeSkb : this.hooks.completeXdp
          if (hook !== undefined) {
            const d = this.devtxCtx
            d.point = kind === Mlx5eTxKind.SKB ? DevtxPoint.COMPLETE_SKB : DevtxPoint.COMPLETE_XDP
            d.queue = this.params.queue
            d.mem = this.dma.mem[this.fRegion[j]!]!
            d.data = this.fAddr[j]!
            d.len = this.fLen[j]!
            d.desc = mem.sqView
            d.descOff = this.fEseg[j]!
            d.compl = cqv
            d.complOff = c
            hook(d)
          }
          if (kind === Mlx5eTxKind.XSK) {
            const compl = this.fToken[j]!
            if (compl >= 0) {
              this.priv.view = cqv
              this.priv.off = c
              xskTxMetadataComplete(this.socket!.umem.area.view, compl, this.tmoOps, this.priv, this.scratch)
            }
            xsk++
          } else if (kind === Mlx5eTxKind.SKB) {
            if (this.fTstamp[j] === 1) {
              this.priv.view = cqv
              this.priv.off = c
              mlx5eXskFillTimestamp(this.priv, this.scratch)
              skbDone(this.fToken[j]!, this.scratch.hi, this.scratch.lo)
            } else skbDone(this.fToken[j]!, 0, 0)
          } else if (kind === Mlx5eTxKind.BOUNCE) {
            this.bounceFree[this.bounceTop++] = this.fToken[j]!
          }
          this.fKind[j] = 0
          done++
        }
        if (last || nw === 0) break
      }
      i++
    }
    this.stats.cqes += i
    if (xsk > 0) xskTxCompleted(this.socket!, xsk)
    mem.cqDbrec.setUint32(0, this.cqCc & MLX5_CQ_DBREC_CI_MASK, false) // mlx5_cqwq_update_db_record
    this.cc = sqcc
    return done
  }
}
