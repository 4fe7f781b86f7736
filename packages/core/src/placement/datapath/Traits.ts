/**
 * Traits — Arthur Fabre's per-packet KV store (Cloudflare; RFC v1 5 Mar 2025, RFC v2 22 Apr 2025,
 * include/net/trait.h of the series). NOT IN MAINLINE. 64 keys (0-63); a fixed 16-byte header of
 * two u64 bitmaps; each key's 2-bit size code is split across them (high bit in `high`, low bit in
 * `low`, bit position = key); values follow the header sorted by key, so a value's offset is the
 * header size plus the sizes of all smaller keys — popcounts over the masked bitmaps.
 *
 *   traits +0                +8                +16
 *          | high (u64 LE)   | low (u64 LE)    | value(key a) | value(key b) | ...  (a < b)
 *          | hi32:lo32 halves| hi32:lo32 halves|
 *
 *   size codes   00 unset | 01 | 10 | 11
 *   v1 (RFC v1)         -   2 B  4 B  8 B
 *   v2 (RFC v2)         -   0 B  4 B  8 B   (0 = flag-only key)
 *
 * Return codes (trait.h): set 0 | -EINVAL (key >= 64 or length not valid for the variant) |
 * -EBUSY (key already set with another length) | -ENOSPC (would grow past hard_end); get: the
 * value length (>= 0) | -EINVAL | -ENOENT (not set) | -ENOSPC (destination smaller than the value);
 * del 0 | -EINVAL | -ENOENT; init 0 | -ENOMEM (no room for the header). Insertion and deletion
 * memmove the following values (O(n)); lookup is O(1).
 *
 * The u64 bitmaps are handled as u32 halves (no BigInt on the per-packet path). Keys are plain
 * numbers; `hardEnd` is an absolute address the store may not reach (the XDP data_meta).
 */
import { Errno } from "../../kernel/Errno.js"
import { popcount32 } from "./Popcount.js"

export const TRAIT_HDR_SIZE = 16
export const TRAIT_MAX_KEYS = 64
/** RFC v1 sizes 2/4/8, RFC v2 sizes 0/4/8 */
export const TraitsVariant = { V1: 1, V2: 2 } as const

const HIGH = 0
const LOW = 8

/** size code of a valid length, or 0 when the length is not valid for the variant */
const codeOf = (variant: number, len: number): number =>
  len === 8 ? 3 : len === 4 ? 2 : variant === TraitsVariant.V1 ? (len === 2 ? 1 : 0) : len === 0 ? 1 : 0

/** Total value length of a (masked) header given as four u32 halves. */
const lengthOf = (variant: number, hHi: number, hLo: number, lHi: number, lLo: number): number => {
  const both = popcount32(hHi & lHi) + popcount32(hLo & lLo)
  if (variant === TraitsVariant.V2) return 4 * (popcount32(hHi) + popcount32(hLo)) + 4 * both
  const highOnly = popcount32(hHi & ~lHi) + popcount32(hLo & ~lLo)
  const lowOnly = popcount32(lHi & ~hHi) + popcount32(lLo & ~hLo)
  return 2 * lowOnly + 4 * highOnly + 8 * both
}

/** mask of keys below `key` as (hi32, lo32) halves */
const maskLo = (key: number): number => (key >= 32 ? 0xffffffff : key === 0 ? 0 : (0xffffffff >>> (32 - key)))
const maskHi = (key: number): number => (key <= 32 ? 0 : (0xffffffff >>> (64 - key)))

/** traits_size: header + all values. */
export const traitsSize = (v: DataView, at: number, variant: number): number =>
  TRAIT_HDR_SIZE +
  lengthOf(variant, v.getUint32(at + HIGH + 4, true), v.getUint32(at + HIGH, true), v.getUint32(at + LOW + 4, true), v.getUint32(at + LOW, true))

/** traits_init */
export const traitsInit = (bytes: Uint8Array, at: number, hardEnd: number): number => {
  if (at + TRAIT_HDR_SIZE > hardEnd) return -Errno.ENOMEM
  bytes.fill(0, at, at + TRAIT_HDR_SIZE)
  return 0
}

/** 1 when `key` is set, 0 when not, -EINVAL for a bad key (trait_is_set). */
export const traitIsSet = (v: DataView, at: number, key: number): number => {
  if (!(key >= 0 && key < TRAIT_MAX_KEYS) || (key | 0) !== key) return -Errno.EINVAL
  const word = key >= 32 ? 4 : 0
  const bit = 1 << (key & 31)
  return ((v.getUint32(at + HIGH + word, true) | v.getUint32(at + LOW + word, true)) & bit) !== 0 ? 1 : 0
}

/** trait_set: copy `len` bytes from src[srcOff..] as the value of `key`. */
export const traitSet = (
  bytes: Uint8Array,
  v: DataView,
  at: number,
  hardEnd: number,
  variant: number,
  key: number,
  src: Uint8Array,
  srcOff: number,
  len: number
): number => {
  if (!(key >= 0 && key < TRAIT_MAX_KEYS) || (key | 0) !== key) return -Errno.EINVAL
  const code = codeOf(variant, len)
  if (code === 0) return -Errno.EINVAL
  const hHi = v.getUint32(at + HIGH + 4, true)
  const hLo = v.getUint32(at + HIGH, true)
  const lHi = v.getUint32(at + LOW + 4, true)
  const lLo = v.getUint32(at + LOW, true)
  const mHi = maskHi(key)
  const mLo = maskLo(key)
  const off = at + TRAIT_HDR_SIZE + lengthOf(variant, hHi & mHi, hLo & mLo, lHi & mHi, lLo & mLo)
  const kHi = key >= 32 ? (1 << (key - 32)) >>> 0 : 0
  const kLo = key < 32 ? (1 << key) >>> 0 : 0
  const isSet = ((hHi | lHi) & kHi) !== 0 || ((hLo | lLo) & kLo) !== 0
  if (isSet) {
    if (lengthOf(variant, hHi & kHi, hLo & kLo, lHi & kHi, lLo & kLo) !== len) return -Errno.EBUSY
  } else {
    const end = at + TRAIT_HDR_SIZE + lengthOf(variant, hHi, hLo, lHi, lLo)
    if (end + len > hardEnd) return -Errno.ENOSPC
    if (end > off) bytes.copyWithin(off + len, off, end)
  }
  for (let i = 0; i < len; i++) bytes[off + i] = src[srcOff + i]!
  const hb = code >>> 1
  const lb = code & 1
  if (hb !== 0) {
    v.setUint32(at + HIGH + 4, (hHi | kHi) >>> 0, true)
    v.setUint32(at + HIGH, (hLo | kLo) >>> 0, true)
  }
  if (lb !== 0) {
    v.setUint32(at + LOW + 4, (lHi | kHi) >>> 0, true)
    v.setUint32(at + LOW, (lLo | kLo) >>> 0, true)
  }
  return 0
}

/** trait_get: the value length, the value copied to dst[dstOff..]; or -errno. */
export const traitGet = (
  bytes: Uint8Array,
  v: DataView,
  at: number,
  variant: number,
  key: number,
  dst: Uint8Array,
  dstOff: number,
  dstLen: number
): number => {
  if (!(key >= 0 && key < TRAIT_MAX_KEYS) || (key | 0) !== key) return -Errno.EINVAL
  const hHi = v.getUint32(at + HIGH + 4, true)
  const hLo = v.getUint32(at + HIGH, true)
  const lHi = v.getUint32(at + LOW + 4, true)
  const lLo = v.getUint32(at + LOW, true)
  const kHi = key >= 32 ? (1 << (key - 32)) >>> 0 : 0
  const kLo = key < 32 ? (1 << key) >>> 0 : 0
  if (((hHi | lHi) & kHi) === 0 && ((hLo | lLo) & kLo) === 0) return -Errno.ENOENT
  const mHi = maskHi(key)
  const mLo = maskLo(key)
  const off = at + TRAIT_HDR_SIZE + lengthOf(variant, hHi & mHi, hLo & mLo, lHi & mHi, lLo & mLo)
  const len = lengthOf(variant, hHi & kHi, hLo & kLo, lHi & kHi, lLo & kLo)
  if (len > dstLen) return -Errno.ENOSPC
  for (let i = 0; i < len; i++) dst[dstOff + i] = bytes[off + i]!
  return len
}

/** trait_del: remove `key`, closing the gap (memmove). */
export const traitDel = (bytes: Uint8Array, v: DataView, at: number, variant: number, key: number): number => {
  if (!(key >= 0 && key < TRAIT_MAX_KEYS) || (key | 0) !== key) return -Errno.EINVAL
  const hHi = v.getUint32(at + HIGH + 4, true)
  const hLo = v.getUint32(at + HIGH, true)
  const lHi = v.getUint32(at + LOW + 4, true)
  const lLo = v.getUint32(at + LOW, true)
  const kHi = key >= 32 ? (1 << (key - 32)) >>> 0 : 0
  const kLo = key < 32 ? (1 << key) >>> 0 : 0
  if (((hHi | lHi) & kHi) === 0 && ((hLo | lLo) & kLo) === 0) return -Errno.ENOENT
  const mHi = maskHi(key)
  const mLo = maskLo(key)
  const off = at + TRAIT_HDR_SIZE + lengthOf(variant, hHi & mHi, hLo & mLo, lHi & mHi, lLo & mLo)
  const len = lengthOf(variant, hHi & kHi, hLo & kLo, lHi & kHi, lLo & kLo)
  const end = at + TRAIT_HDR_SIZE + lengthOf(variant, hHi, hLo, lHi, lLo)
  if (end > off + len) bytes.copyWithin(off, off + len, end)
  v.setUint32(at + HIGH + 4, (hHi & ~kHi) >>> 0, true)
  v.setUint32(at + HIGH, (hLo & ~kLo) >>> 0, true)
  v.setUint32(at + LOW + 4, (lHi & ~kHi) >>> 0, true)
  v.setUint32(at + LOW, (lLo & ~kLo) >>> 0, true)
  return 0
}
