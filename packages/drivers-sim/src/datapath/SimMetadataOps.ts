/**
 * The reference driver's xdp_metadata_ops and its skb-path decisions, both read from the
 * write-back descriptor the current packet came with (SimXdpBuff.desc/descOff, as
 * mlx5e_xdp_buff.cqe points at the CQE). Each op returns 0 or -ENODATA, never allocates.
 *
 * Checksum decision (shared by the proposed kfunc and the skb path, like mlx5e_handle_csum):
 *   RAW_CSUM_VALID                         -> COMPLETE, cksum = raw_csum
 *   L4_CHECKED, no L3/L4 error             -> UNNECESSARY, level = csum_lvl (0: no tunnels)
 *   L3L4P otherwise (an error, or nothing verifiable: fragment, ICMP, ...) -> NONE
 *   no L3L4P                               -> -ENODATA (NETIF_F_RXCSUM off, or not IP)
 */
import {
  Errno,
  htons,
  RxChecksumOut,
  type RxHashOut,
  type RxTimestampOut,
  type RxVlanTagOut,
  SkbChecksum,
  XdpBuff,
  XdpChecksum
} from "@devtx/core"
import { SIM_RX_LAYOUT_V1, SimRxError, type SimRxLayout, SimRxStatus } from "./SimRxDescriptor.js"

/** The driver's context wrapper (struct sim_xdp_buff): xdp_buff plus where its descriptor is and its layout. */
export class SimXdpBuff extends XdpBuff {
  desc!: DataView
  descOff = 0
  layout: SimRxLayout = SIM_RX_LAYOUT_V1
}

const status = (ctx: SimXdpBuff): number => ctx.desc.getUint8(ctx.descOff + ctx.layout.STATUS)

export const simRxTimestamp = (ctx: SimXdpBuff, out: RxTimestampOut): number => {
  if ((status(ctx) & SimRxStatus.TS_VALID) === 0) return -Errno.ENODATA
  out.lo = ctx.desc.getUint32(ctx.descOff + ctx.layout.TS_LO, true)
  out.hi = ctx.desc.getUint32(ctx.descOff + ctx.layout.TS_HI, true)
  return 0
}

export const simRxHash = (ctx: SimXdpBuff, out: RxHashOut): number => {
  if ((status(ctx) & SimRxStatus.RSS_VALID) === 0) return -Errno.ENODATA
  out.hash = ctx.desc.getUint32(ctx.descOff + ctx.layout.RSS_HASH, true)
  out.rssType = ctx.desc.getUint16(ctx.descOff + ctx.layout.RSS_TYPE, true)
  return 0
}

export const simRxVlanTag = (ctx: SimXdpBuff, out: RxVlanTagOut): number => {
  if ((status(ctx) & SimRxStatus.VLAN_STRIPPED) === 0) return -Errno.ENODATA
  out.vlanProto = htons(ctx.desc.getUint16(ctx.descOff + ctx.layout.VLAN_TPID, true))
  out.vlanTci = ctx.desc.getUint16(ctx.descOff + ctx.layout.VLAN_TCI, true)
  return 0
}

/** Checksum verdict of the descriptor at `off` (kfunc form: XdpChecksum values). */
export const simChecksumFromDesc = (desc: DataView, off: number, L: SimRxLayout, out: RxChecksumOut): number => {
  const st = desc.getUint8(off + L.STATUS)
  if ((st & SimRxStatus.L3L4P) === 0) return -Errno.ENODATA
  if ((st & SimRxStatus.RAW_CSUM_VALID) !== 0) {
    out.ipSummed = XdpChecksum.COMPLETE
    out.cksum = desc.getUint16(off + L.RAW_CSUM, true)
    out.cksumLevel = 0
    return 0
  }
  const err = desc.getUint16(off + L.ERRORS, true)
  if ((st & SimRxStatus.L4_CHECKED) !== 0 && (err & (SimRxError.L3_CSUM | SimRxError.L4_CSUM)) === 0) {
    out.ipSummed = XdpChecksum.UNNECESSARY
    out.cksum = 0
    out.cksumLevel = desc.getUint8(off + L.CSUM_LEVEL)
    return 0
  }
  out.ipSummed = XdpChecksum.NONE
  out.cksum = 0
  out.cksumLevel = 0
  return 0
}

export const simRxChecksum = (ctx: SimXdpBuff, out: RxChecksumOut): number =>
  simChecksumFromDesc(ctx.desc, ctx.descOff, ctx.layout, out)

/** XdpChecksum -> skb ip_summed */
export const xdpChecksumToSkb = (v: number): number =>
  v === XdpChecksum.COMPLETE ? SkbChecksum.COMPLETE : v === XdpChecksum.UNNECESSARY ? SkbChecksum.UNNECESSARY : SkbChecksum.NONE

/** A scratch out-parameter for the skb path (one per module, the data path is single-threaded). */
export const skbChecksumScratch = new RxChecksumOut()
