/**
 * Linux "cooked" capture headers (what libpcap writes for `-i any` and for devices without a
 * link-layer header), big-endian; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and
 * LINKTYPE_LINUX_SLL2.html:
 *
 * LINKTYPE_LINUX_SLL (113), 16 bytes:
 *   0 packet type u16 | 2 ARPHRD_ type u16 | 4 link-layer address length u16 |
 *   6 link-layer address [8] | 14 protocol type u16
 *
 * LINKTYPE_LINUX_SLL2 (276), 20 bytes:
 *   0 protocol type u16 | 2 reserved u16 | 4 interface index u32 | 8 ARPHRD_ type u16 |
 *   10 packet type u8 | 11 link-layer address length u8 | 12 link-layer address [8]
 *
 * Packet types are the sll_pkttype values of include/uapi/linux/if_packet.h; hardware types
 * the ARPHRD_* of include/uapi/linux/if_arp.h.
 */

export const SLL_HEADER_SIZE = 16
export const SLL2_HEADER_SIZE = 20

/** PACKET_HOST .. PACKET_OUTGOING, include/uapi/linux/if_packet.h */
export const SllPacketType = {
  HOST: 0,
  BROADCAST: 1,
  MULTICAST: 2,
  OTHERHOST: 3,
  OUTGOING: 4
} as const

/** ARPHRD_ETHER 1, ARPHRD_LOOPBACK 772 (include/uapi/linux/if_arp.h) */
export const ARPHRD_ETHER = 1
export const ARPHRD_LOOPBACK = 772

/** ETH_P_802_2 (include/uapi/linux/if_ether.h): the payload is an 802.2 LLC frame (length field, not an EtherType) */
export const ETH_P_802_2 = 0x0004
/** ETH_P_802_3_MIN (include/uapi/linux/if_ether.h): values below are lengths, not EtherTypes */
export const ETH_P_802_3_MIN = 0x0600

export interface CookedHeader {
  readonly headerLength: number
  readonly packetType: number
  readonly hardwareType: number
  readonly addressLength: number
  /** offset of the 8-byte address field inside the header */
  readonly addressAt: number
  readonly protocol: number
}

/** Decode the cooked header at the start of `data`; undefined when `data` is shorter than it. */
export const decodeCookedHeader = (data: Uint8Array, sll2: boolean): CookedHeader | undefined => {
  const size = sll2 ? SLL2_HEADER_SIZE : SLL_HEADER_SIZE
  if (data.length < size) return undefined
  const v = new DataView(data.buffer, data.byteOffset, size)
  return sll2
    ? { headerLength: size, protocol: v.getUint16(0), hardwareType: v.getUint16(8), packetType: v.getUint8(10), addressLength: v.getUint8(11), addressAt: 12 }
    : { headerLength: size, packetType: v.getUint16(0), hardwareType: v.getUint16(2), addressLength: v.getUint16(4), addressAt: 6, protocol: v.getUint16(14) }
}
