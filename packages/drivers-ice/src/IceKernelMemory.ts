/**
 * The ice driver's kernel memory for bpf_cast_to_kern_ctx (core driver/KernelMemory.ts): one
 * `struct ice_xdp_buff { struct xdp_buff xdp_buff; const union ice_32b_rx_flex_desc *eop_desc;
 * const struct ice_pkt_ctx *pkt_ctx; }` per RX queue (drivers/net/ethernet/intel/ice/ice_txrx.h),
 * `eop_desc` into the queue's RX descriptor ring and `pkt_ctx` into the queue's ring context:
 *
 *   struct ice_pkt_ctx (16 B, ice_txrx.h; offsets from the driver's BTF)
 *    0 +-----------------------------------+
 *      | u64 cached_phctime (LE)           |   ice_ptp_update_cached_phctime writes it
 *    8 +-----------------+-----------------+
 *      | __be16 vlan_proto| (padding)       |   ice_set_vlan_offload_features
 *   16 +-----------------+-----------------+
 *
 * The ring context's bytes are written from the queue's IcePktCtx with the wrapper, per packet,
 * so a program sees the cached PHC time the kfunc would use for the same packet.
 */
import { type DeviceKernelMemory, type DriverBtf, driverMemberOffset, regionOf, regionOfView, writeKernPtr, type XdpBuff, xdpBuffWrapperMemory } from "@devtx/core"
import type { IceXdpBuff } from "./datapath/IceMetadataOps.js"
import type { IceRxQueue } from "./datapath/IceRxQueue.js"

const PKT_CTX_SIZE = 16

export const iceKernelMemory = (btf: DriverBtf, queues: ReadonlyArray<IceRxQueue>): DeviceKernelMemory => {
  const pktCtxAt = driverMemberOffset(btf, "ice_xdp_buff", "pkt_ctx")
  const phcAt = driverMemberOffset(btf, "ice_pkt_ctx", "cached_phctime")
  const protoAt = driverMemberOffset(btf, "ice_pkt_ctx", "vlan_proto")
  if (pktCtxAt < 0 || phcAt < 0 || protoAt < 0) throw new Error("ice BTF: struct ice_xdp_buff.pkt_ctx / struct ice_pkt_ctx members missing")
  const ctxRegion = regionOf("ice:pkt_ctx", new Uint8Array(PKT_CTX_SIZE * queues.length))
  const cv = ctxRegion.view
  // regions: [0] wrappers, [1..n] rings, [n+1] the ring contexts
  const ctxSlot = 1 + queues.length
  return xdpBuffWrapperMemory({
    driver: "ice",
    btf,
    queues: queues.length,
    descRegions: queues.map((q) => regionOfView(`ice:rx_ring${q.index}`, q.ring.view)),
    extraRegions: [ctxRegion],
    fillExtra: (ctx: XdpBuff, wrappers: DataView, at: number, ptrHi: Uint32Array): number => {
      const pc = (ctx as IceXdpBuff).pktCtx
      if (pc === undefined) return -1
      const c = ctx.rxq.queueIndex * PKT_CTX_SIZE
      cv.setUint32(c + phcAt, pc.cachedPhcLo, true)
      cv.setUint32(c + phcAt + 4, pc.cachedPhcHi, true)
      // vlanProto holds the __be16 as a little-endian host loads it: stored LE, the bytes are network order
      cv.setUint16(c + protoAt, pc.vlanProto, true)
      writeKernPtr(wrappers, at + pktCtxAt, ptrHi[ctxSlot]!, c)
      return 0
    }
  })
}
