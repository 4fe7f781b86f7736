/**
 * CO-RE access specs: parsing a relocation's access string against the local BTF
 * (libbpf src/relo_core.c bpf_core_parse_spec) and printing a spec the way libbpf's debug log
 * does (bpf_core_format_spec).
 *
 * Contract:
 * - A spec has a low-level form (`rawSpec`: one entry per access-string index, anonymous
 *   members included) and a high-level form (`spec`: the root, named members and array
 *   indexes), plus the accessed bit offset. `bitOffset` is a u32 and wraps like libbpf's.
 * - Specs are mutable scratch objects with explicit lengths (`len`, `rawLen`), because libbpf's
 *   candidate matcher leaves partial state in a non-matching target spec and its log prints it;
 *   CoreSpecMatch.ts fills target specs with the same state machine.
 * - parseCoreSpec returns a positive errno on failure (EINVAL, E2BIG), like libbpf's -errno.
 *
 * Access strings: field kinds "i0:i1:...": i0 indexes the root pointer as an array, each later
 * index is a member index (struct/union) or an element index (array). Type kinds: exactly "0".
 * Enum kinds: "N", the enumerator's index in the local enum.
 */
import type { Btf, TypeId } from "../btf/BtfType.js"
import { BtfKind } from "../btf/BtfType.js"
import {
  btfKindStr,
  isAnyEnum,
  isComposite,
  memberBitOffset,
  nameOf,
  resolveSize,
  skipModsAndTypedefs,
  typeAt,
  vlenOf
} from "./CoreBtfView.js"
import { Errno } from "../kernel/Errno.js"
import { coreReloKindStr, isEnumvalBased, isFieldBased, isTypeBased } from "./CoreRelocKind.js"

/** BPF_CORE_SPEC_MAX_LEN, libbpf src/relo_core.h */
export const BPF_CORE_SPEC_MAX_LEN = 64

/** struct bpf_core_accessor: `name` undefined for the root and array accessors (libbpf NULL) */
export interface CoreAccessor {
  typeId: TypeId
  idx: number
  name: string | undefined
}

/** struct bpf_core_spec */
export interface CoreSpec {
  readonly btf: Btf
  rootTypeId: TypeId
  reloKind: number
  /** high-level accessors; only the first `len` are meaningful */
  readonly spec: Array<CoreAccessor>
  len: number
  /** low-level access indexes; only the first `rawLen` are meaningful */
  readonly rawSpec: Array<number>
  rawLen: number
  /** u32 */
  bitOffset: number
}

export const emptySpec = (btf: Btf, rootTypeId: TypeId, reloKind: number): CoreSpec => ({
  btf,
  rootTypeId,
  reloKind,
  spec: [],
  len: 0,
  rawSpec: [],
  rawLen: 0,
  bitOffset: 0
})

/** (a + b) mod 2^32, for libbpf's __u32 bit_offset arithmetic */
export const u32Add = (a: number, b: number): number => Number((BigInt(a) + BigInt(b)) & 0xffffffffn)
/** (idx * size * 8) mod 2^32 */
export const u32BitsOf = (idx: number, size: number): number => Number((BigInt(idx) * BigInt(size) * 8n) & 0xffffffffn)

/**
 * sscanf("%d%n") as glibc does it: optional leading whitespace, optional sign, digits; the long
 * result (clamped to 64 bits) is stored into an int (low 32 bits). Returns the value and the
 * number of characters consumed, or undefined when no number starts here.
 */
const scanInt = (s: string, from: number): { value: number; next: number } | undefined => {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s.slice(from))
  if (m === null) return undefined
  let v = BigInt(m[2]!)
  if (m[1] === "-") v = -v
  const LONG_MAX = (1n << 63n) - 1n
  const LONG_MIN = -(1n << 63n)
  if (v > LONG_MAX) v = LONG_MAX
  if (v < LONG_MIN) v = LONG_MIN
  return { value: Number(BigInt.asIntN(32, v)), next: from + m[0].length }
}

/**
 * bpf_core_parse_spec, libbpf src/relo_core.c: 0 on success, otherwise a positive errno.
 * A negative index is rejected with EINVAL (libbpf HEAD 5ca5801a; libbpf 1.1.2 reads out of
 * bounds there, which has no defined result to reproduce).
 */
export const parseCoreSpec = (
  btf: Btf,
  rootTypeId: TypeId,
  accessStr: string,
  kind: number,
  out: CoreSpec,
  /** receives libbpf's pr_warn for an access through a non-composite, non-array type */
  warn: (line: string) => void = () => {},
  progName = "prog"
): number => {
  if (accessStr === "" || accessStr[0] === ":") return Errno.EINVAL
  out.rootTypeId = rootTypeId
  out.reloKind = kind
  out.len = 0
  out.rawLen = 0
  out.bitOffset = 0
  if (isTypeBased(kind)) return accessStr === "0" ? 0 : Errno.EINVAL

  let pos = 0
  while (pos < accessStr.length) {
    if (accessStr[pos] === ":") pos++
    const scanned = scanInt(accessStr, pos)
    if (scanned === undefined) return Errno.EINVAL
    if (out.rawLen === BPF_CORE_SPEC_MAX_LEN) return Errno.E2BIG
    pos = scanned.next
    out.rawSpec[out.rawLen++] = scanned.value
  }
  if (out.rawLen === 0) return Errno.EINVAL
  for (let i = 0; i < out.rawLen; i++) if (out.rawSpec[i]! < 0) return Errno.EINVAL

  const root = skipModsAndTypedefs(btf, rootTypeId)
  if (root.type === undefined) return Errno.EINVAL
  let t = root.type
  let id = root.id
  let accessIdx = out.rawSpec[0]!
  out.spec[0] = { typeId: id, idx: accessIdx, name: undefined }
  out.len = 1

  if (isEnumvalBased(kind)) {
    if (!isAnyEnum(t) || out.rawLen > 1 || accessIdx >= vlenOf(t)) return Errno.EINVAL
    out.spec[0]!.name = t.values[accessIdx]!.name
    return 0
  }
  if (!isFieldBased(kind)) return Errno.EINVAL

  const rootSize = resolveSize(btf, id)
  if (!rootSize.ok) return Errno[rootSize.errno]
  out.bitOffset = u32BitsOf(accessIdx, rootSize.size)

  for (let i = 1; i < out.rawLen; i++) {
    const s = skipModsAndTypedefs(btf, id)
    if (s.type === undefined) return Errno.EINVAL
    t = s.type
    id = s.id
    accessIdx = out.rawSpec[i]!
    if (isComposite(t)) {
      if (accessIdx >= t.members.length) return Errno.EINVAL
      out.bitOffset = u32Add(out.bitOffset, memberBitOffset(t, accessIdx))
      const m = t.members[accessIdx]!
      if (m.name !== "") {
        out.spec[out.len++] = { typeId: id, idx: accessIdx, name: m.name }
      }
      id = m.type
    } else if (t.kind === BtfKind.Array) {
      const arr = t
      const elem = skipModsAndTypedefs(btf, arr.type)
      if (elem.type === undefined) return Errno.EINVAL
      id = elem.id
      const flex = isFlexArr(btf, out.spec[out.len - 1]!, arr.nelems)
      if (!flex && accessIdx >= arr.nelems) return Errno.EINVAL
      out.spec[out.len++] = { typeId: id, idx: accessIdx, name: undefined }
      const sz = resolveSize(btf, id)
      if (!sz.ok) return Errno[sz.errno]
      out.bitOffset = u32Add(out.bitOffset, u32BitsOf(accessIdx, sz.size))
    } else {
      // libbpf prints spec_str after its parse loop advanced it to the end: always empty here
      warn(
        `prog '${progName}': relo for [${rootTypeId}]  (at idx ${i}) captures type [${id}] of unexpected kind ${btfKindStr(t.kind)}`
      )
      return Errno.EINVAL
    }
  }
  return 0
}

/**
 * is_flex_arr, libbpf src/relo_core.c: an array with nelems 0 that is the last member of the
 * struct named by the previous (named) accessor.
 */
export const isFlexArr = (btf: Btf, prev: CoreAccessor, nelems: number): boolean => {
  if (prev.name === undefined || nelems > 0) return false
  const t = typeAt(btf, prev.typeId)
  return t !== undefined && prev.idx === vlenOf(t) - 1
}

/** printf("%d") of an s32 / ("%u") of the same bits */
const asU32 = (v: number): string => String(v >>> 0)

/** bpf_core_format_spec, libbpf src/relo_core.c: `<kind> [id] kind name...` */
export const formatCoreSpec = (spec: CoreSpec): string => {
  const root = typeAt(spec.btf, spec.rootTypeId)
  const rootName = root === undefined ? "" : nameOf(root)
  let out = `<${coreReloKindStr(spec.reloKind)}> [${spec.rootTypeId}] ${btfKindStr(root?.kind ?? 0)} ${rootName === "" ? "<anon>" : rootName}`
  if (isTypeBased(spec.reloKind)) return out
  if (isEnumvalBased(spec.reloKind)) {
    const t = skipModsAndTypedefs(spec.btf, spec.rootTypeId).type
    const idx = spec.rawSpec[0] ?? 0
    if (t !== undefined && t.kind === BtfKind.Enum) {
      const e = t.values[idx]
      if (e !== undefined) out += t.signed ? `::${e.name} = ${e.value}` : `::${e.name} = ${asU32(e.value)}`
    } else if (t !== undefined && t.kind === BtfKind.Enum64) {
      const e = t.values[idx]
      if (e !== undefined) {
        const v = (BigInt(e.hi32 >>> 0) << 32n) | BigInt(e.lo32 >>> 0)
        out += `::${e.name} = ${t.signed ? BigInt.asIntN(64, v) : v}`
      }
    }
    return out
  }
  if (isFieldBased(spec.reloKind)) {
    for (let i = 0; i < spec.len; i++) {
      const a = spec.spec[i]!
      if (a.name !== undefined) out += `.${a.name}`
      else if (i > 0 || a.idx > 0) out += `[${a.idx >>> 0}]`
    }
    out += ` (${spec.rawSpec.slice(0, spec.rawLen).join(":")}`
    const bo = spec.bitOffset >>> 0
    out += bo % 8 !== 0 ? ` @ offset ${Math.floor(bo / 8)}.${bo % 8})` : ` @ offset ${bo / 8})`
  }
  return out
}
