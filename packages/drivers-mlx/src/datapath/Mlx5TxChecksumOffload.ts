/**
 * The ConnectX send-side checksum offload, applied to the bytes about to leave (the wire copy;
 * host memory is never written: the NIC only reads it by DMA). The NIC finds the headers with its
 * own parser — csum_start / csum_offset are not in the WQE at all, which is why
 * mlx5e_xsk_request_checksum (en/xdp.c) ignores them ("HW/FW is doing parsing") — so this model
 * parses the frame (outer 802.1Q / 802.1ad tags, IPv4 options, IPv6 extension headers) with
 * core's FrameParser and:
 *
 *  - cs_flags & MLX5_ETH_WQE_L3_CSUM on an IPv4 packet: recomputes the IPv4 header checksum (@10
 *    of the IP header) over IHL*4 bytes. IPv6 has no header checksum: nothing to do.
 *  - cs_flags & MLX5_ETH_WQE_L4_CSUM on an unfragmented TCP or UDP packet: computes the L4
 *    checksum from scratch (pseudo-header + segment with the field taken as zero) and stores it;
 *    UDP's computed 0 is sent as 0xffff (RFC 768). Whatever the sender seeded in the field (the
 *    stack seeds the pseudo-header sum for CHECKSUM_PARTIAL) does not matter.
 *  - everything else (ARP, ICMP, SCTP — whose CRC32c ConnectX does not offload — IP fragments,
 *    truncated or malformed headers) is sent unchanged. Which of these the silicon touches is not
 *    public; leaving them alone is this model's assumption.
 *
 * Per packet: no allocation (the ParsedFrame is the caller's), no exceptions.
 */
import {
  FragKind,
  ipv4HeaderChecksum,
  L3Kind,
  L4Kind,
  l4Checksum,
  type ParsedFrame,
  ParseOption,
  ParseStatus,
  parseFrame
} from "@devtx/core"
import { Mlx5EthWqeCsum } from "./Mlx5Wqe.js"

const TCP_CSUM_FIELD = 16
const UDP_CSUM_FIELD = 6

/** Which offloads were applied (bit 0 L3, bit 1 L4), for counters and tests. */
export const TxCsumApplied = { L3: 1, L4: 2 } as const

/** Apply cs_flags to buf[off .. off+len). Returns TxCsumApplied bits. */
export const mlx5ApplyTxChecksumOffload = (buf: Uint8Array, off: number, len: number, csFlags: number, p: ParsedFrame): number => {
  if ((csFlags & (Mlx5EthWqeCsum.L3 | Mlx5EthWqeCsum.L4)) === 0) return 0
  const st = parseFrame(buf, off, len, p, ParseOption.None)
  if (st !== ParseStatus.Ok && st !== ParseStatus.Runt) {
    // an IPv4 header that is complete still gets its checksum when only L4 is broken
    if (st !== ParseStatus.TruncatedL4 && st !== ParseStatus.MalformedL4) return 0
  }
  let applied = 0
  if ((csFlags & Mlx5EthWqeCsum.L3) !== 0 && p.l3Kind === L3Kind.IPv4) {
    const l3 = off + p.l3Offset
    const c = ipv4HeaderChecksum(buf, l3, p.l3HeaderLen)
    buf[l3 + 10] = c >>> 8
    buf[l3 + 11] = c & 0xff
    applied |= TxCsumApplied.L3
  }
  if (
    (csFlags & Mlx5EthWqeCsum.L4) !== 0 &&
    (st === ParseStatus.Ok || st === ParseStatus.Runt) &&
    p.fragKind === FragKind.None &&
    (p.l4Kind === L4Kind.TCP || p.l4Kind === L4Kind.UDP)
  ) {
    const l4 = off + p.l4Offset
    const tcp = p.l4Kind === L4Kind.TCP
    const field = tcp ? TCP_CSUM_FIELD : UDP_CSUM_FIELD
    const l4Len = tcp ? p.l4Len : (buf[l4 + 4]! << 8) | buf[l4 + 5]!
    // ParsedFrame.addrLen is one address (4 / 16); the pseudo-header covers src + dst
    let c = l4Checksum(buf, off + p.addrOffset, p.addrLen * 2, p.ipProto, l4, l4Len, field)
    if (!tcp && c === 0) c = 0xffff
    buf[l4 + field] = c >>> 8
    buf[l4 + field + 1] = c & 0xff
    applied |= TxCsumApplied.L4
  }
  return applied
}
