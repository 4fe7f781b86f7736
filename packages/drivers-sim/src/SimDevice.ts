/**
 * Bring-up of the reference NIC: allocates the frame memory and one descriptor ring per RX
 * queue, posts every slot, builds the hardware model and the xdp_metadata_ops table the
 * configuration asks for, and returns the NetDevice.
 */
import {
  type DeviceOptions,
  Errno,
  type NetDevice,
  type XdpMetadataOps,
  makeDescriptorRing,
  makeFrameArea,
  RxStats,
  compileRssHashFields,
  toeplitzKey,
  xdpRxMetadataFeaturesOf
} from "@devtx/core"
import { parseRssKeyHex, type SimConfig } from "./SimConfig.js"
import { SimHardwareModel } from "./datapath/SimHardwareModel.js"
import { simRxChecksum, simRxHash, simRxTimestamp, simRxVlanTag, type SimXdpBuff } from "./datapath/SimMetadataOps.js"
import { SimPhc } from "./datapath/SimPhc.js"
import { SIM_RX_DESC_SIZE } from "./datapath/SimRxDescriptor.js"
import { SimRxQueue } from "./datapath/SimRxQueue.js"

export interface SimNetDevice extends NetDevice {
  readonly config: SimConfig
  readonly phc: SimPhc
  readonly hardware: SimHardwareModel
  readonly queues: ReadonlyArray<SimRxQueue>
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
  const queues: SimRxQueue[] = []
  for (let q = 0; q < config.rxQueues; q++) {
    const ring = makeDescriptorRing(config.ringSize, SIM_RX_DESC_SIZE)
    if (ring instanceof RangeError) throw ring // unreachable: the schema admits powers of two only
    queues.push(new SimRxQueue(q, ring, area, q * config.ringSize, options.ifindex, ops))
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
      phcTickNs: config.phcTickNs
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
  const dev: SimNetDevice = {
    driver: "sim",
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: config.rxQueues,
    xdpMetadataOps: ops,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: 0,
    rxStats,
    xdpProg: undefined,
    stack: () => {},
    config,
    phc,
    hardware,
    queues,
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
