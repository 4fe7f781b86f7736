/** Ethernet protocol ids (include/uapi/linux/if_ether.h), host-order values of the on-wire big-endian field. */
export const EthProto = {
  IP: 0x0800,
  ARP: 0x0806,
  IPV6: 0x86dd,
  /** 802.1Q VLAN (C-tag) */
  P_8021Q: 0x8100,
  /** 802.1ad Service VLAN (S-tag) */
  P_8021AD: 0x88a8
} as const

/** ETH_HLEN, ETH_ZLEN (minimum frame without FCS), VLAN_HLEN (include/uapi/linux/if_ether.h, include/linux/if_vlan.h) */
export const ETH_HLEN = 14
export const ETH_ZLEN = 60
export const VLAN_HLEN = 4
/** VLAN TCI fields (include/linux/if_vlan.h): VID bits 0-11, DEI bit 12, PCP bits 13-15 */
export const VLAN_VID_MASK = 0x0fff
export const VLAN_CFI_MASK = 0x1000
export const VLAN_PRIO_SHIFT = 13
