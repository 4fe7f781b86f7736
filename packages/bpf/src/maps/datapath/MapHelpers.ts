/**
 * The map helpers as VmCallFn implementations (ids from enum bpf_func_id, include/uapi/linux/bpf.h,
 * checked against the running kernel's BTF by test/object/MapHelpers.test.ts):
 *
 *   1  void *bpf_map_lookup_elem(map, key)                → VM pointer into the map's value region, or NULL
 *   2  long  bpf_map_update_elem(map, key, value, flags)  → 0 / -errno
 *   3  long  bpf_map_delete_elem(map, key)                → 0 / -errno
 *
 * r1 is the map handle pointer LD_IMM64 BPF_PSEUDO_MAP_FD produced (a MapHandle region whose
 * `map` is a BpfMap); r2/r3 point at key/value bytes in any readable region. The lookup's pointer
 * names the frame's MapValue region over the map's value bytes (found by identity of the bytes, cached). A bad map or a key/value
 * outside its region (what the verifier would have refused) gives NULL / -EFAULT instead of a fault;
 * flags with high bits set (u64 flags > BPF_EXIST) give -EINVAL as the map's update does.
 * Update and delete on a map created with BPF_F_RDONLY_PROG (`.rodata`) give -EACCES and change
 * nothing: the verifier refuses such a call at load with -EACCES ("write into map forbidden",
 * kernel/bpf/verifier.c record_func_map).
 * Negative results are 64-bit: r0's high half is 0xffffffff. No allocation.
 */
import { Errno } from "../../kernel/Errno.js"
import { BpfMapFlag } from "../../object/MapSpec.js"
import { VM_PTR_HI_BASE, type VmCallFn, type VmCallFrame, type VmRegion, VmRegionKind } from "../../vm/VmTypes.js"
import type { BpfMap } from "./BpfMap.js"

export const BPF_FUNC_map_lookup_elem = 1
export const BPF_FUNC_map_update_elem = 2
export const BPF_FUNC_map_delete_elem = 3

const regionAt = (frame: VmCallFrame, hi: number): VmRegion | undefined => frame.regions[(hi >>> 0) - VM_PTR_HI_BASE]

const mapOf = (frame: VmCallFrame, hi: number): BpfMap | undefined => {
  const r = regionAt(frame, hi)
  return r !== undefined && r.kind === VmRegionKind.MapHandle ? (r.map as BpfMap | undefined) : undefined
}

/** the region holding [lo, lo+size) of pointer (hi, lo), or undefined */
const span = (frame: VmCallFrame, hi: number, lo: number, size: number): VmRegion | undefined => {
  const r = regionAt(frame, hi)
  const off = lo >>> 0
  return r !== undefined && r.kind !== VmRegionKind.MapHandle && off >= r.lo && off + size <= r.hi ? r : undefined
}

/** the frame's region over the map's value bytes (the VM may copy the region object; the bytes are shared) */
const valueRegionIndex = (frame: VmCallFrame, map: BpfMap): number => {
  const bytes = map.valueRegion.bytes
  if (frame.regions[map.valueRegionIndex]?.bytes === bytes) return map.valueRegionIndex
  map.valueRegionIndex = -1
  for (let i = 0; i < frame.regions.length; i++) {
    if (frame.regions[i]!.bytes === bytes && frame.regions[i]!.kind === VmRegionKind.MapValue) {
      map.valueRegionIndex = i
      break
    }
  }
  return map.valueRegionIndex
}

/** a negative errno as r0: low half returned, high half 0xffffffff */
const errno = (frame: VmCallFrame, e: number): number => {
  if (e < 0) frame.r0hi = 0xffffffff
  return e >>> 0
}

export const bpfMapLookupElem: VmCallFn = (frame, r1h, _r1l, r2h, r2l) => {
  const map = mapOf(frame, r1h)
  if (map === undefined) return 0
  const key = span(frame, r2h, r2l, map.spec.keySize)
  if (key === undefined) return 0
  const off = map.lookup(key.bytes, r2l >>> 0)
  if (off < 0) return 0
  const idx = valueRegionIndex(frame, map)
  if (idx < 0) return 0
  frame.r0hi = VM_PTR_HI_BASE + idx
  return off
}

export const bpfMapUpdateElem: VmCallFn = (frame, r1h, _r1l, r2h, r2l, r3h, r3l, r4h, r4l) => {
  const map = mapOf(frame, r1h)
  if (map === undefined || r4h !== 0) return errno(frame, -Errno.EINVAL)
  if ((map.spec.mapFlags & BpfMapFlag.RdonlyProg) !== 0) return errno(frame, -Errno.EACCES)
  const key = span(frame, r2h, r2l, map.spec.keySize)
  const value = span(frame, r3h, r3l, map.spec.valueSize)
  if (key === undefined || value === undefined) return errno(frame, -Errno.EFAULT)
  return errno(frame, map.update(key.bytes, r2l >>> 0, value.bytes, r3l >>> 0, r4l | 0))
}

export const bpfMapDeleteElem: VmCallFn = (frame, r1h, _r1l, r2h, r2l) => {
  const map = mapOf(frame, r1h)
  if (map === undefined) return errno(frame, -Errno.EINVAL)
  if ((map.spec.mapFlags & BpfMapFlag.RdonlyProg) !== 0) return errno(frame, -Errno.EACCES)
  const key = span(frame, r2h, r2l, map.spec.keySize)
  if (key === undefined) return errno(frame, -Errno.EFAULT)
  return errno(frame, map.delete(key.bytes, r2l >>> 0))
}

/** helper id → implementation, for a program type's helper table */
export const MAP_HELPERS: ReadonlyMap<number, VmCallFn> = new Map([
  [BPF_FUNC_map_lookup_elem, bpfMapLookupElem],
  [BPF_FUNC_map_update_elem, bpfMapUpdateElem],
  [BPF_FUNC_map_delete_elem, bpfMapDeleteElem]
])
