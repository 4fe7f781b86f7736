/**
 * The reference NIC's TX descriptor and TX completion entry, layout version 1, little-endian.
 *
 * TX descriptor, 32 bytes (driver -> hardware):
 *   byte   0      1      2      3      4      5      6      7
 *        +------+------+------+------+------+------+------+------+
 *    0   |        buf_addr (u32)     |   len (u16)  | ver  | cmd  |
 *        +------+------+------+------+------+------+------+------+
 *    8   |csum_start(u16)|csum_off(u16)|region|     reserved      |
 *        +------+------+------+------+------+------+------+------+
 *   16   |      launch_lo (u32)      |      launch_hi (u32)      |
 *        +------+------+------+------+------+------+------+------+
 *   24   |                      reserved                         |
 *        +------+------+------+------+------+------+------+------+
 * cmd bits: 0 EOP, 1 RS (report status: write a completion after this descriptor), 2 L4_CSUM
 *   (sum from csum_start to the end of the frame, seeded by the 16 bits already at
 *   csum_start + csum_offset, store the complement there — CHECKSUM_PARTIAL semantics),
 *   3 TSTAMP (timestamp the send), 4 LAUNCH (do not send before launch_hi:launch_lo on the PHC).
 * csum_start is relative to buf_addr; csum_off to csum_start. region: which DMA region buf_addr
 *   is in (a 256-slot DmaRegionTable, core driverlib/DmaRegionTable.ts: 0 the device's own frame
 *   memory, then the queues' bounce frames, bound AF_XDP UMEMs and skb memories; a slot is reused
 *   only once nothing in flight or bound names it).
 *
 * TX completion, 16 bytes (hardware -> driver), one per RS descriptor:
 *   byte   0      1      2      3      4      5      6      7
 *        +------+------+------+------+------+------+------+------+
 *    0   | last_desc(u16)|status| ver  |        reserved           |
 *        +------+------+------+------+------+------+------+------+
 *    8   |        ts_lo (u32)        |        ts_hi (u32)        |
 *        +------+------+------+------+------+------+------+------+
 * last_desc: low 16 bits of the counter of the last descriptor the completion covers (every
 *   descriptor since the previous completion); status bits: 0 DD, 1 TS_VALID (some covered
 *   descriptor asked for a timestamp; ts is the PHC when the LAST covered one left the wire).
 */
export const SIM_TX_DESC_SIZE = 32
export const SIM_TX_COMPL_SIZE = 16
export const SIM_TX_VERSION_1 = 1

export const SimTxDesc = {
  BUF_ADDR: 0,
  LEN: 4,
  VERSION: 6,
  CMD: 7,
  CSUM_START: 8,
  CSUM_OFFSET: 10,
  REGION: 12,
  LAUNCH_LO: 16,
  LAUNCH_HI: 20
} as const

export const SimTxCmd = {
  EOP: 1 << 0,
  RS: 1 << 1,
  L4_CSUM: 1 << 2,
  TSTAMP: 1 << 3,
  LAUNCH: 1 << 4
} as const

export const SimTxCompl = {
  LAST_DESC: 0,
  STATUS: 2,
  VERSION: 3,
  TS_LO: 8,
  TS_HI: 12
} as const

export const SimTxComplStatus = {
  DD: 1 << 0,
  TS_VALID: 1 << 1
} as const
