/**
 * Toke Høiland-Jørgensen's metadata-field registry (reply in the xdp_rx_meta RFC thread, Sep 2024,
 * lore:cover.1726935917.git.lorenzo@kernel.org), per-packet side. NOT IN MAINLINE; a sketch that
 * devtx builds. The kernel keeps a global registry of entries {id, u8 size, u8 offset, u8 bit}
 * (MetaRegistry.ts owns it; its RegistryTable is what this file reads); each frame carries
 *
 *   at +0      +1            +2
 *      | sz u8 | fields_set u8 | data[sz] ...
 *
 * where `sz` is the registry's total size when the frame was initialised and bit `b` of
 * fields_set says the field with bit b was set on this packet (u8 bitmap: 8 fields at most).
 * API: set/get(pkt, id, &val, size) -> 0 or
 *   -ENOENT  unknown id (or, for get, the field was not set on this packet)
 *   -EINVAL  size differs from the registered size
 *   -EFAULT  the frame was initialised before the field was registered (sz < offset + size)
 * checked in that order. The ids the kernel predefines (hash, vlan, timestamp) use the same
 * functions internally (the skb builder reads them).
 */
import { Errno } from "../../kernel/Errno.js"

/** the sketch's per-frame header: u8 sz, u8 fields_set */
export const REGISTRY_AREA_HDR = 2
/** u8 fields_set: at most 8 fields */
export const REGISTRY_MAX_FIELDS = 8
/** MAX_METADATA_SIZE: the sketch names the constant, not a value; devtx's choice (fits u8 offsets) */
export const REGISTRY_MAX_METADATA_SIZE = 64

/** The registry as the data path sees it: one slot per id, preallocated typed arrays. */
export class RegistryTable {
  readonly live = new Uint8Array(REGISTRY_MAX_FIELDS)
  readonly size = new Uint8Array(REGISTRY_MAX_FIELDS)
  readonly offset = new Uint8Array(REGISTRY_MAX_FIELDS)
  readonly bit = new Uint8Array(REGISTRY_MAX_FIELDS)
  /** bytes a newly initialised frame reserves: max(offset + size) over live entries */
  totalSize = 0
  /** 1 when ids 0..2 are the kernel-predefined HASH, VLAN, TIMESTAMP fields */
  predefined = 0
}

/** Kernel-predefined ids and their sizes: HASH {u32 val, u32 type}, VLAN {__be16 proto, u16 tci}, TIMESTAMP u64 LE */
export const RegistryFieldId = { HASH: 0, VLAN: 1, TIMESTAMP: 2 } as const
export const RegistryFieldSize = { HASH: 8, VLAN: 4, TIMESTAMP: 8 } as const

/** Initialise the area of a new frame (xdp_prepare_buff in the sketch): sz = current total, nothing set. */
export const registryFrameInit = (bytes: Uint8Array, at: number, t: RegistryTable): void => {
  bytes[at] = t.totalSize
  bytes[at + 1] = 0
}

const check = (bytes: Uint8Array, at: number, t: RegistryTable, id: number, size: number): number => {
  if (!(id >= 0 && id < REGISTRY_MAX_FIELDS) || (id | 0) !== id || t.live[id] === 0) return -Errno.ENOENT
  if (size !== t.size[id]) return -Errno.EINVAL
  if (t.offset[id]! + size > bytes[at]!) return -Errno.EFAULT
  return 0
}

/** bpf_set_packet_metadata_field(pkt, id, &val, sz) */
export const registrySet = (
  bytes: Uint8Array,
  at: number,
  t: RegistryTable,
  id: number,
  src: Uint8Array,
  srcOff: number,
  size: number
): number => {
  const rc = check(bytes, at, t, id, size)
  if (rc !== 0) return rc
  const p = at + REGISTRY_AREA_HDR + t.offset[id]!
  for (let i = 0; i < size; i++) bytes[p + i] = src[srcOff + i]!
  bytes[at + 1] = bytes[at + 1]! | (1 << t.bit[id]!)
  return 0
}

/** bpf_get_packet_metadata_field(pkt, id, &val, sz) */
export const registryGet = (
  bytes: Uint8Array,
  at: number,
  t: RegistryTable,
  id: number,
  dst: Uint8Array,
  dstOff: number,
  size: number
): number => {
  const rc = check(bytes, at, t, id, size)
  if (rc !== 0) return rc
  if ((bytes[at + 1]! & (1 << t.bit[id]!)) === 0) return -Errno.ENOENT
  const p = at + REGISTRY_AREA_HDR + t.offset[id]!
  for (let i = 0; i < size; i++) dst[dstOff + i] = bytes[p + i]!
  return 0
}
