/**
 * Bring-up of the mlx5 model: frame memory, per RX queue the shared RQ/CQ memory and the
 * driver's mlx5e_rq, the clocks (hardware clock + the driver's timecounter), the hardware
 * model, and the xdp_metadata_ops table (mlx5e_xdp_metadata_ops: timestamp, hash, vlan_tag;
 * plus the proposed checksum op when configured). Returns the NetDevice.
 *
 * TX: per channel (one per RX queue) four send queues, each with its own CQ, as mlx5e opens
 * them: the skb txqsq, the XDP_TX xdpsq (rq->xdpsq), the XDP_REDIRECT xdpsq (ndo_xdp_xmit) and
 * the AF_XDP xsksq. The device's send engine (Mlx5TxHardware) serves them in that order;
 * napiPollTx reaps their CQs in mlx5e_napi_poll's order (txqsq, redirect xdpsq, rq xdpsq,
 * xsksq). netdev->xsk_tx_metadata_ops = mlx5e_xsk_tx_metadata_ops (fill timestamp, request
 * checksum), so xsk-features = tx-timestamp | tx-checksum; devtx ops request timestamp /
 * request L4 checksum / tx timestamp. ndo_xdp_xmit uses channel 0 (the kernel picks the
 * channel of the CPU) and flushes per call (XDP_XMIT_FLUSH).
 */
import { mlx5Btf } from "./Mlx5Btf.js"
import { mlx5KernelMemory } from "./Mlx5KernelMemory.js"
import {
  compileRssHashFields,
  type DeviceOptions,
  DevtxHooks,
  type DevtxOps,
  Errno,
  makeFrameArea,
  type NetDevice,
  type RssHashFields,
  RxStats,
  toeplitzKey,
  U64,
  type XdpMetadataOps,
  xdpRxMetadataFeaturesOf,
  xskFeaturesOf,
  type XskTxMetadataOps
} from "@devtx/core"
import { effectiveCqeCompression, type Mlx5Config, parseRssKeyHex } from "./Mlx5Config.js"
import { initMlx5Timecounter } from "./Mlx5ClockParams.js"
import { Mlx5HwClock, Mlx5Timecounter, Mlx5TsFormat, NSEC_PER_SEC, realTimeCyc2time } from "./datapath/Mlx5Clock.js"
import { Mlx5HardwareModel } from "./datapath/Mlx5HardwareModel.js"
import { mlx5DevtxInlineOps } from "./datapath/Mlx5DevtxInlineOps.js"
import { mlx5InlineOps } from "./datapath/Mlx5InlineOps.js"
import { Mlx5eRq } from "./datapath/Mlx5eRq.js"
import { Mlx5RxQueueMemory } from "./datapath/Mlx5RxQueueMemory.js"
import {
  type Mlx5eXdpBuff,
  Mlx5RqState,
  mlx5eXdpRxChecksum,
  mlx5eXdpRxHash,
  mlx5eXdpRxTimestamp,
  mlx5eXdpRxVlanTag
} from "./datapath/Mlx5XdpMetadataOps.js"
import {
  Mlx5DevtxCtx,
  mlx5DevtxRequestL4Checksum,
  mlx5DevtxRequestTxTimestamp,
  mlx5DevtxTxTimestamp,
  Mlx5TmoPriv,
  mlx5eXskFillTimestamp,
  mlx5eXskRequestChecksum
} from "./datapath/Mlx5DevtxOps.js"
import { Mlx5eSqKind, Mlx5eTxSq } from "./datapath/Mlx5eTxSq.js"
import { Mlx5HwSq, Mlx5TxHardware } from "./datapath/Mlx5TxHardware.js"
import { Mlx5TxQueueMemory } from "./datapath/Mlx5TxQueueMemory.js"
import { MLX5E_XDP_MIN_INLINE } from "./datapath/Mlx5Wqe.js"

/** One channel's send queues, in the order the send engine serves them. */
export interface Mlx5eChannelTx {
  readonly txqsq: Mlx5eTxSq
  readonly xdpsq: Mlx5eTxSq
  readonly redirectSq: Mlx5eTxSq
  readonly xsksq: Mlx5eTxSq
  /** [txqsq, xdpsq, redirectSq, xsksq] */
  readonly all: ReadonlyArray<Mlx5eTxSq>
  readonly hw: ReadonlyArray<Mlx5HwSq>
}

export interface Mlx5NetDevice extends NetDevice {
  readonly config: Mlx5Config
  readonly hwClock: Mlx5HwClock
  readonly timecounter: Mlx5Timecounter
  readonly hardware: Mlx5HardwareModel
  readonly rqs: ReadonlyArray<Mlx5eRq>
  readonly cqeCompression: boolean
  readonly txHardware: Mlx5TxHardware
  readonly channels: ReadonlyArray<Mlx5eChannelTx>
  /** DMA regions by IOVA high word (0 = the RX frame memory) */
  readonly dmaRegions: Uint8Array[]
}

/** mlx5e_xsk_tx_metadata_ops (en/xdp.c): no request_timestamp, no launch time. */
export const mlx5XskTxMetadataOps: XskTxMetadataOps<Mlx5TmoPriv> = {
  tmoFillTimestamp: mlx5eXskFillTimestamp,
  tmoRequestChecksum: mlx5eXskRequestChecksum
}

/** mlx5's devtx kfunc ops (RFC design); no launch time. */
export const mlx5DevtxOps: DevtxOps<Mlx5DevtxCtx> = {
  xmoRequestTxTimestamp: mlx5DevtxRequestTxTimestamp,
  xmoTxTimestamp: mlx5DevtxTxTimestamp,
  xmoRequestL4Checksum: mlx5DevtxRequestL4Checksum
}

/** hard_mtu = ETH_HLEN + VLAN_HLEN + ETH_FCS_LEN (MLX5E_SW2HW_MTU, en/params.h) */
const MLX5E_HARD_MTU = 14 + 4 + 4
/** the model's SQ numbers: 0x1000 | channel << 2 | kind */
const sqnOf = (channel: number, kind: number): number => 0x1000 | (channel << 2) | kind

/** The RSS field sets mlx5 hashes under `config` (fixed "sd" for SCTP and other IP; no DYNHDR). */
export const mlx5RssHashFields = (c: Mlx5Config): RssHashFields => ({
  tcp4: c.rssFields.tcp4,
  udp4: c.rssFields.udp4,
  sctp4: "sd",
  other4: "sd",
  tcp6: c.rssFields.tcp6,
  udp6: c.rssFields.udp6,
  sctp6: "sd",
  other6: "sd",
  ipv4OptionsDynHdr: false,
  ipv6DynHdrExtMask: 0
})

/** mlx5e_xdp_metadata_ops (en/xdp.c), plus the proposed checksum op. */
export const mlx5MetadataOps = (config: Mlx5Config): XdpMetadataOps<Mlx5eXdpBuff> => ({
  xmoRxTimestamp: mlx5eXdpRxTimestamp,
  xmoRxHash: mlx5eXdpRxHash,
  xmoRxVlanTag: mlx5eXdpRxVlanTag,
  ...(config.xdpRxChecksum ? { xmoRxChecksum: mlx5eXdpRxChecksum } : {})
})

const log2 = (n: number): number => 31 - Math.clz32(n)

export const createMlx5Device = (config: Mlx5Config, options: DeviceOptions): Mlx5NetDevice => {
  const area = makeFrameArea({ frameCount: config.ringSize * config.rxQueues, frameSize: config.frameSize })
  const ops = mlx5MetadataOps(config) as XdpMetadataOps
  const tsFormat = config.tsFormat === "real-time" ? Mlx5TsFormat.REAL_TIME : Mlx5TsFormat.FREE_RUNNING
  const compression = effectiveCqeCompression(config)

  const hwClock = new Mlx5HwClock()
  const start = BigInt(config.phcStartNs)
  hwClock.sec = Number((start / BigInt(NSEC_PER_SEC)) & 0xffffffffn)
  hwClock.nsec = Number(start % BigInt(NSEC_PER_SEC))
  const cycles = BigInt(config.startCycles)
  hwClock.cyclesHi = Number(cycles >> 32n)
  hwClock.cyclesLo = Number(cycles & 0xffffffffn)
  const tc = new Mlx5Timecounter()
  initMlx5Timecounter(tc, config.deviceFrequencyKhz, start, cycles)

  const rqState = new Mlx5RqState(tc)
  rqState.featRxhash = config.rxhash
  rqState.featRxcsum = config.rxcsum
  rqState.rxFilterAll = config.rxTimestamp === "all"
  rqState.tsFormat = tsFormat
  rqState.noCsumCompletePrivFlag = config.rxNoCsumComplete

  const mems: Mlx5RxQueueMemory[] = []
  const rqs: Mlx5eRq[] = []
  for (let q = 0; q < config.rxQueues; q++) {
    const mem = new Mlx5RxQueueMemory(log2(config.ringSize))
    mems.push(mem)
    rqs.push(new Mlx5eRq(q, mem, area, q * config.ringSize, rqState, options.ifindex, ops))
  }
  const hardware = new Mlx5HardwareModel(
    {
      rxQueues: config.rxQueues,
      mtu: config.mtu,
      rssKey: toeplitzKey(parseRssKeyHex(config.rssKey)),
      rssFields: compileRssHashFields(mlx5RssHashFields(config)),
      vlanStripCtag: config.rxvlan,
      tsFormat,
      cqeCompression: compression,
      tickNs: config.tickNs,
      tickCycles: config.tickCycles
    },
    mems,
    area.bytes,
    hwClock
  )
  const rxStats = new RxStats()
  const phcScratch = new U64()

  // ---- TX ----
  const regions: Uint8Array[] = [area.bytes]
  const txHardware = new Mlx5TxHardware(
    { tsFormat, tickNs: config.tickNs, tickCycles: config.tickCycles, maxFrame: 65536 },
    regions,
    hwClock,
    tc,
    () => {}
  )
  const devtx = new DevtxHooks()
  const devtxOps = mlx5DevtxOps as DevtxOps
  const logTx = log2(config.txRingSize)
  const minInline = config.txMinInline === "l2" ? MLX5E_XDP_MIN_INLINE : 0
  const channels: Mlx5eChannelTx[] = []
  for (let q = 0; q < config.rxQueues; q++) {
    const mk = (kind: number): Mlx5eTxSq => {
      const dctx = new Mlx5DevtxCtx(tsFormat, tc)
      dctx.ops = devtxOps
      dctx.ifindex = options.ifindex
      dctx.queue = q
      const sq = new Mlx5eTxSq(
        {
          kind,
          minInline,
          mpwqe: kind !== Mlx5eSqKind.TXQ && config.xdpTxMpwqe,
          hwMtu: config.mtu + MLX5E_HARD_MTU,
          ifindex: options.ifindex,
          queue: q
        },
        new Mlx5TxQueueMemory(logTx, sqnOf(q, kind)),
        regions,
        mlx5XskTxMetadataOps,
        new Mlx5TmoPriv(tsFormat, tc),
        devtx,
        dctx
      )
      if (kind === Mlx5eSqKind.XDP_TX || kind === Mlx5eSqKind.XDP_REDIRECT)
        sq.setBounce(makeFrameArea({ frameCount: config.txRingSize * (config.xdpTxMpwqe ? 4 : 1), frameSize: config.frameSize }))
      return sq
    }
    const txqsq = mk(Mlx5eSqKind.TXQ)
    const xdpsq = mk(Mlx5eSqKind.XDP_TX)
    const redirectSq = mk(Mlx5eSqKind.XDP_REDIRECT)
    const xsksq = mk(Mlx5eSqKind.XSK)
    const all = [txqsq, xdpsq, redirectSq, xsksq]
    channels.push({ txqsq, xdpsq, redirectSq, xsksq, all, hw: all.map((s) => new Mlx5HwSq(s.mem)) })
    rqs[q]!.xdpsq = xdpsq
  }
  const tmoOps = mlx5XskTxMetadataOps as XskTxMetadataOps<never>
  const dev: Mlx5NetDevice = {
    driver: "mlx5",
    kernelMemory: mlx5KernelMemory(mlx5Btf(), mems, rqs),
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: config.rxQueues,
    xdpMetadataOps: ops,
    xdpMetadataInline: mlx5InlineOps(config),
    devtxInline: mlx5DevtxInlineOps(config),
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: xskFeaturesOf(tmoOps),
    rxStats,
    xdpProg: undefined,
    stack: () => {},
    config,
    hwClock,
    timecounter: tc,
    hardware,
    rqs,
    cqeCompression: compression,
    txHardware,
    channels,
    dmaRegions: regions,
    numTxQueues: config.rxQueues,
    xskTxMetadataOps: tmoOps,
    get wire() {
      return txHardware.wire
    },
    set wire(w) {
      txHardware.wire = w
    },
    skbCompletion: () => {},
    devtxOps,
    devtx,
    xskBindZeroCopy(socket) {
      const ch = channels[socket.queue]
      if (ch === undefined || socket.ifindex !== options.ifindex) return -Errno.EINVAL
      const sq = ch.xsksq
      if (sq.socket !== undefined) return -Errno.EBUSY
      if (socket.umem.area.frameSize !== socket.umem.chunkSize) return -Errno.EINVAL
      sq.socket = socket
      sq.socketRegion = regions.indexOf(socket.umem.area.bytes)
      if (sq.socketRegion < 0) sq.socketRegion = regions.push(socket.umem.area.bytes) - 1
      return 0
    },
    xskWakeupTx(queue, budget) {
      const ch = channels[queue]
      if (ch === undefined) return -Errno.EINVAL
      return ch.xsksq.xskTx(budget)
    },
    xmitSkb(queue, skb) {
      const ch = channels[queue]
      if (ch === undefined) return -Errno.EINVAL
      let region = regions.indexOf(skb.mem)
      if (region < 0) region = regions.push(skb.mem) - 1
      return ch.txqsq.xmitSkb(skb, region)
    },
    hwTransmit(queue, budget) {
      const ch = channels[queue]
      if (ch === undefined) return 0
      let sent = 0
      for (let i = 0; i < ch.hw.length && sent < budget; i++) sent += txHardware.transmit(ch.hw[i]!, budget - sent)
      return sent
    },
    napiPollTx(queue, budget) {
      const ch = channels[queue]
      if (ch === undefined) return 0
      // mlx5e_napi_poll: txqsq, then c->xdpsq (redirect), then rq->xdpsq, then the xsksq
      let done = ch.txqsq.poll(budget, dev.skbCompletion)
      if (done < budget) done += ch.redirectSq.poll(budget - done, dev.skbCompletion)
      if (done < budget) done += ch.xdpsq.poll(budget - done, dev.skbCompletion)
      if (done < budget) done += ch.xsksq.poll(budget - done, dev.skbCompletion)
      return done
    },
    txInFlight(queue) {
      const ch = channels[queue]
      if (ch === undefined) return 0
      let n = 0
      for (const s of ch.all) n += s.inFlight()
      return n
    },
    xdpXmit(mem, frame) {
      const sq = channels[0]!.redirectSq
      const n = sq.xmitXdpFrame(mem, frame)
      sq.flush() // XDP_XMIT_FLUSH
      return n
    },
    hwReceive(frame, offset, len) {
      const r = hardware.receive(frame, offset, len)
      if (r === -Errno.EINVAL) rxStats.rxDroppedByMac++
      else if (r === -Errno.ENOBUFS) rxStats.rxMissed++
      return Math.min(r, 0)
    },
    napiPoll(queue, budget) {
      // the overflow watchdog (mlx5_timestamp_overflow) runs between polls
      tc.overflowWork(hwClock.cyclesHi, hwClock.cyclesLo)
      hardware.flush(queue)
      return rqs[queue]!.poll(dev, budget)
    },
    rxPending(queue) {
      hardware.flush(queue)
      return rqs[queue]!.pending()
    },
    readPhc(out) {
      // mlx5_ptp_gettimex: real-time mode reads the sec:nsec clock; free-running converts the
      // counter with the timecounter (no BigInt: hosts may read the PHC per packet)
      if (tsFormat === Mlx5TsFormat.REAL_TIME) {
        realTimeCyc2time(hwClock.sec, hwClock.nsec, phcScratch)
        out.hi = phcScratch.hi
        out.lo = phcScratch.lo
      } else {
        tc.cyc2time(hwClock.cyclesHi, hwClock.cyclesLo, phcScratch)
        out.hi = phcScratch.hi
        out.lo = phcScratch.lo
      }
    }
  }
  return dev
}
