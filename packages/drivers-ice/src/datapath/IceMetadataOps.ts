/**
 * ice's xdp_metadata_ops (ice_xdp_md_ops, drivers/net/ethernet/intel/ice/ice_txrx_lib.c) and the
 * skb-path decisions that read the same descriptor. Every hint reads the EOP descriptor of the
 * frame (IceXdpBuff.desc/descOff; devtx frames are single-descriptor, so it is the only one) and
 * the ring's packet context (struct ice_pkt_ctx { u64 cached_phctime; __be16 vlan_proto; } plus
 * the ring flags, ice_txrx.h). Each op returns 0 or -ENODATA and never allocates.
 *
 * ice_xdp_rx_hash:    hash = rxdid == ICE_RXDID_FLEX_NIC ? rss_hash @12 : 0 (ice_get_rx_hash);
 *                     rss_type = libie_rx_pt_parse(ptype).hash_type; -ENODATA when hash == 0.
 *                     Neither RSS_VALID nor NETIF_F_RXHASH is consulted.
 * ice_xdp_rx_hw_ts:   ice_ptp_get_rx_hwts: no TS_VALID -> 0; cached_phctime 0 -> 0; else
 *                     ice_ptp_extend_32b_ts(cached, ts_high); a result of 0 -> -ENODATA.
 *                     rx_ring->ptp_rx (the hwtstamp filter) is not consulted.
 * ice_xdp_rx_vlan_tag: vlan_proto = pkt_ctx vlan_proto (0 -> -ENODATA); tci = ice_get_vlan_tci:
 *                     L2TAG1P ? l2tag1 : L2TAG2P ? l2tag2_2nd : 0 (0 -> -ENODATA).
 * ice_get_rx_csum:    the checksum logic shared by ice_rx_csum (skb) and the PROPOSED
 *                     ice_xdp_rx_checksum (bpf-next v4 "net: ice: Add xmo_rx_checksum callback",
 *                     not in mainline), which always returns 0:
 *   1. pt = libie_rx_pt_parse(ptype); !(NETIF_F_RXCSUM && pt.inner_prot != NONE) -> NONE
 *   2. ring GCS flag (E830) && rxdid == 2 && inner_prot in {TCP, UDP, ICMP}
 *        -> COMPLETE, cksum = csum_unfold(swab16(raw_csum))
 *   3. !L3L4P -> NONE
 *   4. outer IPv4 && EIPE -> NONE (hw_rx_eipe_error++)
 *   5. outer IPv4 && IPE, outer IPv6 && IPV6EXADD, L4E, (NAT && EUDPE) -> NONE (hw_csum_rx_error++)
 *   6. -> UNNECESSARY, csum_level = tunnel_type >= GRENAT
 *   "outer" is libeth_rx_pt_get_ip_ver(pt): an IPv4-in-IPv6 tunnel's inner IPv4 header error is
 *   not looked at.
 *
 * cksum units: the kernel's u32 *cksum holds a __wsum, which on a little-endian host is the sum
 * of little-endian 16-bit words, i.e. swab16 of the network-order sum. The hardware's raw_csum
 * (read as LE16) IS the network-order sum (the driver swab16's it into the LE __wsum). devtx's
 * convention (RxChecksumOut, core InternetChecksum) is the network-order sum, so the devtx kfunc
 * reports raw_csum as read; `iceWsumOfRawCsum` gives the kernel's LE-host __wsum value.
 */
import {
  Errno,
  RxChecksumOut,
  type RxHashOut,
  type RxTimestampOut,
  type RxVlanTagOut,
  SkbChecksum,
  XdpBuff,
  XdpChecksum
} from "@devtx/core"
import { libieRxPtParse, LibethInner, LibethOuterIp, LibethTunnel, ptInnerProt, ptOuterIp, ptTunnelType } from "./IcePtypeTable.js"
import { ICE_PTP_TS_VALID, ICE_RX_FLEX_DESC_PTYPE_M, iceGetPtype, IceRxDesc, IceRxdid, IceStatus0, IceStatus1 } from "./IceRxFlexDesc.js"
import { iceExtend32bTs, U64Halves } from "./IceTimestamp.js"

/** ICE_RX_FLAGS_RING_GCS BIT(4) (ice_txrx.h) */
export const ICE_RX_FLAGS_RING_GCS = 1 << 4

/** What the hints read besides the descriptor: ice_pkt_ctx, ring flags, netdev features. */
export class IcePktCtx {
  /** u64 cached_phctime as halves (0:0 = no cached time) */
  cachedPhcHi = 0
  cachedPhcLo = 0
  /** __be16 vlan_proto, as a little-endian host loads it (htons(0x8100) = 0x0081); 0 = stripping off */
  vlanProto = 0
  /** ice_rx_ring.flags (ICE_RX_FLAGS_RING_GCS) */
  rxqFlags = 0
  /** netdev->features & NETIF_F_RXCSUM / NETIF_F_RXHASH */
  rxcsum = true
  rxhash = true
  /** rx_ring->ptp_rx */
  ptpRx = true
  /** pf->hw_csum_rx_error / pf->hw_rx_eipe_error (the skb path counts; the XDP hint passes pf = NULL) */
  hwCsumRxError = 0
  hwRxEipeError = 0
}

/** struct ice_xdp_buff: xdp_buff + the EOP descriptor + the ring's packet context. */
export class IceXdpBuff extends XdpBuff {
  desc!: DataView
  descOff = 0
  pktCtx!: IcePktCtx
}

/** ice_get_rx_hash */
export const iceGetRxHash = (d: DataView, off: number): number =>
  d.getUint8(off + IceRxDesc.RXDID) === IceRxdid.FLEX_NIC ? d.getUint32(off + IceRxDesc.RSS_HASH, true) : 0

/**
 * ice_xdp_rx_hash. ice_get_rx_hash and the ptype read are written out here rather than called:
 * this op is inlined into every program that reads the hash, and with it into the driver's poll
 * loop, where each helper layer counts against V8's cumulative inlining budget (profiled with
 * node --cpu-prof on rx/ice/kfunc-dev-bound/1: the layered version cost ~4 ns/packet more).
 */
export const iceXdpRxHash = (ctx: IceXdpBuff, out: RxHashOut): number => {
  const d = ctx.desc
  const off = ctx.descOff
  const hash = d.getUint8(off + IceRxDesc.RXDID) === IceRxdid.FLEX_NIC ? d.getUint32(off + IceRxDesc.RSS_HASH, true) : 0
  out.hash = hash
  out.rssType = libieRxPtParse(d.getUint16(off + IceRxDesc.PTYPE_FLEX_FLAGS0, true) & ICE_RX_FLEX_DESC_PTYPE_M) >>> 16
  return hash === 0 ? -Errno.ENODATA : 0
}

const tsScratch = new U64Halves()

/** ice_ptp_get_rx_hwts into `out`; returns false for "0" (no timestamp). */
export const icePtpGetRxHwts = (d: DataView, off: number, pkt: IcePktCtx, out: U64Halves): boolean => {
  if ((d.getUint8(off + IceRxDesc.TS_LOW) & ICE_PTP_TS_VALID) === 0) return false
  if (pkt.cachedPhcHi === 0 && pkt.cachedPhcLo === 0) return false
  iceExtend32bTs(pkt.cachedPhcHi, pkt.cachedPhcLo, d.getUint32(off + IceRxDesc.TS_HIGH, true), out)
  return out.hi !== 0 || out.lo !== 0
}

export const iceXdpRxHwTs = (ctx: IceXdpBuff, out: RxTimestampOut): number => {
  if (!icePtpGetRxHwts(ctx.desc, ctx.descOff, ctx.pktCtx, tsScratch)) return -Errno.ENODATA
  out.hi = tsScratch.hi
  out.lo = tsScratch.lo
  return 0
}

/** ice_get_vlan_tci (ice_txrx_lib.h) */
export const iceGetVlanTci = (d: DataView, off: number): number => {
  if ((d.getUint16(off + IceRxDesc.STATUS_ERROR0, true) & IceStatus0.L2TAG1P) !== 0) return d.getUint16(off + IceRxDesc.L2TAG1, true)
  if ((d.getUint16(off + IceRxDesc.STATUS_ERROR1, true) & IceStatus1.L2TAG2P) !== 0) return d.getUint16(off + IceRxDesc.L2TAG2_2ND, true)
  return 0
}

export const iceXdpRxVlanTag = (ctx: IceXdpBuff, out: RxVlanTagOut): number => {
  out.vlanProto = ctx.pktCtx.vlanProto
  if (out.vlanProto === 0) return -Errno.ENODATA
  out.vlanTci = iceGetVlanTci(ctx.desc, ctx.descOff)
  return out.vlanTci === 0 ? -Errno.ENODATA : 0
}

/** The kernel's __wsum (little-endian host) for a raw_csum read as LE16: csum_unfold(swab16(raw)). */
export const iceWsumOfRawCsum = (raw: number): number => ((raw & 0xff) << 8) | ((raw >>> 8) & 0xff)

const none = (out: RxChecksumOut): void => {
  out.ipSummed = XdpChecksum.NONE
  out.cksum = 0
  out.cksumLevel = 0
}

/**
 * ice_get_rx_csum: the verdict in XdpChecksum terms into `out`. `countErrors` is the skb path
 * (ring->vsi->back); the XDP hint passes pf = NULL and counts nothing.
 */
export const iceGetRxCsum = (d: DataView, off: number, pkt: IcePktCtx, countErrors: boolean, out: RxChecksumOut): void => {
  const pt = libieRxPtParse(iceGetPtype(d, off))
  const inner = ptInnerProt(pt)
  if (!(pkt.rxcsum && inner !== LibethInner.NONE)) {
    none(out)
    return
  }
  const s0 = d.getUint16(off + IceRxDesc.STATUS_ERROR0, true)
  const s1 = d.getUint16(off + IceRxDesc.STATUS_ERROR1, true)
  if (
    (pkt.rxqFlags & ICE_RX_FLAGS_RING_GCS) !== 0 &&
    d.getUint8(off + IceRxDesc.RXDID) === IceRxdid.FLEX_NIC &&
    (inner === LibethInner.TCP || inner === LibethInner.UDP || inner === LibethInner.ICMP)
  ) {
    out.ipSummed = XdpChecksum.COMPLETE
    out.cksum = d.getUint16(off + IceRxDesc.RAW_CSUM, true)
    out.cksumLevel = 0
    return
  }
  if ((s0 & IceStatus0.L3L4P) === 0) {
    none(out)
    return
  }
  const ipv4 = ptOuterIp(pt) === LibethOuterIp.IPV4
  const ipv6 = ptOuterIp(pt) === LibethOuterIp.IPV6
  if (ipv4 && (s0 & IceStatus0.XSUM_EIPE) !== 0) {
    if (countErrors) pkt.hwRxEipeError++
    none(out)
    return
  }
  if (
    (ipv4 && (s0 & IceStatus0.XSUM_IPE) !== 0) ||
    (ipv6 && (s0 & IceStatus0.IPV6EXADD) !== 0) ||
    (s0 & IceStatus0.XSUM_L4E) !== 0 ||
    ((s1 & IceStatus1.NAT) !== 0 && (s0 & IceStatus0.XSUM_EUDPE) !== 0)
  ) {
    if (countErrors) pkt.hwCsumRxError++
    none(out)
    return
  }
  out.ipSummed = XdpChecksum.UNNECESSARY
  out.cksum = 0
  out.cksumLevel = ptTunnelType(pt) >= LibethTunnel.GRENAT ? 1 : 0
}

/** The proposed ice_xdp_rx_checksum: always 0. */
export const iceXdpRxChecksum = (ctx: IceXdpBuff, out: RxChecksumOut): number => {
  iceGetRxCsum(ctx.desc, ctx.descOff, ctx.pktCtx, false, out)
  return 0
}

/** XdpChecksum -> skb ip_summed */
export const iceXdpChecksumToSkb = (v: number): number =>
  v === XdpChecksum.COMPLETE ? SkbChecksum.COMPLETE : v === XdpChecksum.UNNECESSARY ? SkbChecksum.UNNECESSARY : SkbChecksum.NONE

/** Scratch for the skb path (single-threaded data path). */
export const iceSkbCsumScratch = new RxChecksumOut()
export const iceSkbTsScratch = new U64Halves()
