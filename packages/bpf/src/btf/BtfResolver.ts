/**
 * Pass 2 of decoding: the kernel's reference checks (kernel/bpf/btf.c btf_check_all_types,
 * btf_resolve and the per-kind *_resolve ops), run over the own types of a decoded BTF.
 *
 * Contract: returns undefined when every reference resolves, else the first error in id order:
 * - BtfReferenceError: a type id past the end ("Invalid type_id"), or a reference to a kind that
 *   may not be referenced there (VAR/DATASEC/DECL_TAG anywhere but where allowed, a modifier or
 *   PTR to a FUNC, a member/array element without a size, a non-int array index...).
 * - BtfLoopError: a cycle the kernel rejects ("Loop detected") or a resolve stack deeper than
 *   MAX_RESOLVE_DEPTH ("Exceeded max resolving depth").
 *
 * Loop rules (the kernel's resolve modes, env_type_is_resolve_sink):
 * - a DFS starts in mode TBD; the first PTR pushed switches it to PTR mode, the first
 *   STRUCT/UNION/ARRAY to STRUCT_OR_ARRAY mode;
 * - PTR mode follows only modifiers and PTRs, so PTR->CONST->PTR->... loops are rejected,
 *   while a PTR to a struct stops there (struct A { struct A *next; } is legal);
 * - STRUCT_OR_ARRAY mode follows modifiers, arrays and structs, and stops at PTRs, so a struct
 *   that contains itself by value (directly or through arrays/typedefs) is rejected.
 * A pure typedef/modifier loop is rejected in every mode. Base types are taken as resolved.
 *
 * Not ported (documented gaps): the bitfield/size checks of btf_struct_check_member and
 * btf_datasec_resolve's size comparison, and btf_check_type_tags' ordering rule.
 * Bounded: every loop here is bounded by the type count or MAX_RESOLVE_DEPTH.
 */
import type { BtfType, TypeId } from "./BtfType.js"
import { BtfKind, BtfKindName, typeName } from "./BtfType.js"
import type { BtfObject } from "./BtfObject.js"
import { BtfLoopError, BtfReferenceError } from "./BtfErrors.js"
import { MAX_RESOLVE_DEPTH } from "./BtfWire.js"

const NOT_VISITED = 0
const VISITED = 1
const RESOLVED = 2

const MODE_TBD = 0
const MODE_PTR = 1
const MODE_STRUCT_OR_ARRAY = 2

const isModifierKind = (k: number): boolean =>
  k === BtfKind.Typedef ||
  k === BtfKind.Volatile ||
  k === BtfKind.Const ||
  k === BtfKind.Restrict ||
  k === BtfKind.TypeTag

/** btf_type_needs_resolve */
const needsResolve = (t: BtfType | undefined): boolean => {
  if (t === undefined) return false
  const k = t.kind
  return (
    isModifierKind(k) ||
    k === BtfKind.Ptr ||
    k === BtfKind.Struct ||
    k === BtfKind.Union ||
    k === BtfKind.Array ||
    k === BtfKind.Var ||
    k === BtfKind.Func ||
    k === BtfKind.DeclTag ||
    k === BtfKind.Datasec
  )
}

/** btf_type_is_resolve_source_only */
const isSourceOnly = (t: BtfType | undefined): boolean =>
  t !== undefined && (t.kind === BtfKind.Var || t.kind === BtfKind.DeclTag || t.kind === BtfKind.Datasec)

/** the referenced id of a one-reference kind */
const refOf = (t: BtfType): TypeId => (t as { readonly type: TypeId }).type

export const resolveBtfReferences = (
  btf: BtfObject,
  offsets: ReadonlyArray<number>
): BtfReferenceError | BtfLoopError | undefined => {
  const startId = btf.startId
  const total = btf.typeCount
  const own = btf.types
  const n = own.length
  const get = (id: TypeId): BtfType | undefined => (id === 0 ? undefined : btf.typeById(id))
  const describe = (id: TypeId) => {
    const t = get(id)!
    const name = typeName(t)
    return {
      typeId: id,
      kind: BtfKindName[t.kind],
      name: name === "" ? "(anon)" : name,
      offset: offsets[id - startId] ?? 0
    }
  }
  const refError = (id: TypeId, field: string, value: number, reason: string) =>
    new BtfReferenceError({ ...describe(id), field, value, reason })

  // (a) every referenced id exists ("[25] PTR (anon) type_id=999 Invalid type_id")
  for (let i = 0; i < n; i++) {
    const id = startId + i
    const t = own[i]!
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
        if (t.type >= total) return refError(id, "type_id", t.type, "Invalid type_id")
        break
      case BtfKind.Array:
        if (t.type >= total) return refError(id, "type_id", t.type, "Invalid elem")
        if (t.indexType >= total) return refError(id, "index_type_id", t.indexType, "Invalid index")
        break
      case BtfKind.Struct:
      case BtfKind.Union:
        for (const m of t.members)
          if (m.type >= total) return refError(id, `member '${m.name}' type_id`, m.type, "Invalid member")
        break
      case BtfKind.FuncProto:
        if (t.returnType >= total) return refError(id, "ret_type_id", t.returnType, "Invalid return type")
        for (let a = 0; a < t.params.length; a++)
          if (t.params[a]!.type >= total)
            return refError(id, `arg#${a + 1} type_id`, t.params[a]!.type, `Invalid arg#${a + 1}`)
        break
      case BtfKind.Datasec:
        for (let v = 0; v < t.vars.length; v++)
          if (t.vars[v]!.type >= total) return refError(id, `var#${v} type_id`, t.vars[v]!.type, "Invalid type")
        break
      default:
        break
    }
  }

  // (b) the kernel's DFS resolve with loop detection
  const state = new Uint8Array(n)
  const isResolved = (id: TypeId): boolean => id < startId || state[id - startId] === RESOLVED
  let mode = MODE_TBD
  const isSink = (t: BtfType | undefined): boolean => {
    if (t === undefined) return true
    const k = t.kind
    if (mode === MODE_TBD) return !needsResolve(t)
    if (mode === MODE_PTR) return !isModifierKind(k) && k !== BtfKind.Ptr
    return !isModifierKind(k) && k !== BtfKind.Array && k !== BtfKind.Struct && k !== BtfKind.Union
  }
  /** skip modifiers (bounded: a chain longer than the type count is a loop) */
  const skipMods = (id: TypeId): TypeId => {
    let cur = id
    for (let i = 0; i <= total; i++) {
      const t = get(cur)
      if (t === undefined || !isModifierKind(t.kind)) return cur
      cur = refOf(t)
    }
    return cur
  }
  /** void, FWD, FUNC, FUNC_PROTO and the source-only kinds have no size (btf_type_nosize) */
  const isSizeless = (id: TypeId): boolean => {
    const t = get(skipMods(id))
    return (
      t === undefined ||
      t.kind === BtfKind.Fwd ||
      t.kind === BtfKind.Func ||
      t.kind === BtfKind.FuncProto ||
      isSourceOnly(t)
    )
  }
  const stack: Array<TypeId> = []
  const cursor: Array<number> = []
  const push = (from: TypeId, id: TypeId): BtfLoopError | undefined => {
    if (id >= startId && state[id - startId] !== NOT_VISITED)
      return new BtfLoopError({
        ...describe(from),
        chain: [...stack],
        value: id,
        reason: "Loop detected"
      })
    if (stack.length >= MAX_RESOLVE_DEPTH)
      return new BtfLoopError({
        ...describe(from),
        chain: [...stack],
        value: id,
        reason: `Exceeded max resolving depth:${MAX_RESOLVE_DEPTH}`
      })
    const t = get(id)!
    if (mode === MODE_TBD) {
      if (t.kind === BtfKind.Ptr) mode = MODE_PTR
      else if (t.kind === BtfKind.Struct || t.kind === BtfKind.Union || t.kind === BtfKind.Array)
        mode = MODE_STRUCT_OR_ARRAY
    }
    state[id - startId] = VISITED
    stack.push(id)
    cursor.push(0)
    return undefined
  }
  const pop = () => {
    const id = stack.pop()!
    cursor.pop()
    state[id - startId] = RESOLVED
  }
  /** push `next` when the kernel would (not a sink, not yet resolved); true if pushed */
  const follow = (from: TypeId, next: TypeId): BtfLoopError | boolean => {
    const nt = get(next)
    if (!isSink(nt) && !isResolved(next)) return push(from, next) ?? true
    return false
  }

  for (let root = 0; root < n; root++) {
    const rootId = startId + root
    if (!needsResolve(own[root]) || state[root] === RESOLVED) continue
    mode = MODE_TBD
    const e0 = push(rootId, rootId)
    if (e0) return e0
    while (stack.length > 0) {
      const id = stack[stack.length - 1]!
      const t = get(id)!
      const top = stack.length - 1
      switch (t.kind) {
        case BtfKind.Typedef:
        case BtfKind.Volatile:
        case BtfKind.Const:
        case BtfKind.Restrict:
        case BtfKind.TypeTag:
        case BtfKind.Ptr: {
          const next = t.type
          const nt = get(next)
          if (isSourceOnly(nt)) return refError(id, "type_id", next, "Invalid type_id")
          const f = follow(id, next)
          if (f instanceof BtfLoopError) return f
          if (f) continue
          if (t.kind === BtfKind.Ptr && nt !== undefined && isModifierKind(nt.kind)) {
            // btf_ptr_resolve: a modifier resolved in STRUCT_OR_ARRAY mode stopped at a PTR; continue from it
            const r = skipMods(next)
            const rt = get(r)
            if (rt !== undefined && rt.kind === BtfKind.Ptr && !isSink(rt) && !isResolved(r)) {
              const e = push(id, r)
              if (e) return e
              continue
            }
          }
          const fin = get(skipMods(next))
          if (fin !== undefined && (fin.kind === BtfKind.Func || isSourceOnly(fin)))
            return refError(id, "type_id", next, "Invalid type_id")
          pop()
          break
        }
        case BtfKind.Struct:
        case BtfKind.Union: {
          let i = cursor[top]!
          let pushed = false
          for (; i < t.members.length; i++) {
            const m = t.members[i]!
            const mt = get(m.type)
            if (mt === undefined || isSourceOnly(mt))
              return refError(id, `member '${m.name}' type_id`, m.type, "Invalid member")
            cursor[top] = i
            const f = follow(id, m.type)
            if (f instanceof BtfLoopError) return f
            if (f) {
              pushed = true
              break
            }
            if (isSizeless(m.type)) return refError(id, `member '${m.name}' type_id`, m.type, "Invalid member")
          }
          if (pushed) continue
          pop()
          break
        }
        case BtfKind.Array: {
          const stage = cursor[top]!
          if (stage === 0) {
            const it = get(t.indexType)
            if (
              it === undefined ||
              isSourceOnly(it) ||
              it.kind === BtfKind.Fwd ||
              it.kind === BtfKind.Func ||
              it.kind === BtfKind.FuncProto
            )
              return refError(id, "index_type_id", t.indexType, "Invalid index")
            cursor[top] = 1
            const f = follow(id, t.indexType)
            if (f instanceof BtfLoopError) return f
            if (f) continue
          }
          if (stage <= 1) {
            const fin = get(skipMods(t.indexType))
            if (fin === undefined || fin.kind !== BtfKind.Int || !isRegularInt(fin))
              return refError(id, "index_type_id", t.indexType, "Invalid index")
            const et = get(t.type)
            if (
              et === undefined ||
              isSourceOnly(et) ||
              et.kind === BtfKind.Fwd ||
              et.kind === BtfKind.Func ||
              et.kind === BtfKind.FuncProto
            )
              return refError(id, "type_id", t.type, "Invalid elem")
            cursor[top] = 2
            const f = follow(id, t.type)
            if (f instanceof BtfLoopError) return f
            if (f) continue
          }
          if (isSizeless(t.type)) return refError(id, "type_id", t.type, "Invalid elem")
          const efin = get(skipMods(t.type))
          if (efin !== undefined && efin.kind === BtfKind.Int && !isRegularInt(efin))
            return refError(id, "type_id", t.type, "Invalid array of int")
          pop()
          break
        }
        case BtfKind.Var: {
          const nt = get(t.type)
          if (nt === undefined || isSourceOnly(nt)) return refError(id, "type_id", t.type, "Invalid type_id")
          const f = follow(id, t.type)
          if (f instanceof BtfLoopError) return f
          if (f) continue
          if (isSizeless(t.type)) return refError(id, "type_id", t.type, "Invalid type_id")
          pop()
          break
        }
        case BtfKind.Datasec: {
          let i = cursor[top]!
          let pushed = false
          for (; i < t.vars.length; i++) {
            const v = t.vars[i]!
            const vt = get(v.type)
            // the kernel requires VAR; FUNC entries (.ksyms externs in object files) are accepted here
            if (vt === undefined || (vt.kind !== BtfKind.Var && vt.kind !== BtfKind.Func))
              return refError(id, `var#${i} type_id`, v.type, "Not a VAR kind member")
            cursor[top] = i + 1
            const f = follow(id, v.type)
            if (f instanceof BtfLoopError) return f
            if (f) {
              pushed = true
              break
            }
          }
          if (pushed) continue
          pop()
          break
        }
        case BtfKind.DeclTag: {
          const nt = get(t.type)
          if (
            nt === undefined ||
            !(
              nt.kind === BtfKind.Struct ||
              nt.kind === BtfKind.Union ||
              nt.kind === BtfKind.Func ||
              nt.kind === BtfKind.Var ||
              nt.kind === BtfKind.Typedef
            )
          )
            return refError(id, "type_id", t.type, "Invalid type_id")
          const f = follow(id, t.type)
          if (f instanceof BtfLoopError) return f
          if (f) continue
          if (t.componentIdx !== -1) {
            let vlen = 0
            if (nt.kind === BtfKind.Struct || nt.kind === BtfKind.Union) vlen = nt.members.length
            else if (nt.kind === BtfKind.Func) {
              const proto = get(nt.type)
              vlen = proto !== undefined && proto.kind === BtfKind.FuncProto ? proto.params.length : 0
            }
            if (t.componentIdx >= vlen) return refError(id, "component_idx", t.componentIdx, "Invalid component_idx")
          }
          pop()
          break
        }
        case BtfKind.Func: {
          const proto = get(t.type)
          if (proto === undefined || proto.kind !== BtfKind.FuncProto)
            return refError(id, "type_id", t.type, "Invalid type_id")
          pop()
          break
        }
        default:
          pop()
          break
      }
    }
  }

  // (c) FUNC_PROTO return and argument types (btf_func_proto_check), now that chains are acyclic
  for (let i = 0; i < n; i++) {
    const t = own[i]!
    if (t.kind !== BtfKind.FuncProto) continue
    const id = startId + i
    if (t.returnType !== 0) {
      const fin = get(skipMods(t.returnType))
      if (
        fin === undefined ||
        isSourceOnly(get(t.returnType)) ||
        isSourceOnly(fin) ||
        fin.kind === BtfKind.Func ||
        fin.kind === BtfKind.FuncProto
      )
        return refError(id, "ret_type_id", t.returnType, "Invalid return type")
    }
    for (let a = 0; a < t.params.length; a++) {
      const p = t.params[a]!
      if (p.type === 0) continue // varargs, position checked by the decoder
      const fin = get(skipMods(p.type))
      if (
        fin === undefined ||
        isSourceOnly(get(p.type)) ||
        isSourceOnly(fin) ||
        fin.kind === BtfKind.Func ||
        fin.kind === BtfKind.FuncProto
      )
        return refError(id, `arg#${a + 1} type_id`, p.type, `Invalid arg#${a + 1}`)
    }
  }
  return undefined
}

/** btf_type_int_is_regular: whole bytes, no offset, 1/2/4/8/16 bytes */
const isRegularInt = (t: BtfType): boolean => {
  if (t.kind !== BtfKind.Int) return false
  if (t.bits % 8 !== 0 || t.bitOffset !== 0) return false
  const bytes = t.bits / 8
  return bytes === 1 || bytes === 2 || bytes === 4 || bytes === 8 || bytes === 16
}
