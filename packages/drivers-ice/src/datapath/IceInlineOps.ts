/**
 * ice's xdp_metadata_ops (IceMetadataOps.ts; ice_xdp_md_ops, ice_txrx_lib.c) as a description the
 * loader can splice (core placement/InlineMetadataOps.ts; the "inlined" kfunc binding): reads of
 * the little-endian 32-byte flex write-back descriptor at IceXdpBuff.desc / descOff (the EOP
 * descriptor) plus the ring's packet context as CONTEXT WORDS.
 *
 * Driver state: struct ice_pkt_ctx { u64 cached_phctime; __be16 vlan_proto; } lives in the Rx
 * ring, not in the descriptor; ice_xdp_buff carries a pointer to it (pkt_ctx). The description
 * names its members through that pointer — ["pktCtx", "cachedPhcHi"], ["pktCtx", "cachedPhcLo"],
 * ["pktCtx", "vlanProto"], plus the ring flags ["pktCtx", "rxqFlags"] and NETIF_F_RXCSUM
 * ["pktCtx", "rxcsum"] (IcePktCtx) — and the generated code reads them at every call, so the
 * periodic PHC-cache work (ice_ptp_update_cached_phctime) and a feature change are seen at once,
 * as the kernel's READ_ONCE(pkt_ctx->cached_phctime) sees them. Nothing depends on the
 * configuration, so one description serves every ice device.
 *
 *   Descriptor bytes read (ice_lan_tx_rx.h union ice_32b_rx_flex_desc, wb; all LE):
 *      0  rxdid u8            2  ptype_flex_flags0 LE16, ptype = bits 9:0
 *      8  status_error0 LE16  (bit3 L3L4P, 4 XSUM_IPE, 5 XSUM_L4E, 6 XSUM_EIPE, 7 XSUM_EUDPE,
 *                              9 IPV6EXADD, 13 L2TAG1P)
 *     10  l2tag1 LE16        12  rss_hash LE32 (RXDID 2)
 *     16  status_error1 LE16  (bit4 NAT, bit11 L2TAG2P)
 *     19  ts_low u8 (bit0 TS valid)   20 raw_csum LE16 (RXDID 2, E830)   22 l2tag2_2nd LE16
 *     28  ts_high LE32
 *
 * - hash: hash = rxdid == ICE_RXDID_FLEX_NIC ? LE32 @12 : 0; rss_type =
 *   libie_rx_pt_lut[ptype].hash_type; -ENODATA when hash == 0 (both members written in every
 *   case, as the driver does). "rxdid == 2" is a test through a 256-entry 0/1 table over the
 *   rxdid byte; hash_type a 1024-entry table over the 10-bit ptype (control plane: built from the
 *   driver's libie table).
 * - timestamp: TS valid clear -> -ENODATA; cached_phctime == 0 (both words clear) -> -ENODATA;
 *   else the declared conversion "extend-32b-ts" (ice_ptp_extend_32b_ts) of ts_high with the
 *   cached time, and a zero result -> -ENODATA (ice_xdp_rx_hw_ts).
 * - vlan: vlan_proto = pkt_ctx vlan_proto (0 -> -ENODATA, proto written 0); tci =
 *   ice_get_vlan_tci: L2TAG1P ? l2tag1 @10 : L2TAG2P ? l2tag2_2nd @22 : 0, and tci 0 -> -ENODATA.
 *   Which of the two the hardware fills is the VLAN mode (l2tsel; DVM: l2tag2_2nd), so the same
 *   description covers single and double VLAN mode.
 * - checksum (the PROPOSED op, always rc 0): ice_get_rx_csum as IceMetadataOps.ts spells it, each
 *   per-ptype predicate (inner protocol none, GCS-eligible inner protocol, outer IPv4, outer IPv6,
 *   tunnel >= GRENAT) a 1024-entry table over the ptype.
 */
import { Errno, type NetDevice, XdpChecksum } from "@devtx/core"
import { ICE_RX_FLAGS_RING_GCS } from "./IceMetadataOps.js"
import { libieRxPtParse, LibethInner, LibethOuterIp, LibethTunnel, ptHashType, ptInnerProt, ptOuterIp, ptTunnelType } from "./IcePtypeTable.js"
import { ICE_PTP_TS_VALID, ICE_RX_FLEX_DESC_PTYPE_M, IceRxDesc, IceRxdid, IceStatus0, IceStatus1 } from "./IceRxFlexDesc.js"

/** core's InlineMetadataOps, named through the NetDevice member that carries it */
type InlineMetadataOps = NonNullable<NetDevice["xdpMetadataInline"]>

/** a 1024-entry table over the 10-bit ptype from a predicate on its libie entry */
const byPtype = (f: (pt: number) => number): ReadonlyArray<number> =>
  Array.from({ length: ICE_RX_FLEX_DESC_PTYPE_M + 1 }, (_, ptype) => f(libieRxPtParse(ptype)))

const ptypeField = (table: ReadonlyArray<number>) =>
  ({ offset: IceRxDesc.PTYPE_FLEX_FLAGS0, width: 2, bigEndian: false, mask: ICE_RX_FLEX_DESC_PTYPE_M, table }) as const

/** libie_rx_pt_lut[ptype].hash_type */
export const ICE_HASH_TYPE_BY_PTYPE = byPtype(ptHashType)
const INNER_NONE = byPtype((pt) => (ptInnerProt(pt) === LibethInner.NONE ? 1 : 0))
const GCS_INNER = byPtype((pt) => {
  const i = ptInnerProt(pt)
  return i === LibethInner.TCP || i === LibethInner.UDP || i === LibethInner.ICMP ? 1 : 0
})
const OUTER_V4 = byPtype((pt) => (ptOuterIp(pt) === LibethOuterIp.IPV4 ? 1 : 0))
const OUTER_V6 = byPtype((pt) => (ptOuterIp(pt) === LibethOuterIp.IPV6 ? 1 : 0))
const CSUM_LEVEL = byPtype((pt) => (ptTunnelType(pt) >= LibethTunnel.GRENAT ? 1 : 0))
/** 1 for rxdid == ICE_RXDID_FLEX_NIC (the whole byte is compared, as ice_get_rx_hash does) */
const RXDID_IS_FLEX_NIC = Array.from({ length: 256 }, (_, r) => (r === IceRxdid.FLEX_NIC ? 1 : 0))

const rxdidFlexNic = { field: { offset: IceRxDesc.RXDID, width: 1, bigEndian: false, mask: 0xff, table: RXDID_IS_FLEX_NIC }, mask: 1, when: "set" } as const
const s0 = { offset: IceRxDesc.STATUS_ERROR0, width: 2, bigEndian: false } as const
const s1 = { offset: IceRxDesc.STATUS_ERROR1, width: 2, bigEndian: false } as const
const le16 = (offset: number) => ({ offset, width: 2, bigEndian: false }) as const
const pt = (table: ReadonlyArray<number>) => ({ field: ptypeField(table), mask: 1, when: "set" }) as const
const vlanProto = { context: ["pktCtx", "vlanProto"] } as const
const none = { ipSummed: { constant: XdpChecksum.NONE }, cksum: { constant: 0 }, cksumLevel: { constant: 0 } } as const
const hashType = { field: ptypeField(ICE_HASH_TYPE_BY_PTYPE) } as const

export const iceInlineOps: InlineMetadataOps = {
  driver: "ice",
  locator: { view: "desc", offset: "descOff" },
  xmoRxHash: {
    cases: [
      { tests: [{ ...rxdidFlexNic, when: "clear" }], rc: -Errno.ENODATA, writes: { hash: { constant: 0 }, rssType: hashType } },
      {
        tests: [{ field: { offset: IceRxDesc.RSS_HASH, width: 4, bigEndian: false }, mask: 0xffffffff, when: "clear" }],
        rc: -Errno.ENODATA,
        writes: { hash: { constant: 0 }, rssType: hashType }
      },
      { tests: [], rc: 0, writes: { hash: { field: { offset: IceRxDesc.RSS_HASH, width: 4, bigEndian: false } }, rssType: hashType } }
    ]
  },
  xmoRxTimestamp: {
    cases: [
      { tests: [{ field: { offset: IceRxDesc.TS_LOW, width: 1, bigEndian: false }, mask: ICE_PTP_TS_VALID, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
      {
        tests: [
          { context: ["pktCtx", "cachedPhcHi"], mask: 0xffffffff, when: "clear" },
          { context: ["pktCtx", "cachedPhcLo"], mask: 0xffffffff, when: "clear" }
        ],
        rc: -Errno.ENODATA,
        writes: {}
      },
      {
        tests: [],
        rc: 0,
        writes: {},
        convert: {
          op: "extend-32b-ts",
          cachedHi: { context: ["pktCtx", "cachedPhcHi"] },
          cachedLo: { context: ["pktCtx", "cachedPhcLo"] },
          in32: { field: { offset: IceRxDesc.TS_HIGH, width: 4, bigEndian: false } }
        },
        zeroRc: -Errno.ENODATA
      }
    ]
  },
  xmoRxVlanTag: {
    cases: [
      { tests: [{ ...vlanProto, mask: 0xffffffff, when: "clear" }], rc: -Errno.ENODATA, writes: { vlanProto: { constant: 0 } } },
      {
        tests: [
          { field: s0, mask: IceStatus0.L2TAG1P, when: "set" },
          { field: le16(IceRxDesc.L2TAG1), mask: 0xffff, when: "clear" }
        ],
        rc: -Errno.ENODATA,
        writes: { vlanProto, vlanTci: { constant: 0 } }
      },
      { tests: [{ field: s0, mask: IceStatus0.L2TAG1P, when: "set" }], rc: 0, writes: { vlanProto, vlanTci: { field: le16(IceRxDesc.L2TAG1) } } },
      {
        tests: [
          { field: s1, mask: IceStatus1.L2TAG2P, when: "set" },
          { field: le16(IceRxDesc.L2TAG2_2ND), mask: 0xffff, when: "clear" }
        ],
        rc: -Errno.ENODATA,
        writes: { vlanProto, vlanTci: { constant: 0 } }
      },
      { tests: [{ field: s1, mask: IceStatus1.L2TAG2P, when: "set" }], rc: 0, writes: { vlanProto, vlanTci: { field: le16(IceRxDesc.L2TAG2_2ND) } } },
      { tests: [], rc: -Errno.ENODATA, writes: { vlanProto, vlanTci: { constant: 0 } } }
    ]
  },
  xmoRxChecksum: {
    cases: [
      { tests: [{ context: ["pktCtx", "rxcsum"], mask: 1, when: "clear" }], rc: 0, writes: none },
      { tests: [pt(INNER_NONE)], rc: 0, writes: none },
      {
        tests: [{ context: ["pktCtx", "rxqFlags"], mask: ICE_RX_FLAGS_RING_GCS, when: "set" }, rxdidFlexNic, pt(GCS_INNER)],
        rc: 0,
        writes: {
          ipSummed: { constant: XdpChecksum.COMPLETE },
          cksum: { field: le16(IceRxDesc.RAW_CSUM) },
          cksumLevel: { constant: 0 }
        }
      },
      { tests: [{ field: s0, mask: IceStatus0.L3L4P, when: "clear" }], rc: 0, writes: none },
      { tests: [pt(OUTER_V4), { field: s0, mask: IceStatus0.XSUM_EIPE, when: "set" }], rc: 0, writes: none },
      { tests: [pt(OUTER_V4), { field: s0, mask: IceStatus0.XSUM_IPE, when: "set" }], rc: 0, writes: none },
      { tests: [pt(OUTER_V6), { field: s0, mask: IceStatus0.IPV6EXADD, when: "set" }], rc: 0, writes: none },
      { tests: [{ field: s0, mask: IceStatus0.XSUM_L4E, when: "set" }], rc: 0, writes: none },
      {
        tests: [
          { field: s1, mask: IceStatus1.NAT, when: "set" },
          { field: s0, mask: IceStatus0.XSUM_EUDPE, when: "set" }
        ],
        rc: 0,
        writes: none
      },
      {
        tests: [],
        rc: 0,
        writes: { ipSummed: { constant: XdpChecksum.UNNECESSARY }, cksum: { constant: 0 }, cksumLevel: { field: ptypeField(CSUM_LEVEL) } }
      }
    ]
  }
}
