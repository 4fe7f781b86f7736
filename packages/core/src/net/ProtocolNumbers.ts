/**
 * Wire constants of the protocols the packet layer understands, restated from the kernel UAPI
 * headers (each cited next to its value). Plain numbers, usable on the per-packet path.
 *
 * Invariant: every value here is the on-the-wire number (EtherTypes and IP protocol numbers
 * are compared against fields read big-endian from the frame).
 */
import { EthProto } from "../kernel/EthProto.js"

/** EtherTypes (host-order values of the 16-bit BE field); the same numbers as kernel/EthProto. */
export const EtherType = {
  /** ETH_P_IP, include/uapi/linux/if_ether.h */
  IPv4: EthProto.IP,
  /** ETH_P_ARP, include/uapi/linux/if_ether.h */
  ARP: EthProto.ARP,
  /** ETH_P_8021Q (C-tag), include/uapi/linux/if_ether.h */
  VLAN_8021Q: EthProto.P_8021Q,
  /** ETH_P_8021AD (S-tag, QinQ outer), include/uapi/linux/if_ether.h */
  VLAN_8021AD: EthProto.P_8021AD,
  /** ETH_P_IPV6, include/uapi/linux/if_ether.h */
  IPv6: EthProto.IPV6
} as const

/** Ethernet sizes, include/uapi/linux/if_ether.h and include/linux/if_vlan.h. */
export const EthSize = {
  /** ETH_ALEN: octets in one MAC address */
  ALEN: 6,
  /** ETH_HLEN: dst MAC + src MAC + EtherType */
  HLEN: 14,
  /** ETH_ZLEN: minimum frame length without FCS; shorter is a runt */
  ZLEN: 60,
  /** ETH_DATA_LEN: the standard MTU; a longer L2 payload is a jumbo frame */
  DATA_LEN: 1500,
  /** ETH_FRAME_LEN: maximum untagged frame length without FCS */
  FRAME_LEN: 1514,
  /** ETH_FCS_LEN */
  FCS_LEN: 4,
  /** VLAN_HLEN, include/linux/if_vlan.h: TPID + TCI */
  VLAN_HLEN: 4
} as const

/** IP protocol / IPv6 next-header numbers. */
export const IpProto = {
  /** IPPROTO_HOPOPTS, include/uapi/linux/in6.h (IPv6 Hop-by-Hop Options header) */
  HOPOPTS: 0,
  /** IPPROTO_ICMP, include/uapi/linux/in.h */
  ICMP: 1,
  /** IPPROTO_TCP, include/uapi/linux/in.h */
  TCP: 6,
  /** IPPROTO_UDP, include/uapi/linux/in.h */
  UDP: 17,
  /** IPPROTO_ROUTING, include/uapi/linux/in6.h */
  ROUTING: 43,
  /** IPPROTO_FRAGMENT, include/uapi/linux/in6.h */
  FRAGMENT: 44,
  /** IPPROTO_ESP, include/uapi/linux/in.h */
  ESP: 50,
  /** IPPROTO_AH, include/uapi/linux/in.h */
  AH: 51,
  /** IPPROTO_ICMPV6, include/uapi/linux/in6.h */
  ICMPV6: 58,
  /** IPPROTO_NONE, include/uapi/linux/in6.h (IPv6 No Next Header) */
  NONE: 59,
  /** IPPROTO_DSTOPTS, include/uapi/linux/in6.h */
  DSTOPTS: 60,
  /** IPPROTO_SCTP, include/uapi/linux/in.h */
  SCTP: 132
} as const

/** IPv4 frag_off field bits (host order), include/net/ip.h. */
export const Ipv4Frag = {
  /** IP_CE: "congestion" / reserved bit */
  CE: 0x8000,
  /** IP_DF: don't fragment */
  DF: 0x4000,
  /** IP_MF: more fragments */
  MF: 0x2000,
  /** IP_OFFSET: fragment offset in 8-octet units */
  OFFSET: 0x1fff
} as const

/** IPv6 fragment header frag_off field bits (host order), include/net/ipv6.h. */
export const Ipv6Frag = {
  /** IP6_MF: more fragments */
  MF: 0x0001,
  /** IP6_OFFSET: offset in 8-octet units, already shifted left by 3 */
  OFFSET: 0xfff8
} as const
