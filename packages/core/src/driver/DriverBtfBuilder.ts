/**
 * What every driver's BTF module does, once: a BtfBuilder split on core's kernel base BTF, base
 * type lookup by name, member specs from byte (and bit) offsets, the context wrapper that embeds
 * `struct xdp_buff` followed by pointers (mlx5e_xdp_buff, ice_xdp_buff, sim_xdp_buff), and the
 * final DriverBtf. Layout facts stay in each driver; this only removes the shared plumbing.
 * Control plane: a missing base type or a build failure is a programming error and throws.
 */
import { Result } from "effect"
import type { DriverBtf } from "./DriverBtf.js"
import { BtfBuilder, BtfKind, findByName, type MemberSpec, type TypeId } from "@devtx/bpf"
import { type KernelBaseBtf, kernelBaseBtf } from "../kernel/KernelBaseBtf.js"

/** A member at byte `byteOff` (plus `bit` for bitfields, counted from the byte's LSB). */
export const memberAt = (name: string, type: TypeId, byteOff: number, bitfieldSize = 0, bit = 0): MemberSpec => ({
  name,
  type,
  bitOffset: byteOff * 8 + bit,
  bitfieldSize
})

export class DriverBtfBuilder {
  readonly base: KernelBaseBtf = kernelBaseBtf()
  readonly b: BtfBuilder = new BtfBuilder(this.base.btf)

  constructor(readonly driver: string) {}

  /** A base type by name and kind (e.g. "__u32" TYPEDEF, "xdp_buff" STRUCT). */
  baseType(name: string, kind: BtfKind): TypeId {
    const id = findByName(this.base.btf, name, kind)
    if (id === undefined) throw new Error(`${this.driver} BTF: the kernel base BTF has no ${name}`)
    return id
  }

  /** `struct NAME { struct xdp_buff <xdpMember>; <ptr members, 8 bytes each> }` */
  addXdpBuffWrapper(name: string, xdpMember: string, pointers: ReadonlyArray<readonly [string, TypeId]>): TypeId {
    const xdpBuff = this.baseType("xdp_buff", BtfKind.Struct)
    const t = this.base.btf.typeById(xdpBuff)
    const size = t !== undefined && "size" in t ? t.size : 56
    return this.b.addStruct(name, size + 8 * pointers.length, [
      memberAt(xdpMember, xdpBuff, 0),
      ...pointers.map(([n, type], i) => memberAt(n, type, size + 8 * i))
    ])
  }

  finish(structs: DriverBtf["structs"]): DriverBtf {
    const built = this.b.build()
    if (Result.isFailure(built)) throw new Error(`${this.driver} BTF does not build: ${built.failure.message}`)
    return { base: this.base.btf, baseBytes: this.base.bytes, split: built.success.btf, splitBytes: built.success.bytes, structs }
  }
}
