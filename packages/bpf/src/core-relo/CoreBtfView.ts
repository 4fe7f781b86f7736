/**
 * The type queries the CO-RE pass needs, with libbpf's exact semantics (which differ from the
 * kernel verifier's in places), over the shared BTF model (../BtfType.ts).
 *
 * Contract:
 * - Type id 0 is libbpf's zeroed `void` record (btf__type_by_id(btf, 0) is never NULL in libbpf:
 *   kind UNKN, no name, size 0); `typeAt` returns VOID for it and `undefined` only for ids past
 *   the end (libbpf's NULL).
 * - `memberBitOffset`/`memberBitfieldSize` read members as libbpf's btf_member_bit_offset /
 *   btf_member_bitfield_size do: without kind_flag a member is never a bitfield for CO-RE, even
 *   if the model derived a bitfield size from an INT's bits.
 * - `resolveSize` is libbpf's btf__resolve_size (src/btf.c): at most MAX_RESOLVE_DEPTH hops,
 *   EINVAL for sizeless types, E2BIG past UINT32_MAX; pointers are btf_ptr_sz() bytes.
 * - Every walk along references is bounded (libbpf's skip_mods_and_typedefs is not; a decoded
 *   Btf has no reference loops, but a hand-built one might).
 */
import type { Btf, BtfComposite, BtfEnum, BtfEnum64, BtfType, TypeId } from "../btf/BtfType.js"
import { BtfKind, typeName } from "../btf/BtfType.js"

/** libbpf's `void`: what btf__type_by_id(btf, 0) returns. */
export interface CoreVoid {
  readonly kind: typeof BtfKind.Unknown
}
export const VOID: CoreVoid = { kind: BtfKind.Unknown }
export type CoreType = BtfType | CoreVoid

/** MAX_RESOLVE_DEPTH, libbpf src/btf.c */
export const MAX_RESOLVE_DEPTH = 32
/** bound on modifier/typedef chains walked by skipModsAndTypedefs (libbpf has none; BTF_MAX_TYPE would) */
const MAX_SKIP_CHAIN = 0x100000

/** btf__type_by_id: VOID for 0, undefined past the end. */
export const typeAt = (btf: Btf, id: TypeId): CoreType | undefined => (id === 0 ? VOID : btf.typeById(id))

export const nameOf = (t: CoreType): string => (t.kind === BtfKind.Unknown ? "" : typeName(t as BtfType))

/** btf_vlen */
export const vlenOf = (t: CoreType): number => {
  switch (t.kind) {
    case BtfKind.Struct:
    case BtfKind.Union:
      return t.members.length
    case BtfKind.Enum:
    case BtfKind.Enum64:
      return t.values.length
    case BtfKind.FuncProto:
      return t.params.length
    case BtfKind.Datasec:
      return t.vars.length
    case BtfKind.Func:
      return t.linkage
    default:
      return 0
  }
}

/** __btf_kind_str, libbpf src/libbpf.c */
export const btfKindStr = (kind: number): string => {
  switch (kind) {
    case BtfKind.Unknown:
      return "void"
    case BtfKind.Int:
      return "int"
    case BtfKind.Ptr:
      return "ptr"
    case BtfKind.Array:
      return "array"
    case BtfKind.Struct:
      return "struct"
    case BtfKind.Union:
      return "union"
    case BtfKind.Enum:
      return "enum"
    case BtfKind.Fwd:
      return "fwd"
    case BtfKind.Typedef:
      return "typedef"
    case BtfKind.Volatile:
      return "volatile"
    case BtfKind.Const:
      return "const"
    case BtfKind.Restrict:
      return "restrict"
    case BtfKind.Func:
      return "func"
    case BtfKind.FuncProto:
      return "func_proto"
    case BtfKind.Var:
      return "var"
    case BtfKind.Datasec:
      return "datasec"
    case BtfKind.Float:
      return "float"
    case BtfKind.DeclTag:
      return "decl_tag"
    case BtfKind.TypeTag:
      return "type_tag"
    case BtfKind.Enum64:
      return "enum64"
    default:
      return "unknown"
  }
}

export const isComposite = (t: CoreType): t is BtfComposite => t.kind === BtfKind.Struct || t.kind === BtfKind.Union
export const isAnyEnum = (t: CoreType): t is BtfEnum | BtfEnum64 => t.kind === BtfKind.Enum || t.kind === BtfKind.Enum64

/** btf_is_mod, libbpf src/btf.h: VOLATILE, CONST, RESTRICT, TYPE_TAG */
const isMod = (kind: number): boolean =>
  kind === BtfKind.Volatile || kind === BtfKind.Const || kind === BtfKind.Restrict || kind === BtfKind.TypeTag

/** btf_kind_core_compat, libbpf src/libbpf_internal.h: same kind, or both ENUM/ENUM64 */
export const kindCoreCompat = (a: CoreType, b: CoreType): boolean => a.kind === b.kind || (isAnyEnum(a) && isAnyEnum(b))

/** btf_member_bit_offset, libbpf src/btf.h (the model already masks kind_flag offsets) */
export const memberBitOffset = (t: BtfComposite, idx: number): number => t.members[idx]!.bitOffset

/** btf_member_bitfield_size, libbpf src/btf.h: 0 unless the composite has kind_flag */
export const memberBitfieldSize = (t: BtfComposite, idx: number): number => (t.kindFlag ? t.members[idx]!.bitfieldSize : 0)

/** btf_int_offset of an INT (the model's bitOffset) */
export const intOffset = (t: CoreType): number => (t.kind === BtfKind.Int ? t.bitOffset : 0)

/** the `type` a reference-like record points to (PTR/TYPEDEF/mods/FUNC/VAR/DECL_TAG; FUNC_PROTO: return type) */
export const refTypeOf = (t: CoreType): TypeId => {
  switch (t.kind) {
    case BtfKind.Ptr:
    case BtfKind.Typedef:
    case BtfKind.Volatile:
    case BtfKind.Const:
    case BtfKind.Restrict:
    case BtfKind.TypeTag:
    case BtfKind.Func:
    case BtfKind.Var:
    case BtfKind.DeclTag:
      return t.type
    case BtfKind.FuncProto:
      return t.returnType
    default:
      return 0
  }
}

/**
 * skip_mods_and_typedefs, libbpf src/libbpf.c: follows modifiers and typedefs; `id` is the id of
 * the type returned (libbpf's *res_id). `type` is undefined when a reference points past the end.
 */
export const skipModsAndTypedefs = (btf: Btf, id: TypeId): { readonly type: CoreType | undefined; readonly id: TypeId } => {
  let t = typeAt(btf, id)
  let resId = id
  for (let hops = 0; t !== undefined && (isMod(t.kind) || t.kind === BtfKind.Typedef); hops++) {
    if (hops >= MAX_SKIP_CHAIN) return { type: undefined, id: resId }
    resId = refTypeOf(t)
    t = typeAt(btf, resId)
  }
  return { type: t, id: resId }
}

const ptrSizes = new WeakMap<Btf, number>()
/** libbpf determine_ptr_size() long_aliases, src/btf.c */
const LONG_ALIASES = new Set([
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
])

/**
 * btf_ptr_sz, libbpf src/btf.c: the size of the first INT named like `long` (4 or 8 bytes),
 * the base's answer first for split BTF; sizeof(void *) = 8 on the 64-bit hosts libbpf runs on
 * when there is none.
 */
export const ptrSize = (btf: Btf): number => {
  const cached = ptrSizes.get(btf)
  if (cached !== undefined) return cached
  let size = -1
  if (btf.base !== undefined) {
    const b = ptrSize(btf.base)
    if (b > 0) size = b
  }
  if (size < 0) {
    for (let id = 1; id < btf.typeCount; id++) {
      const t = btf.typeById(id)
      if (t === undefined || t.kind !== BtfKind.Int || (t.size !== 4 && t.size !== 8)) continue
      if (LONG_ALIASES.has(t.name)) {
        size = t.size
        break
      }
    }
  }
  const result = size < 0 ? 8 : size
  ptrSizes.set(btf, result)
  return result
}

export type SizeResult = { readonly ok: true; readonly size: number } | { readonly ok: false; readonly errno: "EINVAL" | "E2BIG" }

const UINT32_MAX = 0xffffffff

/** btf__resolve_size, libbpf src/btf.c */
export const resolveSize = (btf: Btf, id: TypeId): SizeResult => {
  let nelems = 1
  let size = -1
  let t = typeAt(btf, id)
  for (let i = 0; i < MAX_RESOLVE_DEPTH && t !== undefined && t.kind !== BtfKind.Unknown; i++) {
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
        size = ptrSize(btf)
        break
      case BtfKind.Typedef:
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.Var:
      case BtfKind.DeclTag:
      case BtfKind.TypeTag:
        t = typeAt(btf, t.type)
        continue
      case BtfKind.Array:
        if (nelems !== 0 && t.nelems > Math.floor(UINT32_MAX / nelems)) return { ok: false, errno: "E2BIG" }
        nelems *= t.nelems
        t = typeAt(btf, t.type)
        continue
      default:
        return { ok: false, errno: "EINVAL" }
    }
    break
  }
  if (size < 0) return { ok: false, errno: "EINVAL" }
  if (nelems !== 0 && size > Math.floor(UINT32_MAX / nelems)) return { ok: false, errno: "E2BIG" }
  return { ok: true, size: nelems * size }
}
