/**
 * The concrete `Btf` (BtfType.ts) produced by decodeBtf and BtfBuilder: an immutable array of
 * model types plus the string table they were decoded from (needed to split other BTF on it
 * and to reuse base strings when encoding split BTF).
 *
 * Invariants: `types[i]` has id `startId + i`; `typeById` is O(1) for own ids and walks one
 * level per base for base ids; `typeCount = startId + types.length`.
 */
import type { Btf, BtfType, TypeId } from "./BtfType.js"
import { BtfKind, typeName } from "./BtfType.js"
import type { BtfStringTable } from "./BtfStringTable.js"

export class BtfObject implements Btf {
  readonly startId: number
  readonly typeCount: number
  private nameIndex: Map<string, Array<TypeId>> | undefined

  constructor(
    readonly base: Btf | undefined,
    readonly types: ReadonlyArray<BtfType>,
    readonly littleEndian: boolean,
    /** own string table chained to the base's (undefined only for Btf values built without one) */
    readonly strings: BtfStringTable | undefined
  ) {
    this.startId = base === undefined ? 1 : base.typeCount
    this.typeCount = this.startId + types.length
  }

  typeById(id: TypeId): BtfType | undefined {
    if (id >= this.startId) return this.types[id - this.startId]
    if (this.base !== undefined) return this.base.typeById(id)
    return undefined
  }

  /** Own type ids (not the base's) carrying `name`, in id order; built on first use. */
  ownIdsByName(name: string): ReadonlyArray<TypeId> {
    if (this.nameIndex === undefined) {
      const index = new Map<string, Array<TypeId>>()
      for (let i = 0; i < this.types.length; i++) {
        const t = this.types[i]!
        if (t.kind === BtfKind.Array || t.kind === BtfKind.FuncProto) continue
        const n = typeName(t)
        if (n === "") continue
        const ids = index.get(n)
        if (ids === undefined) index.set(n, [this.startId + i])
        else ids.push(this.startId + i)
      }
      this.nameIndex = index
    }
    return this.nameIndex.get(name) ?? []
  }
}

/** The string table behind a Btf, when it has one (decoded or built by this module). */
export const stringTableOf = (btf: Btf): BtfStringTable | undefined =>
  btf instanceof BtfObject ? btf.strings : undefined
