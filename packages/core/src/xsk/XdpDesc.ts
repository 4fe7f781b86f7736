/**
 * struct xdp_desc (include/uapi/linux/if_xdp.h): one AF_XDP RX/TX ring entry, 16 bytes, host
 * byte order (little-endian here).
 *
 *   0                 8          12         16
 *   +-----------------+----------+----------+
 *   | addr (u64)      | len (u32)| options  |
 *   +-----------------+----------+----------+
 *
 * devtx UMEMs are below 4 GiB, so `addr`'s high word is always 0 on write and must be 0 on read
 * (a non-zero high word is an address past the UMEM: an invalid descriptor).
 */
export const XDP_DESC_SIZE = 16
export const XdpDescOff = { ADDR: 0, LEN: 8, OPTIONS: 12 } as const

/** xdp_desc.options bits (include/uapi/linux/if_xdp.h) */
export const XdpDescOption = {
  /** XDP_PKT_CONTD: the packet continues in the next descriptor (multi-buffer) */
  PKT_CONTD: 1 << 0,
  /** XDP_TX_METADATA: struct xsk_tx_metadata sits at addr - tx_metadata_len */
  TX_METADATA: 1 << 1
} as const

/** xp_unused_options_set (net/xdp/xsk_queue.h): any other bit makes the descriptor invalid. */
export const XDP_DESC_OPTIONS_VALID = XdpDescOption.PKT_CONTD | XdpDescOption.TX_METADATA
