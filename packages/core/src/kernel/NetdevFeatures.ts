/**
 * Netdev netlink feature bits (include/uapi/linux/netdev.h; Documentation/netlink/specs/netdev.yaml),
 * as `ynl --family netdev --dump dev-get` names them.
 */

/** enum netdev_xdp_rx_metadata: attribute xdp-rx-metadata-features (NETDEV_A_DEV_XDP_RX_METADATA_FEATURES = 5). */
export const NetdevXdpRxMetadata = {
  TIMESTAMP: 1,
  HASH: 2,
  VLAN_TAG: 4,
  /** proposed with the RX checksum kfunc (Lorenzo Bianconi / V. Vdovin, 2025-2026); not in mainline 6.18 */
  CHECKSUM: 8
} as const

/** enum netdev_xsk_flags: attribute xsk-features (NETDEV_A_DEV_XSK_FEATURES = 6). */
export const NetdevXskFlags = {
  TX_TIMESTAMP: 1,
  TX_CHECKSUM: 2,
  TX_LAUNCH_TIME_FIFO: 4
} as const

export const NETDEV_A_DEV_XDP_RX_METADATA_FEATURES = 5
export const NETDEV_A_DEV_XSK_FEATURES = 6

/** ynl's names for each bit, in bit order. */
export const xdpRxMetadataFeatureNames = (bits: number): string[] => {
  const out: string[] = []
  if (bits & NetdevXdpRxMetadata.TIMESTAMP) out.push("timestamp")
  if (bits & NetdevXdpRxMetadata.HASH) out.push("hash")
  if (bits & NetdevXdpRxMetadata.VLAN_TAG) out.push("vlan-tag")
  if (bits & NetdevXdpRxMetadata.CHECKSUM) out.push("checksum")
  return out
}

export const xskFeatureNames = (bits: number): string[] => {
  const out: string[] = []
  if (bits & NetdevXskFlags.TX_TIMESTAMP) out.push("tx-timestamp")
  if (bits & NetdevXskFlags.TX_CHECKSUM) out.push("tx-checksum")
  if (bits & NetdevXskFlags.TX_LAUNCH_TIME_FIFO) out.push("tx-launch-time-fifo")
  return out
}
