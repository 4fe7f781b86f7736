/**
 * mlx5e's xdp_metadata_ops (drivers/net/ethernet/mellanox/mlx5/core/en/xdp.c) and the RX
 * checksum decision of the skb path (mlx5e_handle_csum, en_rx.c), all reading the CQE of the
 * current packet through the driver's context wrapper, as `struct mlx5e_xdp_buff { struct
 * xdp_buff xdp; struct mlx5_cqe64 *cqe; struct mlx5e_rq *rq; }` (en/xdp.h) does.
 *
 * mlx5e_xdp_rx_timestamp: -ENODATA unless rq->tstamp rx_filter == HWTSTAMP_FILTER_ALL
 *   (mlx5e_rx_hw_stamp); else rq->ptp_cyc2time(get_cqe_ts(cqe)).
 * mlx5e_xdp_rx_hash: -ENODATA unless NETIF_F_RXHASH; else hash = rss_hash_result (0 included:
 *   the call succeeds whatever the value) and rss_type = mlx5_xdp_rss_type[(t & CQE_RSS_HTYPE_IP)
 *   | FIELD_GET(CQE_RSS_HTYPE_L4, t)] with t = rss_hash_type: the 16-entry table below.
 * mlx5e_xdp_rx_vlan_tag: -ENODATA unless cqe_has_vlan; proto = htons(ETH_P_8021Q) ALWAYS (the
 *   CQE has no TPID), tci = be16_to_cpu(vlan_info).
 * checksum — PROPOSED, NOT IN MAINLINE: no mainline mlx5 xmo_rx_checksum exists. devtx's form
 *   runs mlx5e_handle_csum's decision for the RQ as it is while an XDP program is attached:
 *   MLX5E_RQ_STATE_NO_CSUM_COMPLETE is then set (en_main.c sets it when params->xdp_prog), so the
 *   COMPLETE branch is never taken and the answer is UNNECESSARY (L3_OK and L4_OK, csum_level 1
 *   when tunneled) or NONE; -ENODATA without NETIF_F_RXCSUM (the kfunc analogue of csum_none).
 *
 * Per packet: no allocation, numeric status codes.
 */
import {
  csumAdd,
  csumBlockAdd,
  csumPartial,
  Errno,
  EthProto,
  htons,
  type RxChecksumOut,
  type RxHashOut,
  type RxTimestampOut,
  type RxVlanTagOut,
  type U64,
  XdpBuff,
  XdpChecksum,
  XdpRssHashType
} from "@devtx/core"
import {
  CQE_RSS_HTYPE_IP,
  CqeHdsIpExt,
  cqeCheckSum,
  cqeHasVlan,
  cqeHdsIpExt,
  cqeIsTunneled,
  cqeRssHashResult,
  cqeRssHashType,
  cqeTimestampH,
  cqeTimestampL,
  cqeTlsOffload,
  cqeVlanInfo
} from "./Mlx5Cqe.js"
import { type Mlx5Timecounter, Mlx5TsFormat, realTimeCyc2time } from "./Mlx5Clock.js"

/** The parts of struct mlx5e_rq (and its netdev) the metadata ops and the csum path read. */
export class Mlx5RqState {
  /** netdev->features & NETIF_F_RXHASH */
  featRxhash = true
  /** netdev->features & NETIF_F_RXCSUM */
  featRxcsum = true
  /** rq->tstamp->rx_filter == HWTSTAMP_FILTER_ALL */
  rxFilterAll = false
  /**
   * rq->ptp_cyc2time: the CQE-timestamp converter, chosen when the format is set (at RQ init in
   * the kernel, mlx5e_alloc_rq) so the per-packet path makes one direct call, no format switch
   */
  ptpCyc2time: (tsHi: number, tsLo: number, out: U64) => void = realTimeCyc2time
  private format = 0
  /** which converter rq->ptp_cyc2time is (Mlx5TsFormat) */
  get tsFormat(): number {
    return this.format
  }
  set tsFormat(f: number) {
    this.format = f
    const tc = this.tc
    this.ptpCyc2time = f === Mlx5TsFormat.REAL_TIME ? realTimeCyc2time : (hi, lo, out) => tc.cyc2time(hi, lo, out)
  }
  /** ethtool priv flag rx_no_csum_complete (MLX5E_PFLAG_RX_NO_CSUM_COMPLETE) */
  noCsumCompletePrivFlag = false
  /**
   * MLX5E_RQ_STATE_NO_CSUM_COMPLETE: set when the priv flag is on or an XDP program is attached
   * (en_main.c: "We disable csum_complete when XDP is enabled")
   */
  noCsumComplete = false
  constructor(readonly tc: Mlx5Timecounter) {
    this.tsFormat = Mlx5TsFormat.FREE_RUNNING
  }
}

/** struct mlx5e_xdp_buff: xdp_buff + the CQE of the packet + the RQ. */
export class Mlx5eXdpBuff extends XdpBuff {
  cqe!: DataView
  cqeOff = 0
  rq!: Mlx5RqState
}

// ---- the RSS type table (en/xdp.c mlx5_xdp_rss_type[RSS_TYPE_MAX_TABLE = 16]) ----------------
// index = (rss_hash_type & CQE_RSS_HTYPE_IP) | FIELD_GET(CQE_RSS_HTYPE_L4, rss_hash_type):
// bits 3:2 IP type (0 none, 1 IPv4, 2 IPv6, 3 reserved), bits 1:0 L4 (0 none, 1 TCP, 2 UDP, 3 IPsec).
// "Invalid combinations will simply return zero": 1-3 and 12-15 are XDP_RSS_TYPE_NONE.
export const MLX5_XDP_RSS_TYPE: ReadonlyArray<number> = [
  XdpRssHashType.TYPE_NONE, // 0  RSS_TYPE_NO_HASH
  XdpRssHashType.TYPE_NONE, // 1
  XdpRssHashType.TYPE_NONE, // 2
  XdpRssHashType.TYPE_NONE, // 3
  XdpRssHashType.TYPE_L3_IPV4, // 4  RSS_TYPE_L3_IPV4
  XdpRssHashType.TYPE_L4_IPV4_TCP, // 5
  XdpRssHashType.TYPE_L4_IPV4_UDP, // 6
  XdpRssHashType.TYPE_L4_IPV4_IPSEC, // 7
  XdpRssHashType.TYPE_L3_IPV6, // 8  RSS_TYPE_L3_IPV6
  XdpRssHashType.TYPE_L4_IPV6_TCP, // 9
  XdpRssHashType.TYPE_L4_IPV6_UDP, // 10
  XdpRssHashType.TYPE_L4_IPV6_IPSEC, // 11
  XdpRssHashType.TYPE_NONE, // 12
  XdpRssHashType.TYPE_NONE, // 13
  XdpRssHashType.TYPE_NONE, // 14
  XdpRssHashType.TYPE_NONE // 15
]
const RSS_TABLE = Int32Array.from(MLX5_XDP_RSS_TYPE)

/** The 4-bit lookup index of a CQE rss_hash_type byte. */
export const mlx5RssLookupIndex = (rssHashType: number): number => (rssHashType & CQE_RSS_HTYPE_IP) | ((rssHashType >>> 6) & 0x3)

/** mlx5e_xdp_rx_timestamp: the out-parameter has U64's shape ({hi, lo}), so the converter writes it directly */
export const mlx5eXdpRxTimestamp = (ctx: Mlx5eXdpBuff, out: RxTimestampOut): number => {
  const rq = ctx.rq
  if (!rq.rxFilterAll) return -Errno.ENODATA
  rq.ptpCyc2time(cqeTimestampH(ctx.cqe, ctx.cqeOff), cqeTimestampL(ctx.cqe, ctx.cqeOff), out)
  return 0
}

/** mlx5e_xdp_rx_hash */
export const mlx5eXdpRxHash = (ctx: Mlx5eXdpBuff, out: RxHashOut): number => {
  if (!ctx.rq.featRxhash) return -Errno.ENODATA
  out.hash = cqeRssHashResult(ctx.cqe, ctx.cqeOff)
  out.rssType = RSS_TABLE[mlx5RssLookupIndex(cqeRssHashType(ctx.cqe, ctx.cqeOff))]!
  return 0
}

/** mlx5e_xdp_rx_vlan_tag */
export const mlx5eXdpRxVlanTag = (ctx: Mlx5eXdpBuff, out: RxVlanTagOut): number => {
  if (!cqeHasVlan(ctx.cqe, ctx.cqeOff)) return -Errno.ENODATA
  out.vlanProto = htons(EthProto.P_8021Q)
  out.vlanTci = cqeVlanInfo(ctx.cqe, ctx.cqeOff)
  return 0
}

// ---- mlx5e_handle_csum ----------------------------------------------------------------------

/** short_frame(size): size <= ETH_ZLEN + ETH_FCS_LEN (en_rx.c) */
export const MLX5E_SHORT_FRAME_MAX = 60 + 4
/**
 * VLAN_MAX_DEPTH (include/linux/if_vlan.h). __vlan_get_protocol_offset starts parse_depth at it
 * and decrements it BEFORE testing, for every tag header it reads: the 8th tag makes it 0 and the
 * walk returns protocol 0, so at most VLAN_MAX_DEPTH - 1 = 7 tags are walked.
 */
export const VLAN_MAX_DEPTH = 8
const IPPROTO_SCTP = 132

/**
 * The decision of mlx5e_handle_csum, in its order, for a packet of `len` bytes at mem[data..]
 * whose CQE is view[off..]. Writes out.ipSummed (XdpChecksum values), out.cksum (skb->csum as a
 * folded big-endian-convention sum covering the bytes after the 14-byte Ethernet header, i.e.
 * what skb->csum covers after eth_type_trans), out.cksumLevel. `rxcsum` false -> NONE.
 *  1. !NETIF_F_RXCSUM                                   -> NONE
 *  2. LRO (lro_num_seg != 0)                            -> UNNECESSARY
 *  3. NO_CSUM_COMPLETE or get_cqe_tls_offload           -> step 6
 *  4. short_frame(len)                                  -> step 6
 *  5. last ethertype IPv4/IPv6 (pskb_may_pull of the IP header):
 *       first IP protocol / IPv6 nexthdr == SCTP        -> step 6
 *       else COMPLETE, csum = csum_unfold(check_sum); unless CSUM_FULL, add the VLAN header
 *       bytes [ETH_HLEN, network_depth) and the tail beyond the IP length (mlx5e_skb_csum_fixup)
 *  6. L3_OK && L4_OK -> UNNECESSARY (csum_level 1 when tunneled); else NONE
 */
export const mlx5eHandleCsum = (
  rxcsum: boolean,
  lro: boolean,
  noCsumComplete: boolean,
  csumFull: boolean,
  view: DataView,
  off: number,
  mem: Uint8Array,
  data: number,
  len: number,
  out: RxChecksumOut
): void => {
  out.cksum = 0
  out.cksumLevel = 0
  if (!rxcsum) {
    out.ipSummed = XdpChecksum.NONE
    return
  }
  if (lro) {
    out.ipSummed = XdpChecksum.UNNECESSARY
    return
  }
  if (!noCsumComplete && cqeTlsOffload(view, off) === 0 && len > MLX5E_SHORT_FRAME_MAX && len >= 14) {
    // is_last_ethertype_ip: __vlan_get_protocol walks 802.1Q / 802.1ad tags; a tag header
    // past the end, or the 8th tag (--parse_depth reaches 0), yields protocol 0
    let proto = (mem[data + 12]! << 8) | mem[data + 13]!
    let depth = 14
    let parseDepth = VLAN_MAX_DEPTH
    while (proto === EthProto.P_8021Q || proto === EthProto.P_8021AD) {
      parseDepth--
      if (depth + 4 > len || parseDepth === 0) {
        proto = 0
        break
      }
      proto = (mem[data + depth + 2]! << 8) | mem[data + depth + 3]!
      depth += 4
    }
    const isV4 = proto === EthProto.IP && depth + 20 <= len
    const isV6 = proto === EthProto.IPV6 && depth + 40 <= len
    if (isV4 || isV6) {
      const ipproto = isV4 ? mem[data + depth + 9]! : mem[data + depth + 6]!
      if (ipproto !== IPPROTO_SCTP) {
        out.ipSummed = XdpChecksum.COMPLETE
        let csum = cqeCheckSum(view, off)
        if (!csumFull) {
          if (depth > 14) csum = csumAdd(csum, csumPartial(mem, data + 14, depth - 14))
          const ipLen = isV4
            ? (mem[data + depth + 2]! << 8) | mem[data + depth + 3]!
            : 40 + ((mem[data + depth + 4]! << 8) | mem[data + depth + 5]!)
          const pktLen = depth + ipLen
          if (pktLen < len) csum = csumBlockAdd(csum, csumPartial(mem, data + pktLen, len - pktLen), pktLen)
        }
        out.cksum = csum
        return
      }
    }
  }
  // csum_unnecessary:
  const ext = cqeHdsIpExt(view, off)
  if ((ext & CqeHdsIpExt.L3_OK) !== 0 && (ext & CqeHdsIpExt.L4_OK) !== 0) {
    out.ipSummed = XdpChecksum.UNNECESSARY
    out.cksumLevel = cqeIsTunneled(view, off) ? 1 : 0
    return
  }
  out.ipSummed = XdpChecksum.NONE
}

/** The proposed checksum kfunc on the same decision (see the module comment). */
export const mlx5eXdpRxChecksum = (ctx: Mlx5eXdpBuff, out: RxChecksumOut): number => {
  const rq = ctx.rq
  if (!rq.featRxcsum) return -Errno.ENODATA
  mlx5eHandleCsum(true, false, rq.noCsumComplete, false, ctx.cqe, ctx.cqeOff, ctx.area.bytes, ctx.data, ctx.dataEnd - ctx.data, out)
  return 0
}
