/**
 * Bring-up of an ice PF (ice_probe -> ice_vsi_cfg_rxqs -> ice_setup_rx_ctx, ice_ptp_init): frame
 * memory, one 32-byte-descriptor ring per Rx queue with every slot posted, the rings' packet
 * context (vlan_proto from the stripping feature as ice_set_vlan_offload_features sets it, the
 * GCS flag on E830, cached_phctime), the hardware model, and the xdp_metadata_ops table.
 *
 * PTP work: ice_ptp_periodic_work runs ice_ptp_update_cached_phctime, which reads the PHC and
 * writes it into every ring's cached_phctime, warning (late_cached_phc_updates) when more than
 * 2000 ms passed since the last update. devtx has no wall clock: the PHC is the time base, and
 * the work runs before a NAPI poll whenever the PHC moved phcCacheIntervalNs since the last run
 * (and once at bring-up). phcCacheIntervalNs "0" = the worker never runs again (stalled), which
 * is how a stale cache is produced on purpose.
 *
 * The TX half is not built (txNotImplemented): ice has no xsk_tx_metadata_ops upstream, so
 * xsk-features is 0 whatever the TX half becomes.
 */
import {
  type DeviceOptions,
  Errno,
  htons,
  makeDescriptorRing,
  makeFrameArea,
  type NetDevice,
  RxStats,
  toeplitzKey,
  txNotImplemented,
  type XdpMetadataOps,
  xdpRxMetadataFeaturesOf
} from "@devtx/core"
import { type IceConfig, parseIceRssKeyHex } from "./IceConfig.js"
import { IceHardwareModel, type IceRssSelect } from "./datapath/IceHardwareModel.js"
import { ICE_RX_FLAGS_RING_GCS, iceXdpRxChecksum, iceXdpRxHash, iceXdpRxHwTs, iceXdpRxVlanTag, type IceXdpBuff } from "./datapath/IceMetadataOps.js"
import { ICE_RX_FLEX_DESC_SIZE, IceRxdid } from "./datapath/IceRxFlexDesc.js"
import { IceRxQueue } from "./datapath/IceRxQueue.js"
import { IcePhc, u64DiffNs } from "./datapath/IceTimestamp.js"

/** ETH_P_8021Q / ETH_P_8021AD (include/uapi/linux/if_ether.h) */
const ETH_P_8021Q = 0x8100
const ETH_P_8021AD = 0x88a8
/** the 2000 ms after which ice_ptp_update_cached_phctime warns */
export const ICE_PHC_CACHE_WARN_NS = 2_000_000_000

export interface IcePtpState {
  /** PHC value of the last cache update (halves) */
  lastHi: number
  lastLo: number
  /** pf->ptp.late_cached_phc_updates */
  lateCachedPhcUpdates: number
  /** how many times the work ran */
  updates: number
}

export interface IceNetDevice extends NetDevice {
  readonly config: IceConfig
  readonly phc: IcePhc
  readonly hardware: IceHardwareModel
  readonly queues: ReadonlyArray<IceRxQueue>
  readonly ptpState: IcePtpState
  /** ice_ptp_update_cached_phctime now (what the periodic work does) */
  ptpWork(): void
}

export const iceMetadataOps = (config: IceConfig): XdpMetadataOps<IceXdpBuff> => ({
  ...(config.xdpOps.includes("timestamp") ? { xmoRxTimestamp: iceXdpRxHwTs } : {}),
  ...(config.xdpOps.includes("hash") ? { xmoRxHash: iceXdpRxHash } : {}),
  ...(config.xdpOps.includes("vlan-tag") ? { xmoRxVlanTag: iceXdpRxVlanTag } : {}),
  ...(config.xdpOps.includes("checksum") ? { xmoRxChecksum: iceXdpRxChecksum } : {})
})

const fieldCode = (f: string): number => (f === "sdfn" ? 2 : f === "sd" ? 1 : 0)

export const createIceDevice = (config: IceConfig, options: DeviceOptions): IceNetDevice => {
  const area = makeFrameArea({ frameCount: config.ringSize * config.rxQueues, frameSize: config.frameSize })
  const ops = iceMetadataOps(config) as XdpMetadataOps
  const queues: IceRxQueue[] = []
  const vlanProto = config.vlanStrip === "ctag" ? htons(ETH_P_8021Q) : config.vlanStrip === "stag" ? htons(ETH_P_8021AD) : 0
  for (let q = 0; q < config.rxQueues; q++) {
    const ring = makeDescriptorRing(config.ringSize, ICE_RX_FLEX_DESC_SIZE)
    if (ring instanceof RangeError) throw ring // unreachable: the schema admits powers of two only
    const rq = new IceRxQueue(q, ring, area, q * config.ringSize, options.ifindex, ops)
    rq.pktCtx.vlanProto = vlanProto
    rq.pktCtx.rxqFlags = config.mac === "e830" ? ICE_RX_FLAGS_RING_GCS : 0
    rq.pktCtx.rxcsum = config.rxcsum
    rq.pktCtx.rxhash = config.rxhash
    rq.pktCtx.ptpRx = config.ptp && config.rxTimestamp === "all"
    queues.push(rq)
  }
  const phc = new IcePhc()
  phc.setFromDecimal(config.phcStartNs)
  const vxlan = new Uint16Array(8)
  config.vxlanPorts.forEach((p, i) => {
    vxlan[i] = p
  })
  const rss: IceRssSelect = {
    tcp4: fieldCode(config.rssFields.tcp4),
    udp4: fieldCode(config.rssFields.udp4),
    sctp4: fieldCode(config.rssFields.sctp4),
    other4: fieldCode(config.rssFields.other4),
    tcp6: fieldCode(config.rssFields.tcp6),
    udp6: fieldCode(config.rssFields.udp6),
    sctp6: fieldCode(config.rssFields.sctp6),
    other6: fieldCode(config.rssFields.other6)
  }
  const hardware = new IceHardwareModel(
    {
      rxQueues: config.rxQueues,
      mtu: config.mtu,
      rxdid: config.switchdev ? IceRxdid.FLEX_NIC_2 : IceRxdid.FLEX_NIC,
      e830: config.mac === "e830",
      dvm: config.vlanMode === "double",
      stripTpid: config.vlanStrip === "ctag" ? ETH_P_8021Q : config.vlanStrip === "stag" ? ETH_P_8021AD : 0,
      rxhash: config.rxhash,
      rssKey: toeplitzKey(parseIceRssKeyHex(config.rssKey)),
      rss,
      vxlanPorts: vxlan,
      vxlanPortCount: config.vxlanPorts.length,
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
  const intervalNs = Number(config.phcCacheIntervalNs)
  const ptpState: IcePtpState = { lastHi: 0, lastLo: 0, lateCachedPhcUpdates: 0, updates: 0 }
  const ptpWork = (): void => {
    if (!config.ptp) return
    if (ptpState.updates > 0 && u64DiffNs(phc.hi, phc.lo, ptpState.lastHi, ptpState.lastLo) > ICE_PHC_CACHE_WARN_NS)
      ptpState.lateCachedPhcUpdates++
    ptpState.lastHi = phc.hi
    ptpState.lastLo = phc.lo
    ptpState.updates++
    for (const q of queues) {
      q.pktCtx.cachedPhcHi = phc.hi
      q.pktCtx.cachedPhcLo = phc.lo
    }
  }
  ptpWork()
  const rxStats = new RxStats()
  const dev: IceNetDevice = {
    driver: "ice",
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: config.rxQueues,
    xdpMetadataOps: ops,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: 0,
    rxStats,
    xdpProg: undefined,
    stack: () => {},
    ...txNotImplemented(),
    config,
    phc,
    hardware,
    queues,
    ptpState,
    ptpWork,
    hwReceive(frame, offset, len) {
      const r = hardware.receive(frame, offset, len)
      if (r === -Errno.EINVAL) rxStats.rxDroppedByMac++
      else if (r === -Errno.ENOBUFS) rxStats.rxMissed++
      return Math.min(r, 0)
    },
    napiPoll(queue, budget) {
      if (intervalNs > 0 && u64DiffNs(phc.hi, phc.lo, ptpState.lastHi, ptpState.lastLo) >= intervalNs) ptpWork()
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
