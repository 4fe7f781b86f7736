/**
 * A type-length-value area: the point of comparison the registry and traits designs are argued
 * against (LPC 2024 room: "TLV was disliked (parsing cost, complexity)"; Toke: deregistration is
 * "the one place TLV is better" — a TLV area has no layout to fall out of sync with, and deleting
 * compacts it, so it has no holes). devtx's encoding, a fixed-capacity region:
 *
 *   at +0        +2                                   used+2          capacity
 *      | used u16 | t u8 | l u8 | value[l] | t | l | value | ... free ... |
 *
 * type 0 is reserved (invalid); l is 0..255. get/set/del walk the records from the start (the
 * parse cost: O(records) per access, with a bounds check per record). A set of an existing type
 * with the same length overwrites in place; with another length the old record is removed
 * (compacting memmove) and the new one appended. Return codes: set 0 | -EINVAL (type 0 or > 255,
 * len > 255) | -ENOSPC; get: value length | -EINVAL | -ENOENT | -ENOSPC (destination too small);
 * del 0 | -EINVAL | -ENOENT. A corrupt `used` or a record running past it makes the walk stop
 * with -EFAULT, never read outside the region.
 */
import { Errno } from "../../kernel/Errno.js"

export const TLV_HDR_SIZE = 2
export const TLV_REC_HDR = 2

export const tlvInit = (v: DataView, at: number): void => {
  v.setUint16(at, 0, true)
}

/** bytes used by records (excluding the u16 header) */
export const tlvUsed = (v: DataView, at: number): number => v.getUint16(at, true)

/**
 * Offset (absolute) of the record of `type`, -ENOENT when absent, -EFAULT when the area is
 * corrupt (a record crossing `used`, or `used` past the capacity).
 */
export const tlvFind = (bytes: Uint8Array, v: DataView, at: number, capacity: number, type: number): number => {
  const used = v.getUint16(at, true)
  if (used > capacity - TLV_HDR_SIZE) return -Errno.EFAULT
  const end = at + TLV_HDR_SIZE + used
  let p = at + TLV_HDR_SIZE
  while (p < end) {
    if (p + TLV_REC_HDR > end) return -Errno.EFAULT
    const l = bytes[p + 1]!
    if (p + TLV_REC_HDR + l > end) return -Errno.EFAULT
    if (bytes[p] === type) return p
    p += TLV_REC_HDR + l
  }
  return -Errno.ENOENT
}

export const tlvGet = (
  bytes: Uint8Array,
  v: DataView,
  at: number,
  capacity: number,
  type: number,
  dst: Uint8Array,
  dstOff: number,
  dstLen: number
): number => {
  if (type <= 0 || type > 255) return -Errno.EINVAL
  const p = tlvFind(bytes, v, at, capacity, type)
  if (p < 0) return p
  const l = bytes[p + 1]!
  if (l > dstLen) return -Errno.ENOSPC
  for (let i = 0; i < l; i++) dst[dstOff + i] = bytes[p + TLV_REC_HDR + i]!
  return l
}

export const tlvDel = (bytes: Uint8Array, v: DataView, at: number, capacity: number, type: number): number => {
  if (type <= 0 || type > 255) return -Errno.EINVAL
  const p = tlvFind(bytes, v, at, capacity, type)
  if (p < 0) return p
  const used = v.getUint16(at, true)
  const end = at + TLV_HDR_SIZE + used
  const rec = TLV_REC_HDR + bytes[p + 1]!
  bytes.copyWithin(p, p + rec, end)
  v.setUint16(at, used - rec, true)
  return 0
}

export const tlvSet = (
  bytes: Uint8Array,
  v: DataView,
  at: number,
  capacity: number,
  type: number,
  src: Uint8Array,
  srcOff: number,
  len: number
): number => {
  if (type <= 0 || type > 255 || len < 0 || len > 255) return -Errno.EINVAL
  const p = tlvFind(bytes, v, at, capacity, type)
  if (p === -Errno.EFAULT) return p
  if (p >= 0 && bytes[p + 1] === len) {
    for (let i = 0; i < len; i++) bytes[p + TLV_REC_HDR + i] = src[srcOff + i]!
    return 0
  }
  const used = v.getUint16(at, true)
  const old = p >= 0 ? TLV_REC_HDR + bytes[p + 1]! : 0
  if (TLV_HDR_SIZE + used - old + TLV_REC_HDR + len > capacity) return -Errno.ENOSPC
  if (p >= 0) tlvDel(bytes, v, at, capacity, type)
  const u = v.getUint16(at, true)
  const q = at + TLV_HDR_SIZE + u
  bytes[q] = type
  bytes[q + 1] = len
  for (let i = 0; i < len; i++) bytes[q + TLV_REC_HDR + i] = src[srcOff + i]!
  v.setUint16(at, u + TLV_REC_HDR + len, true)
  return 0
}
