/**
 * Toke's metadata-field registry, control-plane side: `id = register_packet_metadata_field(size)`
 * (from BPF, netlink or sysfs in the sketch) and deregistration, over the RegistryTable the data
 * path reads (datapath/MetaRegistryArea.ts). Returns numbers as the sketch's API does: an id >= 0,
 * or -ENOSPC (no free id, or offset + size would pass MAX_METADATA_SIZE), -EINVAL (size 0 or
 * larger than the maximum); deregister 0 | -ENOENT (no such id) | -EPERM (a kernel-predefined id).
 *
 * Kernel-predefined ids (Toke: "the kernel could pre-define IDs for vlan, timestamp etc. and use
 * the same getters/setters internally"): HASH (8 B: u32 val, u32 enum xdp_rss_hash_type),
 * VLAN (4 B: __be16 proto, u16 tci), TIMESTAMP (8 B: u64 ns little-endian, lo then hi).
 *
 * Deregistration — the open issue Toke flagged, both answers built:
 * - "holes": the freed bytes stay where they are; later registrations reuse a gap that fits
 *   (first fit), else go to the end. Frames in flight keep reading the surviving fields correctly,
 *   but space is fragmented, and an id reused for a new field can meet a frame whose fields_set
 *   bit was set by the old field (a stale value — the id-reuse hazard).
 * - "reshuffle": the surviving fields are packed again (registration order kept); no space is
 *   lost, but every frame initialised before the reshuffle now has its fields at the old offsets:
 *   reading a moved field returns the bytes of whatever was there — the out-of-sync hazard.
 */
import { Errno } from "../kernel/Errno.js"
import { REGISTRY_MAX_FIELDS, REGISTRY_MAX_METADATA_SIZE, RegistryFieldSize, RegistryTable } from "./datapath/MetaRegistryArea.js"

export type DeregistrationPolicy = "holes" | "reshuffle"

export class MetaRegistry {
  readonly table = new RegistryTable()
  /** registration order of live ids (the reshuffle keeps it) */
  private order: number[] = []
  private readonly predefined = new Set<number>()

  constructor(
    readonly policy: DeregistrationPolicy,
    options: { readonly predefined?: boolean } = {}
  ) {
    if (options.predefined ?? true) {
      this.predefined.add(this.register(RegistryFieldSize.HASH))
      this.predefined.add(this.register(RegistryFieldSize.VLAN))
      this.predefined.add(this.register(RegistryFieldSize.TIMESTAMP))
      this.table.predefined = 1
    }
  }

  /** register_packet_metadata_field(size) */
  register(size: number): number {
    if (!Number.isInteger(size) || size <= 0 || size > REGISTRY_MAX_METADATA_SIZE) return -Errno.EINVAL
    const t = this.table
    let id = -1
    for (let i = 0; i < REGISTRY_MAX_FIELDS; i++)
      if (t.live[i] === 0) {
        id = i
        break
      }
    if (id < 0) return -Errno.ENOSPC
    const offset = this.policy === "holes" ? this.firstFit(size) : t.totalSize
    if (offset + size > REGISTRY_MAX_METADATA_SIZE) return -Errno.ENOSPC
    t.live[id] = 1
    t.size[id] = size
    t.offset[id] = offset
    t.bit[id] = id
    this.order.push(id)
    this.recomputeTotal()
    return id
  }

  deregister(id: number): number {
    const t = this.table
    if (!Number.isInteger(id) || id < 0 || id >= REGISTRY_MAX_FIELDS || t.live[id] === 0) return -Errno.ENOENT
    if (this.predefined.has(id)) return -Errno.EPERM
    t.live[id] = 0
    t.size[id] = 0
    t.offset[id] = 0
    this.order = this.order.filter((i) => i !== id)
    if (this.policy === "reshuffle") {
      let off = 0
      for (const i of this.order) {
        t.offset[i] = off
        off += t.size[i]!
      }
    }
    this.recomputeTotal()
    return 0
  }

  /** the live entries {id, size, offset}, by offset */
  entries(): ReadonlyArray<{ readonly id: number; readonly size: number; readonly offset: number }> {
    const t = this.table
    return this.order
      .map((id) => ({ id, size: t.size[id]!, offset: t.offset[id]! }))
      .sort((a, b) => a.offset - b.offset)
  }

  private firstFit(size: number): number {
    let cursor = 0
    for (const e of this.entries()) {
      if (e.offset - cursor >= size) return cursor
      cursor = Math.max(cursor, e.offset + e.size)
    }
    return cursor
  }

  private recomputeTotal(): void {
    let total = 0
    for (const e of this.entries()) total = Math.max(total, e.offset + e.size)
    this.table.totalSize = total
  }
}
