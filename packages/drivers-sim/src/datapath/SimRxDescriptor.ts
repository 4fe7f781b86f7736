/**
 * The reference NIC's RX descriptor, layout version 1: 32 bytes, little-endian, one ring slot
 * used in two formats as Intel NICs do (read format posted by the driver, write-back format
 * written by the hardware in place). Hardware writes the status byte (with DD) last; the driver
 * owns a slot when DD is set and clears the slot when it posts a new buffer there. Because the
 * write-back overwrites the buffer address, the driver keeps its own per-slot buffer array.
 *
 * Read format (driver -> hardware):
 *   0                   4                                                     31
 *   +-------------------+-----------------------------------------------------+
 *   | buf_addr (u32 LE) |     don't care, except the status byte (7): zero    |
 *   +-------------------+-----------------------------------------------------+
 *
 * Write-back format, layout version 1 (hardware -> driver):
 *   byte   0      1      2      3      4      5      6      7
 *        +------+------+------+------+------+------+------+------+
 *    0   |        rss_hash (u32)     |  pkt_len (u16)| ver  |status|
 *        +------+------+------+------+------+------+------+------+
 *    8   | rss_type (u16)|errors (u16)| vlan_tci (u16)|vlan_tpid(u16)|
 *        +------+------+------+------+------+------+------+------+
 *   16   |         ts_lo (u32)       |         ts_hi (u32)        |
 *        +------+------+------+------+------+------+------+------+
 *   24   | raw_csum (u16)|csum_lvl| rsvd|        reserved (u32)   |
 *        +------+------+------+------+------+------+------+------+
 *
 * status bits: 0 DD (descriptor done), 1 EOP, 2 RSS_VALID, 3 VLAN_STRIPPED, 4 TS_VALID,
 *              5 L3L4P (the checksum engine processed this IP packet: RXCSUM on and IPv4/IPv6),
 *              6 L4_CHECKED (a TCP/UDP/SCTP checksum was verified; its result is in errors),
 *              7 RAW_CSUM_VALID (raw_csum holds the folded one's-complement sum of the packet
 *              from the L3 header to the end, as CHECKSUM_COMPLETE wants it)
 * errors bits: 0 L3_CSUM_ERR (IPv4 header checksum bad), 1 L4_CSUM_ERR
 * rss_type:    the enum xdp_rss_hash_type value of what the hash covered (the sim reports the
 *              kernel's encoding directly; mlx5/ice need translation tables)
 * vlan_tpid:   TPID of the stripped tag, host order; vlan_tci: its TCI
 * ts_hi:ts_lo: PHC time of reception in ns
 *
 * Layout version 2 (the same information, fields moved, one added — to show that a CO-RE relocated
 * program survives a layout change and a fixed-offset one does not):
 *   byte   0      1      2      3      4      5      6      7
 *        +------+------+------+------+------+------+------+------+
 *    0   | ver  |status| pkt_len (u16)|        ts_lo (u32)        |
 *        +------+------+------+------+------+------+------+------+
 *    8   |        ts_hi (u32)        |        rss_hash (u32)     |
 *        +------+------+------+------+------+------+------+------+
 *   16   | rss_type (u16)|errors (u16)| vlan_tci (u16)|vlan_tpid(u16)|
 *        +------+------+------+------+------+------+------+------+
 *   24   | raw_csum (u16)|csum_lvl| rsvd|      flow_mark (u32)     |   flow_mark: NEW in v2
 *        +------+------+------+------+------+------+------+------+
 * flow_mark: the RSS indirection-table entry the hash selected (hash & 127), 0 when not hashed.
 * Read format v2: buf_addr at byte 4 (u32) and a zero status byte (1) — the hardware writes the
 * status with DD there, so the posted descriptor must hold zero at that position (as Intel's read
 * formats keep the DD position zero); the other bytes are overwritten by the write-back.
 */
export const SIM_RX_DESC_SIZE = 32
export const SIM_RX_DESC_VERSION_1 = 1
export const SIM_RX_DESC_VERSION_2 = 2

/** Byte offsets of one layout version; FLOW_MARK is -1 where the version has no such field. */
export interface SimRxLayout {
  readonly VERSION_VALUE: number
  readonly BUF_ADDR: number
  readonly RSS_HASH: number
  readonly PKT_LEN: number
  readonly VERSION: number
  readonly STATUS: number
  readonly RSS_TYPE: number
  readonly ERRORS: number
  readonly VLAN_TCI: number
  readonly VLAN_TPID: number
  readonly TS_LO: number
  readonly TS_HI: number
  readonly RAW_CSUM: number
  readonly CSUM_LEVEL: number
  readonly FLOW_MARK: number
}

export const SIM_RX_LAYOUT_V1: SimRxLayout = {
  VERSION_VALUE: SIM_RX_DESC_VERSION_1,
  BUF_ADDR: 0,
  RSS_HASH: 0,
  PKT_LEN: 4,
  VERSION: 6,
  STATUS: 7,
  RSS_TYPE: 8,
  ERRORS: 10,
  VLAN_TCI: 12,
  VLAN_TPID: 14,
  TS_LO: 16,
  TS_HI: 20,
  RAW_CSUM: 24,
  CSUM_LEVEL: 26,
  FLOW_MARK: -1
}

export const SIM_RX_LAYOUT_V2: SimRxLayout = {
  VERSION_VALUE: SIM_RX_DESC_VERSION_2,
  BUF_ADDR: 4,
  VERSION: 0,
  STATUS: 1,
  PKT_LEN: 2,
  TS_LO: 4,
  TS_HI: 8,
  RSS_HASH: 12,
  RSS_TYPE: 16,
  ERRORS: 18,
  VLAN_TCI: 20,
  VLAN_TPID: 22,
  RAW_CSUM: 24,
  CSUM_LEVEL: 26,
  FLOW_MARK: 28
}

export const simRxLayout = (version: 1 | 2): SimRxLayout => (version === 2 ? SIM_RX_LAYOUT_V2 : SIM_RX_LAYOUT_V1)

/** Layout version 1 offsets (kept as the named default). */
export const SimRxDesc = SIM_RX_LAYOUT_V1

export const SimRxStatus = {
  DD: 1 << 0,
  EOP: 1 << 1,
  RSS_VALID: 1 << 2,
  VLAN_STRIPPED: 1 << 3,
  TS_VALID: 1 << 4,
  L3L4P: 1 << 5,
  L4_CHECKED: 1 << 6,
  RAW_CSUM_VALID: 1 << 7
} as const

export const SimRxError = {
  L3_CSUM: 1 << 0,
  L4_CSUM: 1 << 1
} as const
