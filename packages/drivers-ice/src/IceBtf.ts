/**
 * ice's BTF for the raw-descriptor design: split BTF on core's kernel base BTF, the types as
 * drivers/net/ethernet/intel/ice declares them (member names, order and widths; the kernel uses
 * whole __le16/__le32/__le64 words, no bitfields — a raw program masks and shifts, e.g.
 * ptype = ptype_flex_flags0 & 0x3FF, DTYPE = cmd_type_offset_bsz & 0xF):
 *
 *   union ice_32b_rx_flex_desc       (ice_lan_tx_rx.h) 32 B: read { pkt_addr, hdr_addr, rsvd1,
 *                                    rsvd2 } / wb { rxdid ... flex_ts { flex { flex_meta4,
 *                                    flex_meta5 } | ts_high } }
 *   struct ice_32b_rx_flex_desc_nic  (ice_lan_tx_rx.h) 32 B: the RXDID 2 overlay (rss_hash @12,
 *                                    raw_csum @20 — named l2tag2_1st before the E830 checksum
 *                                    patch — flow_id @24, flex_ts { flex { vlan_id,
 *                                    flow_id_ipv6 } | ts_high } @28)
 *   struct ice_tx_desc               (ice_lan_tx_rx.h) 16 B: buf_addr, cmd_type_offset_bsz
 *   struct ice_tx_ctx_desc           (ice_lan_tx_rx.h) 16 B: tunneling_params, l2tag2, gcs (E830;
 *                                    rsvd before), qw1
 *   struct ice_pkt_ctx               (ice_txrx.h) 16 B: u64 cached_phctime; __be16 vlan_proto
 *   struct ice_xdp_buff              (ice_txrx.h, v6.7 .. v6.18) { struct xdp_buff xdp_buff;
 *                                    const union ice_32b_rx_flex_desc *eop_desc;
 *                                    const struct ice_pkt_ctx *pkt_ctx; } — 72 B.
 *
 * The context wrapper has a second layout (IceConfig.xdpBuffLayout "libeth_xdp_buff"): the 2025
 * iwl-next series "ice: switch to Page Pool" (drivers/net/ethernet/intel/ice/ice_txrx_lib.c) drops
 * struct ice_xdp_buff; the xdp_metadata_ops cast the context to struct libeth_xdp_buff
 * (include/net/libeth/xdp.h) and read the descriptor through its `desc`, the ring's pkt_ctx
 * through libeth_xdp_buff_to_rq (container_of on xdp_buff.rxq):
 *
 *   struct libeth_xdp_buff           { union { struct xdp_buff base; void *data; };  @0, 56 B
 *                                      const void *desc;                              @56
 *                                      unsigned long priv[]; }                        @64
 *                                    64 B, aligned as struct xdp_buff_xsk (128 B in 6.18: 16)
 *
 * `desc` sits where eop_desc did (libeth static_asserts it at offsetof(xdp_buff_xsk, cb)), but
 * ice_xdp_buff no longer exists: a program relocating ice_xdp_buff.eop_desc fails to load there,
 * a fixed-offset one still reads +56. The descriptors themselves are the same in both.
 *
 * Roles (DriverBtf.structs): rxDesc "ice_32b_rx_flex_desc"; txDesc "ice_tx_desc"; txCompl
 * "ice_tx_desc" too — ice has no completion entry: the completion a devtx program sees is the
 * RS descriptor after its DD write-back (DTYPE = 0xF), and it carries NO timestamp (that is in
 * PHY timestamp memory, out of reach of a raw program); xdpBuff "ice_xdp_buff", descMember
 * "eop_desc" (XdpBuff.rawDesc / rawDescOff in the RX poll loop point at the EOP descriptor).
 * One BTF per context-wrapper layout; every other IceConfig field leaves the BTF unchanged.
 */
import { BtfKind, type DriverBtf, DriverBtfBuilder, memberAt as m } from "@devtx/core"

const TYPEDEF = BtfKind.Typedef

const build = (layout: IceXdpBuffLayout): DriverBtf => {
  const d = new DriverBtfBuilder("ice")
  const b = d.b
  const u8 = d.baseType("u8", TYPEDEF)
  const u64 = d.baseType("u64", TYPEDEF)
  const le16 = d.baseType("__le16", TYPEDEF)
  const le32 = d.baseType("__le32", TYPEDEF)
  const le64 = d.baseType("__le64", TYPEDEF)
  const be16 = d.baseType("__be16", TYPEDEF)

  // union ice_32b_rx_flex_desc
  const read = b.addStruct("", 32, [m("pkt_addr", le64, 0), m("hdr_addr", le64, 8), m("rsvd1", le64, 16), m("rsvd2", le64, 24)])
  const wbFlex = b.addStruct("", 4, [m("flex_meta4", le16, 0), m("flex_meta5", le16, 2)])
  const wbFlexTs = b.addUnion("", 4, [m("flex", wbFlex, 0), m("ts_high", le32, 0)])
  const wb = b.addStruct("", 32, [
    m("rxdid", u8, 0),
    m("mir_id_umb_cast", u8, 1),
    m("ptype_flex_flags0", le16, 2),
    m("pkt_len", le16, 4),
    m("hdr_len_sph_flex_flags1", le16, 6),
    m("status_error0", le16, 8),
    m("l2tag1", le16, 10),
    m("flex_meta0", le16, 12),
    m("flex_meta1", le16, 14),
    m("status_error1", le16, 16),
    m("flex_flags2", u8, 18),
    m("time_stamp_low", u8, 19),
    m("l2tag2_1st", le16, 20),
    m("l2tag2_2nd", le16, 22),
    m("flex_meta2", le16, 24),
    m("flex_meta3", le16, 26),
    m("flex_ts", wbFlexTs, 28)
  ])
  const rxDesc = b.addUnion("ice_32b_rx_flex_desc", 32, [m("read", read, 0), m("wb", wb, 0)])

  // struct ice_32b_rx_flex_desc_nic
  const nicFlex = b.addStruct("", 4, [m("vlan_id", le16, 0), m("flow_id_ipv6", le16, 2)])
  const nicFlexTs = b.addUnion("", 4, [m("flex", nicFlex, 0), m("ts_high", le32, 0)])
  b.addStruct("ice_32b_rx_flex_desc_nic", 32, [
    m("rxdid", u8, 0),
    m("mir_id_umb_cast", u8, 1),
    m("ptype_flexi_flags0", le16, 2),
    m("pkt_len", le16, 4),
    m("hdr_len_sph_flex_flags1", le16, 6),
    m("status_error0", le16, 8),
    m("l2tag1", le16, 10),
    m("rss_hash", le32, 12),
    m("status_error1", le16, 16),
    m("flexi_flags2", u8, 18),
    m("ts_low", u8, 19),
    m("raw_csum", le16, 20),
    m("l2tag2_2nd", le16, 22),
    m("flow_id", le32, 24),
    m("flex_ts", nicFlexTs, 28)
  ])

  // TX
  b.addStruct("ice_tx_desc", 16, [m("buf_addr", le64, 0), m("cmd_type_offset_bsz", le64, 8)])
  b.addStruct("ice_tx_ctx_desc", 16, [m("tunneling_params", le32, 0), m("l2tag2", le16, 4), m("gcs", le16, 6), m("qw1", le64, 8)])

  // the context wrapper
  const pktCtx = b.addStruct("ice_pkt_ctx", 16, [m("cached_phctime", u64, 0), m("vlan_proto", be16, 8)])
  if (layout === "libeth_xdp_buff") {
    const xdpBuff = d.baseType("xdp_buff", BtfKind.Struct)
    const base = b.addUnion("", 56, [m("base", xdpBuff, 0), m("data", b.addPtr(0), 0)])
    const priv = b.addArray(d.baseType("long unsigned int", BtfKind.Int), d.baseType("int", BtfKind.Int), 0)
    b.addStruct("libeth_xdp_buff", 64, [m("", base, 0), m("desc", b.addPtr(b.addConst(0)), 56), m("priv", priv, 64)])
    return d.finish({ rxDesc: "ice_32b_rx_flex_desc", txDesc: "ice_tx_desc", txCompl: "ice_tx_desc", xdpBuff: "libeth_xdp_buff", descMember: "desc" })
  }
  d.addXdpBuffWrapper("ice_xdp_buff", "xdp_buff", [
    ["eop_desc", b.addPtr(b.addConst(rxDesc))],
    ["pkt_ctx", b.addPtr(b.addConst(pktCtx))]
  ])
  return d.finish({ rxDesc: "ice_32b_rx_flex_desc", txDesc: "ice_tx_desc", txCompl: "ice_tx_desc", xdpBuff: "ice_xdp_buff", descMember: "eop_desc" })
}

/** The context wrapper's layout: as in v6.7 .. v6.18, or the libeth-based ice ("ice: switch to Page Pool"). */
export type IceXdpBuffLayout = "ice_xdp_buff" | "libeth_xdp_buff"

const cached = new Map<IceXdpBuffLayout, DriverBtf>()

/** ice's BTF for a context-wrapper layout (default: 6.18's ice_xdp_buff), built once per layout. */
export const iceBtf = (layout: IceXdpBuffLayout = "ice_xdp_buff"): DriverBtf => {
  let btf = cached.get(layout)
  if (btf === undefined) {
    btf = build(layout)
    cached.set(layout, btf)
  }
  return btf
}
