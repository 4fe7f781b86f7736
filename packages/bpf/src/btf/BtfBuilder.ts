/**
 * BtfBuilder: build BTF programmatically, standalone or split on a base, the way libbpf's
 * btf__new_empty[_split] + btf__add_* do.
 *
 * Contract:
 * - Ids are stable: every add* returns the id the type will have (base.typeCount + n for split,
 *   1 + n standalone), so later types can reference earlier and later ids.
 * - kind_flag rules follow libbpf's writer: a struct/union gets kind_flag=1 as soon as one
 *   member is a bitfield or not byte-aligned (btf__add_field); an enum is signed when a value
 *   is negative (btf__add_enum_value), unless told otherwise.
 * - `build()` encodes (BtfEncoder: deduplicated strings in insertion order, base strings reused)
 *   and decodes the bytes back with the strict decoder, so a built Btf is always valid BTF
 *   (a typed error otherwise) and carries its string table for splitting further BTF on it.
 */
import { Result } from "effect"
import type {
  Btf,
  BtfEnum64Value,
  BtfEnumValue,
  BtfMember,
  BtfParam,
  BtfType,
  BtfVarSecinfo,
  TypeId
} from "./BtfType.js"
import { BtfIntEncoding, BtfKind } from "./BtfType.js"
import type { BtfEncodeError, BtfError } from "./BtfErrors.js"
import { BtfObject } from "./BtfObject.js"
import { encodeBtf } from "./BtfEncoder.js"
import { decodeBtf } from "./BtfDecoder.js"

/** A member as given to addStruct/addUnion: bitfieldSize defaults to 0. */
export interface MemberSpec {
  readonly name: string
  readonly type: TypeId
  readonly bitOffset: number
  readonly bitfieldSize?: number
}

export interface BuiltBtf {
  readonly btf: Btf
  readonly bytes: Uint8Array
}

export class BtfBuilder {
  private readonly types: Array<BtfType> = []
  readonly startId: number

  constructor(
    readonly base?: Btf,
    readonly littleEndian = true
  ) {
    this.startId = base === undefined ? 1 : base.typeCount
  }

  /** The id the next add* call will return. */
  get nextId(): TypeId {
    return this.startId + this.types.length
  }

  /** Append any model value as is (kind_flag exactly as given). */
  add(t: BtfType): TypeId {
    this.types.push(t)
    return this.startId + this.types.length - 1
  }

  /** Replace a type added earlier (e.g. to fill a struct whose members reference later ids). */
  set(id: TypeId, t: BtfType): void {
    const i = id - this.startId
    if (i < 0 || i >= this.types.length) throw new RangeError(`BtfBuilder.set: id ${id} was not added by this builder`)
    this.types[i] = t
  }

  /** btf__add_int: bits default to size*8; encoding: BtfIntEncoding bits */
  addInt(name: string, size: number, encoding = 0, bits = size * 8): TypeId {
    return this.add({
      kind: BtfKind.Int,
      name,
      size,
      encoding,
      bitOffset: 0,
      bits
    })
  }
  addSignedInt(name: string, size: number): TypeId {
    return this.addInt(name, size, BtfIntEncoding.Signed)
  }
  addPtr(type: TypeId): TypeId {
    return this.add({ kind: BtfKind.Ptr, name: "", type, kindFlag: false })
  }
  addConst(type: TypeId): TypeId {
    return this.add({ kind: BtfKind.Const, name: "", type, kindFlag: false })
  }
  addVolatile(type: TypeId): TypeId {
    return this.add({
      kind: BtfKind.Volatile,
      name: "",
      type,
      kindFlag: false
    })
  }
  addRestrict(type: TypeId): TypeId {
    return this.add({
      kind: BtfKind.Restrict,
      name: "",
      type,
      kindFlag: false
    })
  }
  addTypedef(name: string, type: TypeId): TypeId {
    return this.add({ kind: BtfKind.Typedef, name, type, kindFlag: false })
  }
  addTypeTag(value: string, type: TypeId, kindFlag = false): TypeId {
    return this.add({ kind: BtfKind.TypeTag, name: value, type, kindFlag })
  }
  addArray(type: TypeId, indexType: TypeId, nelems: number): TypeId {
    return this.add({ kind: BtfKind.Array, type, indexType, nelems })
  }
  addStruct(name: string, size: number, members: ReadonlyArray<MemberSpec>): TypeId {
    return this.add(composite(BtfKind.Struct, name, size, members))
  }
  addUnion(name: string, size: number, members: ReadonlyArray<MemberSpec>): TypeId {
    return this.add(composite(BtfKind.Union, name, size, members))
  }
  /** btf__add_enum + btf__add_enum_value: signed when any value is negative unless `signed` is given */
  addEnum(name: string, size: number, values: ReadonlyArray<BtfEnumValue>, signed?: boolean): TypeId {
    return this.add({
      kind: BtfKind.Enum,
      name,
      size,
      signed: signed ?? values.some((v) => v.value < 0),
      values
    })
  }
  /** btf__add_enum64: values as bigint, stored as lo32/hi32 */
  addEnum64(
    name: string,
    size: number,
    values: ReadonlyArray<{ readonly name: string; readonly value: bigint }>,
    signed: boolean
  ): TypeId {
    const vs: Array<BtfEnum64Value> = values.map((v) => {
      const u = BigInt.asUintN(64, v.value)
      return {
        name: v.name,
        lo32: Number(u & 0xffffffffn),
        hi32: Number(u >> 32n)
      }
    })
    return this.add({ kind: BtfKind.Enum64, name, size, signed, values: vs })
  }
  addFwd(name: string, union = false): TypeId {
    return this.add({ kind: BtfKind.Fwd, name, union })
  }
  addFunc(name: string, proto: TypeId, linkage = 0): TypeId {
    return this.add({ kind: BtfKind.Func, name, type: proto, linkage })
  }
  addFuncProto(returnType: TypeId, params: ReadonlyArray<BtfParam>): TypeId {
    return this.add({ kind: BtfKind.FuncProto, returnType, params })
  }
  addVar(name: string, type: TypeId, linkage = 0): TypeId {
    return this.add({ kind: BtfKind.Var, name, type, linkage })
  }
  addDatasec(name: string, size: number, vars: ReadonlyArray<BtfVarSecinfo>): TypeId {
    return this.add({ kind: BtfKind.Datasec, name, size, vars })
  }
  addFloat(name: string, size: number): TypeId {
    return this.add({ kind: BtfKind.Float, name, size })
  }
  addDeclTag(value: string, type: TypeId, componentIdx = -1, kindFlag = false): TypeId {
    return this.add({
      kind: BtfKind.DeclTag,
      name: value,
      type,
      componentIdx,
      kindFlag
    })
  }

  /** The types added so far, as an unvalidated Btf (no string table). */
  snapshot(): Btf {
    return new BtfObject(this.base, [...this.types], this.littleEndian, undefined)
  }

  /** Encode, then decode with the strict decoder: the bytes and the validated Btf. */
  build(options: { readonly littleEndian?: boolean } = {}): Result.Result<BuiltBtf, BtfEncodeError | BtfError> {
    const le = options.littleEndian ?? this.littleEndian
    const encoded = encodeBtf(this.snapshot(), { littleEndian: le })
    if (Result.isFailure(encoded)) return Result.fail(encoded.failure)
    const decoded = decodeBtf(encoded.success, this.base === undefined ? {} : { base: this.base })
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    return Result.succeed({ btf: decoded.success, bytes: encoded.success })
  }
}

const composite = (
  kind: typeof BtfKind.Struct | typeof BtfKind.Union,
  name: string,
  size: number,
  specs: ReadonlyArray<MemberSpec>
): BtfType => {
  const members: Array<BtfMember> = specs.map((m) => ({
    name: m.name,
    type: m.type,
    bitOffset: m.bitOffset,
    bitfieldSize: m.bitfieldSize ?? 0
  }))
  // libbpf btf__add_field: is_bitfield = bit_size || bit_offset % 8
  const kindFlag = members.some((m) => m.bitfieldSize !== 0 || m.bitOffset % 8 !== 0)
  return { kind, name, size, kindFlag, members }
}
