/**
 * Queries over a `Btf` with libbpf's semantics (src/btf.c, src/libbpf_internal.h), for CO-RE
 * and the dumpers. All work on base + split ids through `btf.typeById`.
 *
 * Contract:
 * - Never throws and never loops forever, also on a hand-built, unvalidated Btf: every walk is
 *   bounded (MAX_RESOLVE_DEPTH for size/alignment as libbpf, the type count for skipping).
 * - `resolveSize` / `alignOf` return a Result with a BtfQueryError carrying libbpf's errno.
 */
import { Result } from "effect"
import type { Btf, BtfComposite, BtfMember, BtfType, TypeId } from "./BtfType.js"
import { BtfKind, typeName } from "./BtfType.js"
import { BtfQueryError } from "./BtfErrors.js"
import { BtfObject } from "./BtfObject.js"
import { MAX_RESOLVE_DEPTH } from "./BtfWire.js"

/** libbpf btf_is_mod: VOLATILE, CONST, RESTRICT, TYPE_TAG */
export const isModifier = (t: BtfType | undefined): boolean =>
  t !== undefined &&
  (t.kind === BtfKind.Volatile || t.kind === BtfKind.Const || t.kind === BtfKind.Restrict || t.kind === BtfKind.TypeTag)

/**
 * libbpf skip_mods_and_typedefs: follow modifiers and typedefs from `id`.
 * Returns the final id and its type (`type` undefined for void or an id past the end).
 */
export const skipModsAndTypedefs = (
  btf: Btf,
  id: TypeId
): { readonly id: TypeId; readonly type: BtfType | undefined } => {
  let cur = id
  let t = cur === 0 ? undefined : btf.typeById(cur)
  for (let i = 0; i < btf.typeCount && t !== undefined && (isModifier(t) || t.kind === BtfKind.Typedef); i++) {
    cur = (t as { readonly type: TypeId }).type
    t = cur === 0 ? undefined : btf.typeById(cur)
  }
  return { id: cur, type: t }
}

/** libbpf skip_mods_and_typedefs variant that stops at typedefs: follows modifiers only. */
export const skipModifiers = (btf: Btf, id: TypeId): { readonly id: TypeId; readonly type: BtfType | undefined } => {
  let cur = id
  let t = cur === 0 ? undefined : btf.typeById(cur)
  for (let i = 0; i < btf.typeCount && isModifier(t); i++) {
    cur = (t as { readonly type: TypeId }).type
    t = cur === 0 ? undefined : btf.typeById(cur)
  }
  return { id: cur, type: t }
}

const LONG_NAMES = [
  "long",
  "long int",
  "int long",
  "unsigned long",
  "long unsigned",
  "unsigned long int",
  "unsigned int long",
  "long unsigned int",
  "long int unsigned",
  "int unsigned long",
  "int long unsigned"
]

/**
 * libbpf determine_ptr_size: the size of an INT named like `long` (4 or 8) found in the BTF,
 * else 8 (the host's sizeof(void *) on the 64-bit machines this runs on).
 */
export const pointerSize = (btf: Btf): number => {
  for (const name of LONG_NAMES) {
    const id = findByName(btf, name, BtfKind.Int)
    if (id !== undefined) {
      const t = btf.typeById(id)!
      if (t.kind === BtfKind.Int && (t.size === 4 || t.size === 8)) return t.size
    }
  }
  return 8
}

const U32_MAX = 0xffffffff

/**
 * libbpf btf__resolve_size: the byte size of `id`, following typedefs, modifiers, VAR and
 * DECL_TAG, multiplying through arrays. EINVAL for void, FWD, FUNC, FUNC_PROTO, ids past the
 * end and chains longer than MAX_RESOLVE_DEPTH; E2BIG when nelems * size overflows u32.
 */
export const resolveSize = (btf: Btf, id: TypeId, ptrSize = 8): Result.Result<number, BtfQueryError> => {
  const startId = id
  let nelems = 1
  let size = -1
  let cur = id
  let t = cur === 0 ? undefined : btf.typeById(cur)
  for (let i = 0; i < MAX_RESOLVE_DEPTH && t !== undefined && size < 0; i++) {
    switch (t.kind) {
      case BtfKind.Int:
      case BtfKind.Struct:
      case BtfKind.Union:
      case BtfKind.Enum:
      case BtfKind.Enum64:
      case BtfKind.Datasec:
      case BtfKind.Float:
        size = t.size
        break
      case BtfKind.Ptr:
        size = ptrSize
        break
      case BtfKind.Typedef:
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.Var:
      case BtfKind.DeclTag:
      case BtfKind.TypeTag:
        cur = t.type
        break
      case BtfKind.Array:
        if (nelems !== 0 && t.nelems > Math.floor(U32_MAX / nelems))
          return Result.fail(
            new BtfQueryError({
              typeId: startId,
              errno: "E2BIG",
              reason: "array element count overflows u32"
            })
          )
        nelems *= t.nelems
        cur = t.type
        break
      default:
        return Result.fail(
          new BtfQueryError({
            typeId: startId,
            errno: "EINVAL",
            reason: `type [${cur}] has no size`
          })
        )
    }
    if (size < 0) t = cur === 0 ? undefined : btf.typeById(cur)
  }
  if (size < 0)
    return Result.fail(
      new BtfQueryError({
        typeId: startId,
        errno: "EINVAL",
        reason: `cannot resolve the size of [${cur}]`
      })
    )
  if (nelems !== 0 && size > Math.floor(U32_MAX / nelems))
    return Result.fail(
      new BtfQueryError({
        typeId: startId,
        errno: "E2BIG",
        reason: "size overflows u32"
      })
    )
  return Result.succeed(nelems * size)
}

/**
 * libbpf btf__align_of: natural alignment; 1 for a struct/union whose member offsets or size
 * show it is packed. EINVAL for kinds without alignment (void, FWD, FUNC, ...).
 */
export const alignOf = (btf: Btf, id: TypeId, ptrSize = 8): Result.Result<number, BtfQueryError> => {
  const go = (cur: TypeId, depth: number): number | BtfQueryError => {
    if (depth > MAX_RESOLVE_DEPTH)
      return new BtfQueryError({
        typeId: id,
        errno: "E2BIG",
        reason: "type chain too deep"
      })
    const t = cur === 0 ? undefined : btf.typeById(cur)
    if (t === undefined)
      return new BtfQueryError({
        typeId: id,
        errno: "EINVAL",
        reason: `unsupported BTF_KIND for [${cur}]`
      })
    switch (t.kind) {
      case BtfKind.Int:
      case BtfKind.Enum:
      case BtfKind.Enum64:
      case BtfKind.Float:
        return Math.min(ptrSize, t.size)
      case BtfKind.Ptr:
        return ptrSize
      case BtfKind.Typedef:
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.TypeTag:
        return go(t.type, depth + 1)
      case BtfKind.Array:
        return go(t.type, depth + 1)
      case BtfKind.Struct:
      case BtfKind.Union: {
        let maxAlign = 1
        for (const m of t.members) {
          const a = go(m.type, depth + 1)
          if (typeof a !== "number") return a
          if (a <= 0)
            return new BtfQueryError({
              typeId: id,
              errno: "EINVAL",
              reason: `member '${m.name}' has no alignment`
            })
          maxAlign = Math.max(maxAlign, a)
          if (m.bitfieldSize === 0 && m.bitOffset % (8 * a) !== 0) return 1
        }
        if (t.size % maxAlign !== 0) return 1
        return maxAlign
      }
      default:
        return new BtfQueryError({
          typeId: id,
          errno: "EINVAL",
          reason: `unsupported BTF_KIND:${t.kind}`
        })
    }
  }
  const r = go(id, 0)
  return typeof r === "number" ? Result.succeed(r) : Result.fail(r)
}

/** All ids (base first, then split) whose type has `name` (and `kind`, if given), in id order. */
export const findAllByName = (btf: Btf, name: string, kind?: BtfKind): ReadonlyArray<TypeId> => {
  const out: Array<TypeId> = []
  const collect = (b: Btf) => {
    if (b.base !== undefined) collect(b.base)
    if (b instanceof BtfObject) {
      for (const id of b.ownIdsByName(name))
        if (kind === undefined || b.types[id - b.startId]!.kind === kind) out.push(id)
    } else {
      for (let i = 0; i < b.types.length; i++) {
        const t = b.types[i]!
        if (typeName(t) === name && (kind === undefined || t.kind === kind)) out.push(b.startId + i)
      }
    }
  }
  if (name !== "") collect(btf)
  return out
}

/**
 * libbpf btf__find_by_name_kind / btf__find_by_name: the first id (lowest, so base before
 * split) with this name (and kind). "void" finds id 0 when no kind or kind UNKN is given, as libbpf.
 */
export const findByName = (btf: Btf, name: string, kind?: BtfKind): TypeId | undefined => {
  if (name === "void" && (kind === undefined || kind === BtfKind.Unknown)) return 0
  const ids = findAllByName(btf, name, kind)
  return ids.length > 0 ? ids[0] : undefined
}

/** The struct/union `id` names after skipping modifiers and typedefs, or undefined. */
export const compositeOf = (btf: Btf, id: TypeId): BtfComposite | undefined => {
  const t = skipModsAndTypedefs(btf, id).type
  return t !== undefined && (t.kind === BtfKind.Struct || t.kind === BtfKind.Union) ? t : undefined
}

/** A member with its index, plus its byte offset (floor of the bit offset) for convenience. */
export interface MemberInfo {
  readonly index: number
  readonly member: BtfMember
  readonly byteOffset: number
  readonly isBitfield: boolean
}

/** The members of the struct/union behind `id` (after modifiers/typedefs), in order; [] otherwise. */
export const membersOf = (btf: Btf, id: TypeId): ReadonlyArray<MemberInfo> => {
  const c = compositeOf(btf, id)
  if (c === undefined) return []
  return c.members.map((member, index) => ({
    index,
    member,
    byteOffset: Math.floor(member.bitOffset / 8),
    isBitfield: member.bitfieldSize !== 0 || member.bitOffset % 8 !== 0
  }))
}

/** The member named `name` of the struct/union behind `id`, not descending into anonymous members. */
export const findMember = (btf: Btf, id: TypeId, name: string): MemberInfo | undefined =>
  membersOf(btf, id).find((m) => m.member.name === name)

/**
 * Walk a member path like libbpf's field access spec: `["request", "launch_time"]` finds each
 * name in the current struct/union, descending into anonymous struct/union members to find it
 * (as C does). Returns the final member and its absolute bit offset, or undefined.
 */
export const findMemberPath = (
  btf: Btf,
  id: TypeId,
  path: ReadonlyArray<string>
): { readonly member: BtfMember; readonly bitOffset: number } | undefined => {
  let curId = id
  let base = 0
  let found: BtfMember | undefined
  for (const name of path) {
    const hit = findInAnon(btf, curId, name, 0)
    if (hit === undefined) return undefined
    found = hit.member
    base += hit.bitOffset
    curId = hit.member.type
  }
  return found === undefined ? undefined : { member: found, bitOffset: base }
}

const findInAnon = (
  btf: Btf,
  id: TypeId,
  name: string,
  depth: number
): { readonly member: BtfMember; readonly bitOffset: number } | undefined => {
  if (depth > MAX_RESOLVE_DEPTH) return undefined
  const c = compositeOf(btf, id)
  if (c === undefined) return undefined
  for (const m of c.members) {
    if (m.name === name) return { member: m, bitOffset: m.bitOffset }
    if (m.name === "") {
      const inner = findInAnon(btf, m.type, name, depth + 1)
      if (inner !== undefined)
        return {
          member: inner.member,
          bitOffset: m.bitOffset + inner.bitOffset
        }
    }
  }
  return undefined
}

/** ENUM/ENUM64 value as a bigint (signedness from the type's kind_flag). */
export const enumValue = (t: BtfType, index: number): bigint | undefined => {
  if (t.kind === BtfKind.Enum) {
    const v = t.values[index]
    if (v === undefined) return undefined
    return t.signed ? BigInt(v.value) : BigInt(v.value >>> 0)
  }
  if (t.kind === BtfKind.Enum64) {
    const v = t.values[index]
    if (v === undefined) return undefined
    const u = (BigInt(v.hi32 >>> 0) << 32n) | BigInt(v.lo32 >>> 0)
    return t.signed ? BigInt.asIntN(64, u) : u
  }
  return undefined
}
