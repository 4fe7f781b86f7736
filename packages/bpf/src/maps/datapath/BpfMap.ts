/**
 * A BPF map at run time, as the VM's helpers see it. Every map owns two VM regions:
 *
 * - `valueRegion` (VmRegionKind.MapValue): all values of the map, so bpf_map_lookup_elem
 *   returns a VM pointer into it (high half = the region's index in the VM, low half = the
 *   value's byte offset) that the program then reads and writes directly, as with a kernel
 *   map value. `.rodata` maps are not writable by programs (BPF_F_RDONLY_PROG).
 * - `handleRegion` (VmRegionKind.MapHandle): what LD_IMM64 BPF_PSEUDO_MAP_FD loads; carries
 *   the map in `map` for the helpers; not dereferencable.
 *
 * Per-packet operations take (bytes, offset) pairs and return a value offset or a negative
 * errno: no allocation, no exceptions. The region index of the value region is looked up in
 * the caller's VmCallFrame by the identity of its bytes (cached), so whoever builds the VM's
 * region table (Vm.addRegion copies the region record) may place the regions anywhere.
 */
import { type VmRegion, VmRegionKind } from "../../vm/VmTypes.js"
import { BpfMapFlag, type MapSpec } from "../../object/MapSpec.js"

export interface BpfMap {
  readonly spec: MapSpec
  readonly valueRegion: VmRegion
  readonly handleRegion: VmRegion
  /** round_up(value_size, 8): the stride between values (kernel array_map elem_size) */
  readonly elemSize: number
  /** cached index of valueRegion in the last frame that used it (-1: unknown) */
  valueRegionIndex: number
  /**
   * The value's byte offset in valueRegion for the key at keyBytes[keyOff..], or -1 (NULL),
   * as map_lookup_elem from a program (percpu maps: the current CPU's value).
   */
  lookup(keyBytes: Uint8Array, keyOff: number): number
  /** map_update_elem from a program: 0 or -errno */
  update(keyBytes: Uint8Array, keyOff: number, valueBytes: Uint8Array, valueOff: number, flags: number): number
  /** map_delete_elem from a program: 0 or -errno */
  delete(keyBytes: Uint8Array, keyOff: number): number
}

/** A region over `bytes` with the whole buffer valid. */
export const makeRegion = (name: string, kind: VmRegionKind, bytes: Uint8Array, writable: boolean, map?: unknown): VmRegion => ({
  name,
  kind,
  bytes,
  view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  lo: 0,
  hi: bytes.length,
  writable,
  faultReadsZero: false,
  ...(map !== undefined ? { map } : {})
})

/** The two regions of a map: its values and its handle (an 8-byte placeholder the VM never reads). */
export const mapRegions = (spec: MapSpec, values: Uint8Array, map: unknown): { valueRegion: VmRegion; handleRegion: VmRegion } => ({
  valueRegion: makeRegion(`${spec.name} values`, VmRegionKind.MapValue, values, spec.kind !== "rodata" && (spec.mapFlags & BpfMapFlag.RdonlyProg) === 0),
  handleRegion: makeRegion(spec.name, VmRegionKind.MapHandle, new Uint8Array(8), false, map)
})

/** kernel round_up(value_size, 8) */
export const roundUp8 = (n: number): number => (n + 7) & ~7

/** copies n bytes without allocating (no subarray views on the per-packet path) */
export const copyBytes = (src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, n: number): void => {
  for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i]!
}
