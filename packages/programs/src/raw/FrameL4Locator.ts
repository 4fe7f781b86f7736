/**
 * Where a frame's transport checksum lives, found by walking its headers — what a devtx program
 * needs to ask for L4 checksum offload (csum_start = the transport header, csum_offset = the
 * checksum field within it, the CHECKSUM_PARTIAL convention of xsk_tx_metadata.request).
 *
 *   Ethernet (14) [+ 802.1Q / 802.1ad tags, 4 each, up to 2] -> IPv4 (IHL*4, not a fragment)
 *   or IPv6 (40, no extension headers) -> UDP (check @6) / TCP (check @16)
 *
 * `l4Locate` writes the result into a caller-owned L4Location and returns 0, or -1 when the frame
 * has no checksummable transport header (non-IP, a fragment, another protocol, truncated).
 * Per packet: plain byte reads, no allocation.
 */

export class L4Location {
  /** transport header offset from the frame start (csum_start) */
  start = 0
  /** checksum field offset within it (csum_offset): UDP 6, TCP 16 */
  offset = 0
  /** IPPROTO_UDP 17 / IPPROTO_TCP 6 */
  proto = 0
  /** destination port */
  dport = 0
}

const ETH_P_IP = 0x0800
const ETH_P_IPV6 = 0x86dd
const ETH_P_8021Q = 0x8100
const ETH_P_8021AD = 0x88a8
const IPPROTO_TCP = 6
const IPPROTO_UDP = 17

export const l4Locate = (b: Uint8Array, data: number, len: number, out: L4Location): number => {
  const end = data + len
  let p = data + 12
  if (p + 2 > end) return -1
  let type = (b[p]! << 8) | b[p + 1]!
  for (let i = 0; i < 2 && (type === ETH_P_8021Q || type === ETH_P_8021AD); i++) {
    p += 4
    if (p + 2 > end) return -1
    type = (b[p]! << 8) | b[p + 1]!
  }
  p += 2
  let proto: number
  if (type === ETH_P_IP) {
    if (p + 20 > end) return -1
    // MF set or a non-zero fragment offset: no transport header to checksum here
    if ((((b[p + 6]! << 8) | b[p + 7]!) & 0x3fff) !== 0) return -1
    proto = b[p + 9]!
    p += (b[p]! & 0x0f) * 4
  } else if (type === ETH_P_IPV6) {
    if (p + 40 > end) return -1
    proto = b[p + 6]!
    p += 40
  } else return -1
  const off = proto === IPPROTO_UDP ? 6 : proto === IPPROTO_TCP ? 16 : -1
  if (off < 0 || p + off + 2 > end) return -1
  out.start = p - data
  out.offset = off
  out.proto = proto
  out.dport = (b[p + 2]! << 8) | b[p + 3]!
  return 0
}
