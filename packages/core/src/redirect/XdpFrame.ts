/**
 * struct xdp_frame (include/net/xdp.h; 40 bytes in the 6.18 BTF), written into the top of the
 * frame's headroom by xdp_convert_buff_to_frame, so a redirected frame carries its own geometry:
 *
 *   0                8          12           16           20           24               32          36         40
 *   +----------------+----------+------------+------------+------------+----------------+-----------+----------+
 *   | data (ptr)     | len u32  | headroom   | metasize   | mem_type:32| dev_rx (ptr)   | frame_sz  | flags    |
 *   +----------------+----------+------------+------------+------------+----------------+-----------+----------+
 *
 * devtx stores the data address in `data` and the receiving ifindex in `dev_rx` (pointers have no
 * meaning here). Conversion fails (returns -1, the kernel's NULL) when the headroom minus the
 * metadata cannot hold the xdp_frame, or data_end runs into the tailroom reserved for
 * skb_shared_info ("Driver BUG: missing reserved tailroom").
 */
import { SKB_SHARED_INFO_SIZE, XDP_FRAME_SIZE } from "../kernel/XdpGeometry.js"
import { type XdpBuff, xdpDataMetaUnsupported } from "../memory/XdpBuff.js"

export const XdpFrameOff = {
  DATA: 0,
  LEN: 8,
  HEADROOM: 12,
  METASIZE: 16,
  MEM_TYPE: 20,
  DEV_RX: 24,
  FRAME_SZ: 32,
  FLAGS: 36
} as const

/** enum xdp_mem_type (include/net/xdp.h) */
export const XdpMemType = { PAGE_SHARED: 0, PAGE_ORDER0: 1, PAGE_POOL: 2, XSK_BUFF_POOL: 3 } as const

/** xdp_convert_buff_to_frame: returns the frame's address (its hard start), or -1. */
export const xdpConvertBuffToFrame = (xdp: XdpBuff, memType: number): number => {
  const headroom = xdp.data - xdp.hardStart
  const metasize = xdpDataMetaUnsupported(xdp) ? 0 : xdp.data - xdp.dataMeta
  if (headroom - metasize < XDP_FRAME_SIZE) return -1
  if (xdp.dataEnd > xdp.hardStart + xdp.frameSz - SKB_SHARED_INFO_SIZE) return -1
  const v = xdp.area.view
  const f = xdp.hardStart
  v.setUint32(f + XdpFrameOff.DATA, xdp.data, true)
  v.setUint32(f + XdpFrameOff.DATA + 4, 0, true)
  v.setUint32(f + XdpFrameOff.LEN, xdp.dataEnd - xdp.data, true)
  v.setUint32(f + XdpFrameOff.HEADROOM, headroom - XDP_FRAME_SIZE, true)
  v.setUint32(f + XdpFrameOff.METASIZE, metasize, true)
  v.setUint32(f + XdpFrameOff.MEM_TYPE, memType, true)
  v.setUint32(f + XdpFrameOff.DEV_RX, xdp.rxq.ifindex, true)
  v.setUint32(f + XdpFrameOff.DEV_RX + 4, 0, true)
  v.setUint32(f + XdpFrameOff.FRAME_SZ, xdp.frameSz, true)
  v.setUint32(f + XdpFrameOff.FLAGS, xdp.flags, true)
  return f
}

/** Read an xdp_frame back (for the side that receives it). */
export class XdpFrameView {
  data = 0
  len = 0
  headroom = 0
  metasize = 0
  memType = 0
  devRx = 0
  frameSz = 0
  flags = 0
  read(v: DataView, f: number): this {
    this.data = v.getUint32(f + XdpFrameOff.DATA, true)
    this.len = v.getUint32(f + XdpFrameOff.LEN, true)
    this.headroom = v.getUint32(f + XdpFrameOff.HEADROOM, true)
    this.metasize = v.getUint32(f + XdpFrameOff.METASIZE, true)
    this.memType = v.getUint32(f + XdpFrameOff.MEM_TYPE, true)
    this.devRx = v.getUint32(f + XdpFrameOff.DEV_RX, true)
    this.frameSz = v.getUint32(f + XdpFrameOff.FRAME_SZ, true)
    this.flags = v.getUint32(f + XdpFrameOff.FLAGS, true)
    return this
  }
}
