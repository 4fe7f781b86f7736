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
 *   | buf_addr (u32 LE) |                 zero                                |
 *   +-------------------+-----------------------------------------------------+
 *
 * Write-back format (hardware -> driver):
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
 */
export const SIM_RX_DESC_SIZE = 32
export const SIM_RX_DESC_VERSION_1 = 1

export const SimRxDesc = {
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
  CSUM_LEVEL: 26
} as const

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
