/**
 * One ice TX ring, driver half. Each queue has two (ice_vsi_alloc_rings / ice_prepare_xdp_rings):
 * the LAN ring for the skb path (ice_start_xmit -> ice_xmit_frame_ring -> ice_tx_map) and the XDP
 * ring for XDP_TX / ndo_xdp_xmit (ice_xmit_xdp_ring) and AF_XDP zero-copy (ice_xmit_zc).
 *
 * DMA regions: every memory a descriptor points into has a slot in the device's DmaRegionTable
 * (core driverlib/), named by buf_addr's high half; usesRegion tells the table which slots this
 * ring still needs. A full table makes ice_xmit_frame_ring return NETDEV_TX_BUSY (nothing taken).
 *
 * Ring accounting (ice_txrx.h): next_to_use (ntu) and next_to_clean (ntc) are free-running
 * counters here; ICE_DESC_UNUSED = count - (ntu - ntc) - 1 (one slot always stays empty); the
 * tail register is the DescriptorRing's producer, written after a packet (skb) or a batch (XDP,
 * XSK) is complete — the hardware never sees half a batch. Ring full is backpressure, never a
 * drop: ice_xmit_frame_ring returns NETDEV_TX_BUSY unless count + ICE_DESCS_PER_CACHE_LINE (4) +
 * ICE_DESCS_FOR_CTX_DESC (1) descriptors are unused (tx_busy++); the XDP ring refuses a frame
 * (ICE_XDP_CONSUMED) and ice_xmit_zc takes at most ICE_DESC_UNUSED descriptors; both first clean
 * inline when fewer than a quarter of the ring is unused (ICE_RING_QUARTER).
 *
 * What a packet posts:
 *   skb:  [context descriptor when it needs one: TSYN + PHY index (ice_tstamp), IL2TAG2 (outer
 *         VLAN on an L2TAG2 ring)] + one data descriptor with EOP | RS (ICE_TXD_LAST_DESC_CMD)
 *         and the ice_tx_csum fields; RS on every packet (next_to_watch = the EOP descriptor).
 *   XDP_TX / ndo_xdp_xmit: one data descriptor, ice_build_ctob(0, 0, size, 0) | EOP; devtx's
 *         xdpXmit has no separate flush, so every frame is its own flush (RS + tail), as
 *         ndo_xdp_xmit(n = 1, XDP_XMIT_FLUSH).
 *   XSK:  one data descriptor per xdp_desc, EOP unless XDP_PKT_CONTD; RS on the last descriptor of
 *         the batch (ice_set_rs_bit). Metadata is not read: ice has no xsk_tx_metadata_ops.
 * devtx: while a submit program is attached at the ring's hook point, every packet gets a
 * context descriptor in front of its first data descriptor (a no-op one — DTYPE 0x1, CMD 0 — unless
 * the skb path needed one anyway) so the devtx request-timestamp kfunc has a TSYN slot to fill.
 *
 * Completion (ice_clean_tx_irq / ice_clean_xdp_irq(_zc)): every posted slot remembers its RS
 * descriptor; from ntc, while that RS descriptor shows DTYPE 0xF, slots complete in ring order:
 * skbs report (cookie, timestamp) through the device's skbCompletion, XSK descriptors are counted
 * into one xsk_tx_completed, XDP frames free their bounce buffer. A completed slot is released
 * exactly once (kind cleared), so no completion is lost or duplicated.
 *
 * Per packet: no allocation, numeric codes.
 */
import {
  type DmaRegionTable,
  DevtxCtx,
  type DevtxHooks,
  type DevtxOps,
  DevtxPoint,
  type DescriptorRing,
  type FrameArea,
  makeFrameArea,
  NetdevTx,
  type TxSkb,
  type TxSkbCompletion,
  XdpDescOption,
  XdpDescOut,
  type XskSocket,
  xskTxCompleted,
  xskTxPeekDesc,
  csumPartial
} from "@devtx/core"
import { IceTsOwner, type IcePtpTx, type IceTsSink } from "./IcePtpTx.js"
import {
  ICE_TX_DESC_SIZE,
  ICE_TXD_BUF_SZ_M,
  ICE_TXD_LAST_DESC_CMD,
  IceTxCmd,
  IceTxCtxCmd,
  iceTxDescDone,
  iceTxOrCmd,
  iceWriteCtxDesc,
  iceWriteDataDesc
} from "./IceTxDesc.js"
import type { IceTxHwRing } from "./IceTxHardware.js"
import { ICE_TX_CSUM_DROP, ICE_TX_CSUM_SW, IceTxCsumOut, iceTxCsum } from "./IceTxOffload.js"

/** ICE_DESCS_PER_CACHE_LINE (64 / sizeof(struct ice_tx_desc)) and ICE_DESCS_FOR_CTX_DESC (ice_txrx.h) */
export const ICE_DESCS_PER_CACHE_LINE = 4
export const ICE_DESCS_FOR_CTX_DESC = 1
/** bounce buffer size for xdp_frames put on the XDP ring (the model copies them, see below) */
export const ICE_XDP_BOUNCE_SIZE = 4096
const BOUNCE_HEADROOM = 256

export const IceTxKind = {
  NONE: 0,
  CTX: 1,
  SKB: 2,
  XSK: 3,
  XDP_FRAME: 4
} as const

/** The devtx hook context ice passes: core's DevtxCtx plus where the packet's slots are. */
export class IceDevtxCtx extends DevtxCtx {
  ring: IceTxRing | undefined = undefined
  /** ring slot (index) of the packet's first data descriptor */
  slot = 0
  /** byte offset of the context descriptor in front of the packet, -1 when there is none */
  ctxDescOff = -1
}

export class IceTxRingStats {
  packets = 0
  txBusy = 0
  /** ice_tx_csum said drop (CHECKSUM_PARTIAL on a non-IP frame) or the frame does not fit one descriptor */
  txDropped = 0
  /** skb_checksum_help ran (L4 protocol the hardware cannot checksum) */
  csumSoftware = 0
  /** an skb's descriptors completed before its timestamp was processed (never expected) */
  tsLate = 0
  /** XDP_TX / ndo_xdp_xmit frames refused (ring full, no bounce buffer, too big) */
  xdpConsumed = 0
}

export class IceTxRing implements IceTxHwRing, IceTsSink {
  hwHead = 0
  /** next_to_use / next_to_clean (free-running) */
  ntu = 0
  ntc = 0
  socket: XskSocket | undefined = undefined
  socketRegion = 0
  private firstFrag = true
  private batchStart = 0
  readonly stats = new IceTxRingStats()
  readonly kind: Uint8Array
  /** the counter of the RS descriptor whose DD completes this slot */
  readonly rsAt: Uint32Array
  /** skb cookie / bounce buffer offset */
  readonly token: Int32Array
  readonly addr: Uint32Array
  readonly region: Uint16Array
  readonly len: Uint16Array
  /** 1 on the first data descriptor of a packet */
  readonly pktFirst: Uint8Array
  /** on a packet's first data descriptor: the PHY timestamp index it holds (-1 none), its owner and result */
  readonly tsIdx: Int16Array
  readonly tsOwner: Uint8Array
  readonly tsState: Uint8Array
  readonly tsHi: Uint32Array
  readonly tsLo: Uint32Array
  /** XDP ring: bounce frames, one per slot, so posting never runs out while the ring has room */
  readonly bounce: FrameArea | undefined
  readonly bounceRegion: number
  readonly bounceFree: Uint32Array
  bounceTop = 0
  readonly devtxCtx = new IceDevtxCtx()
  private readonly desc = new XdpDescOut()
  private readonly csum = new IceTxCsumOut()

  constructor(
    /** the queue index */
    readonly queue: number,
    /** this ring's index in the tracker's sinks */
    readonly id: number,
    readonly isXdp: boolean,
    readonly ring: DescriptorRing,
    /** the device's DMA region table (u16 region index: this.region is a Uint16Array) */
    readonly dma: DmaRegionTable,
    readonly ptp: IcePtpTx,
    readonly phc: { hi: number; lo: number },
    readonly hooks: DevtxHooks,
    devtxOps: DevtxOps | undefined,
    ifindex: number,
    /** ICE_TX_FLAGS_RING_VLAN_L2TAG2: a VLAN goes in the context descriptor's l2tag2 */
    readonly l2tag2Ring: boolean
  ) {
    const n = ring.size
    this.kind = new Uint8Array(n)
    this.rsAt = new Uint32Array(n)
    this.token = new Int32Array(n)
    this.addr = new Uint32Array(n)
    this.region = new Uint16Array(n)
    this.len = new Uint16Array(n)
    this.pktFirst = new Uint8Array(n)
    this.tsIdx = new Int16Array(n).fill(-1)
    this.tsOwner = new Uint8Array(n)
    this.tsState = new Uint8Array(n)
    this.tsHi = new Uint32Array(n)
    this.tsLo = new Uint32Array(n)
    const c = this.devtxCtx
    c.ring = this
    c.ops = devtxOps
    c.ifindex = ifindex
    c.queue = queue
    c.desc = ring.view
    c.compl = ring.view
    if (isXdp) {
      this.bounce = makeFrameArea({ frameCount: n, frameSize: ICE_XDP_BOUNCE_SIZE })
      this.bounceRegion = dma.map(this.bounce.bytes)
      this.bounceFree = new Uint32Array(n)
      for (let i = 0; i < n; i++) this.bounceFree[this.bounceTop++] = i * ICE_XDP_BOUNCE_SIZE
    } else {
      this.bounce = undefined
      this.bounceRegion = -1
      this.bounceFree = new Uint32Array(0)
    }
    ptp.sinks[id] = this
  }

  /** ICE_DESC_UNUSED */
  unused(): number {
    return this.ring.size - ((this.ntu - this.ntc) >>> 0) - 1
  }

  inFlight(): number {
    return (this.ntu - this.ntc) >>> 0
  }

  /** IceTsSink: the tracker processed the timestamp of the skb whose first data descriptor is at `slot`. */
  tsDelivered(slot: number, ok: boolean, hi: number, lo: number): void {
    this.tsState[slot] = ok ? 1 : 2
    this.tsHi[slot] = hi
    this.tsLo[slot] = lo
  }

  /** Whether DMA region `s` is still needed by this ring: its bounce frames, the bound socket, a posted descriptor not yet cleaned. */
  usesRegion(s: number): boolean {
    if (s === this.bounceRegion || (this.socket !== undefined && this.socketRegion === s)) return true
    const mask = this.ring.mask
    for (let c = this.ntc; c !== this.ntu; c = (c + 1) >>> 0) {
      const slot = c & mask
      if (this.kind[slot] !== IceTxKind.CTX && this.kind[slot] !== IceTxKind.NONE && this.region[slot] === s) return true
    }
    return false
  }

  private postCtx(l2tag2: number, cmd: number, idx: number): number {
    const slot = this.ntu & this.ring.mask
    const d = slot * ICE_TX_DESC_SIZE
    iceWriteCtxDesc(this.ring.view, d, 0, l2tag2, cmd, idx)
    this.kind[slot] = IceTxKind.CTX
    this.pktFirst[slot] = 0
    this.tsIdx[slot] = -1
    this.ntu = (this.ntu + 1) >>> 0
    return d
  }

  private postData(region: number, addr: number, len: number, cmd: number, offset: number, tag: number, kind: number, token: number, first: boolean): number {
    const slot = this.ntu & this.ring.mask
    const d = slot * ICE_TX_DESC_SIZE
    iceWriteDataDesc(this.ring.view, d, region, addr, cmd, offset, len, tag)
    this.kind[slot] = kind
    this.token[slot] = token
    this.addr[slot] = addr
    this.region[slot] = region
    this.len[slot] = len
    this.pktFirst[slot] = first ? 1 : 0
    this.tsIdx[slot] = -1
    this.tsState[slot] = 0
    this.ntu = (this.ntu + 1) >>> 0
    return d
  }

  /** ice_set_rs_bit on the last posted descriptor; every slot since the previous RS completes with it. */
  private setRs(): void {
    const last = (this.ntu - 1) >>> 0
    iceTxOrCmd(this.ring.view, (last & this.ring.mask) * ICE_TX_DESC_SIZE, IceTxCmd.RS)
    for (let c = this.batchStart; c !== this.ntu; c = (c + 1) >>> 0) this.rsAt[c & this.ring.mask] = last
    this.batchStart = this.ntu
  }

  /** Write the tail register: the hardware may fetch up to ntu. */
  private doorbell(): void {
    this.ring.producer = this.ntu
  }

  private runSubmitHook(fn: ((ctx: DevtxCtx) => void) | undefined, point: DevtxPoint, region: number, addr: number, len: number, d: number, ctxOff: number): void {
    if (fn === undefined) return
    const c = this.devtxCtx
    c.point = point
    c.mem = this.dma.mem[region]!
    c.data = addr
    c.len = len
    c.descOff = d
    c.complOff = 0
    c.slot = d / ICE_TX_DESC_SIZE
    c.ctxDescOff = ctxOff
    fn(c)
  }

  /**
   * ice_xmit_frame_ring for one skb. `vlanTci` >= 0: skb_vlan_tag_present with that TCI (devtx's
   * TxSkb has no VLAN field yet; IceNetDevice.xmitSkbVlan passes it). NETDEV_TX_OK / NETDEV_TX_BUSY.
   */
  xmitSkb(skb: TxSkb, vlanTci: number, skbDone: TxSkbCompletion): number {
    if (this.unused() < 1 + ICE_DESCS_PER_CACHE_LINE + ICE_DESCS_FOR_CTX_DESC) {
      this.stats.txBusy++
      return NetdevTx.BUSY
    }
    // dma_map before anything is written: a full region table is backpressure, not a drop
    const region = this.dma.map(skb.mem)
    if (region < 0) {
      this.stats.txBusy++
      return NetdevTx.BUSY
    }
    if (skb.len <= 0 || skb.len > ICE_TXD_BUF_SZ_M) {
      this.stats.txDropped++
      skbDone(skb.cookie, 0, 0)
      return NetdevTx.OK
    }
    let cmd = 0
    let offset = 0
    let tag = 0
    let cdCmd = 0
    let cdTag2 = 0
    let needCtx = false
    // ice_tx_prepare_vlan_flags
    if (vlanTci >= 0) {
      if (this.l2tag2Ring) {
        cdCmd |= IceTxCtxCmd.IL2TAG2
        cdTag2 = vlanTci
        needCtx = true
      } else {
        cmd |= IceTxCmd.IL2TAG1
        tag = vlanTci
      }
    }
    // ice_tx_csum (CHECKSUM_PARTIAL)
    if (skb.csumStart >= 0) {
      const rc = iceTxCsum(skb.mem, skb.data, skb.len, skb.csumStart, this.csum)
      if (rc === ICE_TX_CSUM_DROP) {
        this.stats.txDropped++
        skbDone(skb.cookie, 0, 0)
        return NetdevTx.OK
      }
      cmd |= this.csum.cmd
      offset = this.csum.offset
      if (rc === ICE_TX_CSUM_SW) {
        // skb_checksum_help: fold the sum from csum_start into csum_start + csum_offset
        const start = skb.data + skb.csumStart
        const at = start + skb.csumOffset
        if (at + 2 <= skb.data + skb.len) {
          const c = ~csumPartial(skb.mem, start, skb.data + skb.len - start) & 0xffff
          const out = c === 0 ? 0xffff : c
          skb.mem[at] = out >>> 8
          skb.mem[at + 1] = out & 0xff
        }
        this.stats.csumSoftware++
      }
    }
    const hook = this.hooks.submitSkb
    const withCtx = needCtx || hook !== undefined
    // ice_tstamp: a PHY index for SKBTX_HW_TSTAMP (never with TSO; no slot -> skipped, sent anyway)
    let idx = -1
    if (skb.hwTstamp) {
      idx = this.ptp.request(IceTsOwner.SKB, this.id, (this.ntu + 1) & this.ring.mask, this.phc.hi, this.phc.lo)
      if (idx < 0) this.ptp.pf.txHwtstampSkipped++
      else cdCmd |= IceTxCtxCmd.TSYN
    }
    let ctxOff = -1
    if (withCtx || idx >= 0) ctxOff = this.postCtx(cdTag2, cdCmd, idx >= 0 ? idx : 0)
    const d = this.postData(region, skb.data, skb.len, cmd | ICE_TXD_LAST_DESC_CMD, offset, tag, IceTxKind.SKB, skb.cookie, true)
    const slot = d / ICE_TX_DESC_SIZE
    this.tsIdx[slot] = idx
    this.tsOwner[slot] = idx >= 0 ? IceTsOwner.SKB : IceTsOwner.NONE
    // RS is already in ICE_TXD_LAST_DESC_CMD: record it for the slots of this packet
    for (let c = this.batchStart; c !== this.ntu; c = (c + 1) >>> 0) this.rsAt[c & this.ring.mask] = (this.ntu - 1) >>> 0
    this.batchStart = this.ntu
    this.runSubmitHook(hook, DevtxPoint.SUBMIT_SKB, region, skb.data, skb.len, d, ctxOff)
    this.stats.packets++
    this.doorbell()
    return NetdevTx.OK
  }

  /** Clean inline when fewer than a quarter of the ring is unused (ICE_RING_QUARTER). */
  private maybeClean(skbDone: TxSkbCompletion): void {
    if (this.unused() < this.ring.size >>> 2) this.clean(this.ring.size, skbDone)
  }

  /**
   * __ice_xmit_xdp_ring for one xdp_frame at `frame` in `mem` (its hard start; data and len read
   * from struct xdp_frame, LE). The model copies the bytes into a bounce frame of this ring (the
   * RX ring recycles its buffer at once). 1 taken, 0 refused.
   */
  xdpXmitFrame(mem: Uint8Array, frame: number, skbDone: TxSkbCompletion): number {
    this.maybeClean(skbDone)
    const hook = this.hooks.submitXdp
    if (this.unused() < (hook !== undefined ? 2 : 1) || this.bounceTop === 0 || this.bounce === undefined) {
      this.stats.xdpConsumed++
      return 0
    }
    // struct xdp_frame: data (u64 LE) @0, len (u32 LE) @8
    const data = (mem[frame]! | (mem[frame + 1]! << 8) | (mem[frame + 2]! << 16) | (mem[frame + 3]! << 24)) >>> 0
    const len = (mem[frame + 8]! | (mem[frame + 9]! << 8) | (mem[frame + 10]! << 16) | (mem[frame + 11]! << 24)) >>> 0
    if (len === 0 || len > ICE_XDP_BOUNCE_SIZE - BOUNCE_HEADROOM || data + len > mem.length) {
      this.stats.xdpConsumed++
      return 0
    }
    const b = this.bounceFree[--this.bounceTop]!
    this.bounce.bytes.set(mem.subarray(data, data + len), b + BOUNCE_HEADROOM)
    const ctxOff = hook !== undefined ? this.postCtx(0, 0, 0) : -1
    const d = this.postData(this.bounceRegion, b + BOUNCE_HEADROOM, len, IceTxCmd.EOP, 0, 0, IceTxKind.XDP_FRAME, b, true)
    this.runSubmitHook(hook, DevtxPoint.SUBMIT_XDP, this.bounceRegion, b + BOUNCE_HEADROOM, len, d, ctxOff)
    this.setRs()
    this.stats.packets++
    this.doorbell()
    return 1
  }

  /** ice_xmit_zc: up to `budget` descriptors of the bound socket, one RS at the end, one tail write. */
  xskXmit(budget: number, skbDone: TxSkbCompletion): number {
    const s = this.socket
    if (s === undefined) return 0
    this.maybeClean(skbDone)
    const hook = this.hooks.submitXdp
    const out = this.desc
    let n = 0
    while (n < budget && this.unused() >= (this.firstFrag && hook !== undefined ? 2 : 1) && xskTxPeekDesc(s, out, this.firstFrag)) {
      const cont = (out.options & XdpDescOption.PKT_CONTD) !== 0
      const ctxOff = this.firstFrag && hook !== undefined ? this.postCtx(0, 0, 0) : -1
      const d = this.postData(this.socketRegion, out.addr, out.len, cont ? 0 : IceTxCmd.EOP, 0, 0, IceTxKind.XSK, 0, this.firstFrag)
      this.runSubmitHook(hook, DevtxPoint.SUBMIT_XDP, this.socketRegion, out.addr, out.len, d, ctxOff)
      if (!cont) this.stats.packets++
      this.firstFrag = !cont
      n++
    }
    if (this.ntu !== this.batchStart) {
      this.setRs()
      this.doorbell()
    }
    return n
  }

  /** ice_clean_tx_irq / ice_clean_xdp_irq: complete up to `budget` descriptors in ring order. */
  clean(budget: number, skbDone: TxSkbCompletion): number {
    const ring = this.ring
    const v = ring.view
    const mask = ring.mask
    let done = 0
    let xsk = 0
    while (done < budget && this.ntc !== ring.producer) {
      const slot = this.ntc & mask
      const rs = this.rsAt[slot]!
      const rsOff = (rs & mask) * ICE_TX_DESC_SIZE
      if (!iceTxDescDone(v, rsOff)) break
      const kind = this.kind[slot]!
      if (kind !== IceTxKind.CTX && (this.pktFirst[slot] === 1 || kind === IceTxKind.XSK)) {
        const fn = kind === IceTxKind.SKB ? this.hooks.completeSkb : this.hooks.completeXdp
        if (fn !== undefined) {
          const c = this.devtxCtx
          c.point = kind === IceTxKind.SKB ? DevtxPoint.COMPLETE_SKB : DevtxPoint.COMPLETE_XDP
          c.mem = this.dma.mem[this.region[slot]!]!
          c.data = this.addr[slot]!
          c.len = this.len[slot]!
          c.descOff = slot * ICE_TX_DESC_SIZE
          c.complOff = rsOff
          c.slot = slot
          c.ctxDescOff = -1
          fn(c)
        }
      }
      const idx = this.tsIdx[slot]!
      if (kind === IceTxKind.SKB) {
        let hi = 0
        let lo = 0
        if (idx >= 0 && this.tsOwner[slot] === IceTsOwner.SKB) {
          if (this.tsState[slot] === 1) {
            hi = this.tsHi[slot]!
            lo = this.tsLo[slot]!
          } else if (this.tsState[slot] === 0) {
            this.ptp.orphan(idx)
            this.stats.tsLate++
          }
        }
        skbDone(this.token[slot]!, hi, lo)
      } else if (kind === IceTxKind.XSK) xsk++
      else if (kind === IceTxKind.XDP_FRAME) this.bounceFree[this.bounceTop++] = this.token[slot]!
      if (idx >= 0 && this.tsOwner[slot] === IceTsOwner.DEVTX) this.ptp.release(idx)
      this.kind[slot] = IceTxKind.NONE
      this.tsIdx[slot] = -1
      this.tsOwner[slot] = IceTsOwner.NONE
      this.ntc = (this.ntc + 1) >>> 0
      done++
    }
    if (xsk > 0 && this.socket !== undefined) xskTxCompleted(this.socket, xsk)
    return done
  }
}
