/**
 * Bring-up of the reference NIC: allocates the frame memory and one descriptor ring per RX
 * queue, posts every slot, builds the hardware model and the xdp_metadata_ops table the
 * configuration asks for, and returns the NetDevice.
 */
import { simBtf } from "./SimBtf.js"
import { simKernelMemory } from "./SimKernelMemory.js"
import {
  type DeviceOptions,
  DevtxHooks,
  type DevtxOps,
  Errno,
  type NetDevice,
  type XdpMetadataOps,
  type XskTxMetadataOps,
  xskFeaturesOf,
  makeDescriptorRing,
  makeFrameArea,
  RxStats,
  compileRssHashFields,
  toeplitzKey,
  xdpRxMetadataFeaturesOf
} from "@devtx/core"
import { parseRssKeyHex, type SimConfig } from "./SimConfig.js"
import {
  simDevtxRequestL4Checksum,
  simDevtxRequestLaunchTime,
  simDevtxRequestTxTimestamp,
  simDevtxTxTimestamp
} from "./datapath/SimDevtxOps.js"
import { SimBtfIdHintsMode, SimBtfIdHintsState } from "./datapath/SimBtfIdHints.js"
import { SimHardwareModel } from "./datapath/SimHardwareModel.js"
import { simHintsBtf } from "./SimBtfIdHintsBtf.js"
import { simDevtxInlineOps } from "./datapath/SimDevtxInlineOps.js"
import { simInlineOps, simInlineOpsV2 } from "./datapath/SimInlineOps.js"
import { simRxChecksum, simRxHash, simRxTimestamp, simRxVlanTag, type SimXdpBuff } from "./datapath/SimMetadataOps.js"
import { SimPhc } from "./datapath/SimPhc.js"
import { SIM_RX_DESC_SIZE, simRxLayout } from "./datapath/SimRxDescriptor.js"
import { SimRxQueue } from "./datapath/SimRxQueue.js"
import { SimDmaRegions } from "./datapath/SimDmaRegions.js"
import { SimTxHardware } from "./datapath/SimTxHardware.js"
import { SIM_TX_COMPL_SIZE, SIM_TX_DESC_SIZE } from "./datapath/SimTxDescriptor.js"
import {
  SimTxQueue,
  type SimTxPriv,
  simTmoFillTimestamp,
  simTmoRequestChecksum,
  simTmoRequestLaunchTime,
  simTmoRequestTimestamp
} from "./datapath/SimTxQueue.js"

export interface SimNetDevice extends NetDevice {
  readonly config: SimConfig
  readonly phc: SimPhc
  readonly hardware: SimHardwareModel
  readonly queues: ReadonlyArray<SimRxQueue>
  readonly txHardware: SimTxHardware
  readonly txQueues: ReadonlyArray<SimTxQueue>
  /** the per-packet BTF-id hints state (set `mode` to switch layouts at run time) */
  readonly btfIdHints: SimBtfIdHintsState
}

/** The devtx kfunc ops the configuration asks the driver to publish. */
export const simDevtxOps = (config: SimConfig): DevtxOps | undefined =>
  config.devtxOps.length === 0
    ? undefined
    : {
        ...(config.devtxOps.includes("request-timestamp") ? { xmoRequestTxTimestamp: simDevtxRequestTxTimestamp } : {}),
        ...(config.devtxOps.includes("timestamp") ? { xmoTxTimestamp: simDevtxTxTimestamp } : {}),
        ...(config.devtxOps.includes("request-checksum") ? { xmoRequestL4Checksum: simDevtxRequestL4Checksum } : {}),
        ...(config.devtxOps.includes("request-launch-time") ? { xmoRequestLaunchTime: simDevtxRequestLaunchTime } : {})
      }

/** The xsk_tx_metadata_ops the configuration asks the driver to publish. */
export const simXskTxMetadataOps = (config: SimConfig): XskTxMetadataOps<SimTxPriv> | undefined =>
  config.xskTxOps.length === 0
    ? undefined
    : {
        ...(config.xskTxOps.includes("timestamp") ? { tmoRequestTimestamp: simTmoRequestTimestamp, tmoFillTimestamp: simTmoFillTimestamp } : {}),
        ...(config.xskTxOps.includes("checksum") ? { tmoRequestChecksum: simTmoRequestChecksum } : {}),
        ...(config.xskTxOps.includes("launch-time") ? { tmoRequestLaunchTime: simTmoRequestLaunchTime } : {})
      }

/** The ops table the configuration asks the driver to publish. */
export const simMetadataOps = (config: SimConfig): XdpMetadataOps<SimXdpBuff> => ({
  ...(config.xdpOps.includes("timestamp") ? { xmoRxTimestamp: simRxTimestamp } : {}),
  ...(config.xdpOps.includes("hash") ? { xmoRxHash: simRxHash } : {}),
  ...(config.xdpOps.includes("vlan-tag") ? { xmoRxVlanTag: simRxVlanTag } : {}),
  ...(config.xdpOps.includes("checksum") ? { xmoRxChecksum: simRxChecksum } : {})
})

export const createSimDevice = (config: SimConfig, options: DeviceOptions): SimNetDevice => {
  const area = makeFrameArea({ frameCount: config.ringSize * config.rxQueues, frameSize: config.frameSize })
  const ops = simMetadataOps(config) as XdpMetadataOps
  const hintsBtf = simHintsBtf(config.btfIdWidth)
  const btfIdHints = new SimBtfIdHintsState(config.btfIdWidth, hintsBtf.typeIds.v1, hintsBtf.typeIds.v2, hintsBtf.btfObjId)
  btfIdHints.mode = { off: SimBtfIdHintsMode.OFF, v1: SimBtfIdHintsMode.V1, v2: SimBtfIdHintsMode.V2, "per-packet": SimBtfIdHintsMode.PER_PACKET }[config.btfIdHints]
  const queues: SimRxQueue[] = []
  for (let q = 0; q < config.rxQueues; q++) {
    const ring = makeDescriptorRing(config.ringSize, SIM_RX_DESC_SIZE)
    if (ring instanceof RangeError) throw ring // unreachable: the schema admits powers of two only
    queues.push(
      new SimRxQueue(q, ring, area, q * config.ringSize, options.ifindex, ops, (mem, frame) =>
        txQueues[q % txQueues.length]!.xdpXmitFrame(mem, frame), simRxLayout(config.layoutVersion), btfIdHints
      )
    )
  }
  const phc = new SimPhc()
  phc.setFromDecimal(config.phcStartNs)
  const hardware = new SimHardwareModel(
    {
      rxQueues: config.rxQueues,
      mtu: config.mtu,
      rxhash: config.rxhash,
      rssKey: toeplitzKey(parseRssKeyHex(config.rssKey)),
      rssFields: compileRssHashFields(config.rssFields),
      vlanStripCtag: config.vlanStripCtag,
      vlanStripStag: config.vlanStripStag,
      rxTimestampAll: config.rxTimestamp === "all",
      rxcsum: config.rxcsum,
      csumComplete: config.csumComplete,
      phcTickNs: config.phcTickNs,
      layout: simRxLayout(config.layoutVersion)
    },
    queues.map((q) => ({
      ring: q.ring,
      get hwHead() {
        return q.hwHead
      },
      set hwHead(v: number) {
        q.hwHead = v
      }
    })),
    area.bytes,
    phc
  )
  const rxStats = new RxStats()
  // DMA region 0 is the device's own frame memory (pinned); the queues pin their bounce frames
  const dma = new SimDmaRegions()
  dma.map(area.bytes)
  const tmoOps = simXskTxMetadataOps(config)
  const txHardware = new SimTxHardware(dma.mem, phc, config.txWireNs, 65536, () => {})
  const devtx = new DevtxHooks()
  const devtxOps = simDevtxOps(config)
  const txQueues: SimTxQueue[] = []
  for (let q = 0; q < config.rxQueues; q++) {
    const ring = makeDescriptorRing(config.txRingSize, SIM_TX_DESC_SIZE)
    const compl = makeDescriptorRing(config.txRingSize, SIM_TX_COMPL_SIZE)
    if (ring instanceof RangeError) throw ring // unreachable: the schema admits powers of two only
    if (compl instanceof RangeError) throw compl
    txQueues.push(new SimTxQueue(q, ring, compl, config.txCompletion === "per-batch", tmoOps ?? {}, dma, devtx, devtxOps, options.ifindex))
  }
  dma.inUse = (s) => s === 0 || txQueues.some((q) => q.usesRegion(s))
  const dev: SimNetDevice = {
    driver: "sim",
    kernelMemory: simKernelMemory(simBtf(config.layoutVersion), queues),
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: config.rxQueues,
    xdpMetadataOps: ops,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: xskFeaturesOf(tmoOps as XskTxMetadataOps<never> | undefined),
    rxStats,
    xdpProg: undefined,
    stack: () => {},
    config,
    phc,
    hardware,
    queues,
    txHardware,
    txQueues,
    btfIdHints,
    numTxQueues: txQueues.length,
    xskTxMetadataOps: tmoOps as XskTxMetadataOps<never> | undefined,
    get wire() {
      return txHardware.wire
    },
    set wire(w) {
      txHardware.wire = w
    },
    skbCompletion: () => {},
    xskBindZeroCopy(socket) {
      const q = txQueues[socket.queue]
      if (q === undefined || socket.ifindex !== options.ifindex) return -Errno.EINVAL
      if (q.socket !== undefined) return -Errno.EBUSY
      if (socket.umem.area.frameSize !== socket.umem.chunkSize) return -Errno.EINVAL
      const region = dma.map(socket.umem.area.bytes)
      if (region < 0) return -Errno.ENOMEM
      q.socket = socket
      q.socketRegion = region
      return 0
    },
    xskWakeupTx(queue, budget) {
      const q = txQueues[queue]
      if (q === undefined) return -Errno.EINVAL
      return q.xskXmit(budget)
    },
    xmitSkb(queue, skb) {
      const q = txQueues[queue]
      if (q === undefined) return -Errno.EINVAL
      return q.xmitSkb(skb)
    },
    hwTransmit(queue, budget) {
      return txHardware.transmit(txQueues[queue]!, budget)
    },
    napiPollTx(queue, budget) {
      return txQueues[queue]!.poll(budget, dev.skbCompletion)
    },
    devtxOps,
    devtx,
    xdpMetadataInline: config.layoutVersion === 2 ? simInlineOpsV2 : simInlineOps,
    devtxInline: simDevtxInlineOps,
    xdpXmit(mem, frame) {
      return txQueues[0]!.xdpXmitFrame(mem, frame)
    },
    txInFlight(queue) {
      return txQueues[queue]!.inFlight()
    },
    hwReceive(frame, offset, len) {
      const r = hardware.receive(frame, offset, len)
      if (r === -Errno.EINVAL) rxStats.rxDroppedByMac++
      else if (r === -Errno.ENOBUFS) rxStats.rxMissed++
      return r < 0 ? r : 0
    },
    napiPoll(queue, budget) {
      return queues[queue]!.poll(dev, budget)
    },
    rxPending(queue) {
      return queues[queue]!.pending()
    },
    readPhc(out) {
      out.hi = phc.hi
      out.lo = phc.lo
    }
  }
  return dev
}
