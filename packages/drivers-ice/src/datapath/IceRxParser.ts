/**
 * The ice hardware parser, as far as the RX descriptor shows it: which packet type (ptype) a
 * frame is, where the RSS input lies, and the integrity-check results that become status_error0
 * / status_error1 bits. One preallocated IceParsed per device; `iceParseFrame` allocates
 * nothing, throws nothing and always writes every field.
 *
 * What it recognises (one tunnel level, as the ptype table has):
 *   L2        up to two VLAN tags (TPID 0x8100 / 0x88A8), outer first
 *   EtherType 0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP (ptype 11), 0x88F7 PTP (ptype 2, timesync),
 *             anything else ptype 1 (MAC payload)
 *   IPv4      IHL >= 5, total length within the frame; MF or offset != 0 = fragment (first
 *             fragments too: the frame is a fragment, its L4 is not parsed)
 *   IPv6      extension headers Hop-by-Hop 0, Routing 43, Destination Options 60, AH 51 are
 *             walked; Fragment 44 with M or offset != 0 = fragment
 *   tunnels   IP-in-IP (protocol 4 / 41)                    -> tunnel IP
 *             GRE (47), protocol 0x0800 / 0x86DD             -> GRE/NAT, inner IP
 *             GRE, protocol 0x6558 (transparent Ethernet)   -> GRE/NAT+MAC (+VLAN if tagged)
 *             GRE, any other protocol                        -> GRE/NAT, no tunnel end
 *             UDP to a configured VXLAN port (8-byte header) -> GRE/NAT+MAC(+VLAN), STATUS1.NAT
 *   L4        TCP / UDP / SCTP checksums verified (CRC32c for SCTP); ICMP / ICMPv6 not verified
 *
 * Integrity bits (ice_lan_tx_rx.h names; semantics from Intel's descriptor documentation, the
 * driver only tests them in ice_rx_csum):
 *   L3L4P       set for every IP frame (the checksum engine processed it)
 *   XSUM_IPE    IPv4 header checksum error of the innermost IPv4 header (the only one untunnelled)
 *   XSUM_EIPE   outer IPv4 header checksum error of a tunnelled frame
 *   XSUM_L4E    innermost TCP/UDP/SCTP checksum error (UDP over IPv4 with checksum 0 = none sent)
 *   XSUM_EUDPE  outer UDP checksum error of a UDP tunnel
 *   IPV6EXADD   an IPv6 extension header carrying an address: a Destination Options header with a
 *               Home Address option (type 0xC9) or a Routing header of type 2
 *
 * MODELLING ASSUMPTIONS (the DDP package's parser is not public): first fragments get the
 * fragment ptype; AH is walked as an extension header; the parser sees through 0x88A8 tags in
 * both VLAN modes; ICMP checksums are not verified by the hardware.
 */
import { crc32cUpdate, crc32cUpdateZeros, csumPartial, pseudoHeaderSum, SCTP_CHECKSUM_OFFSET, sctpStoredChecksum } from "@devtx/core"
import { icePtypeOf, LibethInner, LibethOuterIp, LibethTunnel, LibethTunnelEnd } from "./IcePtypeTable.js"
import { IceStatus0, IceStatus1 } from "./IceRxFlexDesc.js"

/** ptype the parser assigns to ARP (MAC_ARP in the ice DDP package; libie_rx_pt_lut[11] is unused) */
export const ICE_PTYPE_MAC_ARP = 11
/** ptype of a plain L2 payload (MAC_PAY2) */
export const ICE_PTYPE_MAC_PAY2 = 1
/** ptype of IEEE 1588 over Ethernet (LIBIE_RX_PT_TS) */
export const ICE_PTYPE_MAC_TIMESYNC = 2

const ETH_P_IP = 0x0800
const ETH_P_IPV6 = 0x86dd
const ETH_P_ARP = 0x0806
const ETH_P_8021Q = 0x8100
const ETH_P_8021AD = 0x88a8
const ETH_P_1588 = 0x88f7
const ETH_P_TEB = 0x6558

export class IceParsed {
  /** -1: the MAC should not deliver it (truncated L2); otherwise 0 */
  status = 0
  ptype = 0
  vlanCount = 0
  vlan0Tpid = 0
  vlan0Tci = 0
  vlan1Tpid = 0
  vlan1Tci = 0
  /** outer L3 offset from the frame start (after the tags), -1 if none */
  l3Offset = -1
  outerIp = 0
  tunnel = 0
  tunnelEnd = 0
  frag = false
  inner = 0
  /** status_error0 integrity bits (L3L4P, XSUM_*, IPV6EXADD) */
  status0 = 0
  /** status_error1 bits (NAT) */
  status1 = 0
  /** RSS input: absolute offsets into the buffer; hashPortsOff -1 = no ports */
  hashAddrOff = -1
  hashAddrLen = 0
  hashPortsOff = -1
  /** RSS flow type of the hashed headers: 0 none, 1 tcp, 2 udp, 3 sctp, 4 other; hashV6 for IPv6 */
  hashFlow = 0
  hashV6 = false

  reset(): void {
    this.status = 0
    this.ptype = 0
    this.vlanCount = 0
    this.vlan0Tpid = 0
    this.vlan0Tci = 0
    this.vlan1Tpid = 0
    this.vlan1Tci = 0
    this.l3Offset = -1
    this.outerIp = 0
    this.tunnel = 0
    this.tunnelEnd = 0
    this.frag = false
    this.inner = 0
    this.status0 = 0
    this.status1 = 0
    this.hashAddrOff = -1
    this.hashAddrLen = 0
    this.hashPortsOff = -1
    this.hashFlow = 0
    this.hashV6 = false
  }
}

export const IceRssFlow = { NONE: 0, TCP: 1, UDP: 2, SCTP: 3, OTHER: 4 } as const

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!

/** Result of one IP layer (module scratch: the data path is single-threaded). */
const ip = { ok: false, v6: false, frag: false, proto: 0, l4: 0, end: 0, addrOff: 0, hdrBad: false, exadd: false }

/** Parse an IP header at `p` (absolute) with the datagram bounded by `limit`; fills `ip`. */
const parseIp = (b: Uint8Array, p: number, limit: number, v6: boolean): void => {
  ip.ok = false
  ip.v6 = v6
  ip.frag = false
  ip.hdrBad = false
  ip.exadd = false
  if (!v6) {
    if (p + 20 > limit || b[p]! >> 4 !== 4) return
    const hl = (b[p]! & 0xf) * 4
    const total = u16(b, p + 2)
    if (hl < 20 || total < hl || p + total > limit) return
    ip.hdrBad = csumPartial(b, p, hl, 0) !== 0xffff
    const fo = u16(b, p + 6)
    ip.frag = (fo & 0x3fff) !== 0
    ip.proto = b[p + 9]!
    ip.l4 = p + hl
    ip.end = p + total
    ip.addrOff = p + 12
    ip.ok = true
    return
  }
  if (p + 40 > limit || b[p]! >> 4 !== 6) return
  const end = p + 40 + u16(b, p + 4)
  if (end > limit) return
  let nh = b[p + 6]!
  let q = p + 40
  for (let n = 0; n < 8; n++) {
    if (nh === 0 || nh === 43 || nh === 60) {
      if (q + 8 > end) return
      const elen = (b[q + 1]! + 1) * 8
      if (q + elen > end) return
      if (nh === 43 && b[q + 2] === 2) ip.exadd = true
      if (nh === 60) {
        // walk TLV options for a Home Address option (0xC9)
        let o = q + 2
        while (o < q + elen) {
          const t = b[o]!
          if (t === 0) {
            o++
            continue
          }
          if (t === 0xc9) ip.exadd = true
          o += 2 + b[o + 1]!
        }
      }
      nh = b[q]!
      q += elen
    } else if (nh === 51) {
      if (q + 8 > end) return
      const elen = (b[q + 1]! + 2) * 4
      if (q + elen > end) return
      nh = b[q]!
      q += elen
    } else if (nh === 44) {
      if (q + 8 > end) return
      if ((u16(b, q + 2) & 0xfff9) !== 0) ip.frag = true
      nh = b[q]!
      q += 8
    } else break
  }
  ip.proto = nh
  ip.l4 = q
  ip.end = end
  ip.addrOff = p + 8
  ip.ok = true
}

/** Verify an L4 checksum of the IP layer in `ip` (TCP/UDP/SCTP); true when bad. */
const l4Bad = (b: Uint8Array, proto: number): boolean => {
  const l4 = ip.l4
  const len = ip.end - l4
  if (proto === 132) {
    if (len < 12) return true
    let c = crc32cUpdate(0xffffffff, b, l4, SCTP_CHECKSUM_OFFSET)
    c = crc32cUpdateZeros(c, 4)
    c = crc32cUpdate(c, b, l4 + SCTP_CHECKSUM_OFFSET + 4, len - SCTP_CHECKSUM_OFFSET - 4)
    return ~c >>> 0 !== sctpStoredChecksum(b, l4)
  }
  if (proto === 17) {
    if (len < 8) return true
    if (u16(b, l4 + 6) === 0) return ip.v6 // no checksum sent: fine over IPv4, an error over IPv6
  } else if (len < 20) return true
  const addrLen = ip.v6 ? 32 : 8
  return csumPartial(b, l4, len, pseudoHeaderSum(b, ip.addrOff, addrLen, proto, len)) !== 0xffff
}

const innerOf = (proto: number, v6: boolean): number =>
  proto === 6
    ? LibethInner.TCP
    : proto === 17
      ? LibethInner.UDP
      : proto === 132
        ? LibethInner.SCTP
        : (proto === 1 && !v6) || (proto === 58 && v6)
          ? LibethInner.ICMP
          : LibethInner.NONE

/** Minimum L4 header bytes the parser needs to call an L4 present. */
const l4MinLen = (inner: number): number => (inner === LibethInner.TCP ? 20 : inner === LibethInner.SCTP ? 12 : 8)

/** Set the innermost-layer results (L4 kind, hash input, L4E) from `ip`. */
const finishInnermost = (b: Uint8Array, out: IceParsed): void => {
  out.hashAddrOff = ip.addrOff
  out.hashAddrLen = ip.v6 ? 16 : 4
  out.hashV6 = ip.v6
  if (ip.hdrBad && !ip.v6) out.status0 |= IceStatus0.XSUM_IPE
  if (ip.exadd) out.status0 |= IceStatus0.IPV6EXADD
  if (ip.frag) {
    out.frag = true
    out.inner = LibethInner.NONE
    out.hashFlow = IceRssFlow.OTHER
    return
  }
  let inner = innerOf(ip.proto, ip.v6)
  if (inner !== LibethInner.NONE && ip.end - ip.l4 < l4MinLen(inner)) inner = LibethInner.NONE
  out.inner = inner
  if (inner === LibethInner.TCP || inner === LibethInner.UDP || inner === LibethInner.SCTP) {
    out.hashPortsOff = ip.l4
    out.hashFlow = inner === LibethInner.TCP ? IceRssFlow.TCP : inner === LibethInner.UDP ? IceRssFlow.UDP : IceRssFlow.SCTP
    if (l4Bad(b, ip.proto)) out.status0 |= IceStatus0.XSUM_L4E
  } else out.hashFlow = IceRssFlow.OTHER
}

const ptypeOrL2 = (out: IceParsed): void => {
  const pt = icePtypeOf(out.outerIp, out.frag, out.tunnel, out.tunnelEnd, out.inner)
  out.ptype = pt < 0 ? ICE_PTYPE_MAC_PAY2 : pt
}

/**
 * Parse the frame buf[off .. off+len). `vxlanPorts` lists the UDP destination ports the driver
 * registered as VXLAN (udp_tunnel_nic), `vxlanPortCount` how many are valid.
 */
export const iceParseFrame = (b: Uint8Array, off: number, len: number, vxlanPorts: Uint16Array, vxlanPortCount: number, out: IceParsed): void => {
  out.reset()
  const end = off + len
  if (len < 14) {
    out.status = -1
    return
  }
  let p = off + 12
  let type = u16(b, p)
  p += 2
  while ((type === ETH_P_8021Q || type === ETH_P_8021AD) && out.vlanCount < 2) {
    if (p + 4 > end) {
      out.status = -1
      return
    }
    if (out.vlanCount === 0) {
      out.vlan0Tpid = type
      out.vlan0Tci = u16(b, p)
    } else {
      out.vlan1Tpid = type
      out.vlan1Tci = u16(b, p)
    }
    out.vlanCount++
    type = u16(b, p + 2)
    p += 4
  }
  out.l3Offset = p - off
  if (type !== ETH_P_IP && type !== ETH_P_IPV6) {
    out.ptype = type === ETH_P_ARP ? ICE_PTYPE_MAC_ARP : type === ETH_P_1588 ? ICE_PTYPE_MAC_TIMESYNC : ICE_PTYPE_MAC_PAY2
    return
  }
  const v6 = type === ETH_P_IPV6
  parseIp(b, p, end, v6)
  if (!ip.ok) {
    out.ptype = ICE_PTYPE_MAC_PAY2
    return
  }
  out.outerIp = v6 ? LibethOuterIp.IPV6 : LibethOuterIp.IPV4
  out.status0 |= IceStatus0.L3L4P
  if (ip.frag) {
    finishInnermost(b, out)
    ptypeOrL2(out)
    return
  }
  // tunnel detection on the outer datagram
  const outerProto = ip.proto
  const outerL4 = ip.l4
  const outerEnd = ip.end
  const outerBad = ip.hdrBad && !v6
  const outerExadd = ip.exadd
  const outerAddr = ip.addrOff
  let innerStart = -1
  let innerIsEth = false
  if (outerProto === 4 || outerProto === 41) {
    out.tunnel = LibethTunnel.IP
    innerStart = outerL4
    out.tunnelEnd = outerProto === 4 ? LibethTunnelEnd.IPV4 : LibethTunnelEnd.IPV6
  } else if (outerProto === 47 && outerEnd - outerL4 >= 4) {
    const flags = u16(b, outerL4)
    const gp = u16(b, outerL4 + 2)
    const hl = 4 + ((flags & 0x8000) !== 0 ? 4 : 0) + ((flags & 0x2000) !== 0 ? 4 : 0) + ((flags & 0x1000) !== 0 ? 4 : 0)
    out.tunnel = LibethTunnel.GRENAT
    if (gp === ETH_P_IP || gp === ETH_P_IPV6) {
      innerStart = outerL4 + hl
      out.tunnelEnd = gp === ETH_P_IP ? LibethTunnelEnd.IPV4 : LibethTunnelEnd.IPV6
    } else if (gp === ETH_P_TEB) {
      out.tunnel = LibethTunnel.GRENAT_MAC
      innerStart = outerL4 + hl
      innerIsEth = true
    }
  } else if (outerProto === 17 && outerEnd - outerL4 >= 16) {
    const dport = u16(b, outerL4 + 2)
    for (let i = 0; i < vxlanPortCount; i++) {
      if (vxlanPorts[i] === dport) {
        out.tunnel = LibethTunnel.GRENAT_MAC
        out.status1 |= IceStatus1.NAT
        innerStart = outerL4 + 16
        innerIsEth = true
        if (u16(b, outerL4 + 6) !== 0 && l4Bad(b, 17)) out.status0 |= IceStatus0.XSUM_EUDPE
        break
      }
    }
  }
  if (out.tunnel === LibethTunnel.NONE) {
    finishInnermost(b, out)
    ptypeOrL2(out)
    return
  }
  if (outerBad) out.status0 |= IceStatus0.XSUM_EIPE
  if (outerExadd) out.status0 |= IceStatus0.IPV6EXADD
  // outer addresses hash when there is no tunnel end
  out.hashAddrOff = outerAddr
  out.hashAddrLen = v6 ? 16 : 4
  out.hashV6 = v6
  out.hashFlow = IceRssFlow.OTHER
  if (innerIsEth) {
    let q = innerStart
    if (q + 14 > outerEnd) {
      ptypeOrL2(out)
      return
    }
    let it = u16(b, q + 12)
    q += 14
    if (it === ETH_P_8021Q || it === ETH_P_8021AD) {
      if (q + 4 > outerEnd) {
        ptypeOrL2(out)
        return
      }
      out.tunnel = LibethTunnel.GRENAT_MAC_VLAN
      it = u16(b, q + 2)
      q += 4
    }
    if (it === ETH_P_IP || it === ETH_P_IPV6) {
      out.tunnelEnd = it === ETH_P_IP ? LibethTunnelEnd.IPV4 : LibethTunnelEnd.IPV6
      innerStart = q
    } else innerStart = -1
  }
  if (innerStart >= 0 && out.tunnelEnd !== LibethTunnelEnd.NONE) {
    parseIp(b, innerStart, outerEnd, out.tunnelEnd === LibethTunnelEnd.IPV6)
    if (ip.ok) finishInnermost(b, out)
    else out.tunnelEnd = LibethTunnelEnd.NONE
  }
  if (out.tunnel === LibethTunnel.IP && out.tunnelEnd === LibethTunnelEnd.NONE) {
    // IP-in-IP with a broken inner header: the parser stops at the outer IP (L3 payload)
    out.tunnel = LibethTunnel.NONE
    out.inner = LibethInner.NONE
  }
  ptypeOrL2(out)
}
