/**
 * Turn a captured packet into the Ethernet frame a NIC would have received, or say why not.
 *
 * - LINKTYPE_ETHERNET: the bytes as captured, minus a trailing FCS the file declares.
 * - LINKTYPE_LINUX_SLL / _SLL2 with an Ethernet-like device (ARPHRD_ETHER, ARPHRD_LOOPBACK) and
 *   a 6-byte address: the header is rebuilt as dst(6) src(6) type(2) + payload. The cooked
 *   header keeps only the sender's address (source MAC). The destination is rebuilt from the
 *   packet type: PACKET_BROADCAST -> ff:ff:ff:ff:ff:ff; PACKET_MULTICAST -> the IPv4
 *   (01:00:5e + low 23 bits, RFC 1112 §6.4) or IPv6 (33:33 + low 32 bits, RFC 2464 §7) group
 *   address; PACKET_HOST / _OTHERHOST / _OUTGOING -> 00:00:00:00:00:00 (the capturing host's
 *   own address is not in the header; devtx NICs do not filter on the destination MAC).
 *   Protocol >= 0x0600 is the EtherType; ETH_P_802_2 becomes an 802.3 length field.
 *   VLAN tags the kernel stripped before capture are not in a cooked capture, so none is rebuilt.
 * - Anything else, and packets cut by the snap length (caplen < original length: the frame on
 *   the wire cannot be replayed): a LinkLayerError.
 */
import { Result } from "effect"
import { LinkLayerError } from "./CaptureErrors.js"
import type { CapturedPacket } from "./CapturedPacket.js"
import {
  ARPHRD_ETHER,
  ARPHRD_LOOPBACK,
  decodeCookedHeader,
  ETH_P_802_2,
  ETH_P_802_3_MIN,
  SllPacketType
} from "./LinuxCookedHeader.js"
import { LinkType } from "./PcapFormat.js"

const ETH_HLEN = 14

const multicastMac = (payload: Uint8Array, protocol: number): Uint8Array | undefined => {
  if (protocol === 0x0800 && payload.length >= 20) return Uint8Array.of(0x01, 0x00, 0x5e, payload[17]! & 0x7f, payload[18]!, payload[19]!)
  if (protocol === 0x86dd && payload.length >= 40) return Uint8Array.of(0x33, 0x33, payload[36]!, payload[37]!, payload[38]!, payload[39]!)
  return undefined
}

export const ethernetFrameOf = (p: CapturedPacket): Result.Result<Uint8Array, LinkLayerError> => {
  const err = (reason: string, value: number) => Result.fail(new LinkLayerError({ packetIndex: p.index, linkType: p.linkType, reason, value }))
  if (p.data.length < p.originalLength) return err("cut by the snap length: captured fewer bytes than were on the wire", p.data.length)
  if (p.linkType === LinkType.ETHERNET) {
    const end = p.data.length - p.fcsLength
    if (end < ETH_HLEN) return err("shorter than an Ethernet header", p.data.length)
    return Result.succeed(p.data.subarray(0, end))
  }
  if (p.linkType === LinkType.LINUX_SLL || p.linkType === LinkType.LINUX_SLL2) {
    const h = decodeCookedHeader(p.data, p.linkType === LinkType.LINUX_SLL2)
    if (h === undefined) return err("shorter than its cooked header", p.data.length)
    if (h.hardwareType !== ARPHRD_ETHER && h.hardwareType !== ARPHRD_LOOPBACK)
      return err("ARPHRD type has no Ethernet header to rebuild", h.hardwareType)
    if (h.addressLength !== 6) return err("link-layer address is not 6 bytes", h.addressLength)
    if (h.protocol < ETH_P_802_3_MIN && h.protocol !== ETH_P_802_2) return err("cooked protocol is not an EtherType or ETH_P_802_2", h.protocol)
    const payload = p.data.subarray(h.headerLength, p.data.length - p.fcsLength)
    let dst: Uint8Array
    if (h.packetType === SllPacketType.BROADCAST) dst = new Uint8Array(6).fill(0xff)
    else if (h.packetType === SllPacketType.MULTICAST) {
      const m = multicastMac(payload, h.protocol)
      if (m === undefined) return err("multicast packet whose group address cannot be derived", h.protocol)
      dst = m
    } else if (h.packetType <= SllPacketType.OUTGOING) dst = new Uint8Array(6)
    else return err("unknown cooked packet type", h.packetType)
    const frame = new Uint8Array(ETH_HLEN + payload.length)
    frame.set(dst, 0)
    frame.set(p.data.subarray(h.addressAt, h.addressAt + 6), 6)
    const type = h.protocol === ETH_P_802_2 ? payload.length : h.protocol
    frame[12] = type >>> 8
    frame[13] = type & 0xff
    frame.set(payload, ETH_HLEN)
    return Result.succeed(frame)
  }
  return err("unsupported link type (devtx reads Ethernet, LINUX_SLL and LINUX_SLL2)", p.linkType)
}
