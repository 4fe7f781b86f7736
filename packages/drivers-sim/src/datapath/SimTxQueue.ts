/**
 * One TX queue of the reference driver: the descriptor ring it posts to, the completion ring it
 * reaps, and per-slot bookkeeping of what each descriptor carries (an AF_XDP zero-copy frame with
 * its tx_timestamp pointer, or an skb with its cookie). Posting stops when the ring is full
 * (nothing is overwritten); reaping completes descriptors strictly in ring order, so completions
 * reach AF_XDP and the skb submitter in submit order.
 *
 * AF_XDP TX metadata: the driver's xsk_tx_metadata_ops (sim versions of tmo_request_timestamp /
 * _checksum / _launch_time set descriptor bits; tmo_fill_timestamp reads the completion entry)
 * are called through core's xskTxMetadataRequest / xskTxMetadataComplete, as a real driver does.
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
  XdpFrameView,
  NetdevTx,
  RxTimestampOut,
  type TxSkb,
  type TxSkbCompletion,
  XdpDescOption,
  XdpDescOut,
  type XskSocket,
  type XskTxMetadataOps,
  xskTxCompleted,
  xskTxMetadataComplete,
  xskTxMetadataRequest,
  xskTxMetadataToCompl,
  xskTxPeekDesc
} from "@devtx/core"
import type { SimTxHwQueue } from "./SimTxHardware.js"
import { SIM_TX_COMPL_SIZE, SIM_TX_DESC_SIZE, SimTxCmd, SimTxCompl, SimTxComplStatus, SimTxDesc, SIM_TX_VERSION_1 } from "./SimTxDescriptor.js"

/** The driver context the tmo ops receive: the descriptor being posted or the completion being reaped. */
export class SimTxPriv {
  constructor(
    readonly desc: DataView,
    readonly compl: DataView
  ) {}
  descOff = 0
  complOff = 0
}

export const simTmoRequestTimestamp = (p: SimTxPriv): void => {
  p.desc.setUint8(p.descOff + SimTxDesc.CMD, p.desc.getUint8(p.descOff + SimTxDesc.CMD) | SimTxCmd.TSTAMP)
}
export const simTmoRequestChecksum = (start: number, offset: number, p: SimTxPriv): void => {
  p.desc.setUint16(p.descOff + SimTxDesc.CSUM_START, start, true)
  p.desc.setUint16(p.descOff + SimTxDesc.CSUM_OFFSET, offset, true)
  p.desc.setUint8(p.descOff + SimTxDesc.CMD, p.desc.getUint8(p.descOff + SimTxDesc.CMD) | SimTxCmd.L4_CSUM)
}
export const simTmoRequestLaunchTime = (hi: number, lo: number, p: SimTxPriv): void => {
  p.desc.setUint32(p.descOff + SimTxDesc.LAUNCH_LO, lo, true)
  p.desc.setUint32(p.descOff + SimTxDesc.LAUNCH_HI, hi, true)
  p.desc.setUint8(p.descOff + SimTxDesc.CMD, p.desc.getUint8(p.descOff + SimTxDesc.CMD) | SimTxCmd.LAUNCH)
}
export const simTmoFillTimestamp = (p: SimTxPriv, out: RxTimestampOut): void => {
  out.lo = p.compl.getUint32(p.complOff + SimTxCompl.TS_LO, true)
  out.hi = p.compl.getUint32(p.complOff + SimTxCompl.TS_HI, true)
}

const KIND_XSK = 1
const KIND_SKB = 2
const KIND_XDP_FRAME = 3

export class SimTxQueue implements SimTxHwQueue {
  hwHead = 0
  pendingTs = false
  /** driver's next descriptor to clean */
  nextToClean = 0
  socket: XskSocket | undefined
  socketRegion = 0
  private firstFrag = true
  readonly kind: Uint8Array
  /** skb cookie, or the tx_timestamp UMEM address (-1 none) for AF_XDP */
  readonly token: Int32Array
  /** frame address and DMA region of each slot (for the devtx completion hooks) */
  readonly addr: Uint32Array
  readonly region: Uint8Array
  readonly desc = new XdpDescOut()
  readonly devtxCtx = new DevtxCtx()
  /** bounce frames for xdp_frames (XDP_TX, ndo_xdp_xmit): one per ring slot, so posting never runs out */
  readonly bounce: FrameArea
  readonly bounceRegion: number
  readonly bounceFree: Uint32Array
  bounceTop = 0
  private readonly fv = new XdpFrameView()
  readonly priv: SimTxPriv
  readonly scratch = new RxTimestampOut()

  constructor(
    readonly index: number,
    readonly ring: DescriptorRing,
    readonly compl: DescriptorRing,
    readonly perBatch: boolean,
    readonly tmoOps: XskTxMetadataOps<SimTxPriv>,
    readonly dma: DmaRegionTable,
    readonly hooks: DevtxHooks,
    devtxOps: DevtxOps | undefined,
    ifindex: number
  ) {
    this.kind = new Uint8Array(ring.size)
    this.token = new Int32Array(ring.size)
    this.addr = new Uint32Array(ring.size)
    this.region = new Uint8Array(ring.size)
    this.devtxCtx.ops = devtxOps
    this.devtxCtx.ifindex = ifindex
    this.devtxCtx.queue = index
    this.devtxCtx.desc = ring.view
    this.devtxCtx.compl = compl.view
    this.bounce = makeFrameArea({ frameCount: ring.size, frameSize: 4096 })
    this.bounceRegion = dma.map(this.bounce.bytes)
    this.bounceFree = new Uint32Array(ring.size)
    for (let i = 0; i < ring.size; i++) this.bounceFree[this.bounceTop++] = i * 4096
    this.priv = new SimTxPriv(ring.view, compl.view)
  }

  free(): number {
    return this.ring.size - ((this.ring.producer - this.nextToClean) >>> 0)
  }

  /** Whether DMA region `s` is still needed here: bounce frames, the bound socket, an in-flight descriptor. */
  usesRegion(s: number): boolean {
    if (s === this.bounceRegion || (this.socket !== undefined && this.socketRegion === s)) return true
    const r = this.ring
    for (let i = this.nextToClean; i !== r.producer; i = (i + 1) >>> 0) if (this.region[i & r.mask] === s) return true
    return false
  }

  inFlight(): number {
    return (this.ring.producer - this.nextToClean) >>> 0
  }

  /** Run a devtx hook at a call site (no-op without a program). */
  private hook(fn: ((ctx: DevtxCtx) => void) | undefined, point: DevtxPoint, region: number, addr: number, len: number, descOff: number, complOff: number): void {
    if (fn === undefined) return
    const c = this.devtxCtx
    c.point = point
    c.mem = this.dma.mem[region]!
    c.data = addr
    c.len = len
    c.descOff = descOff
    c.complOff = complOff
    fn(c)
  }

  private postDesc(region: number, addr: number, len: number, cmd: number): number {
    const r = this.ring
    const slot = r.producer & r.mask
    this.addr[slot] = addr
    this.region[slot] = region
    const d = slot * SIM_TX_DESC_SIZE
    r.bytes.fill(0, d, d + SIM_TX_DESC_SIZE)
    r.view.setUint32(d + SimTxDesc.BUF_ADDR, addr, true)
    r.view.setUint16(d + SimTxDesc.LEN, len, true)
    r.view.setUint8(d + SimTxDesc.VERSION, SIM_TX_VERSION_1)
    r.view.setUint8(d + SimTxDesc.CMD, cmd)
    r.view.setUint8(d + SimTxDesc.REGION, region)
    return d
  }

  /** AF_XDP zero-copy: pull up to `budget` descriptors from the bound socket (ndo_xsk_wakeup). */
  xskXmit(budget: number): number {
    const s = this.socket
    if (s === undefined) return 0
    const r = this.ring
    const out = this.desc
    const umemView = s.umem.area.view
    let n = 0
    let lastDesc = -1
    while (n < budget && this.free() > 0 && xskTxPeekDesc(s, out, this.firstFrag)) {
      const cont = (out.options & XdpDescOption.PKT_CONTD) !== 0
      const d = this.postDesc(this.socketRegion, out.addr, out.len, (cont ? 0 : SimTxCmd.EOP) | (this.perBatch ? 0 : SimTxCmd.RS))
      let compl = -1
      if (out.meta >= 0) {
        this.priv.descOff = d
        xskTxMetadataRequest(umemView, out.meta, this.tmoOps, this.priv)
        compl = xskTxMetadataToCompl(umemView, out.meta)
      }
      this.hook(this.hooks.submitXdp, DevtxPoint.SUBMIT_XDP, this.socketRegion, out.addr, out.len, d, 0)
      const slot = r.producer & r.mask
      this.kind[slot] = KIND_XSK
      this.token[slot] = compl
      this.firstFrag = !cont
      lastDesc = d
      r.producer = (r.producer + 1) >>> 0
      n++
    }
    // doorbell: in batch mode only the last descriptor asks for a completion
    if (this.perBatch && lastDesc >= 0) r.view.setUint8(lastDesc + SimTxDesc.CMD, r.view.getUint8(lastDesc + SimTxDesc.CMD) | SimTxCmd.RS)
    return n
  }

  /**
   * Transmit one xdp_frame (XDP_TX or ndo_xdp_xmit): copy its bytes into a bounce frame (the model
   * does not keep the RX page in flight), post it; 1 taken, 0 ring full or frame too big.
   */
  xdpXmitFrame(mem: Uint8Array, frame: number): number {
    if (this.free() === 0 || this.bounceTop === 0) return 0
    const f = this.fv.read(new DataView(mem.buffer, mem.byteOffset, mem.byteLength), frame)
    if (f.len > 4096 - 256) return 0
    const b = this.bounceFree[--this.bounceTop]!
    this.bounce.bytes.set(mem.subarray(f.data, f.data + f.len), b + 256)
    const d = this.postDesc(this.bounceRegion, b + 256, f.len, SimTxCmd.EOP | SimTxCmd.RS)
    this.hook(this.hooks.submitXdp, DevtxPoint.SUBMIT_XDP, this.bounceRegion, b + 256, f.len, d, 0)
    const r = this.ring
    const slot = r.producer & r.mask
    this.kind[slot] = KIND_XDP_FRAME
    this.token[slot] = b
    r.producer = (r.producer + 1) >>> 0
    return 1
  }

  /** ndo_start_xmit: one skb, its own doorbell (no xmit_more). */
  xmitSkb(skb: TxSkb): number {
    if (this.free() === 0) return NetdevTx.BUSY
    const region = this.dma.map(skb.mem)
    if (region < 0) return NetdevTx.BUSY
    let cmd = SimTxCmd.EOP | SimTxCmd.RS
    if (skb.hwTstamp) cmd |= SimTxCmd.TSTAMP
    const d = this.postDesc(region, skb.data, skb.len, cmd)
    this.priv.descOff = d
    if (skb.csumStart >= 0) simTmoRequestChecksum(skb.csumStart, skb.csumOffset, this.priv)
    if (skb.launchHi !== 0 || skb.launchLo !== 0) simTmoRequestLaunchTime(skb.launchHi, skb.launchLo, this.priv)
    this.hook(this.hooks.submitSkb, DevtxPoint.SUBMIT_SKB, region, skb.data, skb.len, d, 0)
    const r = this.ring
    const slot = r.producer & r.mask
    this.kind[slot] = KIND_SKB
    this.token[slot] = skb.cookie
    r.producer = (r.producer + 1) >>> 0
    return NetdevTx.OK
  }

  /** TX completion poll: up to `budget` descriptors, in ring order. */
  poll(budget: number, skbDone: TxSkbCompletion): number {
    const c = this.compl
    const cv = c.view
    const r = this.ring
    let done = 0
    let xsk = 0
    while (done < budget && c.consumer !== c.producer) {
      const e = (c.consumer & c.mask) * SIM_TX_COMPL_SIZE
      const st = cv.getUint8(e + SimTxCompl.STATUS)
      if ((st & SimTxComplStatus.DD) === 0) break
      const last = cv.getUint16(e + SimTxCompl.LAST_DESC, true)
      const tsHi = (st & SimTxComplStatus.TS_VALID) !== 0 ? cv.getUint32(e + SimTxCompl.TS_HI, true) : 0
      const tsLo = (st & SimTxComplStatus.TS_VALID) !== 0 ? cv.getUint32(e + SimTxCompl.TS_LO, true) : 0
      this.priv.complOff = e
      for (;;) {
        const idx = this.nextToClean
        const slot = idx & r.mask
        const kind = this.kind[slot]!
        const len = r.view.getUint16(slot * SIM_TX_DESC_SIZE + SimTxDesc.LEN, true)
        this.hook(
          kind === KIND_SKB ? this.hooks.completeSkb : this.hooks.completeXdp,
          kind === KIND_SKB ? DevtxPoint.COMPLETE_SKB : DevtxPoint.COMPLETE_XDP,
          this.region[slot]!,
          this.addr[slot]!,
          len,
          slot * SIM_TX_DESC_SIZE,
          e
        )
        if (kind === KIND_XSK) {
          const compl = this.token[slot]!
          if (compl >= 0) xskTxMetadataComplete(this.socket!.umem.area.view, compl, this.tmoOps, this.priv, this.scratch)
          xsk++
        } else if (kind === KIND_SKB) {
          skbDone(this.token[slot]!, tsHi, tsLo)
        } else if (kind === KIND_XDP_FRAME) {
          this.bounceFree[this.bounceTop++] = this.token[slot]!
        }
        this.kind[slot] = 0
        this.nextToClean = (idx + 1) >>> 0
        done++
        if ((idx & 0xffff) === last) break
      }
      cv.setUint8(e + SimTxCompl.STATUS, 0)
      c.consumer = (c.consumer + 1) >>> 0
    }
    if (xsk > 0) xskTxCompleted(this.socket!, xsk)
    return done
  }
}
