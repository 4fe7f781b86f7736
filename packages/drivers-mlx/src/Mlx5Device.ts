/**
 * Bring-up of the mlx5 model: frame memory, per RX queue the shared RQ/CQ memory and the
 * driver's mlx5e_rq, the clocks (hardware clock + the driver's timecounter), the hardware
 * model, and the xdp_metadata_ops table (mlx5e_xdp_metadata_ops: timestamp, hash, vlan_tag;
 * plus the proposed checksum op when configured). Returns the NetDevice.
 */
import {
  compileRssHashFields,
  type DeviceOptions,
  Errno,
  makeFrameArea,
  type NetDevice,
  RxStats,
  type RssHashFields,
  toeplitzKey,
  txNotImplemented,
  type XdpMetadataOps,
  xdpRxMetadataFeaturesOf
} from "@devtx/core"
import { effectiveCqeCompression, type Mlx5Config, parseRssKeyHex } from "./Mlx5Config.js"
import { initMlx5Timecounter } from "./Mlx5ClockParams.js"
import { Mlx5HwClock, Mlx5Timecounter, Mlx5TsFormat, NSEC_PER_SEC, realTimeCyc2time } from "./datapath/Mlx5Clock.js"
import { Mlx5HardwareModel } from "./datapath/Mlx5HardwareModel.js"
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
import { U64 } from "./datapath/U64Arith.js"

export interface Mlx5NetDevice extends NetDevice {
  readonly config: Mlx5Config
  readonly hwClock: Mlx5HwClock
  readonly timecounter: Mlx5Timecounter
  readonly hardware: Mlx5HardwareModel
  readonly rqs: ReadonlyArray<Mlx5eRq>
  readonly cqeCompression: boolean
}

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
  const dev: Mlx5NetDevice = {
    driver: "mlx5",
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: config.rxQueues,
    xdpMetadataOps: ops,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: 0,
    rxStats,
    xdpProg: undefined,
    stack: () => {},
    // TX half: not built yet (issue 6's TX part waits for the core TX contract)
    ...txNotImplemented(),
    config,
    hwClock,
    timecounter: tc,
    hardware,
    rqs,
    cqeCompression: compression,
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
