/**
 * ice TX descriptors (drivers/net/ethernet/intel/ice/ice_lan_tx_rx.h): 16 bytes each, all fields
 * little-endian, one ring of them per TX queue. Three forms share a slot: the data descriptor
 * (DTYPE 0x0), the context descriptor (DTYPE 0x1) that precedes the data descriptor(s) of a packet
 * when it needs one, and the DD write-back the hardware makes in place on a descriptor that had
 * CMD.RS (DTYPE becomes 0xF, ICE_TX_DESC_DTYPE_DESC_DONE) — the only TX completion indication ice
 * has; there is no completion queue entry and no timestamp in any descriptor.
 *
 * struct ice_tx_desc (data):
 *   byte 0                                8                                            16
 *        +--------------------------------+--------------------------------------------+
 *        | buf_addr (LE64)                | cmd_type_offset_bsz (LE64)                 |
 *        +--------------------------------+--------------------------------------------+
 *   cmd_type_offset_bsz, bit positions in the 64-bit word:
 *    63          48 47           34 33  30 29    23 22    16 15  14 13 12 11 10 9 8 7 6 5 4 3   0
 *   +--------------+---------------+------+--------+--------+-------------------------+-------+
 *   |   L2TAG1     |  TX_BUF_SZ    |L4LEN | IPLEN  | MACLEN |  CMD (12 bits, bit 4)   | DTYPE |
 *   |  (VLAN TCI)  |  (bytes)      |dwords| dwords | words  |                         |       |
 *   +--------------+---------------+------+--------+--------+-------------------------+-------+
 *   DTYPE [3:0]   ICE_TX_DESC_DTYPE_DATA 0x0 / _CTX 0x1 / _FLTR_PROG 0x8 / _DESC_DONE 0xF
 *   CMD [15:4]    ICE_TXD_QW1_CMD_S 4; enum ice_tx_desc_cmd_bits (values relative to CMD):
 *                 EOP 0x1 (bit 4), RS 0x2 (bit 5), IL2TAG1 0x8 (bit 7), DUMMY 0x10 (bit 8),
 *                 IIPT [10:9]: IPV6 0x20, IPV4 0x40 (no IP csum), IPV4_CSUM 0x60,
 *                 L4T_EOFT [13:12]: TCP 0x100, SCTP 0x200, UDP 0x300, RE 0x400 (bit 14)
 *   OFFSET [33:16] ICE_TXD_QW1_OFFSET_S 16; enum ice_tx_desc_len_fields: MACLEN_S 0 (7 bits, in
 *                 2-byte words), IPLEN_S 7 (7 bits, 4-byte dwords), L4_LEN_S 14 (4 bits, dwords)
 *   TX_BUF_SZ     ICE_TXD_QW1_TX_BUF_SZ_S 34 (14 bits, up to L2TAG1)
 *   L2TAG1        ICE_TXD_QW1_L2TAG1_S 48: the tag inserted when CMD.IL2TAG1
 *   ice_build_ctob(cmd, off, size, tag) (ice_txrx_lib.h) = DTYPE_DATA | cmd << 4 | off << 16 |
 *   size << 34 | tag << 48.
 *
 * struct ice_tx_ctx_desc (context):
 *   byte 0                 4          6          8                                       16
 *        +-----------------+----------+----------+---------------------------------------+
 *        | tunneling_params| l2tag2   | gcs      | qw1 (LE64)                            |
 *        | (LE32)          | (LE16)   | (LE16)   |                                       |
 *        +-----------------+----------+----------+---------------------------------------+
 *   qw1:  63     50 49 48 47                 30 29   18 17    11 10     4 3   0
 *        +---------+-----+---------------------+-------+--------+--------+-----+
 *        |  MSS    |     | TSO_LEN / TSYN idx  |       | IPSEC  |  CMD   |DTYPE|
 *        +---------+-----+---------------------+-------+--------+--------+-----+
 *   CMD [10:4] ICE_TXD_CTX_QW1_CMD_S 4: TSO 0x01, TSYN 0x02, IL2TAG2 0x04, IL2TAG2_IL2H 0x08,
 *              switch NOTAG 0x00 / UPLINK 0x10 / LOCAL 0x20 / VSI 0x30 (enum ice_tx_ctx_desc_cmd_bits)
 *   ICE_TXD_CTX_QW1_TSO_LEN_S 30, mask 0x3FFFF; ICE_TXD_CTX_QW1_TSYN_S = TSO_LEN_S (the PHY
 *   timestamp index when CMD.TSYN); ICE_TXD_CTX_QW1_MSS_S 50 (14 bits); IPSEC_S 11.
 *   `gcs` is the E830 generic checksum field (was `rsvd` before E830).
 *
 * devtx reads and writes the 64-bit words as two u32 halves (lo = bits 31:0 at byte 8,
 * hi = bits 63:32 at byte 12); no BigInt on this path. buf_addr: devtx's DMA address space puts a
 * region number in the high half and the byte offset inside that region in the low half.
 */

export const ICE_TX_DESC_SIZE = 16

/** Byte offsets inside a data descriptor / context descriptor */
export const IceTxDescOff = {
  BUF_ADDR: 0,
  /** low / high halves of cmd_type_offset_bsz */
  QW1_LO: 8,
  QW1_HI: 12,
  // context descriptor
  TUNNELING_PARAMS: 0,
  L2TAG2: 4,
  GCS: 6
} as const

/** enum ice_tx_desc_dtype_value */
export const IceTxDtype = {
  DATA: 0x0,
  CTX: 0x1,
  FLTR_PROG: 0x8,
  DESC_DONE: 0xf
} as const
/** ICE_TXD_QW1_DTYPE mask (bits 3:0) */
export const ICE_TXD_QW1_DTYPE_M = 0xf

/** ICE_TXD_QW1_CMD_S */
export const ICE_TXD_QW1_CMD_S = 4
/** enum ice_tx_desc_cmd_bits (relative to CMD) */
export const IceTxCmd = {
  EOP: 0x0001,
  RS: 0x0002,
  IL2TAG1: 0x0008,
  DUMMY: 0x0010,
  IIPT_IPV6: 0x0020,
  IIPT_IPV4: 0x0040,
  IIPT_IPV4_CSUM: 0x0060,
  L4T_EOFT_TCP: 0x0100,
  L4T_EOFT_SCTP: 0x0200,
  L4T_EOFT_UDP: 0x0300,
  RE: 0x0400
} as const
/** IIPT field mask / L4T_EOFT field mask (relative to CMD) */
export const ICE_TX_CMD_IIPT_M = 0x0060
export const ICE_TX_CMD_L4T_M = 0x0300
/** ICE_TXD_LAST_DESC_CMD = EOP | RS (ice_txrx.h) */
export const ICE_TXD_LAST_DESC_CMD = IceTxCmd.EOP | IceTxCmd.RS

/** ICE_TXD_QW1_OFFSET_S and enum ice_tx_desc_len_fields */
export const ICE_TXD_QW1_OFFSET_S = 16
export const ICE_TX_DESC_LEN_MACLEN_S = 0
export const ICE_TX_DESC_LEN_IPLEN_S = 7
export const ICE_TX_DESC_LEN_L4_LEN_S = 14
/** ICE_TXD_QW1_MACLEN_M / IPLEN_M / L4LEN_M (before the OFFSET shift) */
export const ICE_TXD_QW1_MACLEN_M = 0x7f << ICE_TX_DESC_LEN_MACLEN_S
export const ICE_TXD_QW1_IPLEN_M = 0x7f << ICE_TX_DESC_LEN_IPLEN_S
export const ICE_TXD_QW1_L4LEN_M = 0xf << ICE_TX_DESC_LEN_L4_LEN_S
/** ICE_TXD_QW1_TX_BUF_SZ_S / ICE_TXD_QW1_L2TAG1_S */
export const ICE_TXD_QW1_TX_BUF_SZ_S = 34
export const ICE_TXD_QW1_L2TAG1_S = 48
/** TX_BUF_SZ is bits 47:34: 14 bits */
export const ICE_TXD_BUF_SZ_M = 0x3fff

/** enum ice_tx_ctx_desc_cmd_bits */
export const IceTxCtxCmd = {
  TSO: 0x01,
  TSYN: 0x02,
  IL2TAG2: 0x04,
  IL2TAG2_IL2H: 0x08,
  SWTCH_NOTAG: 0x00,
  SWTCH_UPLINK: 0x10,
  SWTCH_LOCAL: 0x20,
  SWTCH_VSI: 0x30
} as const
/** ICE_TXD_CTX_QW1_CMD_S, ICE_TXD_CTX_QW1_TSO_LEN_S = ICE_TXD_CTX_QW1_TSYN_S, _TSO_LEN_M >> S, ICE_TXD_CTX_QW1_MSS_S */
export const ICE_TXD_CTX_QW1_CMD_S = 4
export const ICE_TXD_CTX_QW1_TSYN_S = 30
export const ICE_TXD_CTX_QW1_TSYN_MAX = 0x3ffff
export const ICE_TXD_CTX_QW1_MSS_S = 50

// ---- per-packet accessors (halves of qw1) ----

/** cmd_type_offset_bsz low half: DTYPE | CMD << 4 | (OFFSET & 0xFFFF) << 16 */
export const iceCtobLo = (cmd: number, offset: number): number => ((cmd << ICE_TXD_QW1_CMD_S) | ((offset & 0xffff) << 16)) >>> 0
/** cmd_type_offset_bsz high half: OFFSET[17:16] | TX_BUF_SZ << 2 | L2TAG1 << 16 */
export const iceCtobHi = (offset: number, size: number, tag: number): number =>
  ((offset >>> 16) | ((size & ICE_TXD_BUF_SZ_M) << (ICE_TXD_QW1_TX_BUF_SZ_S - 32)) | ((tag & 0xffff) << (ICE_TXD_QW1_L2TAG1_S - 32))) >>> 0

/** Write a data descriptor (ice_build_ctob into cmd_type_offset_bsz, buf_addr region:offset). */
export const iceWriteDataDesc = (
  v: DataView,
  d: number,
  region: number,
  addr: number,
  cmd: number,
  offset: number,
  size: number,
  tag: number
): void => {
  v.setUint32(d + IceTxDescOff.BUF_ADDR, addr, true)
  v.setUint32(d + IceTxDescOff.BUF_ADDR + 4, region, true)
  v.setUint32(d + IceTxDescOff.QW1_LO, iceCtobLo(cmd, offset), true)
  v.setUint32(d + IceTxDescOff.QW1_HI, iceCtobHi(offset, size, tag), true)
}

/** Write a context descriptor: qw1 = DTYPE_CTX | cmd << 4 | (tsyn idx / tso_len) << 30; other words as given. */
export const iceWriteCtxDesc = (v: DataView, d: number, tunnelingParams: number, l2tag2: number, cmd: number, tsoLenOrIdx: number): void => {
  v.setUint32(d + IceTxDescOff.TUNNELING_PARAMS, tunnelingParams, true)
  v.setUint16(d + IceTxDescOff.L2TAG2, l2tag2, true)
  v.setUint16(d + IceTxDescOff.GCS, 0, true)
  v.setUint32(d + IceTxDescOff.QW1_LO, (IceTxDtype.CTX | (cmd << ICE_TXD_CTX_QW1_CMD_S) | ((tsoLenOrIdx & 0x3) << 30)) >>> 0, true)
  v.setUint32(d + IceTxDescOff.QW1_HI, (tsoLenOrIdx >>> 2) & 0xffff, true)
}

export const iceTxDtype = (v: DataView, d: number): number => v.getUint32(d + IceTxDescOff.QW1_LO, true) & ICE_TXD_QW1_DTYPE_M
/** the 12-bit CMD field of a data descriptor */
export const iceTxCmd = (v: DataView, d: number): number => (v.getUint32(d + IceTxDescOff.QW1_LO, true) >>> ICE_TXD_QW1_CMD_S) & 0xfff
/** the 18-bit OFFSET field (MACLEN | IPLEN << 7 | L4LEN << 14) */
export const iceTxOffset = (v: DataView, d: number): number =>
  (v.getUint32(d + IceTxDescOff.QW1_LO, true) >>> 16) | ((v.getUint32(d + IceTxDescOff.QW1_HI, true) & 0x3) << 16)
export const iceTxBufSize = (v: DataView, d: number): number =>
  (v.getUint32(d + IceTxDescOff.QW1_HI, true) >>> (ICE_TXD_QW1_TX_BUF_SZ_S - 32)) & ICE_TXD_BUF_SZ_M
export const iceTxL2tag1 = (v: DataView, d: number): number => v.getUint32(d + IceTxDescOff.QW1_HI, true) >>> (ICE_TXD_QW1_L2TAG1_S - 32)
/** context descriptor: the 7-bit CMD and the 18-bit TSO_LEN / TSYN index */
export const iceTxCtxCmd = (v: DataView, d: number): number => (v.getUint32(d + IceTxDescOff.QW1_LO, true) >>> ICE_TXD_CTX_QW1_CMD_S) & 0x7f
export const iceTxCtxTsynIdx = (v: DataView, d: number): number =>
  (v.getUint32(d + IceTxDescOff.QW1_LO, true) >>> 30) | ((v.getUint32(d + IceTxDescOff.QW1_HI, true) & 0xffff) << 2)
/** OR CMD bits into a data descriptor */
export const iceTxOrCmd = (v: DataView, d: number, cmd: number): void => {
  v.setUint32(d + IceTxDescOff.QW1_LO, (v.getUint32(d + IceTxDescOff.QW1_LO, true) | (cmd << ICE_TXD_QW1_CMD_S)) >>> 0, true)
}
/** Set the OFFSET field (18 bits) of a data descriptor, keeping the rest */
export const iceTxSetOffset = (v: DataView, d: number, offset: number): void => {
  const lo = v.getUint32(d + IceTxDescOff.QW1_LO, true)
  const hi = v.getUint32(d + IceTxDescOff.QW1_HI, true)
  v.setUint32(d + IceTxDescOff.QW1_LO, ((lo & 0xffff) | ((offset & 0xffff) << 16)) >>> 0, true)
  v.setUint32(d + IceTxDescOff.QW1_HI, ((hi & ~0x3) | ((offset >>> 16) & 0x3)) >>> 0, true)
}
/** The hardware's DD write-back: DTYPE := DESC_DONE, the other bits as they were (modelling assumption). */
export const iceTxWriteBackDone = (v: DataView, d: number): void => {
  v.setUint32(d + IceTxDescOff.QW1_LO, (v.getUint32(d + IceTxDescOff.QW1_LO, true) | IceTxDtype.DESC_DONE) >>> 0, true)
}
/**
 * ice_clean_tx_irq / ice_clean_xdp_irq's test: cmd_type_offset_bsz & cpu_to_le64(DTYPE_DESC_DONE)
 * non-zero. Only ever applied to the RS (data, DTYPE 0) descriptor, so any of the four bits means done.
 */
export const iceTxDescDone = (v: DataView, d: number): boolean => (v.getUint32(d + IceTxDescOff.QW1_LO, true) & IceTxDtype.DESC_DONE) !== 0
