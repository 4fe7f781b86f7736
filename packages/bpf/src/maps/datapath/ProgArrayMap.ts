/**
 * BPF_MAP_TYPE_PROG_ARRAY (kernel/bpf/arraymap.c prog_array_map_ops): max_entries slots, each
 * empty or holding a compiled-program handle for bpf_tail_call. Programs cannot read or write
 * it through the map helpers (the verifier refuses map_type 3 there); lookups from a program
 * return NULL and updates/deletes -EOPNOTSUPP. The control plane sets slots as
 * bpf(BPF_MAP_UPDATE_ELEM) with a program fd does (fd_array_map_update_elem /
 * fd_array_map_delete_elem): index >= max_entries → -E2BIG; deleting an empty slot → -ENOENT.
 * `progArrayTailCall` is the VM's bpf_tail_call resolution (VmTailCallFn) over these maps.
 */
import { Errno } from "../../kernel/Errno.js"
import type { MapSpec } from "../../object/MapSpec.js"
import { VM_PTR_HI_BASE, type VmProgram, VmRegionKind, type VmTailCallFn } from "../../vm/VmTypes.js"
import { type BpfMap, mapRegions } from "./BpfMap.js"

export class ProgArrayMap<P = unknown> implements BpfMap {
  readonly valueRegion
  readonly handleRegion
  readonly elemSize = 4
  valueRegionIndex = -1
  private readonly slots: Array<P | undefined>

  constructor(readonly spec: MapSpec) {
    const r = mapRegions(spec, new Uint8Array(0), this)
    this.valueRegion = r.valueRegion
    this.handleRegion = r.handleRegion
    this.slots = new Array<P | undefined>(spec.maxEntries).fill(undefined)
  }

  /** the program in slot `index`, undefined when empty or out of range (bpf_tail_call falls through) */
  programAt(index: number): P | undefined {
    return index >>> 0 < this.slots.length ? this.slots[index >>> 0] : undefined
  }

  /** control plane: put a program handle in a slot; 0 or -E2BIG */
  setProgram(index: number, prog: P): number {
    if (index >>> 0 !== index || index >= this.slots.length) return -Errno.E2BIG
    this.slots[index] = prog
    return 0
  }

  /** control plane: empty a slot; 0, -E2BIG or -ENOENT */
  clearProgram(index: number): number {
    if (index >>> 0 !== index || index >= this.slots.length) return -Errno.E2BIG
    if (this.slots[index] === undefined) return -Errno.ENOENT
    this.slots[index] = undefined
    return 0
  }

  lookup(_keyBytes: Uint8Array, _keyOff: number): number {
    return -1
  }

  update(_keyBytes: Uint8Array, _keyOff: number, _valueBytes: Uint8Array, _valueOff: number, _flags: number): number {
    return -Errno.EOPNOTSUPP
  }

  delete(_keyBytes: Uint8Array, _keyOff: number): number {
    return -Errno.EOPNOTSUPP
  }
}

/**
 * VmTailCallFn over ProgArrayMap<VmProgram>: r2 must be a prog array's handle; index >=
 * max_entries (or no prog array) → null (falls through, count not consumed); an empty slot →
 * undefined; otherwise the program. The VM does the count bookkeeping (kernel/bpf/core.c order).
 */
export const progArrayTailCall: VmTailCallFn = (frame, mapHi, _mapLo, index) => {
  const r = frame.regions[(mapHi >>> 0) - VM_PTR_HI_BASE]
  if (r === undefined || r.kind !== VmRegionKind.MapHandle || !(r.map instanceof ProgArrayMap)) return null
  const map = r.map as ProgArrayMap<VmProgram>
  if (index >>> 0 >= map.spec.maxEntries) return null
  return map.programAt(index)
}
