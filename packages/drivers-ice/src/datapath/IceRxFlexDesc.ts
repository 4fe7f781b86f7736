/**
 * union ice_32b_rx_flex_desc (drivers/net/ethernet/intel/ice/ice_lan_tx_rx.h): one 32-byte RX
 * ring slot, all multi-byte fields little-endian, used in two formats. The driver posts the
 * read format; the hardware writes the write-back format over it in place and sets DD
 * (status_error0 bit 0) last. The driver owns a slot once DD is set, and clears
 * wb.status_error0 when it posts a new buffer there (ice_xsk.c ice_fill_rx_descs; ice_txrx.c
 * ice_alloc_rx_bufs does the same), so a stale DD is never seen.
 *
 * Read format (driver -> hardware):
 *   byte 0                        8                       16                      24          31
 *        +------------------------+-----------------------+-----------------------+-----------+
 *        | pkt_addr (LE64)        | hdr_addr (LE64)       | rsvd1 (LE64)          | rsvd2     |
 *        +------------------------+-----------------------+-----------------------+-----------+
 *   ("bit 0 of hdr_addr is DD bit": hdr_addr overlays status_error0 @8.)
 *
 * Write-back, RXDID 2 = ICE_RXDID_FLEX_NIC (struct ice_32b_rx_flex_desc_nic):
 *   byte   0       1        2       3       4       5       6       7
 *        +-------+--------+---------------+---------------+---------------+
 *    0   | rxdid |mir/umb | ptype_flexi_  |    pkt_len    | hdr_len_sph_  |   qword 0
 *        |       |  cast  |  flags0       | [13:0] length | flex_flags1   |
 *        +-------+--------+---------------+---------------+---------------+
 *    8   | status_error0  |    l2tag1     |          rss_hash (LE32)      |   qword 1
 *        +---------------+---------------+-------------------------------+
 *   16   | status_error1  |flexi_ | ts_low| raw_csum (E830)| l2tag2_2nd    |   qword 2
 *        |               |flags2 |bit0=V | (l2tag2_1st)  |               |
 *        +---------------+-------+-------+---------------+---------------+
 *   24   |        flow_id (LE32)          | flex_ts.ts_high (LE32)        |   qword 3
 *        +-------------------------------+-------------------------------+
 *   ptype = ptype_flexi_flags0 & ICE_RX_FLEX_DESC_PTYPE_M (0x3FF, bits 9:0); flex flags0 [15:10]
 *   pkt_len & ICE_RX_FLX_DESC_PKT_LEN_M (0x3FFF, bits 13:0); [15:14] reserved
 *   hdr_len_sph_flex_flags1: header length [10:0], SPH [11], flex flags1/ext [15:12]
 *   mir_id_umb_cast: mirror id [5:0], unicast/multicast/broadcast [7:6]
 *
 * Write-back, RXDID 6 = ICE_RXDID_FLEX_NIC_2 (struct ice_32b_rx_flex_desc_nic_2, the switchdev
 * profile) differs only in qword 3: LE16 flow_id @24, LE16 src_vsi @26, ts_high @28 (its flex
 * field 4 "reserved, VLAN ID taken from L2Tag"). Its flex fields 0/1 still carry the RSS hash
 * @12, but ice reads the hash only when rxdid == ICE_RXDID_FLEX_NIC (ice_get_rx_hash), so
 * switchdev ports deliver no hash to XDP or the skb.
 *
 * Timestamp: the 40-bit RX timestamp is {ts_high: 32 bits of nominal ns, ts_low[7:1]: 7 bits of
 * sub-ns, ts_low[0]: valid} (ice_ptp.c ice_ptp_extend_40b_ts comment; the driver reads only bit 0,
 * ICE_PTP_TS_VALID BIT(0) in ice_ptp.h, and ts_high). ts_high holds the low 32 bits of the PHC ns.
 */

/** sizeof(union ice_32b_rx_flex_desc); rlan_ctx.dsize = 1 selects 32-byte descriptors (ice_base.c) */
export const ICE_RX_FLEX_DESC_SIZE = 32

/** Byte offsets of the fields (ice_lan_tx_rx.h). */
export const IceRxDesc = {
  // read format
  PKT_ADDR: 0,
  HDR_ADDR: 8,
  // write-back (wb / ice_32b_rx_flex_desc_nic)
  RXDID: 0,
  MIR_ID_UMB_CAST: 1,
  PTYPE_FLEX_FLAGS0: 2,
  PKT_LEN: 4,
  HDR_LEN_SPH_FLEX_FLAGS1: 6,
  STATUS_ERROR0: 8,
  L2TAG1: 10,
  /** NIC profile: LE32 rss_hash; generic wb: flex_meta0 @12 / flex_meta1 @14 (MDID HASH_LOW 56 / HASH_HIGH 57) */
  RSS_HASH: 12,
  STATUS_ERROR1: 16,
  FLEX_FLAGS2: 18,
  TS_LOW: 19,
  /** E830 raw_csum (was l2tag2_1st before the E830 checksum patch, 6.14) */
  RAW_CSUM: 20,
  L2TAG2_1ST: 20,
  L2TAG2_2ND: 22,
  /** RXDID 2: LE32 flow_id; RXDID 6: LE16 flow_id */
  FLOW_ID: 24,
  /** RXDID 6 only: LE16 src_vsi */
  SRC_VSI: 26,
  /** flex_ts.ts_high (union with flex_meta4/5, or vlan_id/flow_id_ipv6) */
  TS_HIGH: 28
} as const

/** enum ice_rxdid (ice_lan_tx_rx.h) */
export const IceRxdid = {
  LEGACY_0: 0,
  LEGACY_1: 1,
  FLEX_NIC: 2,
  FLEX_NIC_2: 6,
  HW: 7,
  LAST: 63
} as const

/** ICE_RX_FLEX_DESC_PTYPE_M: bits 9:0 of ptype_flex_flags0 */
export const ICE_RX_FLEX_DESC_PTYPE_M = 0x3ff
/** ICE_RX_FLX_DESC_PKT_LEN_M: bits 13:0 of pkt_len */
export const ICE_RX_FLX_DESC_PKT_LEN_M = 0x3fff

/** enum ice_rx_flex_desc_status_error_0_bits, as masks (BIT(ICE_RX_FLEX_DESC_STATUS0_*_S)) */
export const IceStatus0 = {
  DD: 1 << 0,
  EOF: 1 << 1,
  HBO: 1 << 2,
  L3L4P: 1 << 3,
  XSUM_IPE: 1 << 4,
  XSUM_L4E: 1 << 5,
  XSUM_EIPE: 1 << 6,
  XSUM_EUDPE: 1 << 7,
  LPBK: 1 << 8,
  IPV6EXADD: 1 << 9,
  RXE: 1 << 10,
  CRCP: 1 << 11,
  RSS_VALID: 1 << 12,
  L2TAG1P: 1 << 13,
  XTRMD0_VALID: 1 << 14,
  XTRMD1_VALID: 1 << 15
} as const

/** enum ice_rx_flex_desc_status_error_1_bits: NAT_S = 4, [10:5] reserved, L2TAG2P_S = 11 */
export const IceStatus1 = {
  NAT: 1 << 4,
  L2TAG2P: 1 << 11
} as const

/** ICE_PTP_TS_VALID BIT(0) of time_stamp_low (ice_ptp.h) */
export const ICE_PTP_TS_VALID = 1

/** ice_get_ptype (ice_txrx_lib.h): le16_to_cpu(ptype_flex_flags0) & ICE_RX_FLEX_DESC_PTYPE_M */
export const iceGetPtype = (d: DataView, off: number): number =>
  d.getUint16(off + IceRxDesc.PTYPE_FLEX_FLAGS0, true) & ICE_RX_FLEX_DESC_PTYPE_M

/** ice_test_staterr on status_error0 */
export const iceStatus0 = (d: DataView, off: number): number => d.getUint16(off + IceRxDesc.STATUS_ERROR0, true)

export const iceStatus1 = (d: DataView, off: number): number => d.getUint16(off + IceRxDesc.STATUS_ERROR1, true)
