/**
 * DEVTX-ONLY: ice implementations of the devtx kfuncs (the abandoned 2023 RFC design, see core's
 * DevtxOps). Upstream ice has no xsk_tx_metadata_ops and no devtx; these exist so the two
 * designs can be compared on a NIC whose TX timestamp lives in PHY memory, not in a descriptor.
 *
 * xmo_request_tx_timestamp (submit): take a PHY timestamp index from the port's tracker
 *   (ice_ptp_request_ts, owner = the descriptor) and fill the context descriptor the driver
 *   reserved in front of the packet: CMD.TSYN and the index at ICE_TXD_CTX_QW1_TSYN_S (30).
 *   0; 0 again without a second index when the context descriptor already has TSYN (the skb asked
 *   with SKBTX_HW_TSTAMP, or the program called twice); -EINVAL on a descriptor with no context
 *   descriptor in front (an XDP_PKT_CONTD continuation); -EBUSY when every index is in use (the
 *   kernel's ice_tstamp would count tx_hwtstamp_skipped and send without a timestamp — which
 *   still happens: the frame is not held back).
 * xmo_tx_timestamp (complete): the packet's index -> read PHY timestamp memory at that index
 *   (the read ice_ptp_process_tx_tstamp does) -> valid bit -> ice_ptp_extend_40b_ts with the PF's
 *   cached PHC time. -ENODATA without an index, without the valid bit, or when the cached PHC
 *   time is more than 2 s old (the extension returns 0). For an index the skb path took, the value
 *   the tracker already delivered is returned.
 *   THE RAW-DESCRIPTOR DESIGN CANNOT DO THIS: the completion a raw program sees is the DD
 *   write-back descriptor (struct ice_tx_desc with DTYPE 0xF), which carries no timestamp; the
 *   value is only in PHY memory, reached by register/sideband reads the driver makes. A raw
 *   program also cannot request one: the index is a driver-managed resource (the in_use bitmap).
 * xmo_request_l4_checksum (submit): ice_tx_csum's fields from the frame's headers (IceTxOffload):
 *   csum_start must be the transport header and csum_offset the TCP (16), UDP (6) or SCTP (8)
 *   checksum field of the protocol found there, else -EINVAL (ice cannot checksum at an arbitrary
 *   offset: the hardware takes MACLEN/IPLEN/L4T, not start/offset). Sets IIPT, L4T_EOFT and the
 *   MACLEN/IPLEN/L4LEN offsets in the data descriptor.
 * No launch-time op: E830's TxTime (a separate timestamp ring) is not modelled.
 */
import { Errno, type RxTimestampOut } from "@devtx/core"
import { IceTsOwner } from "./IcePtpTx.js"
import { iceTxCtxCmd, IceTxCtxCmd, iceTxCtxTsynIdx, iceTxOrCmd, iceTxSetOffset, ICE_TXD_CTX_QW1_CMD_S, IceTxDescOff } from "./IceTxDesc.js"
import type { IceDevtxCtx } from "./IceTxRing.js"
import { ICE_PTP_TX_TS_VALID, U64Halves } from "./IceTimestamp.js"
import { ICE_TX_CSUM_HW, IceTxCsumOut, iceL4CsumFieldOffset, iceTxCsum, iceTxTransportOffset } from "./IceTxOffload.js"

const ext = new U64Halves()
const csum = new IceTxCsumOut()

export const iceDevtxRequestTxTimestamp = (ctx: IceDevtxCtx): number => {
  const r = ctx.ring
  if (r === undefined || ctx.ctxDescOff < 0) return -Errno.EINVAL
  const v = ctx.desc
  const c = ctx.ctxDescOff
  if ((iceTxCtxCmd(v, c) & IceTxCtxCmd.TSYN) !== 0) return 0
  const idx = r.ptp.request(IceTsOwner.DEVTX, r.id, ctx.slot, r.phc.hi, r.phc.lo)
  if (idx < 0) {
    r.ptp.pf.txHwtstampSkipped++
    return -Errno.EBUSY
  }
  const lo = v.getUint32(c + IceTxDescOff.QW1_LO, true)
  v.setUint32(c + IceTxDescOff.QW1_LO, (lo | (IceTxCtxCmd.TSYN << ICE_TXD_CTX_QW1_CMD_S) | ((idx & 0x3) << 30)) >>> 0, true)
  v.setUint32(c + IceTxDescOff.QW1_HI, ((v.getUint32(c + IceTxDescOff.QW1_HI, true) & ~0xffff) | ((idx >>> 2) & 0xffff)) >>> 0, true)
  r.tsIdx[ctx.slot] = idx
  r.tsOwner[ctx.slot] = IceTsOwner.DEVTX
  return 0
}

export const iceDevtxTxTimestamp = (ctx: IceDevtxCtx, out: RxTimestampOut): number => {
  const r = ctx.ring
  if (r === undefined) return -Errno.ENODATA
  const slot = ctx.slot
  const idx = r.tsIdx[slot]!
  if (idx < 0) return -Errno.ENODATA
  if (r.tsOwner[slot] === IceTsOwner.SKB) {
    if (r.tsState[slot] !== 1) return -Errno.ENODATA
    out.hi = r.tsHi[slot]!
    out.lo = r.tsLo[slot]!
    return 0
  }
  const phy = r.ptp.phy
  const lo32 = phy.lo32[idx]!
  if ((lo32 & ICE_PTP_TX_TS_VALID) === 0) return -Errno.ENODATA
  if (!r.ptp.extend40b(phy.hi8[idx]!, lo32, r.phc.hi, r.phc.lo, ext)) return -Errno.ENODATA
  out.hi = ext.hi
  out.lo = ext.lo
  return 0
}

export const iceDevtxRequestL4Checksum = (ctx: IceDevtxCtx, csumStart: number, csumOffset: number): number => {
  if (csumStart + csumOffset + 2 > ctx.len) return -Errno.EINVAL
  if (iceTxCsum(ctx.mem, ctx.data, ctx.len, csumStart, csum) !== ICE_TX_CSUM_HW) return -Errno.EINVAL
  if (iceTxTransportOffset(ctx.mem, ctx.data, ctx.len, csum.l3) !== csumStart) return -Errno.EINVAL
  if (iceL4CsumFieldOffset(csum.l4Proto) !== csumOffset) return -Errno.EINVAL
  iceTxOrCmd(ctx.desc, ctx.descOff, csum.cmd)
  iceTxSetOffset(ctx.desc, ctx.descOff, csum.offset)
  return 0
}

/** The TSYN index a context descriptor carries, -1 without TSYN (for tests and tools). */
export const iceCtxDescTsynIndex = (v: DataView, off: number): number =>
  (iceTxCtxCmd(v, off) & IceTxCtxCmd.TSYN) !== 0 ? iceTxCtxTsynIdx(v, off) : -1
