/**
 * A veth-like device: the "second device" of a DEVMAP redirect. Its ndo_xdp_xmit takes an
 * xdp_frame (the page of the sender — modelled by copying the whole buffer, hard start to
 * frame_sz, so the headroom regions and skb_shared_info come along), turns it back into an
 * xdp_buff (xdp_convert_frame_to_buff: the flags, the data_meta and every headroom region are
 * kept; nothing is re-initialised), runs its own XDP program, and on XDP_PASS builds the skb from
 * the frame (datapath/XdpBuildSkbFromFrame.ts, as veth_xdp_rcv_one -> __xdp_build_skb_from_frame
 * does). XDP_REDIRECT goes through core's xdpDoRedirect (an AF_XDP socket bound to this device
 * receives the frame with its data_meta, copy mode).
 *
 * Its xdp_metadata_ops are the xdp_rx_meta series' "load from buff" functions (veth reads the
 * hints from rx_meta when present), so a program bound to this device reads, through the
 * ordinary RX kfuncs, what the first program stored with the store kfuncs.
 *
 * The real veth defers to its peer's NAPI; devtx receives synchronously inside xdpXmit (there is
 * no ordering to observe between the two). Receive memory is a preallocated ring of frames.
 */
import { DevtxHooks } from "../devtx/DevtxContext.js"
import type { NetDevice } from "../driver/NetDevice.js"
import { txNotImplemented } from "../driver/TxNotImplemented.js"
import { RxStats } from "../hook/RxStats.js"
import { SkbRecord } from "../hook/SkbRecord.js"
import { accountXdpVerdict, runXdp } from "../hook/XdpHook.js"
import { Errno } from "../kernel/Errno.js"
import { XdpAction } from "../kernel/XdpAction.js"
import { makeFrameArea } from "../memory/FrameArea.js"
import { XdpBuff } from "../memory/XdpBuff.js"
import type { XdpMetadataOps } from "../metadata/XdpMetadataOps.js"
import { xdpRxMetadataFeaturesOf } from "../metadata/MetadataTable.js"
import { xdpDoRedirect } from "../redirect/XdpRedirect.js"
import { xdpConvertBuffToFrame, XdpFrameOff, XdpMemType } from "../redirect/XdpFrame.js"
import type { PlacementLayout } from "./HeadroomLayout.js"
import type { RegistryTable } from "./datapath/MetaRegistryArea.js"
import { SkbPlacementExt, xdpBuildSkbFromFrame } from "./datapath/XdpBuildSkbFromFrame.js"
import {
  loadRxHashFromBuff,
  loadRxTsFromRxMeta,
  loadRxTsFromShinfo,
  loadRxVlanTagFromBuff,
  RxMetaTsPlacement
} from "./datapath/XdpRxMeta.js"

export type PlacedSkbSink = (skb: SkbRecord, ext: SkbPlacementExt, memory: Uint8Array) => void

export interface VethLikeDevice extends NetDevice {
  /** where XDP_PASS'd frames go, with the skb's placement extensions */
  placedStack: PlacedSkbSink
  /** frames the builder could not give a timestamp it was told about (see XdpBuildSkbFromFrame) */
  tsLost: number
}

export interface VethLikeOptions {
  readonly ifname: string
  readonly ifindex: number
  readonly layout: PlacementLayout
  readonly registry: RegistryTable
  /** receive frames (default 64) and their size (default 4096) */
  readonly frames?: number
  readonly frameSize?: number
}

/** The remote driver's ops: read back what the first program stored in xdp_rx_meta. */
export const vethLikeMetadataOps = (layout: PlacementLayout): XdpMetadataOps =>
  layout.rxMeta === 0
    ? {}
    : {
        xmoRxHash: loadRxHashFromBuff,
        xmoRxVlanTag: loadRxVlanTagFromBuff,
        xmoRxTimestamp: layout.tsPlacement === RxMetaTsPlacement.RX_META ? loadRxTsFromRxMeta : loadRxTsFromShinfo
      }

export const makeVethLikeDevice = (o: VethLikeOptions): VethLikeDevice => {
  const frames = o.frames ?? 64
  const area = makeFrameArea({ frameCount: frames, frameSize: o.frameSize ?? 4096 })
  const ops = vethLikeMetadataOps(o.layout)
  const ctx = new XdpBuff(area, { ifindex: o.ifindex, queueIndex: 0, dev: { xdpMetadataOps: ops } })
  const skb = new SkbRecord()
  const ext = new SkbPlacementExt()
  const rxStats = new RxStats()
  let next = 0
  // one DataView per sender memory, created when the sender changes (not per packet)
  let lastMem: Uint8Array | undefined
  let lastView: DataView | undefined
  const dev: VethLikeDevice = {
    ...txNotImplemented(),
    devtx: new DevtxHooks(),
    driver: "veth-like",
    ifname: o.ifname,
    ifindex: o.ifindex,
    numRxQueues: 1,
    xdpMetadataOps: ops,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: 0,
    rxStats,
    xdpProg: undefined,
    stack: () => {},
    placedStack: () => {},
    tsLost: 0,
    hwReceive: () => -Errno.EOPNOTSUPP,
    napiPoll: () => 0,
    rxPending: () => 0,
    readPhc: (out) => {
      out.hi = 0
      out.lo = 0
    },
    xdpXmit(mem, frame) {
      if (mem !== lastMem) {
        lastMem = mem
        lastView = new DataView(mem.buffer, mem.byteOffset, mem.byteLength)
      }
      const v = lastView!
      const frameSz = v.getUint32(frame + XdpFrameOff.FRAME_SZ, true)
      if (frameSz > area.frameSize) return 0
      const slot = (next++ % frames) * area.frameSize
      const end = Math.min(frame + frameSz, mem.length)
      area.bytes.set(mem.subarray(frame, end), slot)
      // xdp_convert_frame_to_buff
      const data = v.getUint32(frame + XdpFrameOff.DATA, true) - frame + slot
      ctx.hardStart = slot
      ctx.data = data
      ctx.dataEnd = data + v.getUint32(frame + XdpFrameOff.LEN, true)
      ctx.dataMeta = data - (v.getUint32(frame + XdpFrameOff.METASIZE, true) & 0xff)
      ctx.frameSz = frameSz
      ctx.flags = v.getUint32(frame + XdpFrameOff.FLAGS, true)
      rxStats.packets++
      rxStats.bytes += ctx.dataEnd - ctx.data
      let act: number = XdpAction.PASS
      const prog = dev.xdpProg
      if (prog !== undefined) {
        act = runXdp(prog.run, ctx)
        if (accountXdpVerdict(rxStats, act, true) !== 0) act = XdpAction.DROP
      }
      if (act === XdpAction.PASS) {
        // __xdp_build_skb_from_frame over the frame as it stands after this device's program
        const f = xdpConvertBuffToFrame(ctx, XdpMemType.PAGE_SHARED)
        if (f < 0) return 1
        if (xdpBuildSkbFromFrame(area.bytes, area.view, f, f, o.ifindex, o.layout, o.registry, skb, ext) < 0) dev.tsLost++
        rxStats.skbs++
        dev.stack(skb, area.bytes)
        dev.placedStack(skb, ext, area.bytes)
      } else if (act === XdpAction.REDIRECT) {
        if (xdpDoRedirect(ctx) < 0) rxStats.xdpRedirectErrors++
      } else if (act === XdpAction.TX) rxStats.xdpTxErrors++
      return 1
    }
  }
  return dev
}
