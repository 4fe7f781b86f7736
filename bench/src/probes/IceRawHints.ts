/**
 * Raw hint template for drivers-ice (struct ice_32b_rx_flex_desc_nic, the RXDID 2 overlay of
 * drivers/net/ethernet/intel/ice/ice_lan_tx_rx.h; little-endian words). The program carries what
 * ice_xdp_md_ops compute (ice_txrx_lib.c):
 *   hash:      h = rxdid u8 @0 == ICE_RXDID_FLEX_NIC (2) ? rss_hash u32 @12 : 0; rss_type =
 *              libie_rx_pt_parse(ptype).hash_type with ptype = ptype_flexi_flags0 @2 & 0x3FF
 *              (the program carries the ptype table, as a BPF array map would); h == 0 -> -ENODATA
 *   timestamp: ts_low u8 @19 bit 0 (ICE_PTP_TS_VALID), ts_high u32 @28 extended to 64 bits against
 *              the ring's cached PHC time (ice_ptp_extend_32b_ts, re-done in the program) read
 *              through ice_xdp_buff.pkt_ctx->cached_phctime (in ice's BTF); 0 -> -ENODATA
 *   vlan-tag:  proto = pkt_ctx->vlan_proto (0 -> -ENODATA); tci = L2TAG1P (status_error0 bit 13)
 *              ? l2tag1 @10 : L2TAG2P (status_error1 bit 11) ? l2tag2_2nd @22 : 0 (0 -> -ENODATA)
 *   checksum:  ice_get_rx_csum's decision in order (ptype table inner protocol / outer IP /
 *              tunnel type, the GCS ring flag of pkt_ctx for E830, L3L4P, EIPE, IPE, IPV6EXADD,
 *              L4E, NAT+EUDPE)
 * Not expressible in devtx's RawDecl (flat members only): ts_high sits in the anonymous union
 * flex_ts (access string 0:14:1), so both probes read it at its fixed offset 28; and the
 * pkt_ctx pointer chase reaches the driver's context object, which devtx keeps as a JS object
 * (ctx.pktCtx), not as bytes.
 */
import { XdpChecksum } from "@devtx/core"
import { ICE_PTP_TS_VALID, IceRxdid, IceStatus0, IceStatus1, LIBIE_RX_PT_NUM, libieRxPtParse } from "@devtx/drivers-ice/internals"
import type { RawHintTemplate } from "./RawProbe.js"

const ENODATA = -61
/** ICE_RX_FLAGS_RING_GCS BIT(4), ice_txrx.h */
const RING_GCS = 1 << 4

/** libie_rx_pt_parse for every 10-bit ptype (out-of-range ptypes parse as ptype 0, as libie does) */
const PT = Uint32Array.from({ length: 1024 }, (_, p) => libieRxPtParse(p < LIBIE_RX_PT_NUM ? p : 0))

const S0 = IceStatus0
const S1 = IceStatus1

export const iceRawHints: RawHintTemplate = {
  driver: "ice",
  struct: {
    name: "ice_32b_rx_flex_desc_nic___probe",
    fields: [
      { name: "rxdid", type: "u8", at: 0 },
      { name: "ptype_flexi_flags0", type: "u16", at: 2 },
      { name: "status_error0", type: "u16", at: 8 },
      { name: "l2tag1", type: "u16", at: 10 },
      { name: "rss_hash", type: "u32", at: 12 },
      { name: "status_error1", type: "u16", at: 16 },
      { name: "ts_low", type: "u8", at: 19 },
      { name: "raw_csum", type: "u16", at: 20 },
      { name: "l2tag2_2nd", type: "u16", at: 22 }
    ]
  },
  hints: [
    (rd) =>
      `{ const h = ${rd("rxdid")} === ${IceRxdid.FLEX_NIC} ? ${rd("rss_hash")} : 0; ` +
      `if (h !== 0) { r[b] = 0; r[b + 1] = h; r[b + 2] = PT[${rd("ptype_flexi_flags0")} & 1023] >>> 16 } else { r[b] = ${ENODATA}; r[b + 1] = 0; r[b + 2] = 0 } }`,
    (rd) =>
      `{ const p = ctx.pktCtx, ch = p.cachedPhcHi, cl = p.cachedPhcLo; let hi = 0, lo = 0; ` +
      `if ((${rd("ts_low")} & ${ICE_PTP_TS_VALID}) !== 0 && (ch !== 0 || cl !== 0)) { ` +
      `const t = d.getUint32(o + 28, true), dl = (t - cl) >>> 0; ` +
      `if (dl > 2147483647) { lo = cl - ((cl - t) >>> 0); hi = ch; if (lo < 0) { lo += 4294967296; hi = (ch - 1) >>> 0 } } ` +
      `else { lo = cl + dl; hi = ch; if (lo >= 4294967296) { lo -= 4294967296; hi = (ch + 1) >>> 0 } } } ` +
      `if (hi !== 0 || lo !== 0) { r[b + 3] = 0; r[b + 4] = hi; r[b + 5] = lo } else { r[b + 3] = ${ENODATA}; r[b + 4] = 0; r[b + 5] = 0 } }`,
    (rd) =>
      `{ const vp = ctx.pktCtx.vlanProto; ` +
      `const tci = vp === 0 ? 0 : (${rd("status_error0")} & ${S0.L2TAG1P}) !== 0 ? ${rd("l2tag1")} : (${rd("status_error1")} & ${S1.L2TAG2P}) !== 0 ? ${rd("l2tag2_2nd")} : 0; ` +
      `if (tci !== 0) { r[b + 6] = 0; r[b + 7] = vp; r[b + 8] = tci } else { r[b + 6] = ${ENODATA}; r[b + 7] = 0; r[b + 8] = 0 } }`,
    (rd) =>
      `{ const p = ctx.pktCtx, pt = PT[${rd("ptype_flexi_flags0")} & 1023], inner = (pt >>> 9) & 7; let s = ${XdpChecksum.NONE}, c = 0, l = 0; ` +
      `if (p.rxcsum && inner !== 0) { ` +
      `if ((p.rxqFlags & ${RING_GCS}) !== 0 && ${rd("rxdid")} === ${IceRxdid.FLEX_NIC} && (inner === 2 || inner === 1 || inner === 4)) { s = ${XdpChecksum.COMPLETE}; c = ${rd("raw_csum")} } ` +
      `else { const s0 = ${rd("status_error0")}, s1 = ${rd("status_error1")}, oip = pt & 3; ` +
      `if ((s0 & ${S0.L3L4P}) !== 0 && !(oip === 1 && (s0 & ${S0.XSUM_EIPE}) !== 0) && ` +
      `!((oip === 1 && (s0 & ${S0.XSUM_IPE}) !== 0) || (oip === 2 && (s0 & ${S0.IPV6EXADD}) !== 0) || (s0 & ${S0.XSUM_L4E}) !== 0 || ((s1 & ${S1.NAT}) !== 0 && (s0 & ${S0.XSUM_EUDPE}) !== 0))) ` +
      `{ s = ${XdpChecksum.UNNECESSARY}; l = ((pt >>> 3) & 7) >= 2 ? 1 : 0 } } } ` +
      `r[b + 9] = 0; r[b + 10] = s; r[b + 11] = c; r[b + 12] = l }`
  ],
  env: { PT },
  note: "ts_high (nested union member, access 0:14:1) and pkt_ctx (the driver's ring context) are read the same way in raw-fixed and raw-core"
}
