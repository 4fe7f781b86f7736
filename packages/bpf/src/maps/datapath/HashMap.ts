/**
 * BPF_MAP_TYPE_HASH (kernel/bpf/hashtab.c) with preallocated elements: max_entries value slots
 * in the value region, keys beside them, chained buckets; nothing allocates after creation.
 *
 * Program-side semantics (htab_map_update_elem / htab_map_delete_elem / htab_map_lookup_elem):
 * - update: flags beyond BPF_EXIST (ignoring BPF_F_LOCK) → -EINVAL; BPF_F_LOCK without a
 *   bpf_spin_lock in the value → -EINVAL; existing key with BPF_NOEXIST → -EEXIST; missing
 *   key with BPF_EXIST → -ENOENT; a new key when max_entries elements exist → -E2BIG (prealloc:
 *   the free list is empty; BPF_F_NO_PREALLOC: the count check) — replacing an existing key
 *   always succeeds.
 * - delete: missing key → -ENOENT.
 * - lookup: missing key → NULL.
 * Difference from the kernel: an update of an existing key writes the value in place (the kernel
 * swaps in a fresh element, so a pointer taken before the update keeps the old value).
 * Iteration order is not the kernel's (its jhash buckets); only membership is modelled.
 */
import { Errno } from "../../kernel/Errno.js"
import { BpfUpdateFlag, type MapSpec } from "../../object/MapSpec.js"
import { type BpfMap, copyBytes, mapRegions, roundUp8 } from "./BpfMap.js"

export class HashMap implements BpfMap {
  readonly valueRegion
  readonly handleRegion
  readonly elemSize: number
  valueRegionIndex = -1
  private readonly keys: Uint8Array
  private readonly buckets: Int32Array
  private readonly next: Int32Array
  private readonly free: Int32Array
  private freeTop: number
  /** elements in the map */
  count = 0

  constructor(readonly spec: MapSpec) {
    this.elemSize = roundUp8(spec.valueSize)
    const r = mapRegions(spec, new Uint8Array(spec.maxEntries * this.elemSize), this)
    this.valueRegion = r.valueRegion
    this.handleRegion = r.handleRegion
    this.keys = new Uint8Array(spec.maxEntries * spec.keySize)
    let nb = 1
    while (nb < spec.maxEntries) nb <<= 1
    this.buckets = new Int32Array(nb).fill(-1)
    this.next = new Int32Array(spec.maxEntries).fill(-1)
    this.free = new Int32Array(spec.maxEntries)
    for (let i = 0; i < spec.maxEntries; i++) this.free[i] = spec.maxEntries - 1 - i
    this.freeTop = spec.maxEntries
  }

  /** FNV-1a over the key bytes */
  private bucketOf(keyBytes: Uint8Array, keyOff: number): number {
    let h = 0x811c9dc5
    for (let i = 0; i < this.spec.keySize; i++) h = Math.imul(h ^ keyBytes[keyOff + i]!, 0x01000193)
    return (h >>> 0) & (this.buckets.length - 1)
  }

  private keyEquals(slot: number, keyBytes: Uint8Array, keyOff: number): boolean {
    const ks = this.spec.keySize
    const base = slot * ks
    for (let i = 0; i < ks; i++) if (this.keys[base + i] !== keyBytes[keyOff + i]) return false
    return true
  }

  /** the slot holding the key, or -1 */
  private find(b: number, keyBytes: Uint8Array, keyOff: number): number {
    for (let s = this.buckets[b]!; s >= 0; s = this.next[s]!) if (this.keyEquals(s, keyBytes, keyOff)) return s
    return -1
  }

  lookup(keyBytes: Uint8Array, keyOff: number): number {
    const s = this.find(this.bucketOf(keyBytes, keyOff), keyBytes, keyOff)
    return s < 0 ? -1 : s * this.elemSize
  }

  update(keyBytes: Uint8Array, keyOff: number, valueBytes: Uint8Array, valueOff: number, flags: number): number {
    const f = flags & ~BpfUpdateFlag.Lock
    if (f > BpfUpdateFlag.Exist || flags < 0) return -Errno.EINVAL
    if ((flags & BpfUpdateFlag.Lock) !== 0) return -Errno.EINVAL
    const b = this.bucketOf(keyBytes, keyOff)
    let s = this.find(b, keyBytes, keyOff)
    if (s >= 0 && f === BpfUpdateFlag.NoExist) return -Errno.EEXIST
    if (s < 0 && f === BpfUpdateFlag.Exist) return -Errno.ENOENT
    if (s < 0) {
      if (this.freeTop === 0) return -Errno.E2BIG
      s = this.free[--this.freeTop]!
      copyBytes(keyBytes, keyOff, this.keys, s * this.spec.keySize, this.spec.keySize)
      this.next[s] = this.buckets[b]!
      this.buckets[b] = s
      this.count++
    }
    copyBytes(valueBytes, valueOff, this.valueRegion.bytes, s * this.elemSize, this.spec.valueSize)
    return 0
  }

  delete(keyBytes: Uint8Array, keyOff: number): number {
    const b = this.bucketOf(keyBytes, keyOff)
    let prev = -1
    for (let s = this.buckets[b]!; s >= 0; prev = s, s = this.next[s]!) {
      if (!this.keyEquals(s, keyBytes, keyOff)) continue
      if (prev < 0) this.buckets[b] = this.next[s]!
      else this.next[prev] = this.next[s]!
      this.next[s] = -1
      this.valueRegion.bytes.fill(0, s * this.elemSize, (s + 1) * this.elemSize)
      this.free[this.freeTop++] = s
      this.count--
      return 0
    }
    return -Errno.ENOENT
  }

  /** the keys present (control plane, allocates): for dumps and tests */
  keysPresent(): ReadonlyArray<Uint8Array> {
    const out: Array<Uint8Array> = []
    for (let b = 0; b < this.buckets.length; b++) {
      for (let s = this.buckets[b]!; s >= 0; s = this.next[s]!) out.push(this.keys.slice(s * this.spec.keySize, (s + 1) * this.spec.keySize))
    }
    return out
  }
}
