/**
 * The `raw` dump of bpftool: `bpftool -j btf dump file X [-B base] format raw`, key for key and
 * in bpftool's key order (bpftool 7.1 src/btf.c dump_btf_type), for the own types of a Btf
 * (bpftool prints only the split types when given -B).
 *
 * Contract:
 * - `btfDumpRaw` gives the JSON objects (ENUM64 values as bigint, so no 64-bit value loses
 *   precision); `btfDumpRawJson` gives bpftool's exact text: compact JSON
 *   `{"types":[...]}` plus a newline, strings escaped as bpftool's json_writer does.
 * - Names: an empty name prints as "(anon)" (bpftool btf_str for name_off 0).
 * - Enum values: ENUM signed -> s32; unsigned -> the s32 sign-extended to u64, as bpftool 7.1
 *   prints it; ENUM64 signed -> s64, unsigned -> u64.
 */
import type { Btf, BtfType } from "./BtfType.js"
import { BtfKind, BtfKindName, typeName } from "./BtfType.js"

export type RawJsonValue = string | number | bigint | ReadonlyArray<RawJsonObject>
/** A JSON object with insertion-ordered keys. */
export type RawJsonObject = { readonly [key: string]: RawJsonValue }

const anon = (s: string): string => (s === "" ? "(anon)" : s)

/** bpftool btf_int_enc_str */
const intEncodingName = (e: number): string => {
  switch (e) {
    case 0:
      return "(none)"
    case 1:
      return "SIGNED"
    case 2:
      return "CHAR"
    case 4:
      return "BOOL"
    default:
      return "UNKN"
  }
}

/** bpftool btf_func_linkage_str / btf_var_linkage_str (same words for both) */
const linkageName = (l: number): string => {
  switch (l) {
    case 0:
      return "static"
    case 1:
      return "global"
    case 2:
      return "extern"
    default:
      return "(unknown)"
  }
}

/** One type as bpftool's JSON object. */
export const rawDumpType = (id: number, t: BtfType): RawJsonObject => {
  const o: Record<string, RawJsonValue> = {
    id,
    kind: BtfKindName[t.kind],
    name: anon(typeName(t))
  }
  switch (t.kind) {
    case BtfKind.Int:
      o.size = t.size
      o.bits_offset = t.bitOffset
      o.nr_bits = t.bits
      o.encoding = intEncodingName(t.encoding)
      break
    case BtfKind.Ptr:
    case BtfKind.Volatile:
    case BtfKind.Const:
    case BtfKind.Restrict:
    case BtfKind.Typedef:
    case BtfKind.TypeTag:
      o.type_id = t.type
      break
    case BtfKind.Array:
      o.type_id = t.type
      o.index_type_id = t.indexType
      o.nr_elems = t.nelems
      break
    case BtfKind.Struct:
    case BtfKind.Union:
      o.size = t.size
      o.vlen = t.members.length
      o.members = t.members.map((m) => {
        const mo: Record<string, RawJsonValue> = {
          name: anon(m.name),
          type_id: m.type,
          bits_offset: m.bitOffset
        }
        if (m.bitfieldSize !== 0) mo.bitfield_size = m.bitfieldSize
        return mo
      })
      break
    case BtfKind.Enum:
      o.encoding = t.signed ? "SIGNED" : "UNSIGNED"
      o.size = t.size
      o.vlen = t.values.length
      // bpftool 7.1 passes the __s32 val to jsonw_uint_field (a u64) for unsigned enums, so a
      // value >= 2^31 prints sign-extended (4026531839 prints as 18446744073441116159); mirrored.
      o.values = t.values.map((v) => ({
        name: anon(v.name),
        val: t.signed || v.value >= 0 ? v.value : BigInt.asUintN(64, BigInt(v.value))
      }))
      break
    case BtfKind.Enum64:
      o.encoding = t.signed ? "SIGNED" : "UNSIGNED"
      o.size = t.size
      o.vlen = t.values.length
      o.values = t.values.map((v) => {
        const u = (BigInt(v.hi32 >>> 0) << 32n) | BigInt(v.lo32 >>> 0)
        return { name: anon(v.name), val: t.signed ? BigInt.asIntN(64, u) : u }
      })
      break
    case BtfKind.Fwd:
      o.fwd_kind = t.union ? "union" : "struct"
      break
    case BtfKind.Func:
      o.type_id = t.type
      o.linkage = linkageName(t.linkage)
      break
    case BtfKind.FuncProto:
      o.ret_type_id = t.returnType
      o.vlen = t.params.length
      o.params = t.params.map((p) => ({ name: anon(p.name), type_id: p.type }))
      break
    case BtfKind.Var:
      o.type_id = t.type
      o.linkage = linkageName(t.linkage)
      break
    case BtfKind.Datasec:
      o.size = t.size
      o.vlen = t.vars.length
      o.vars = t.vars.map((v) => ({
        type_id: v.type,
        offset: v.offset,
        size: v.size
      }))
      break
    case BtfKind.Float:
      o.size = t.size
      break
    case BtfKind.DeclTag:
      o.type_id = t.type
      o.component_idx = t.componentIdx
      break
  }
  return o
}

/** bpftool's JSON objects for the own types of `btf`. */
export const btfDumpRaw = (btf: Btf): ReadonlyArray<RawJsonObject> =>
  btf.types.map((t, i) => rawDumpType(btf.startId + i, t))

/** json_writer.c jsonw_puts escaping */
const quote = (s: string): string => {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    switch (c) {
      case "\t":
        out += "\\t"
        break
      case "\n":
        out += "\\n"
        break
      case "\r":
        out += "\\r"
        break
      case "\f":
        out += "\\f"
        break
      case "\b":
        out += "\\b"
        break
      case "\\":
        out += "\\\\"
        break
      case '"':
        out += '\\"'
        break
      default:
        out += c
    }
  }
  return `${out}"`
}

const writeValue = (v: RawJsonValue, out: Array<string>): void => {
  if (typeof v === "string") out.push(quote(v))
  else if (typeof v === "number" || typeof v === "bigint") out.push(String(v))
  else {
    out.push("[")
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(",")
      writeObject(v[i]!, out)
    }
    out.push("]")
  }
}

const writeObject = (o: RawJsonObject, out: Array<string>): void => {
  out.push("{")
  let first = true
  for (const k in o) {
    if (!first) out.push(",")
    first = false
    out.push(quote(k), ":")
    writeValue(o[k]!, out)
  }
  out.push("}")
}

/** Exactly the text of `bpftool -j btf dump file X [-B base] format raw` (with trailing newline). */
export const btfDumpRawJson = (btf: Btf): string => {
  const out: Array<string> = ['{"types":[']
  for (let i = 0; i < btf.types.length; i++) {
    if (i > 0) out.push(",")
    writeObject(rawDumpType(btf.startId + i, btf.types[i]!), out)
  }
  out.push("]}\n")
  return out.join("")
}
