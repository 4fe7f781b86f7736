/**
 * The ice/iavf/i40e RX packet-type table: libie_rx_pt_lut[LIBIE_RX_PT_NUM]
 * (drivers/net/ethernet/intel/libie/rx.c), with the entry struct libeth_rx_pt
 * (include/net/libeth/rx.h). LIBIE_RX_PT_NUM = 154 (include/linux/net/intel/libie/rx.h);
 * libie_rx_pt_parse maps every ptype >= 154 to entry 0, which is all-zero.
 *
 * Each entry is kept as the 32-bit word the C bitfield struct occupies on a little-endian
 * host (bitfields allocated from bit 0):
 *
 *   31                16 15 14 13 12 11   9  8   7  6  5    3  2  1  0
 *   +------------------+-----+-----+-------+---+-----+-------+---+-----+
 *   |    hash_type     | pad |payld| inner |tef| tep | tunnel|ofr|oip  |
 *   +------------------+-----+-----+-------+---+-----+-------+---+-----+
 *   oip  outer_ip        LIBETH_RX_PT_OUTER_{L2 0, IPV4 1, IPV6 2}
 *   ofr  outer_frag      LIBETH_RX_PT_{NOT_FRAG 0, FRAG 1}
 *   tunnel tunnel_type   LIBETH_RX_PT_TUNNEL_IP_{NONE 0, IP 1, GRENAT 2, GRENAT_MAC 3, GRENAT_MAC_VLAN 4}
 *   tep  tunnel_end_prot LIBETH_RX_PT_TUNNEL_END_{NONE 0, IPV4 1, IPV6 2}
 *   tef  tunnel_end_frag
 *   inner inner_prot     LIBETH_RX_PT_INNER_{NONE 0, UDP 1, TCP 2, SCTP 3, ICMP 4, TIMESYNC 5}
 *   payld payload_layer  LIBETH_RX_PT_PAYLOAD_{NONE, L2, L3, L4} = PKT_HASH_TYPE_{NONE 0, L2 1, L3 2, L4 3}
 *   hash_type            enum xdp_rss_hash_type, precomputed by the LIBIE_RX_PT macro as
 *                        XDP_RSS_L3_<outer ip> | XDP_RSS_L4_<inner prot> | XDP_RSS_TYPE_<payload>:
 *                        the L3 bits name the OUTER IP version, the L4 bits the INNERMOST protocol
 *                        (L2 -> 0, NONE/TIMESYNC -> 0, TYPE_L2/L3 -> 0, TYPE_L4 -> XDP_RSS_L4).
 *
 * Layout of the table (rx.c, macro by macro):
 *   0..11    L2: 1, 3, 6, 7, 10 = LIBIE_RX_PT_L2; 2 = LIBIE_RX_PT_TS (timesync); others unused
 *   12..21   LIBIE_RX_PT_L3 (outer L2, payload L3)
 *   22..87   LIBIE_RX_PT_IP(4), 88..153 LIBIE_RX_PT_IP(6), each 66 entries:
 *            +0  RAW: FRAG, then NOF = { L3, UDP, unused, TCP, SCTP, ICMP }         (7)
 *            +7  IP-in-IP      -> IPv4 { tunnel-end FRAG, NOF... } (7), -> IPv6 (7)  (14)
 *            +21 GRE/NAT       { no inner IP (L3) }, -> IPv4 (7), -> IPv6 (7)         (15)
 *            +36 GRE/NAT+MAC   same                                                  (15)
 *            +51 GRE/NAT+MAC+VLAN same                                               (15)
 *
 * Configuration-time data: built once at module load; per packet it is one typed-array read.
 */

/** LIBIE_RX_PT_NUM (include/linux/net/intel/libie/rx.h) */
export const LIBIE_RX_PT_NUM = 154

export const LibethOuterIp = { L2: 0, IPV4: 1, IPV6: 2 } as const
export const LibethTunnel = { NONE: 0, IP: 1, GRENAT: 2, GRENAT_MAC: 3, GRENAT_MAC_VLAN: 4 } as const
export const LibethTunnelEnd = { NONE: 0, IPV4: 1, IPV6: 2 } as const
export const LibethInner = { NONE: 0, UDP: 1, TCP: 2, SCTP: 3, ICMP: 4, TIMESYNC: 5 } as const
/** = enum pkt_hash_types (include/linux/skbuff.h) */
export const LibethPayload = { NONE: 0, L2: 1, L3: 2, L4: 3 } as const

// enum xdp_rss_hash_type bits (include/net/xdp.h)
const XDP_RSS_L3_IPV4 = 0x1
const XDP_RSS_L3_IPV6 = 0x2
const XDP_RSS_L4 = 0x8
const XDP_RSS_L4_TCP = 0x10
const XDP_RSS_L4_UDP = 0x20
const XDP_RSS_L4_SCTP = 0x40
const XDP_RSS_L4_ICMP = 0x100

const l3Bits = (oip: number): number => (oip === LibethOuterIp.IPV4 ? XDP_RSS_L3_IPV4 : oip === LibethOuterIp.IPV6 ? XDP_RSS_L3_IPV6 : 0)
const l4Bits = (inner: number): number =>
  inner === LibethInner.UDP
    ? XDP_RSS_L4_UDP
    : inner === LibethInner.TCP
      ? XDP_RSS_L4_TCP
      : inner === LibethInner.SCTP
        ? XDP_RSS_L4_SCTP
        : inner === LibethInner.ICMP
          ? XDP_RSS_L4_ICMP
          : 0

/** The LIBIE_RX_PT(oip, ofrag, tun, tp, tefr, iprot, pl) macro as a packed word. */
export const packLibethRxPt = (oip: number, ofrag: number, tun: number, tp: number, tefr: number, iprot: number, pl: number): number => {
  const hashType = l3Bits(oip) | l4Bits(iprot) | (pl === LibethPayload.L4 ? XDP_RSS_L4 : 0)
  return (
    ((oip & 3) | ((ofrag & 1) << 2) | ((tun & 7) << 3) | ((tp & 3) << 6) | ((tefr & 1) << 8) | ((iprot & 7) << 9) | ((pl & 3) << 12) | (hashType << 16)) >>>
    0
  )
}

const buildLut = (): Uint32Array => {
  const t: number[] = []
  const UNUSED = 0
  const L2 = packLibethRxPt(0, 0, 0, 0, 0, LibethInner.NONE, LibethPayload.L2)
  const TS = packLibethRxPt(0, 0, 0, 0, 0, LibethInner.TIMESYNC, LibethPayload.L2)
  const L3 = packLibethRxPt(0, 0, 0, 0, 0, LibethInner.NONE, LibethPayload.L3)
  t.push(UNUSED, L2, TS, L2, UNUSED, UNUSED, L2, L2, UNUSED, UNUSED, L2, UNUSED)
  for (let i = 0; i < 10; i++) t.push(L3)
  const ipL3 = (oip: number, tun: number, tp: number, tefr: number) => packLibethRxPt(oip, 0, tun, tp, tefr, LibethInner.NONE, LibethPayload.L3)
  const ipL4 = (oip: number, tun: number, tp: number, iprot: number) => packLibethRxPt(oip, 0, tun, tp, 0, iprot, LibethPayload.L4)
  const nof = (oip: number, tun: number, ver: number) => {
    t.push(ipL3(oip, tun, ver, 0), ipL4(oip, tun, ver, LibethInner.UDP), UNUSED)
    t.push(ipL4(oip, tun, ver, LibethInner.TCP), ipL4(oip, tun, ver, LibethInner.SCTP), ipL4(oip, tun, ver, LibethInner.ICMP))
  }
  const tunVer = (oip: number, tun: number, ver: number) => {
    t.push(ipL3(oip, tun, ver, 1))
    nof(oip, tun, ver)
  }
  const tunBoth = (oip: number, tun: number) => {
    tunVer(oip, tun, LibethTunnelEnd.IPV4)
    tunVer(oip, tun, LibethTunnelEnd.IPV6)
  }
  const gre = (oip: number, tun: number) => {
    t.push(ipL3(oip, tun, LibethTunnelEnd.NONE, 0))
    tunBoth(oip, tun)
  }
  for (const oip of [LibethOuterIp.IPV4, LibethOuterIp.IPV6]) {
    t.push(packLibethRxPt(oip, 1, 0, 0, 0, LibethInner.NONE, LibethPayload.L3)) // LIBIE_RX_PT_IP_FRAG
    nof(oip, LibethTunnel.NONE, LibethTunnelEnd.NONE)
    tunBoth(oip, LibethTunnel.IP)
    gre(oip, LibethTunnel.GRENAT)
    gre(oip, LibethTunnel.GRENAT_MAC)
    gre(oip, LibethTunnel.GRENAT_MAC_VLAN)
  }
  return Uint32Array.from(t)
}

/** libie_rx_pt_lut, packed; length LIBIE_RX_PT_NUM */
export const LIBIE_RX_PT_LUT: Readonly<Uint32Array> = buildLut()

/** libie_rx_pt_parse: the packed entry of a 10-bit ptype (>= LIBIE_RX_PT_NUM -> entry 0) */
export const libieRxPtParse = (ptype: number): number => LIBIE_RX_PT_LUT[ptype < LIBIE_RX_PT_NUM ? ptype : 0]!

export const ptOuterIp = (pt: number): number => pt & 3
export const ptOuterFrag = (pt: number): number => (pt >>> 2) & 1
export const ptTunnelType = (pt: number): number => (pt >>> 3) & 7
export const ptTunnelEndProt = (pt: number): number => (pt >>> 6) & 3
export const ptTunnelEndFrag = (pt: number): number => (pt >>> 8) & 1
export const ptInnerProt = (pt: number): number => (pt >>> 9) & 7
export const ptPayloadLayer = (pt: number): number => (pt >>> 12) & 3
export const ptHashType = (pt: number): number => pt >>> 16

/**
 * The hardware ptype number of a parse result, the inverse of the table's layout: what the
 * hardware model writes into the descriptor. `inner` is a LibethInner value (NONE for an L3
 * payload), `frag` marks a fragmented outer datagram (no tunnel) or a fragmented tunnel end.
 * Returns -1 for combinations the table has no entry for.
 */
export const icePtypeOf = (outerIp: number, frag: boolean, tunnel: number, tunnelEnd: number, inner: number): number => {
  if (outerIp === LibethOuterIp.L2) return -1
  const base = outerIp === LibethOuterIp.IPV4 ? 22 : 88
  // offset of the 6-slot NOF block for an inner protocol: L3, UDP, (unused), TCP, SCTP, ICMP
  const nofSlot = (p: number): number =>
    p === LibethInner.NONE ? 0 : p === LibethInner.UDP ? 1 : p === LibethInner.TCP ? 3 : p === LibethInner.SCTP ? 4 : p === LibethInner.ICMP ? 5 : -1
  if (tunnel === LibethTunnel.NONE) {
    if (frag) return base
    const s = nofSlot(inner)
    return s < 0 ? -1 : base + 1 + s
  }
  let tunBase: number
  if (tunnel === LibethTunnel.IP) tunBase = base + 7
  else if (tunnel === LibethTunnel.GRENAT) tunBase = base + 22
  else if (tunnel === LibethTunnel.GRENAT_MAC) tunBase = base + 37
  else if (tunnel === LibethTunnel.GRENAT_MAC_VLAN) tunBase = base + 52
  else return -1
  if (tunnelEnd === LibethTunnelEnd.NONE) return tunnel === LibethTunnel.IP ? -1 : tunBase - 1
  const verBase = tunnelEnd === LibethTunnelEnd.IPV4 ? tunBase : tunBase + 7
  if (frag) return verBase
  const s = nofSlot(inner)
  return s < 0 ? -1 : verBase + 1 + s
}
