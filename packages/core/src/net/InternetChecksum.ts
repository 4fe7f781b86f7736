/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
 * the data taken as big-endian 16-bit words, an odd trailing byte padded with a zero low byte.
 *
 * Vocabulary (as in Linux include/net/checksum.h, but folded to 16 bits everywhere):
 * - a *sum* is a folded ones' complement sum in [0, 0xffff], NOT complemented. This is what a
 *   NIC reports for CHECKSUM_COMPLETE (mlx5 CQE check_sum, ice raw_csum) and what
 *   `csumPartial` returns.
 * - a *checksum* is the value placed in a header field: `csumFinish(sum)` = ~sum & 0xffff.
 * - data verifies when the sum over it (checksum field included, plus the pseudo-header for
 *   TCP/UDP/ICMPv6) is 0xffff.
 *
 * Byte-order independence (RFC 1071 §2(B)): a sum over a block that starts at an odd offset of
 * the whole message must be byte-swapped before it is added: `csumBlockAdd` does that.
 *
 * Pseudo-headers: IPv4 (RFC 793 §3.1 / RFC 768): src(4) dst(4) zero(1) proto(1) length(2);
 * IPv6 (RFC 8200 §8.1): src(16) dst(16) length(4) zero(3) next-header(1). In both IP headers
 * src and dst are adjacent (IPv4 @12..19, IPv6 @8..39), so a pseudo-header sum takes the
 * offset of the source address and the total address length (8 or 32).
 *
 * Per packet: every function here is allocation-free and exception-free; offsets are absolute
 * indices into the given Uint8Array and are the caller's to keep in range.
 */

/** Fold any non-negative sum (< 2^53) to 16 bits with end-around carry. */
export const csumFold = (sum: number): number => {
  let s = sum
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000)
  return s
}

/** Ones' complement sum of buf[off .. off+len), added to the folded sum `initial`. */
export const csumPartial = (buf: Uint8Array, off: number, len: number, initial = 0): number => {
  let sum = initial
  const end = off + len
  const evenEnd = off + (len & ~1)
  let i = off
  while (i < evenEnd) {
    // 16384 words add at most 2^30: stays exact and below 2^32 so `>>> 16` folds correctly.
    const chunkEnd = Math.min(evenEnd, i + 32768)
    for (; i < chunkEnd; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!
    sum = (sum & 0xffff) + (sum >>> 16)
  }
  if (i < end) sum += buf[i]! << 8
  return csumFold(sum)
}

/** Ones' complement addition of two folded sums. */
export const csumAdd = (a: number, b: number): number => {
  const s = a + b
  return (s & 0xffff) + (s >>> 16)
}

/** Ones' complement subtraction (remove the contribution `b` from `a`). */
export const csumSub = (a: number, b: number): number => csumAdd(a, ~b & 0xffff)

/** Swap the two bytes of a 16-bit value. */
export const csumSwab16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff)

/** Add the sum of a block that starts at `blockOffset` of the message (swapped if odd). */
export const csumBlockAdd = (sum: number, blockSum: number, blockOffset: number): number =>
  csumAdd(sum, (blockOffset & 1) === 0 ? blockSum : csumSwab16(blockSum))

/** The header field value for a sum: ~sum & 0xffff. */
export const csumFinish = (sum: number): number => ~sum & 0xffff

/** CSUM_MANGLED_0 (include/net/checksum.h): what stands in a checksum field for a computed 0. */
export const CSUM_MANGLED_0 = 0xffff

/**
 * The field value a CHECKSUM_PARTIAL completion stores: csum_fold(csum) ?: CSUM_MANGLED_0
 * (skb_checksum_help, net/core/dev.c) — a computed 0 goes out as 0xffff, its ones' complement twin
 * (for UDP, 0 would mean "no checksum", RFC 768).
 */
export const csumFinishMangled = (sum: number): number => csumFinish(sum) || CSUM_MANGLED_0

/** IPv4 header checksum to store @10: the checksum over the header with the field as zero. */
export const ipv4HeaderChecksum = (buf: Uint8Array, l3Off: number, headerLen: number): number => {
  const before = csumPartial(buf, l3Off, 10, 0)
  return csumFinish(csumPartial(buf, l3Off + 12, headerLen - 12, before))
}

/** True when the IPv4 header (checksum field included) sums to 0xffff. */
export const ipv4HeaderChecksumValid = (buf: Uint8Array, l3Off: number, headerLen: number): boolean =>
  csumPartial(buf, l3Off, headerLen, 0) === 0xffff

/**
 * Sum of the TCP/UDP/ICMPv6 pseudo-header. `addrOff` is the source address; `addrLen` is 8
 * (IPv4 src+dst) or 32 (IPv6 src+dst); `l4Len` is the upper-layer length in bytes.
 */
export const pseudoHeaderSum = (
  buf: Uint8Array,
  addrOff: number,
  addrLen: number,
  proto: number,
  l4Len: number
): number => {
  const addrs = csumPartial(buf, addrOff, addrLen, 0)
  return csumFold(addrs + proto + (l4Len & 0xffff) + Math.floor(l4Len / 0x10000))
}

/**
 * The checksum to store in an L4 header, computed with the field itself taken as zero.
 * `fieldOff` is the field's offset inside the L4 header (TCP 16, UDP 6, ICMP/ICMPv6 2; all even).
 * `addrLen` 0 means no pseudo-header (ICMPv4). For UDP the caller maps a result of 0 to 0xffff
 * (RFC 768: an all-zero transmitted checksum means "no checksum").
 */
export const l4Checksum = (
  buf: Uint8Array,
  addrOff: number,
  addrLen: number,
  proto: number,
  l4Off: number,
  l4Len: number,
  fieldOff: number
): number => {
  let sum = addrLen === 0 ? 0 : pseudoHeaderSum(buf, addrOff, addrLen, proto, l4Len)
  sum = csumPartial(buf, l4Off, fieldOff, sum)
  sum = csumPartial(buf, l4Off + fieldOff + 2, l4Len - fieldOff - 2, sum)
  return csumFinish(sum)
}

/** True when pseudo-header (if addrLen > 0) + L4 bytes, field included, sum to 0xffff. */
export const l4ChecksumValid = (
  buf: Uint8Array,
  addrOff: number,
  addrLen: number,
  proto: number,
  l4Off: number,
  l4Len: number
): boolean => {
  const pseudo = addrLen === 0 ? 0 : pseudoHeaderSum(buf, addrOff, addrLen, proto, l4Len)
  return csumPartial(buf, l4Off, l4Len, pseudo) === 0xffff
}
