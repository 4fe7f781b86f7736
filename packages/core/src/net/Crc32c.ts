/**
 * CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78), table-driven, as used by
 * SCTP (RFC 3309, RFC 4960 §6.8 and Appendix B) and iSCSI (RFC 3720 §12.1).
 *
 * - `crc32cUpdate(crc, buf, off, len)` advances the raw (reflected) CRC register; no pre- or
 *   post-inversion. Chains across buffers.
 * - `crc32c(buf, off, len)` = ~crc32cUpdate(0xffffffff, ...) >>> 0: the standard CRC-32C value
 *   (RFC 3720 B.4: 32 zero bytes -> 0x8a9136aa, shown there as bytes aa 36 91 8a).
 * - SCTP: the checksum is computed over the whole SCTP packet (common header + chunks) with the
 *   4-byte checksum field @8 taken as zero, and stored least-significant byte first: Linux
 *   include/net/sctp/checksum.h `sctp_compute_cksum` returns `cpu_to_le32(~crc)`, and RFC 4960
 *   Appendix B's sample code byte-swaps before its final htonl.
 *
 * Per packet: no allocation, no exceptions. The table is built once at module load.
 */

/** CRC-32C polynomial, bit-reflected (the form the byte-wise LSB-first algorithm uses). */
export const CRC32C_POLY_REFLECTED = 0x82f63b78

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32C_POLY_REFLECTED : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** Advance the raw CRC register over buf[off .. off+len). Returns a u32. */
export const crc32cUpdate = (crc: number, buf: Uint8Array, off: number, len: number): number => {
  let c = crc >>> 0
  const end = off + len
  for (let i = off; i < end; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8)
  return c >>> 0
}

/** Advance the raw CRC register over `count` zero bytes. */
export const crc32cUpdateZeros = (crc: number, count: number): number => {
  let c = crc >>> 0
  for (let i = 0; i < count; i++) c = TABLE[c & 0xff]! ^ (c >>> 8)
  return c >>> 0
}

/** The CRC-32C of buf[off .. off+len) (initial ~0, final inversion). */
export const crc32c = (buf: Uint8Array, off: number, len: number): number =>
  ~crc32cUpdate(0xffffffff, buf, off, len) >>> 0

/** Offset of the checksum inside the SCTP common header (RFC 4960 §3.1). */
export const SCTP_CHECKSUM_OFFSET = 8

/** The SCTP checksum (u32) of the SCTP packet at l4Off, with the checksum field taken as 0. */
export const sctpChecksum = (buf: Uint8Array, l4Off: number, l4Len: number): number => {
  let c = crc32cUpdate(0xffffffff, buf, l4Off, SCTP_CHECKSUM_OFFSET)
  c = crc32cUpdateZeros(c, 4)
  c = crc32cUpdate(c, buf, l4Off + SCTP_CHECKSUM_OFFSET + 4, l4Len - SCTP_CHECKSUM_OFFSET - 4)
  return ~c >>> 0
}

/** Read the stored SCTP checksum (little-endian u32 @8). */
export const sctpStoredChecksum = (buf: Uint8Array, l4Off: number): number => {
  const o = l4Off + SCTP_CHECKSUM_OFFSET
  return (buf[o]! | (buf[o + 1]! << 8) | (buf[o + 2]! << 16) | (buf[o + 3]! << 24)) >>> 0
}

/** Store an SCTP checksum value little-endian @8. */
export const sctpStoreChecksum = (buf: Uint8Array, l4Off: number, crc: number): void => {
  const o = l4Off + SCTP_CHECKSUM_OFFSET
  buf[o] = crc & 0xff
  buf[o + 1] = (crc >>> 8) & 0xff
  buf[o + 2] = (crc >>> 16) & 0xff
  buf[o + 3] = (crc >>> 24) & 0xff
}

/** True when the stored SCTP checksum matches the computed one. Needs l4Len >= 12. */
export const sctpChecksumValid = (buf: Uint8Array, l4Off: number, l4Len: number): boolean =>
  sctpChecksum(buf, l4Off, l4Len) === sctpStoredChecksum(buf, l4Off)
