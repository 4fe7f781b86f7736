/**
 * encodeBtf: a `Btf` model -> raw BTF bytes, laid out as libbpf's writer lays them out
 * (btf__new_empty / btf__new_empty_split + btf__add_* + btf__raw_data):
 *
 *   +----------------------+--------------------------+-------------------------------+
 *   | 24-byte header       | type records, id order   | strings                       |
 *   | type_off=0           |                          | standalone: "\0" first        |
 *   | str_off=type_len     |                          | split: own strings only       |
 *   +----------------------+--------------------------+-------------------------------+
 *
 * Strings (libbpf btf__add_str): an empty name is offset 0 and never added; otherwise the
 * base chain is searched first (split BTF reuses base strings, first occurrence of a whole
 * string), then the own set (deduplicated, insertion order = type order, name before member /
 * enumerator / param names). Own offsets continue at the base's string end.
 *
 * kind_flag comes from the model (STRUCT/UNION kindFlag, ENUM signed, FWD union, tag
 * kindFlag); with kindFlag=false a member must not carry a bitfieldSize (it would be lost).
 * vlen is capped at BTF_MAX_VLEN_CLASSIC (0xffff) so every blob stays readable by the kernel
 * 6.18 and bpftool 7.1, which use the classic 16-bit vlen.
 */
import { Result } from "effect"
import type { Btf, BtfType } from "./BtfType.js"
import { BtfKind } from "./BtfType.js"
import { BtfEncodeError } from "./BtfErrors.js"
import { stringTableOf } from "./BtfObject.js"
import type { BtfStringTable } from "./BtfStringTable.js"
import {
  BTF_HEADER_SIZE,
  BTF_MAGIC,
  BTF_MAX_NAME_OFFSET,
  BTF_MAX_VLEN_CLASSIC,
  BTF_TYPE_SIZE,
  BTF_VERSION,
  KIND_EXTRA,
  makeInfo
} from "./BtfWire.js"

export interface EncodeBtfOptions {
  /** byte order of the output; default: the Btf's own `littleEndian` */
  readonly littleEndian?: boolean
}

/** Own strings of the blob being written, with libbpf's lookup order. */
class StringWriter {
  private readonly own = new Map<string, number>()
  private readonly chunks: Array<Uint8Array> = []
  private length: number
  private readonly encoder = new TextEncoder()

  constructor(
    private readonly base: BtfStringTable | undefined,
    private readonly startStrOff: number
  ) {
    // btf_new_empty: a standalone BTF starts with the empty string at offset 0
    if (base === undefined) {
      this.chunks.push(new Uint8Array(1))
      this.length = 1
    } else this.length = 0
  }

  add(s: string): number {
    if (s === "") return 0
    for (let b = this.base; b !== undefined; b = b.base) {
      const off = b.firstOffsetOf(s)
      if (off !== undefined) return off
    }
    const known = this.own.get(s)
    if (known !== undefined) return known
    const off = this.startStrOff + this.length
    const bytes = this.encoder.encode(s)
    const withNul = new Uint8Array(bytes.length + 1)
    withNul.set(bytes)
    this.chunks.push(withNul)
    this.length += withNul.length
    this.own.set(s, off)
    return off
  }

  get byteLength(): number {
    return this.length
  }

  writeTo(out: Uint8Array, at: number): void {
    let p = at
    for (const c of this.chunks) {
      out.set(c, p)
      p += c.length
    }
  }
}

const recordSize = (t: BtfType): number => {
  const [fixed, per] = KIND_EXTRA[t.kind]!
  let vlen = 0
  switch (t.kind) {
    case BtfKind.Struct:
    case BtfKind.Union:
      vlen = t.members.length
      break
    case BtfKind.Enum:
    case BtfKind.Enum64:
      vlen = t.values.length
      break
    case BtfKind.FuncProto:
      vlen = t.params.length
      break
    case BtfKind.Datasec:
      vlen = t.vars.length
      break
    default:
      break
  }
  return BTF_TYPE_SIZE + fixed + per * vlen
}

const isU32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff
const isS32 = (v: number): boolean => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff

/** Encode the own types of `btf` (split on `btf.base` when it has one). */
export const encodeBtf = (btf: Btf, options: EncodeBtfOptions = {}): Result.Result<Uint8Array, BtfEncodeError> => {
  const le = options.littleEndian ?? btf.littleEndian
  let baseStrings: BtfStringTable | undefined
  if (btf.base !== undefined) {
    baseStrings = stringTableOf(btf.base)
    if (baseStrings === undefined)
      return Result.fail(
        new BtfEncodeError({
          typeId: 0,
          reason: "base BTF has no string table (use a Btf from decodeBtf or BtfBuilder)",
          value: 0
        })
      )
  }
  const strs = new StringWriter(baseStrings, baseStrings === undefined ? 0 : baseStrings.endStrOff)
  let typeLen = 0
  for (const t of btf.types) {
    if (KIND_EXTRA[t.kind] === undefined || (t.kind as number) === BtfKind.Unknown)
      return Result.fail(
        new BtfEncodeError({
          typeId: 0,
          reason: "unknown kind",
          value: t.kind
        })
      )
    typeLen += recordSize(t)
  }
  const types = new Uint8Array(typeLen)
  const dv = new DataView(types.buffer)
  let p = 0
  let err: BtfEncodeError | undefined
  const u32 = (v: number, id: number, what: string) => {
    if (!isU32(v))
      err ??= new BtfEncodeError({
        typeId: id,
        reason: `${what} is not a u32`,
        value: v
      })
    dv.setUint32(p, v >>> 0, le)
    p += 4
  }
  const s32 = (v: number, id: number, what: string) => {
    if (!isS32(v))
      err ??= new BtfEncodeError({
        typeId: id,
        reason: `${what} is not an s32`,
        value: v
      })
    dv.setInt32(p, v | 0, le)
    p += 4
  }
  const name = (s: string, id: number) => {
    const off = strs.add(s)
    if (off > BTF_MAX_NAME_OFFSET)
      err ??= new BtfEncodeError({
        typeId: id,
        reason: "string offset past BTF_MAX_NAME_OFFSET",
        value: off
      })
    u32(off, id, "name offset")
  }
  const head = (id: number, nm: string, kind: number, vlen: number, kflag: boolean, sizeType: number) => {
    if (vlen > BTF_MAX_VLEN_CLASSIC)
      err ??= new BtfEncodeError({
        typeId: id,
        reason: "vlen exceeds BTF_MAX_VLEN (0xffff)",
        value: vlen
      })
    name(nm, id)
    u32(makeInfo(kind, vlen, kflag), id, "info")
    u32(sizeType, id, "size/type")
  }
  for (let i = 0; i < btf.types.length && err === undefined; i++) {
    const id = btf.startId + i
    const t = btf.types[i]!
    switch (t.kind) {
      case BtfKind.Int:
        head(id, t.name, t.kind, 0, false, t.size)
        if (t.encoding > 0x0f || t.bitOffset > 0xff || t.bits > 0xff || t.encoding < 0 || t.bitOffset < 0 || t.bits < 0)
          err ??= new BtfEncodeError({
            typeId: id,
            reason: "INT encoding/offset/bits out of range",
            value: t.bits
          })
        u32(((t.encoding << 24) | (t.bitOffset << 16) | t.bits) >>> 0, id, "int data")
        break
      case BtfKind.Ptr:
      case BtfKind.Typedef:
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.TypeTag:
        head(id, t.name, t.kind, 0, t.kindFlag, t.type)
        break
      case BtfKind.Array:
        head(id, "", t.kind, 0, false, 0)
        u32(t.type, id, "elem type")
        u32(t.indexType, id, "index type")
        u32(t.nelems, id, "nelems")
        break
      case BtfKind.Struct:
      case BtfKind.Union:
        head(id, t.name, t.kind, t.members.length, t.kindFlag, t.size)
        for (const m of t.members) {
          name(m.name, id)
          u32(m.type, id, "member type")
          if (t.kindFlag) {
            if (m.bitOffset > 0xffffff || m.bitfieldSize > 0xff || m.bitOffset < 0 || m.bitfieldSize < 0)
              err ??= new BtfEncodeError({
                typeId: id,
                reason: `member '${m.name}' offset/bitfield size out of range for kind_flag=1`,
                value: m.bitOffset
              })
            u32(((m.bitfieldSize << 24) | m.bitOffset) >>> 0, id, "member offset")
          } else {
            if (m.bitfieldSize !== 0)
              err ??= new BtfEncodeError({
                typeId: id,
                reason: `member '${m.name}' has a bitfield size but kind_flag=0`,
                value: m.bitfieldSize
              })
            u32(m.bitOffset, id, "member offset")
          }
        }
        break
      case BtfKind.Enum:
        head(id, t.name, t.kind, t.values.length, t.signed, t.size)
        for (const v of t.values) {
          name(v.name, id)
          s32(v.value, id, "enum value")
        }
        break
      case BtfKind.Enum64:
        head(id, t.name, t.kind, t.values.length, t.signed, t.size)
        for (const v of t.values) {
          name(v.name, id)
          u32(v.lo32, id, "enum64 lo32")
          u32(v.hi32, id, "enum64 hi32")
        }
        break
      case BtfKind.Fwd:
        head(id, t.name, t.kind, 0, t.union, 0)
        break
      case BtfKind.Func:
        head(id, t.name, t.kind, t.linkage, false, t.type)
        break
      case BtfKind.FuncProto:
        head(id, "", t.kind, t.params.length, false, t.returnType)
        for (const a of t.params) {
          name(a.name, id)
          u32(a.type, id, "param type")
        }
        break
      case BtfKind.Var:
        head(id, t.name, t.kind, 0, false, t.type)
        u32(t.linkage, id, "linkage")
        break
      case BtfKind.Datasec:
        head(id, t.name, t.kind, t.vars.length, false, t.size)
        for (const v of t.vars) {
          u32(v.type, id, "var type")
          u32(v.offset, id, "var offset")
          u32(v.size, id, "var size")
        }
        break
      case BtfKind.Float:
        head(id, t.name, t.kind, 0, false, t.size)
        break
      case BtfKind.DeclTag:
        head(id, t.name, t.kind, 0, t.kindFlag, t.type)
        s32(t.componentIdx, id, "component_idx")
        break
    }
  }
  if (err !== undefined) return Result.fail(err)

  const strLen = strs.byteLength
  const out = new Uint8Array(BTF_HEADER_SIZE + typeLen + strLen)
  const hv = new DataView(out.buffer)
  hv.setUint16(0, BTF_MAGIC, le)
  hv.setUint8(2, BTF_VERSION)
  hv.setUint8(3, 0)
  hv.setUint32(4, BTF_HEADER_SIZE, le)
  hv.setUint32(8, 0, le)
  hv.setUint32(12, typeLen, le)
  hv.setUint32(16, typeLen, le)
  hv.setUint32(20, strLen, le)
  out.set(types, BTF_HEADER_SIZE)
  strs.writeTo(out, BTF_HEADER_SIZE + typeLen)
  return Result.succeed(out)
}
