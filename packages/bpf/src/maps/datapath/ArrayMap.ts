/**
 * BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c), and the one-element
 * arrays of global data. Keys are u32 indexes (host order, as the kernel reads `*(u32 *)key`);
 * values are preallocated and zeroed, elem_size = round_up(value_size, 8) apart.
 *
 * Program-side semantics (array_map_lookup_elem / array_map_update_elem / array_map_delete_elem):
 * - lookup: index >= max_entries → NULL.
 * - update: flags beyond BPF_EXIST (ignoring BPF_F_LOCK) → -EINVAL; index >= max_entries →
 *   -E2BIG; BPF_NOEXIST → -EEXIST (every element always exists); BPF_F_LOCK without a
 *   bpf_spin_lock in the value → -EINVAL (devtx models no spin locks).
 * - delete: -EINVAL (array elements cannot be deleted).
 *
 * Per-CPU: the model runs `cpus` CPUs (an option, default 1 — devtx's VM runs on one CPU);
 * values are laid out [index][cpu]; a program sees the value of `cpu` (default 0), as
 * this_cpu_ptr does.
 */
import { Errno } from "../../kernel/Errno.js"
import { BpfMapType, BpfUpdateFlag, type MapSpec } from "../../object/MapSpec.js"
import { type BpfMap, copyBytes, mapRegions, roundUp8 } from "./BpfMap.js"

export class ArrayMap implements BpfMap {
  readonly valueRegion
  readonly handleRegion
  readonly elemSize: number
  readonly percpu: boolean
  valueRegionIndex = -1
  /** the CPU a program runs on (percpu maps) */
  cpu = 0
  private readonly keyView: DataView

  constructor(
    readonly spec: MapSpec,
    readonly cpus: number
  ) {
    this.percpu = spec.type === BpfMapType.PercpuArray
    this.elemSize = roundUp8(spec.valueSize)
    const values = new Uint8Array(spec.maxEntries * this.elemSize * (this.percpu ? cpus : 1))
    if (spec.initialValue.length > 0) values.set(spec.initialValue.subarray(0, spec.valueSize))
    const r = mapRegions(spec, values, this)
    this.valueRegion = r.valueRegion
    this.handleRegion = r.handleRegion
    this.keyView = new DataView(new ArrayBuffer(4))
  }

  /** byte offset of element `index` on `cpu` */
  offsetOf(index: number, cpu = this.cpu): number {
    return this.percpu ? (index * this.cpus + cpu) * this.elemSize : index * this.elemSize
  }

  private indexAt(keyBytes: Uint8Array, keyOff: number): number {
    const kv = this.keyView
    kv.setUint8(0, keyBytes[keyOff]!)
    kv.setUint8(1, keyBytes[keyOff + 1]!)
    kv.setUint8(2, keyBytes[keyOff + 2]!)
    kv.setUint8(3, keyBytes[keyOff + 3]!)
    return kv.getUint32(0, true)
  }

  lookup(keyBytes: Uint8Array, keyOff: number): number {
    const index = this.indexAt(keyBytes, keyOff)
    return index >= this.spec.maxEntries ? -1 : this.offsetOf(index)
  }

  update(keyBytes: Uint8Array, keyOff: number, valueBytes: Uint8Array, valueOff: number, flags: number): number {
    const f = flags & ~BpfUpdateFlag.Lock
    if (f > BpfUpdateFlag.Exist || flags < 0) return -Errno.EINVAL
    const index = this.indexAt(keyBytes, keyOff)
    if (index >= this.spec.maxEntries) return -Errno.E2BIG
    if (f === BpfUpdateFlag.NoExist) return -Errno.EEXIST
    if ((flags & BpfUpdateFlag.Lock) !== 0) return -Errno.EINVAL
    copyBytes(valueBytes, valueOff, this.valueRegion.bytes, this.offsetOf(index), this.spec.valueSize)
    return 0
  }

  delete(_keyBytes: Uint8Array, _keyOff: number): number {
    return -Errno.EINVAL
  }
}
