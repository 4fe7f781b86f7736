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
 * TX: per queue a LAN ring (skb path) and an XDP ring (XDP_TX, ndo_xdp_xmit, AF_XDP zero-copy),
 * the TX hardware model, and the port's PHY timestamp memory with the driver's tracker
 * (struct ice_ptp_tx, 64 indexes; E810 verifies against cached values, E830 has a ready bitmap).
 * napiPollTx runs, in order: the PTP periodic work when due, the TSYN_TX interrupt's timestamp
 * processing (the PHY latched every timestamp before the DD write-back of its packet), then the
 * ring cleaning of the LAN ring and the XDP ring.
 * ice has no xsk_tx_metadata_ops upstream: xskTxMetadataOps is undefined and xsk-features 0.
 * AF_XDP zero-copy binding works (ice_xsk_pool_setup) and transmits the frames; any
 * xsk_tx_metadata in front of them is not looked at (no timestamp is written back, no checksum
 * is offloaded). The devtx kfuncs (DEVTX-ONLY, IceDevtxOps) are published per config.devtxOps.
 * DMA addresses: buf_addr's high 32 bits name a region of `regions` (0 = the RX frame memory,
 * then the XDP rings' bounce memory, bound UMEMs and skb memories as they appear).
 */
import { iceBtf } from "./IceBtf.js"
import { iceKernelMemory } from "./IceKernelMemory.js"
import {
  type DeviceOptions,
  DevtxHooks,
  type DevtxOps,
  Errno,
  htons,
  makeDescriptorRing,
  makeFrameArea,
  type NetDevice,
  RxStats,
  type TxSkb,
  toeplitzKey,
  type XdpMetadataOps,
  xdpRxMetadataFeaturesOf
} from "@devtx/core"
import { type IceConfig, parseIceRssKeyHex } from "./IceConfig.js"
import { IceHardwareModel, type IceRssSelect } from "./datapath/IceHardwareModel.js"
import { iceInlineOps } from "./datapath/IceInlineOps.js"
import { ICE_RX_FLAGS_RING_GCS, iceXdpRxChecksum, iceXdpRxHash, iceXdpRxHwTs, iceXdpRxVlanTag, type IceXdpBuff } from "./datapath/IceMetadataOps.js"
import { ICE_RX_FLEX_DESC_SIZE, IceRxdid } from "./datapath/IceRxFlexDesc.js"
import { IceRxQueue } from "./datapath/IceRxQueue.js"
import { IcePhc, u64DiffNs } from "./datapath/IceTimestamp.js"
import { iceDevtxRequestL4Checksum, iceDevtxRequestTxTimestamp, iceDevtxTxTimestamp } from "./datapath/IceDevtxOps.js"
import { ICE_INDEX_PER_PORT, IcePfPtp, IcePhyTsMemory, IcePtpTx } from "./datapath/IcePtpTx.js"
import { ICE_TX_DESC_SIZE } from "./datapath/IceTxDesc.js"
import { IceTxHardware } from "./datapath/IceTxHardware.js"
import { type IceDevtxCtx, IceTxRing } from "./datapath/IceTxRing.js"

/** ETH_P_8021Q / ETH_P_8021AD (include/uapi/linux/if_ether.h) */
const ETH_P_8021Q = 0x8100
const ETH_P_8021AD = 0x88a8
/** the 2000 ms after which ice_ptp_update_cached_phctime warns */
export const ICE_PHC_CACHE_WARN_NS = 2_000_000_000

/** pf->ptp: cached PHC time (= the PHC when the work last ran), late updates, TX timestamp counters */
export type IcePtpState = IcePfPtp

export interface IceNetDevice extends NetDevice {
  readonly config: IceConfig
  readonly phc: IcePhc
  readonly hardware: IceHardwareModel
  readonly queues: ReadonlyArray<IceRxQueue>
  readonly ptpState: IcePtpState
  /** ice_ptp_update_cached_phctime now (what the periodic work does) */
  ptpWork(): void
  /** per queue: the LAN ring (skb path) and the XDP ring (XDP_TX, ndo_xdp_xmit, AF_XDP zero-copy) */
  readonly txRings: ReadonlyArray<IceTxRing>
  readonly xdpRings: ReadonlyArray<IceTxRing>
  readonly txHardware: IceTxHardware
  /** the port's PHY timestamp memory and the driver's tracker of it */
  readonly phyTs: IcePhyTsMemory
  readonly ptpTx: IcePtpTx
  /** ice_start_xmit with skb_vlan_tag_present (devtx's TxSkb has no VLAN field): tci >= 0 */
  xmitSkbVlan(queue: number, skb: TxSkb, vlanTci: number): number
}

/** The DEVTX-ONLY kfunc ops the configuration asks for (undefined: none). */
export const iceDevtxOps = (config: IceConfig): DevtxOps<IceDevtxCtx> | undefined =>
  config.devtxOps.length === 0
    ? undefined
    : {
        ...(config.devtxOps.includes("request-timestamp") ? { xmoRequestTxTimestamp: iceDevtxRequestTxTimestamp } : {}),
        ...(config.devtxOps.includes("timestamp") ? { xmoTxTimestamp: iceDevtxTxTimestamp } : {}),
        ...(config.devtxOps.includes("request-checksum") ? { xmoRequestL4Checksum: iceDevtxRequestL4Checksum } : {})
      }

/** ETH_FRAME_LEN-independent bound of a TX frame in the model: a 16383-byte buffer (14-bit TX_BUF_SZ) */
const ICE_TX_MAX_FRAME = 16383

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
    const rq = new IceRxQueue(q, ring, area, q * config.ringSize, options.ifindex, ops, (mem, frame) =>
      xdpRings[q]!.xdpXmitFrame(mem, frame, dev.skbCompletion)
    )
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
  const ptpState = new IcePfPtp()
  // ---- TX ----
  const regions: Uint8Array[] = [area.bytes]
  const phyTs = new IcePhyTsMemory(ICE_INDEX_PER_PORT)
  // ice_ptp_init_tx: E810 has no timestamp ready bitmap (verifies against cached values)
  const ptpTx = new IcePtpTx(config.ptp, config.mac !== "e810", ICE_INDEX_PER_PORT, ptpState, phyTs)
  const devtx = new DevtxHooks()
  const devtxOps = iceDevtxOps(config)
  const txRings: IceTxRing[] = []
  const xdpRings: IceTxRing[] = []
  for (let q = 0; q < config.rxQueues; q++) {
    const lan = makeDescriptorRing(config.txRingSize, ICE_TX_DESC_SIZE)
    const xdp = makeDescriptorRing(config.txRingSize, ICE_TX_DESC_SIZE)
    if (lan instanceof RangeError) throw lan // unreachable: the schema admits powers of two only
    if (xdp instanceof RangeError) throw xdp
    // ASSUMPTION: in DVM the PF's rings carry ICE_TX_FLAGS_RING_VLAN_L2TAG2 (VLAN in the context descriptor)
    const l2tag2 = config.vlanMode === "double"
    txRings.push(new IceTxRing(q, 2 * q, false, lan, regions, ptpTx, phc, devtx, devtxOps as DevtxOps | undefined, options.ifindex, l2tag2))
    xdpRings.push(new IceTxRing(q, 2 * q + 1, true, xdp, regions, ptpTx, phc, devtx, devtxOps as DevtxOps | undefined, options.ifindex, l2tag2))
  }
  const txHardware = new IceTxHardware(regions, phc, phyTs, config.txWireNs, config.vlanStrip === "stag" ? ETH_P_8021AD : ETH_P_8021Q, ICE_TX_MAX_FRAME, () => {})
  const ptpDue = (): void => {
    if (intervalNs > 0 && u64DiffNs(phc.hi, phc.lo, ptpState.lastHi, ptpState.lastLo) >= intervalNs) ptpWork()
  }
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
    kernelMemory: iceKernelMemory(iceBtf(), queues),
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: config.rxQueues,
    xdpMetadataOps: ops,
    xdpMetadataInline: iceInlineOps,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: 0,
    rxStats,
    xdpProg: undefined,
    stack: () => {},
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
      ptpDue()
      return queues[queue]!.poll(dev, budget)
    },
    rxPending(queue) {
      return queues[queue]!.pending()
    },
    readPhc(out) {
      out.hi = phc.hi
      out.lo = phc.lo
    },
    // ---- TX ----
    txRings,
    xdpRings,
    txHardware,
    phyTs,
    ptpTx,
    numTxQueues: config.rxQueues,
    xskTxMetadataOps: undefined,
    get wire() {
      return txHardware.wire
    },
    set wire(w) {
      txHardware.wire = w
    },
    skbCompletion: () => {},
    xskBindZeroCopy(socket) {
      const r = xdpRings[socket.queue]
      if (r === undefined || socket.ifindex !== options.ifindex) return -Errno.EINVAL
      if (r.socket !== undefined) return -Errno.EBUSY
      if (socket.umem.area.frameSize !== socket.umem.chunkSize) return -Errno.EINVAL
      r.socket = socket
      const known = regions.indexOf(socket.umem.area.bytes)
      r.socketRegion = known >= 0 ? known : regions.push(socket.umem.area.bytes) - 1
      return 0
    },
    xskWakeupTx(queue, budget) {
      const r = xdpRings[queue]
      if (r === undefined) return -Errno.EINVAL
      return r.xskXmit(budget, dev.skbCompletion)
    },
    xmitSkb(queue, skb) {
      const r = txRings[queue]
      if (r === undefined) return -Errno.EINVAL
      return r.xmitSkb(skb, -1, dev.skbCompletion)
    },
    xmitSkbVlan(queue, skb, vlanTci) {
      const r = txRings[queue]
      if (r === undefined) return -Errno.EINVAL
      return r.xmitSkb(skb, vlanTci & 0xffff, dev.skbCompletion)
    },
    hwTransmit(queue, budget) {
      const lan = txRings[queue]
      const xdp = xdpRings[queue]
      if (lan === undefined || xdp === undefined) return 0
      // the two rings of a queue are served in turn, one packet each
      let sent = 0
      while (sent < budget) {
        const a = txHardware.transmit(lan, 1)
        const b = sent + a < budget ? txHardware.transmit(xdp, 1) : 0
        if (a + b === 0) break
        sent += a + b
      }
      return sent
    },
    napiPollTx(queue, budget) {
      const lan = txRings[queue]
      const xdp = xdpRings[queue]
      if (lan === undefined || xdp === undefined) return 0
      ptpDue()
      ptpTx.process(phc.hi, phc.lo)
      const a = lan.clean(budget, dev.skbCompletion)
      return a + xdp.clean(budget - a, dev.skbCompletion)
    },
    devtxOps: devtxOps as DevtxOps | undefined,
    devtx,
    xdpXmit(mem, frame) {
      return xdpRings[0]!.xdpXmitFrame(mem, frame, dev.skbCompletion)
    },
    txInFlight(queue) {
      const lan = txRings[queue]
      const xdp = xdpRings[queue]
      return lan === undefined || xdp === undefined ? 0 : lan.inFlight() + xdp.inFlight()
    }
  }
  return dev
}
