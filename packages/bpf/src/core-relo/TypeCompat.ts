/**
 * CO-RE type compatibility, ported rule for rule from libbpf src/relo_core.c:
 * - fieldsAreCompat  = bpf_core_fields_are_compat  (field relocations: the accessed member's type)
 * - typesAreCompat   = __bpf_core_types_are_compat (TYPE_ID_TARGET / TYPE_EXISTS / TYPE_SIZE)
 * - typesMatch       = __bpf_core_types_match      (TYPE_MATCHES)
 *
 * Contract: each returns libbpf's int convention, 1 (compatible), 0 (not), or a negative errno
 * (-EINVAL for a dangling reference or recursion past libbpf's depth limits). Names are compared
 * by essential name (flavor suffix stripped) where libbpf does. Every walk is bounded.
 */
import type { Btf, TypeId } from "../btf/BtfType.js"
import { BtfIntEncoding, BtfKind } from "../btf/BtfType.js"
import { essentialNameLen } from "./CoreCandidates.js"
import { type CoreType, intOffset, isAnyEnum, isComposite, kindCoreCompat, nameOf, skipModsAndTypedefs, typeAt } from "./CoreBtfView.js"
import { Errno } from "../kernel/Errno.js"

/** the recursion budget libbpf passes: bpf_core_types_are_compat / bpf_core_types_match use 32 */
const LEVEL = 32
/** `int depth = 32; /* max recursion depth *​/` in both libbpf functions */
const DEPTH = 32
/** bound for bpf_core_fields_are_compat's array recursion (libbpf relies on acyclic BTF) */
const FIELD_DEPTH = 0x100000

/** essential names equal, or either side anonymous (bpf_core_fields_are_compat for FWD/ENUM) */
const essentialNamesCompatOrAnon = (a: string, b: string): boolean => {
  const la = essentialNameLen(a)
  const lb = essentialNameLen(b)
  return la === 0 || lb === 0 || (la === lb && a.slice(0, la) === b.slice(0, lb))
}

/** bpf_core_fields_are_compat, libbpf src/relo_core.c */
export const fieldsAreCompat = (localBtf: Btf, localId: TypeId, targBtf: Btf, targId: TypeId): number => {
  for (let depth = 0; depth < FIELD_DEPTH; depth++) {
    const l = skipModsAndTypedefs(localBtf, localId)
    const t = skipModsAndTypedefs(targBtf, targId)
    if (l.type === undefined || t.type === undefined) return -Errno.EINVAL
    const lt = l.type
    const tt = t.type
    if (isComposite(lt) && isComposite(tt)) return 1
    if (!kindCoreCompat(lt, tt)) return 0
    switch (lt.kind) {
      case BtfKind.Ptr:
      case BtfKind.Float:
        return 1
      case BtfKind.Fwd:
      case BtfKind.Enum64:
      case BtfKind.Enum:
        return essentialNamesCompatOrAnon(nameOf(lt), nameOf(tt)) ? 1 : 0
      case BtfKind.Int:
        return intOffset(lt) === 0 && intOffset(tt) === 0 ? 1 : 0
      case BtfKind.Array:
        if (tt.kind !== BtfKind.Array) return 0
        localId = lt.type
        targId = tt.type
        continue
      default:
        return 0
    }
  }
  return -Errno.EINVAL
}

/** __bpf_core_types_are_compat, libbpf src/relo_core.c (callers already matched root names) */
export const typesAreCompat = (
  localBtf: Btf,
  localId: TypeId,
  targBtf: Btf,
  targId: TypeId,
  level: number = LEVEL
): number => {
  const l0 = typeAt(localBtf, localId)
  const t0 = typeAt(targBtf, targId)
  if (l0 === undefined || t0 === undefined) return -Errno.EINVAL
  if (!kindCoreCompat(l0, t0)) return 0
  let depth = DEPTH
  for (;;) {
    depth--
    if (depth < 0) return -Errno.EINVAL
    const l = skipModsAndTypedefs(localBtf, localId)
    const t = skipModsAndTypedefs(targBtf, targId)
    if (l.type === undefined || t.type === undefined) return -Errno.EINVAL
    const lt = l.type
    const tt = t.type
    localId = l.id
    targId = t.id
    if (!kindCoreCompat(lt, tt)) return 0
    switch (lt.kind) {
      case BtfKind.Unknown:
      case BtfKind.Struct:
      case BtfKind.Union:
      case BtfKind.Enum:
      case BtfKind.Fwd:
      case BtfKind.Enum64:
        return 1
      case BtfKind.Int:
        return intOffset(lt) === 0 && intOffset(tt) === 0 ? 1 : 0
      case BtfKind.Ptr:
        if (tt.kind !== BtfKind.Ptr) return 0
        localId = lt.type
        targId = tt.type
        continue
      case BtfKind.Array:
        if (tt.kind !== BtfKind.Array) return 0
        localId = lt.type
        targId = tt.type
        continue
      case BtfKind.FuncProto: {
        if (tt.kind !== BtfKind.FuncProto) return 0
        if (lt.params.length !== tt.params.length) return 0
        for (let i = 0; i < lt.params.length; i++) {
          if (level <= 0) return -Errno.EINVAL
          const lp = skipModsAndTypedefs(localBtf, lt.params[i]!.type)
          const tp = skipModsAndTypedefs(targBtf, tt.params[i]!.type)
          const err = typesAreCompat(localBtf, lp.id, targBtf, tp.id, level - 1)
          if (err <= 0) return err
        }
        localId = skipModsAndTypedefs(localBtf, lt.returnType).id
        targId = skipModsAndTypedefs(targBtf, tt.returnType).id
        continue
      }
      default:
        return 0
    }
  }
}

/** bpf_core_names_match, libbpf src/relo_core.c: anonymous only matches anonymous */
const namesMatch = (localName: string, targName: string): boolean => {
  if (targName === "") return localName === ""
  const tl = essentialNameLen(targName)
  const ll = essentialNameLen(localName)
  return tl === ll && localName.slice(0, ll) === targName.slice(0, tl)
}

/** bpf_core_enums_match, libbpf src/relo_core.c: same size, every local enumerator name in the target */
const enumsMatch = (l: CoreType, t: CoreType): number => {
  if (!isAnyEnum(l) || !isAnyEnum(t)) return 0
  if (l.size !== t.size) return 0
  if (l.values.length > t.values.length) return 0
  for (const lv of l.values) {
    if (!t.values.some((tv) => namesMatch(lv.name, tv.name))) return 0
  }
  return 1
}

/** bpf_core_composites_match, libbpf src/relo_core.c */
const compositesMatch = (
  localBtf: Btf,
  l: CoreType,
  targBtf: Btf,
  t: CoreType,
  behindPtr: boolean,
  level: number
): number => {
  if (!isComposite(l) || !isComposite(t)) return 0
  if (l.members.length > t.members.length) return 0
  for (const lm of l.members) {
    let matched = false
    for (const tm of t.members) {
      if (!namesMatch(lm.name, tm.name)) continue
      const err = typesMatch(localBtf, lm.type, targBtf, tm.type, behindPtr, level - 1)
      if (err < 0) return err
      if (err > 0) {
        matched = true
        break
      }
    }
    if (!matched) return 0
  }
  return 1
}

/** __bpf_core_types_match, libbpf src/relo_core.c (root names already matched by the caller) */
export const typesMatch = (
  localBtf: Btf,
  localId: TypeId,
  targBtf: Btf,
  targId: TypeId,
  behindPtr = false,
  level: number = LEVEL
): number => {
  if (level <= 0) return -Errno.EINVAL
  let depth = DEPTH
  for (;;) {
    depth--
    if (depth < 0) return -Errno.EINVAL
    const l = skipModsAndTypedefs(localBtf, localId)
    const t = skipModsAndTypedefs(targBtf, targId)
    if (l.type === undefined || t.type === undefined) return -Errno.EINVAL
    const lt = l.type
    const tt = t.type
    localId = l.id
    targId = t.id
    if (!namesMatch(nameOf(lt), nameOf(tt))) return 0
    switch (lt.kind) {
      case BtfKind.Unknown:
        return tt.kind === BtfKind.Unknown ? 1 : 0
      case BtfKind.Fwd: {
        const localUnion = lt.union
        if (behindPtr) {
          if (tt.kind === BtfKind.Fwd) return localUnion === tt.union ? 1 : 0
          return (tt.kind === BtfKind.Struct && !localUnion) || (tt.kind === BtfKind.Union && localUnion) ? 1 : 0
        }
        if (tt.kind !== BtfKind.Fwd) return 0
        return localUnion === tt.union ? 1 : 0
      }
      case BtfKind.Enum:
      case BtfKind.Enum64:
        if (!isAnyEnum(tt)) return 0
        return enumsMatch(lt, tt)
      case BtfKind.Struct:
      case BtfKind.Union:
        if (behindPtr) {
          if (lt.kind === tt.kind) return 1
          if (tt.kind !== BtfKind.Fwd) return 0
          return (lt.kind === BtfKind.Union) === tt.union ? 1 : 0
        }
        if (lt.kind !== tt.kind) return 0
        return compositesMatch(localBtf, lt, targBtf, tt, behindPtr, level)
      case BtfKind.Int: {
        if (tt.kind !== BtfKind.Int) return 0
        const ls = lt.encoding & BtfIntEncoding.Signed
        const ts = tt.encoding & BtfIntEncoding.Signed
        return lt.size === tt.size && ls === ts ? 1 : 0
      }
      case BtfKind.Ptr:
        if (tt.kind !== BtfKind.Ptr) return 0
        behindPtr = true
        localId = lt.type
        targId = tt.type
        continue
      case BtfKind.Array:
        if (tt.kind !== BtfKind.Array) return 0
        if (lt.nelems !== tt.nelems) return 0
        localId = lt.type
        targId = tt.type
        continue
      case BtfKind.FuncProto: {
        if (tt.kind !== BtfKind.FuncProto) return 0
        if (lt.params.length !== tt.params.length) return 0
        for (let i = 0; i < lt.params.length; i++) {
          const err = typesMatch(localBtf, lt.params[i]!.type, targBtf, tt.params[i]!.type, behindPtr, level - 1)
          if (err <= 0) return err
        }
        localId = lt.returnType
        targId = tt.returnType
        continue
      }
      default:
        return 0
    }
  }
}
