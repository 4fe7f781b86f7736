/**
 * ice_tx_csum (drivers/net/ethernet/intel/ice/ice_txrx.c), non-tunnel, non-TSO, over the frame's
 * bytes: which CMD bits and OFFSET lengths a data descriptor gets for a CHECKSUM_PARTIAL frame.
 *
 *   l3 = the network header: after the Ethernet header and every 802.1Q / 802.1ad tag
 *        (vlan_get_protocol); the protocol there must be IPv4 or IPv6, else the kernel returns -1
 *        (the frame is dropped, out_drop).
 *   l4 = csum_start (for CHECKSUM_PARTIAL the transport header is where the sum starts).
 *   MACLEN = l3 / 2 (ICE_TX_DESC_LEN_MACLEN_S 0, 2-byte words); IPLEN = (l4 - l3) / 4 (_IPLEN_S 7).
 *   IPv4: IIPT_IPV4 (0x40: the stack filled the header checksum; IPV4_CSUM only with TSO);
 *         l4_proto = the protocol byte.
 *   IPv6: IIPT_IPV6 (0x20); l4_proto = nexthdr, or, when l4 is not right after the fixed header,
 *         the protocol ipv6_skip_exthdr finds (Hop-by-Hop 0, Routing 43, Fragment 44,
 *         Destination Options 60, AH 51 are walked).
 *   TCP:  L4T_EOFT_TCP (0x100), L4LEN = doff; UDP: L4T_EOFT_UDP (0x300), L4LEN = 8 >> 2;
 *   SCTP: L4T_EOFT_SCTP (0x200), L4LEN = 12 >> 2; anything else: no L4 offload — the kernel calls
 *         skb_checksum_help (software checksum) and returns 0 with the L3 fields already set.
 *
 * Results: ICE_TX_CSUM_HW (cmd/offset filled for the hardware), ICE_TX_CSUM_SW (the caller must
 * checksum in software; cmd/offset hold the L3 part), ICE_TX_CSUM_DROP (-1 in the kernel).
 * csum_offset is not consulted by ice_tx_csum; the devtx checksum kfunc checks it (see
 * IceDevtxOps). No allocation.
 */

export const ICE_TX_CSUM_HW = 0
export const ICE_TX_CSUM_SW = 1
export const ICE_TX_CSUM_DROP = -1

import { ICE_TX_DESC_LEN_IPLEN_S, ICE_TX_DESC_LEN_L4_LEN_S, ICE_TX_DESC_LEN_MACLEN_S, IceTxCmd } from "./IceTxDesc.js"

const ETH_P_IP = 0x0800
const ETH_P_IPV6 = 0x86dd
const ETH_P_8021Q = 0x8100
const ETH_P_8021AD = 0x88a8
const IPPROTO_TCP = 6
const IPPROTO_UDP = 17
const IPPROTO_SCTP = 132

/** Preallocated output of iceTxCsum. */
export class IceTxCsumOut {
  /** CMD bits (relative to CMD) */
  cmd = 0
  /** the 18-bit OFFSET field */
  offset = 0
  l3 = 0
  l4 = 0
  /** IPPROTO of the transport header, -1 unknown */
  l4Proto = -1
}

/** The network header offset after the tags, or -1; the protocol into `out.l4Proto` scratch is not touched. */
export const iceTxNetworkOffset = (b: Uint8Array, data: number, len: number): number => {
  let off = 12
  for (;;) {
    if (off + 2 > len) return -1
    const type = (b[data + off]! << 8) | b[data + off + 1]!
    if (type === ETH_P_8021Q || type === ETH_P_8021AD) {
      off += 4
      continue
    }
    return type === ETH_P_IP || type === ETH_P_IPV6 ? off + 2 : -1
  }
}

/** ice_tx_csum over frame b[data .. data + len), transport header at csumStart (frame-relative). */
export const iceTxCsum = (b: Uint8Array, data: number, len: number, csumStart: number, out: IceTxCsumOut): number => {
  out.cmd = 0
  out.offset = 0
  out.l4Proto = -1
  const l3 = iceTxNetworkOffset(b, data, len)
  if (l3 < 0 || l3 >= len) return ICE_TX_CSUM_DROP
  const l4 = csumStart
  out.l3 = l3
  out.l4 = l4
  if (l4 < l3 || l4 > len) return ICE_TX_CSUM_DROP
  out.offset = ((l3 / 2) | 0) << ICE_TX_DESC_LEN_MACLEN_S
  const ver = b[data + l3]! >>> 4
  let proto = -1
  if (ver === 4) {
    out.cmd |= IceTxCmd.IIPT_IPV4
    proto = b[data + l3 + 9]!
  } else if (ver === 6) {
    out.cmd |= IceTxCmd.IIPT_IPV6
    proto = b[data + l3 + 6]!
    let at = l3 + 40
    // ipv6_skip_exthdr from the fixed header up to the transport header
    while (at < l4 && at + 8 <= len) {
      if (proto === 0 || proto === 43 || proto === 60) {
        const next = b[data + at]!
        at += (b[data + at + 1]! + 1) * 8
        proto = next
      } else if (proto === 44) {
        proto = b[data + at]!
        at += 8
      } else if (proto === 51) {
        const next = b[data + at]!
        at += (b[data + at + 1]! + 2) * 4
        proto = next
      } else break
    }
  } else return ICE_TX_CSUM_DROP
  out.offset |= (((l4 - l3) / 4) | 0) << ICE_TX_DESC_LEN_IPLEN_S
  out.l4Proto = proto
  if (proto === IPPROTO_TCP && l4 + 13 <= len) {
    out.cmd |= IceTxCmd.L4T_EOFT_TCP
    out.offset |= (b[data + l4 + 12]! >>> 4) << ICE_TX_DESC_LEN_L4_LEN_S
    return ICE_TX_CSUM_HW
  }
  if (proto === IPPROTO_UDP) {
    out.cmd |= IceTxCmd.L4T_EOFT_UDP
    out.offset |= (8 >> 2) << ICE_TX_DESC_LEN_L4_LEN_S
    return ICE_TX_CSUM_HW
  }
  if (proto === IPPROTO_SCTP) {
    out.cmd |= IceTxCmd.L4T_EOFT_SCTP
    out.offset |= (12 >> 2) << ICE_TX_DESC_LEN_L4_LEN_S
    return ICE_TX_CSUM_HW
  }
  return ICE_TX_CSUM_SW
}

/** Where the L4 checksum field lies from the transport header, per protocol: TCP 16, UDP 6, SCTP 8; -1 otherwise. */
export const iceL4CsumFieldOffset = (proto: number): number =>
  proto === IPPROTO_TCP ? 16 : proto === IPPROTO_UDP ? 6 : proto === IPPROTO_SCTP ? 8 : -1

/**
 * The transport header a parser finds after the network header at l3 (IPv4: IHL * 4; IPv6: the
 * fixed header and the extension headers ipv6_skip_exthdr walks), frame-relative; -1 if it runs
 * past the frame. The skb path trusts skb->transport_header; the devtx kfunc has only bytes.
 */
export const iceTxTransportOffset = (b: Uint8Array, data: number, len: number, l3: number): number => {
  const ver = b[data + l3]! >>> 4
  if (ver === 4) {
    const at = l3 + (b[data + l3]! & 0xf) * 4
    return at <= len ? at : -1
  }
  if (ver !== 6) return -1
  let proto = b[data + l3 + 6]!
  let at = l3 + 40
  for (;;) {
    if (at > len) return -1
    if (proto === 0 || proto === 43 || proto === 60) {
      if (at + 2 > len) return -1
      const next = b[data + at]!
      at += (b[data + at + 1]! + 1) * 8
      proto = next
    } else if (proto === 44) {
      if (at + 1 > len) return -1
      proto = b[data + at]!
      at += 8
    } else if (proto === 51) {
      if (at + 2 > len) return -1
      const next = b[data + at]!
      at += (b[data + at + 1]! + 2) * 4
      proto = next
    } else return at
  }
}
