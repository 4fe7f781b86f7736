/**
 * Constants of the two capture formats, with their sources:
 * - classic pcap: draft-ietf-opsawg-pcap (§4 File Header, §5 Packet Record); libpcap
 *   sf-pcap.c / pcap-common.h (TCPDUMP_MAGIC, NSEC_TCPDUMP_MAGIC, LT_* macros, MAXIMUM_SNAPLEN).
 * - pcapng: draft-ietf-opsawg-pcapng (§4 blocks, §3.5 options); libpcap sf-pcapng.c.
 * - link types: https://www.tcpdump.org/linktypes.html (LINKTYPE_ETHERNET 1, LINKTYPE_LINUX_SLL
 *   113, LINKTYPE_LINUX_SLL2 276).
 */

/** TCPDUMP_MAGIC (sf-pcap.c): seconds + microseconds */
export const PCAP_MAGIC_MICRO = 0xa1b2c3d4
/** NSEC_TCPDUMP_MAGIC (sf-pcap.c): seconds + nanoseconds */
export const PCAP_MAGIC_NANO = 0xa1b23c4d
/** PCAP_VERSION_MAJOR / PCAP_VERSION_MINOR (pcap/pcap.h) */
export const PCAP_VERSION_MAJOR = 2
export const PCAP_VERSION_MINOR = 4
export const PCAP_FILE_HEADER_SIZE = 24
export const PCAP_RECORD_HEADER_SIZE = 16
/** MAXIMUM_SNAPLEN (pcap-int.h): the largest caplen libpcap accepts when the header's snaplen is smaller */
export const PCAP_MAXIMUM_SNAPLEN = 262144

/** LT_LINKTYPE / LT_FCS_LENGTH_PRESENT / LT_FCS_LENGTH (pcap-common.h); FCS length in 16-bit units */
export const ltLinkType = (x: number): number => x & 0xffff
export const ltFcsLengthPresent = (x: number): boolean => (x & 0x04000000) !== 0
export const ltFcsLength = (x: number): number => (x >>> 28) & 0xf

/** pcapng block types (draft-ietf-opsawg-pcapng §10.1) */
export const PcapngBlock = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  /** obsolete Packet Block (appendix A) */
  PB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006
} as const
/** SHB Byte-Order Magic, as written in the section's own byte order */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d
export const PCAPNG_VERSION_MAJOR = 1
export const PCAPNG_VERSION_MINOR = 0
/** IDB options (§4.2) */
export const PcapngOption = {
  END_OF_OPT: 0,
  IF_TSRESOL: 9,
  IF_FCSLEN: 13,
  IF_TSOFFSET: 14
} as const

/** Link-layer header types devtx turns into Ethernet frames */
export const LinkType = {
  ETHERNET: 1,
  LINUX_SLL: 113,
  LINUX_SLL2: 276
} as const
