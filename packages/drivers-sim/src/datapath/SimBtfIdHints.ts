/**
 * Jesper Brouer's "XDP-hints via BTF" on the reference NIC, driver side (RFC v1 28 Jun 2022 /
 * RFCv2 7 Sep 2022, "[PATCH RFCv2 bpf-next 00/18] XDP-hints: XDP gaining access to HW offload
 * hints via BTF"): before running the XDP program the driver writes a hints struct into the
 * data_meta area, ending exactly at `data`, whose LAST member is the struct's BTF id — RFC v1 a
 * u32 type id, RFCv2 a u64 `btf_full_id` (BTF object id << 32 | type id). The program reads the
 * id at data - 4 (or data - 8) and switches on it. The driver may pick the layout per packet.
 *
 * struct xdp_hints_common (RFCv2 as posted; __attribute__((aligned(4), packed))):
 *    0 | csum (__wsum) | { csum_start u16, csum_offset u16 }  (union)
 *    4 | rx_queue u16 | vlan_tci u16 |
 *    8 | rx_hash32 u32 |
 *   12 | xdp_hints_flags u32 |
 *   16 | btf_id u32 (v1, size 20)  |  btf_full_id u64 (RFCv2, size 24)
 * enum xdp_hints_flags: CSUM_TYPE bits 1:0 (CHECKSUM_NONE 0 / UNNECESSARY 1 / COMPLETE 2 /
 *   PARTIAL 3), CSUM_LEVEL bits 3:2, RX_HASH_TYPE bits 5:4 (PKT_HASH_TYPE_*), RX_QUEUE bit 7,
 *   VLAN_PRESENT bit 8, VLAN_PROTO_ETH_P_8021Q bit 9, _8021AD bit 10; BIT(16) and up are the
 *   driver's (i40e: HINT_FLAG_RX_TIMESTAMP = BIT(16)). The sim's driver flags:
 *   BIT(16) RX_TIMESTAMP, BIT(17) RSS (rx_hash32/rss_type valid), BIT(18) CSUM (the checksum
 *   fields are the hardware's verdict: L3L4P).
 *
 * The sim's hints structs, extending the common one at the END (the area grows backwards):
 *   struct xdp_hints_sim_v1 { u32 rss_type; struct xdp_hints_common common; }           24 / 28 B
 *   struct xdp_hints_sim_v2 { u64 rx_timestamp; u32 flow_mark; u32 rss_type;
 *                             struct xdp_hints_common common; }                          36 / 40 B
 * (rss_type: enum xdp_rss_hash_type, finer than the common PKT_HASH_TYPE bits.)
 *
 * Wiring (SimRxQueue's poll loop, one line before running the program, when the configuration
 * asks for BTF-id hints):  `if (hints.mode !== 0) simWriteBtfIdHints(ctx, hints)`.
 * `mode` can change at any time (ethtool-style runtime switch): 1 = always v1, 2 = always v2,
 * 3 = per packet, v2 only when the packet has a timestamp (what i40e did with
 * xdp_hints_i40e_timestamp).
 *
 * Per packet: no effect import, no allocation; returns 0 or -errno (adjust_meta's).
 */
import { adjustMeta, RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut, XdpChecksum } from "@devtx/core"
import { simRxChecksum, simRxHash, simRxTimestamp, simRxVlanTag, type SimXdpBuff } from "./SimMetadataOps.js"

/** Byte offsets of struct xdp_hints_common and the sim structs (the C layout the BTF describes). */
export const XdpHintsCommon = { CSUM: 0, CSUM_START: 0, CSUM_OFFSET: 2, RX_QUEUE: 4, VLAN_TCI: 6, RX_HASH32: 8, FLAGS: 12, BTF_ID: 16 } as const
export const xdpHintsCommonSize = (idWidth: 4 | 8): number => 16 + idWidth
export const XdpHintsSimV1 = { RSS_TYPE: 0, COMMON: 4 } as const
export const XdpHintsSimV2 = { RX_TIMESTAMP: 0, FLOW_MARK: 8, RSS_TYPE: 12, COMMON: 16 } as const

/** enum xdp_hints_flags (RFCv2) and the sim's driver flags from BIT(16) */
export const XdpHintsFlag = {
  CSUM_TYPE_MASK: 0x3,
  CSUM_LEVEL_MASK: 0xc,
  CSUM_LEVEL_SHIFT: 2,
  RX_HASH_TYPE_MASK: 0x30,
  RX_HASH_TYPE_SHIFT: 4,
  RX_QUEUE: 1 << 7,
  VLAN_PRESENT: 1 << 8,
  VLAN_PROTO_ETH_P_8021Q: 1 << 9,
  VLAN_PROTO_ETH_P_8021AD: 1 << 10,
  SIM_RX_TIMESTAMP: 1 << 16,
  SIM_RSS: 1 << 17,
  SIM_CSUM: 1 << 18
} as const
/** enum xdp_hints_csum_type = CHECKSUM_* (include/linux/skbuff.h) */
export const XdpHintsCsumType = { NONE: 0, UNNECESSARY: 1, COMPLETE: 2, PARTIAL: 3 } as const

export const SimBtfIdHintsMode = { OFF: 0, V1: 1, V2: 2, PER_PACKET: 3 } as const

/** The driver's hints state: which layout, the id width, and the BTF ids it writes (from its BTF at init). */
export class SimBtfIdHintsState {
  mode: number = SimBtfIdHintsMode.OFF
  constructor(
    readonly idWidth: 4 | 8,
    readonly v1TypeId: number,
    readonly v2TypeId: number,
    /** the module BTF's object id (RFCv2's high 32 bits) */
    readonly btfObjId: number
  ) {}
  /** packets written per layout */
  writtenV1 = 0
  writtenV2 = 0
}

const ts = new RxTimestampOut()
const hash = new RxHashOut()
const vlan = new RxVlanTagOut()
const csum = new RxChecksumOut()

/** PKT_HASH_TYPE_{NONE 0, L2 1, L3 2, L4 3} of an xdp_rss_hash_type (XDP_RSS_L4 0x8, L3 bits 0x3) */
const pktHashType = (rss: number): number => ((rss & 0x8) !== 0 ? 3 : (rss & 0x3) !== 0 ? 2 : 1)

export const simWriteBtfIdHints = (ctx: SimXdpBuff, st: SimBtfIdHintsState): number => {
  const tsRc = simRxTimestamp(ctx, ts)
  const v2 = st.mode === SimBtfIdHintsMode.V2 || (st.mode === SimBtfIdHintsMode.PER_PACKET && tsRc === 0)
  const common = v2 ? XdpHintsSimV2.COMMON : XdpHintsSimV1.COMMON
  const size = common + xdpHintsCommonSize(st.idWidth)
  const rc = adjustMeta(ctx, -size)
  if (rc !== 0) return rc
  const v = ctx.area.view
  const s = ctx.dataMeta
  const c = s + common
  let flags = 0
  let rssType = 0
  if (simRxHash(ctx, hash) === 0) {
    flags |= XdpHintsFlag.SIM_RSS | (pktHashType(hash.rssType) << XdpHintsFlag.RX_HASH_TYPE_SHIFT)
    rssType = hash.rssType
    v.setUint32(c + XdpHintsCommon.RX_HASH32, hash.hash, true)
  } else v.setUint32(c + XdpHintsCommon.RX_HASH32, 0, true)
  v.setUint16(c + XdpHintsCommon.RX_QUEUE, ctx.rxq.queueIndex, true)
  flags |= XdpHintsFlag.RX_QUEUE
  if (simRxVlanTag(ctx, vlan) === 0) {
    const tpid = ((vlan.vlanProto & 0xff) << 8) | (vlan.vlanProto >>> 8) // ntohs
    flags |= XdpHintsFlag.VLAN_PRESENT | (tpid === 0x88a8 ? XdpHintsFlag.VLAN_PROTO_ETH_P_8021AD : XdpHintsFlag.VLAN_PROTO_ETH_P_8021Q)
    v.setUint16(c + XdpHintsCommon.VLAN_TCI, vlan.vlanTci, true)
  } else v.setUint16(c + XdpHintsCommon.VLAN_TCI, 0, true)
  v.setUint32(c + XdpHintsCommon.CSUM, 0, true)
  if (simRxChecksum(ctx, csum) === 0) {
    const type =
      csum.ipSummed === XdpChecksum.COMPLETE ? XdpHintsCsumType.COMPLETE : csum.ipSummed === XdpChecksum.UNNECESSARY ? XdpHintsCsumType.UNNECESSARY : XdpHintsCsumType.NONE
    flags |= XdpHintsFlag.SIM_CSUM | type | ((csum.cksumLevel & 3) << XdpHintsFlag.CSUM_LEVEL_SHIFT)
    if (type === XdpHintsCsumType.COMPLETE) v.setUint32(c + XdpHintsCommon.CSUM, csum.cksum, true)
  }
  if (v2) {
    if (tsRc === 0) flags |= XdpHintsFlag.SIM_RX_TIMESTAMP
    v.setUint32(s + XdpHintsSimV2.RX_TIMESTAMP, tsRc === 0 ? ts.lo : 0, true)
    v.setUint32(s + XdpHintsSimV2.RX_TIMESTAMP + 4, tsRc === 0 ? ts.hi : 0, true)
    v.setUint32(s + XdpHintsSimV2.FLOW_MARK, ctx.layout.FLOW_MARK >= 0 ? ctx.desc.getUint32(ctx.descOff + ctx.layout.FLOW_MARK, true) : 0, true)
    v.setUint32(s + XdpHintsSimV2.RSS_TYPE, rssType, true)
    st.writtenV2++
  } else {
    v.setUint32(s + XdpHintsSimV1.RSS_TYPE, rssType, true)
    st.writtenV1++
  }
  v.setUint32(c + XdpHintsCommon.FLAGS, flags >>> 0, true)
  const typeId = v2 ? st.v2TypeId : st.v1TypeId
  if (st.idWidth === 4) v.setUint32(c + XdpHintsCommon.BTF_ID, typeId, true)
  else {
    // u64 btf_full_id = obj_id << 32 | type_id, little-endian
    v.setUint32(c + XdpHintsCommon.BTF_ID, typeId, true)
    v.setUint32(c + XdpHintsCommon.BTF_ID + 4, st.btfObjId, true)
  }
  return 0
}
