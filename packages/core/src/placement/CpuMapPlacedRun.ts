/**
 * The cpumap kthread with the placement designs honoured: like core's cpuMapRun, it turns every
 * queued xdp_frame into an skb — but through xdpBuildSkbFromFrame, so the skb carries the hash,
 * VLAN and timestamp the first program stored (xdp_rx_meta flags, registry predefined fields) and
 * keeps the registry / traits / TLV areas as skb extensions. Returns how many were delivered.
 *
 * Model limit: core's CPUMAP enqueue copies the frame from its hard start to data_end, not the
 * whole page the kernel hands over, so a V2 timestamp in skb_shared_info does not reach the
 * remote CPU here; the builder reports it (counted in `stats.tsLost`). The ts-in-rx-meta variant
 * is unaffected.
 */
import { SkbRecord } from "../hook/SkbRecord.js"
import type { CpuMapQueue } from "../redirect/XdpMaps.js"
import type { PlacementLayout } from "./HeadroomLayout.js"
import type { RegistryTable } from "./datapath/MetaRegistryArea.js"
import { SkbPlacementExt, xdpBuildSkbFromFrame } from "./datapath/XdpBuildSkbFromFrame.js"
import { XdpFrameOff } from "../redirect/XdpFrame.js"
import type { PlacedSkbSink } from "./VethLikeDevice.js"

export class CpuMapPlacedStats {
  delivered = 0
  tsLost = 0
}

export const cpuMapRunPlaced = (
  q: CpuMapQueue,
  layout: PlacementLayout,
  registry: RegistryTable,
  sink: PlacedSkbSink,
  stats: CpuMapPlacedStats = new CpuMapPlacedStats()
): number => {
  const skb = new SkbRecord()
  const ext = new SkbPlacementExt()
  let n = 0
  while (q.frames.length > 0) {
    const mem = q.frames.shift()!
    const base = q.frameAddrs.shift()!
    const v = new DataView(mem.buffer, mem.byteOffset, mem.byteLength)
    const ifindex = v.getUint32(XdpFrameOff.DEV_RX, true)
    if (xdpBuildSkbFromFrame(mem, v, 0, base, ifindex, layout, registry, skb, ext) < 0) stats.tsLost++
    sink(skb, ext, mem)
    stats.delivered++
    n++
  }
  return n
}
