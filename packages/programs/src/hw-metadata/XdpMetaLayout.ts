/**
 * struct xdp_meta, the record the xdp_hw_metadata selftest's XDP program writes into the
 * data_meta area (tools/testing/selftests/bpf/xdp_metadata.h, mainline), plus the checksum
 * fields of the proposed RX checksum kfunc (PROPOSED, NOT IN MAINLINE; shaped like the proposal's
 * selftest change — an {ip_summed, cksum} struct in a union with rx_cksum_err — with the
 * 4-argument form's cksum_level in the byte after ip_summed). Host byte order except
 * rx_vlan_proto (__be16).
 *
 *   off  0 +-------------------------------------------+
 *          | rx_timestamp (u64)  | rx_timestamp_err s32 |   union
 *        8 +-------------------------------------------+
 *          | xdp_timestamp (u64, bpf_ktime_get_tai_ns)  |
 *       16 +---------------------+---------------------+
 *          | rx_hash (u32)       | rx_hash_type u32 / rx_hash_err s32 |
 *       24 +----------+----------+---------------------+
 *          | vlan_proto be16 | vlan_tci u16 | / rx_vlan_tag_err s32   |   (mainline ends with
 *       28 +----+----+-------+--------------+                              hint_valid @28, size 32)
 *          |summ|lvl | pad   | / rx_cksum_err s32     |   devtx: checksum extension @28
 *       32 +---------+-------+------------------------+
 *          | cksum (u32)                              |
 *       36 +------------------------------------------+
 *          | hint_valid (enum xdp_meta_field, u32)     |
 *       40 +------------------------------------------+
 */
export const XdpMeta = {
  RX_TIMESTAMP: 0,
  RX_TIMESTAMP_ERR: 0,
  XDP_TIMESTAMP: 8,
  RX_HASH: 16,
  RX_HASH_TYPE: 20,
  RX_HASH_ERR: 20,
  RX_VLAN_PROTO: 24,
  RX_VLAN_TCI: 26,
  RX_VLAN_TAG_ERR: 24,
  IP_SUMMED: 28,
  CKSUM_LEVEL: 29,
  RX_CKSUM_ERR: 28,
  CKSUM: 32,
  HINT_VALID: 36,
  SIZE: 40
} as const

/** Mainline layout: hint_valid at 28, sizeof(struct xdp_meta) = 32. */
export const XDP_META_MAINLINE_SIZE = 32
export const XDP_META_MAINLINE_HINT_VALID = 28

/** enum xdp_meta_field (xdp_metadata.h); CHECKSUM = BIT(3) comes with the checksum proposal. */
export const XdpMetaField = {
  TS: 1 << 0,
  RSS: 1 << 1,
  VLAN_TAG: 1 << 2,
  CHECKSUM: 1 << 3
} as const
