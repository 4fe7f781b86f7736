/**
 * enum xdp_rss_hash_type, include/net/xdp.h — every one of its 29 enumerators, exact values
 * (checked against the running kernel's BTF by test/kernel/KernelBtfParity.test.ts).
 *
 * Structure: bits 0-1 L3 family, bit 2 dynamic L3 headers (IPv4 options / IPv6 extension
 * headers), bit 3 "hash covered L4" (set whenever an L4 protocol bit is), bits 4-8 one-hot L4
 * protocol. The second half are the named combinations drivers map hardware types to.
 */
export const XdpRssHashType = {
  // first part: individual bits
  L3_IPV4: 1 << 0,
  L3_IPV6: 1 << 1,
  L3_DYNHDR: 1 << 2,
  L4: 1 << 3,
  L4_TCP: 1 << 4,
  L4_UDP: 1 << 5,
  L4_SCTP: 1 << 6,
  L4_IPSEC: 1 << 7,
  L4_ICMP: 1 << 8,
  // second part: combinations
  TYPE_NONE: 0,
  TYPE_L2: 0,
  TYPE_L3_IPV4: 1,
  TYPE_L3_IPV6: 2,
  TYPE_L3_IPV4_OPT: 1 | 4,
  TYPE_L3_IPV6_EX: 2 | 4,
  TYPE_L4_ANY: 8,
  TYPE_L4_IPV4_TCP: 1 | 8 | 16,
  TYPE_L4_IPV4_UDP: 1 | 8 | 32,
  TYPE_L4_IPV4_SCTP: 1 | 8 | 64,
  TYPE_L4_IPV4_IPSEC: 1 | 8 | 128,
  TYPE_L4_IPV4_ICMP: 1 | 8 | 256,
  TYPE_L4_IPV6_TCP: 2 | 8 | 16,
  TYPE_L4_IPV6_UDP: 2 | 8 | 32,
  TYPE_L4_IPV6_SCTP: 2 | 8 | 64,
  TYPE_L4_IPV6_IPSEC: 2 | 8 | 128,
  TYPE_L4_IPV6_ICMP: 2 | 8 | 256,
  TYPE_L4_IPV6_TCP_EX: 2 | 8 | 16 | 4,
  TYPE_L4_IPV6_UDP_EX: 2 | 8 | 32 | 4,
  TYPE_L4_IPV6_SCTP_EX: 2 | 8 | 64 | 4
} as const
export type XdpRssHashTypeName = keyof typeof XdpRssHashType

/** The kernel spelling of each enumerator: `XDP_RSS_` + key. */
export const xdpRssHashTypeKernelName = (key: XdpRssHashTypeName): string => `XDP_RSS_${key}`
