/**
 * struct xdp_buff, as devtx models it: absolute byte addresses into a FrameArea.
 *
 *   hardStart            hardStart+40                 dataMeta   data          dataEnd    hardStart+frameSz
 *   |<- xdp_frame area ->|<--------- headroom ------->|<-meta->|<-- packet -->|  tail  |<- skb_shared_info ->|
 *
 * Contract (the kernel's, net/core/filter.c and include/net/xdp.h):
 * - `dataMeta === data + 1` marks "metadata unsupported" (xdp_set_data_meta_invalid); then
 *   adjustMeta returns -ENOTSUPP (524) and the metadata length reads as 0.
 * - adjustMeta(delta): the new meta start must lie in [hardStart + sizeof(xdp_frame), data],
 *   else -EINVAL; the resulting length must be 4-byte aligned and <= 255 (u8
 *   skb_shared_info.meta_len), else -EACCES (xdp_metalen_invalid). On failure nothing changes.
 * - adjustHead(delta): the new data must lie in [hardStart + sizeof(xdp_frame) + metalen,
 *   dataEnd - ETH_HLEN], else -EINVAL; the metadata moves with data (memmove).
 * Drivers embed an XdpBuff in their own context object (as mlx5e_xdp_buff wraps xdp_buff) and
 * reuse one per RX queue: the per-packet path never allocates.
 */
import { Errno } from "../kernel/Errno.js"
import { ETH_HLEN } from "../kernel/EthProto.js"
import { XDP_FRAME_SIZE, XDP_META_MAX } from "../kernel/XdpGeometry.js"
import type { FrameArea } from "./FrameArea.js"

/**
 * struct xdp_rxq_info: the fields programs can see through xdp_md (ingress_ifindex,
 * rx_queue_index), and the device, whose ops table the generic kfunc binding reads per call.
 */
export interface XdpRxqInfo {
  readonly ifindex: number
  readonly queueIndex: number
  readonly dev?: XdpRxqDevice
}

/**
 * The device behind an RX queue as the generic kfunc binding reads it (netdev->xdp_metadata_ops).
 * Declared empty here and given its `xdpMetadataOps` member by metadata/XdpMetadataOps.ts
 * (declaration merging): the ops are typed over XdpBuff, and memory/ sits below metadata/ in
 * core's layers (docs/architecture.md), so this file does not import them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in metadata/XdpMetadataOps.ts
export interface XdpRxqDevice {}

const EMPTY_VIEW = new DataView(new ArrayBuffer(0))

export class XdpBuff {
  /** the memory every address below points into */
  area: FrameArea
  hardStart = 0
  dataMeta = 0
  data = 0
  dataEnd = 0
  /** xdp_buff.frame_sz */
  frameSz = 0
  /** xdp_buff.flags (enum xdp_buff_flags) */
  flags = 0
  rxq: XdpRxqInfo
  /**
   * The current RX descriptor as the driver's context wrapper points at it (mlx5e_xdp_buff.cqe,
   * ice_xdp_buff.eop_desc): the memory and offset the raw-descriptor design reads through.
   * Drivers set both per packet.
   */
  rawDesc: DataView = EMPTY_VIEW
  rawDescOff = 0

  constructor(area: FrameArea, rxq: XdpRxqInfo) {
    this.area = area
    this.rxq = rxq
  }
}

/** xdp_init_buff + xdp_prepare_buff: a received frame of `len` bytes at `hardStart + headroom`. */
export const xdpPrepareBuff = (
  xdp: XdpBuff,
  hardStart: number,
  headroom: number,
  len: number,
  frameSz: number,
  metaValid: boolean
): void => {
  xdp.hardStart = hardStart
  xdp.data = hardStart + headroom
  xdp.dataEnd = xdp.data + len
  xdp.dataMeta = metaValid ? xdp.data : xdp.data + 1
  xdp.frameSz = frameSz
  xdp.flags = 0
}

/** xdp_data_meta_unsupported */
export const xdpDataMetaUnsupported = (xdp: XdpBuff): boolean => xdp.dataMeta > xdp.data

/** xdp_get_metalen: 0 when metadata is unsupported. */
export const xdpGetMetalen = (xdp: XdpBuff): number => (xdpDataMetaUnsupported(xdp) ? 0 : xdp.data - xdp.dataMeta)

/** xdp_metalen_invalid (include/net/xdp.h): not 4-byte aligned, or above the u8 meta_len maximum. */
export const xdpMetalenInvalid = (metalen: number): boolean => (metalen & 3) !== 0 || metalen > XDP_META_MAX

/** bpf_xdp_adjust_meta (net/core/filter.c). Negative delta grows the metadata area. */
export const adjustMeta = (xdp: XdpBuff, delta: number): number => {
  if (xdpDataMetaUnsupported(xdp)) return -Errno.ENOTSUPP
  const meta = xdp.dataMeta + delta
  if (meta < xdp.hardStart + XDP_FRAME_SIZE || meta > xdp.data) return -Errno.EINVAL
  if (xdpMetalenInvalid(xdp.data - meta)) return -Errno.EACCES
  xdp.dataMeta = meta
  return 0
}

/** bpf_xdp_adjust_head (net/core/filter.c). Negative delta grows the packet at the front. */
export const adjustHead = (xdp: XdpBuff, delta: number): number => {
  const metalen = xdpGetMetalen(xdp)
  const dataStart = xdp.hardStart + XDP_FRAME_SIZE + metalen
  const data = xdp.data + delta
  if (data < dataStart || data > xdp.dataEnd - ETH_HLEN) return -Errno.EINVAL
  if (metalen !== 0) xdp.area.bytes.copyWithin(xdp.dataMeta + delta, xdp.dataMeta, xdp.dataMeta + metalen)
  xdp.dataMeta += delta
  xdp.data = data
  return 0
}

/** Packet length (data_end - data). */
export const xdpLen = (xdp: XdpBuff): number => xdp.dataEnd - xdp.data
