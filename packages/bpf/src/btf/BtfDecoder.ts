/**
 * decodeBtf: raw BTF bytes (standalone or split on a base) -> a validated `Btf`, or a typed
 * BtfError. Never throws, never loops on its input (every loop advances by >= 12 bytes or is
 * bounded by the type count).
 *
 * Blob layout (offsets in the header are relative to the end of the header):
 *
 *   0          hdr_len       hdr_len+type_off        hdr_len+str_off            end
 *   +----------+--------------+-----------------------+---------------------------+
 *   | header   | (gap)        | type records ...      | (layout) | strings \0..\0 |
 *   +----------+--------------+-----------------------+---------------------------+
 *   type record: btf_type (12 bytes, see BtfWire.ts) + kind data (KIND_EXTRA)
 *
 * Validation order (libbpf btf_parse_hdr / btf_parse_str_sec / btf_parse_type_sec, then the
 * kernel's btf_check_all_metas and btf_check_all_types):
 *   1. size >= 24                                   "BTF header not found"
 *   2. magic 0xEB9F, or 0x9FEB = other byte order   "Invalid magic"
 *   3. version 1, flags 0                           "Unsupported version" / "Unsupported flags"
 *   4. 24 <= hdr_len <= size                        (libbpf: "BTF header len %u larger than data size %u")
 *   5. sections inside the blob, types before strings ("Invalid BTF total size", "Invalid BTF data sections layout")
 *   6. type_off % 4 == 0                            "BTF type section is not aligned to 4 bytes"
 *   7. string section: non-split starts with \0 (else "did you forget to provide base BTF?"),
 *      last byte \0, length <= BTF_MAX_NAME_OFFSET + 1
 *   8. every type record (kernel check_meta): known kind, record fits, name offsets inside the
 *      string sections, names valid per kind, kind-specific fields
 *   9. every reference (kernel resolve, BtfResolver.ts): ids exist, kinds allowed, no loops.
 *
 * 2026 extensions (libbpf HEAD): hdr_len >= 32 carries layout_off/layout_len; the layout section
 * is bounds-checked and otherwise ignored (all kinds here are known). Header bytes past the
 * fields this decoder knows are accepted whatever their value, as libbpf HEAD accepts them
 * (libbpf then treats the BTF as read-only; a decoded Btf is immutable anyway). The kernel 6.18
 * would reject non-zero extra bytes ("Unsupported btf_header"). The wider info masks (vlen bits
 * 0-23, kind bits 24-30) are used, so there are no "unused" info bits left to reject.
 *
 * Deliberately accepted although the kernel's BPF_BTF_LOAD rejects them, because clang object
 * files carry them before libbpf's fixups: DATASEC size 0 (then var offsets are not checked),
 * DATASEC entries that are FUNCs (.ksyms), FUNC linkage extern.
 */
import { Effect, Result } from "effect"
import type { Btf, BtfMember, BtfParam, BtfType, BtfEnumValue, BtfEnum64Value, BtfVarSecinfo } from "./BtfType.js"
import { BtfKind, BtfKindName } from "./BtfType.js"
import {
  type BtfError,
  BtfHeaderError,
  BtfInternalError,
  BtfReferenceError,
  BtfStringError,
  BtfTypeError
} from "./BtfErrors.js"
import { BtfObject, stringTableOf } from "./BtfObject.js"
import { BtfStringTable } from "./BtfStringTable.js"
import { isValidIdentifier, isValidSectionName } from "./BtfNameRules.js"
import { resolveBtfReferences } from "./BtfResolver.js"
import {
  BITS_PER_U128,
  BTF_HEADER_SIZE,
  BTF_HEADER_SIZE_LAYOUT,
  BTF_INT_MASK,
  BTF_KIND_MAX,
  BTF_MAGIC,
  BTF_MAX_NAME_OFFSET,
  BTF_MAX_TYPE,
  BTF_TYPE_SIZE,
  BTF_VERSION,
  KIND_EXTRA,
  infoKflag,
  infoKind,
  infoVlen,
  intBits,
  intEncoding,
  intOffset,
  memberBitOffset,
  memberBitfieldSize
} from "./BtfWire.js"

export interface DecodeBtfOptions {
  /** base BTF for split BTF (must come from decodeBtf or BtfBuilder: its string table is needed) */
  readonly base?: Btf
}

/** The parsed header, in host numbers. */
export interface BtfHeader {
  readonly littleEndian: boolean
  readonly version: number
  readonly flags: number
  readonly hdrLen: number
  readonly typeOff: number
  readonly typeLen: number
  readonly strOff: number
  readonly strLen: number
  /** 0 when hdr_len < 32 */
  readonly layoutOff: number
  readonly layoutLen: number
}

const kindName = (kind: number): string => BtfKindName[kind as BtfKind] ?? "UNKNOWN"

/** Parse and check the header (steps 1-6). */
export const decodeBtfHeader = (bytes: Uint8Array): Result.Result<BtfHeader, BtfHeaderError> => {
  if (bytes.length < BTF_HEADER_SIZE)
    return Result.fail(
      new BtfHeaderError({
        offset: 0,
        reason: "BTF header not found",
        value: bytes.length
      })
    )
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magicLe = dv.getUint16(0, true)
  let le: boolean
  if (magicLe === BTF_MAGIC) le = true
  else if (dv.getUint16(0, false) === BTF_MAGIC) le = false
  else
    return Result.fail(
      new BtfHeaderError({
        offset: 0,
        reason: "Invalid magic",
        value: magicLe
      })
    )
  const version = dv.getUint8(2)
  if (version !== BTF_VERSION)
    return Result.fail(
      new BtfHeaderError({
        offset: 2,
        reason: "Unsupported version",
        value: version
      })
    )
  const flags = dv.getUint8(3)
  if (flags !== 0)
    return Result.fail(
      new BtfHeaderError({
        offset: 3,
        reason: "Unsupported flags",
        value: flags
      })
    )
  const hdrLen = dv.getUint32(4, le)
  if (hdrLen < BTF_HEADER_SIZE)
    return Result.fail(
      new BtfHeaderError({
        offset: 4,
        reason: `hdr_len smaller than the ${BTF_HEADER_SIZE}-byte btf_header`,
        value: hdrLen
      })
    )
  if (hdrLen > bytes.length)
    return Result.fail(
      new BtfHeaderError({
        offset: 4,
        reason: `BTF header len ${hdrLen} larger than data size ${bytes.length}`,
        value: hdrLen
      })
    )
  const typeOff = dv.getUint32(8, le)
  const typeLen = dv.getUint32(12, le)
  const strOff = dv.getUint32(16, le)
  const strLen = dv.getUint32(20, le)
  const hasLayout = hdrLen >= BTF_HEADER_SIZE_LAYOUT
  const layoutOff = hasLayout ? dv.getUint32(24, le) : 0
  const layoutLen = hasLayout ? dv.getUint32(28, le) : 0
  const metaLeft = bytes.length - hdrLen
  if (strOff + strLen > metaLeft)
    return Result.fail(
      new BtfHeaderError({
        offset: 16,
        reason: `Invalid BTF total size: ${bytes.length}`,
        value: strOff + strLen
      })
    )
  if (typeOff + typeLen > strOff)
    return Result.fail(
      new BtfHeaderError({
        offset: 8,
        reason: `Invalid BTF data sections layout: type data at ${typeOff} + ${typeLen}, strings data at ${strOff} + ${strLen}`,
        value: typeOff + typeLen
      })
    )
  if (typeOff % 4 !== 0)
    return Result.fail(
      new BtfHeaderError({
        offset: 8,
        reason: "BTF type section is not aligned to 4 bytes",
        value: typeOff
      })
    )
  if (hasLayout && layoutLen > 0) {
    // libbpf HEAD: the layout section lies between the types and the strings, 4-aligned.
    if (layoutOff % 4 !== 0)
      return Result.fail(
        new BtfHeaderError({
          offset: 24,
          reason: "BTF layout section is not aligned to 4 bytes",
          value: layoutOff
        })
      )
    if (layoutOff < typeOff + typeLen || layoutOff + layoutLen > strOff)
      return Result.fail(
        new BtfHeaderError({
          offset: 24,
          reason: `Invalid BTF layout section: ${layoutOff} + ${layoutLen} outside types end ${typeOff + typeLen} .. strings ${strOff}`,
          value: layoutOff
        })
      )
  }
  return Result.succeed({
    littleEndian: le,
    version,
    flags,
    hdrLen,
    typeOff,
    typeLen,
    strOff,
    strLen,
    layoutOff,
    layoutLen
  })
}

/** Decode a BTF blob. See the module comment for the checks, in order. */
export const decodeBtf = (bytes: Uint8Array, options: DecodeBtfOptions = {}): Result.Result<Btf, BtfError> => {
  try {
    return decodeChecked(bytes, options.base)
  } catch (e) {
    return Result.fail(
      new BtfInternalError({
        reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e)
      })
    )
  }
}

const decodeChecked = (bytes: Uint8Array, base: Btf | undefined): Result.Result<Btf, BtfError> => {
  const hdrResult = decodeBtfHeader(bytes)
  if (Result.isFailure(hdrResult)) return Result.fail(hdrResult.failure)
  const hdr = hdrResult.success
  const le = hdr.littleEndian

  // 7. string section (libbpf btf_parse_str_sec)
  let baseStrings: BtfStringTable | undefined
  if (base !== undefined) {
    baseStrings = stringTableOf(base)
    if (baseStrings === undefined)
      return Result.fail(
        new BtfStringError({
          offset: 0,
          reason: "base BTF has no string table (use a Btf from decodeBtf or BtfBuilder)",
          value: 0
        })
      )
  }
  const strStart = hdr.hdrLen + hdr.strOff
  const strBytes = bytes.subarray(strStart, strStart + hdr.strLen)
  if (base === undefined) {
    if (hdr.strLen === 0)
      return Result.fail(
        new BtfStringError({
          offset: strStart,
          reason: "Invalid BTF string section",
          value: 0
        })
      )
    if (strBytes[0] !== 0)
      return Result.fail(
        new BtfStringError({
          offset: strStart,
          reason: "Malformed BTF string section, did you forget to provide base BTF?",
          value: strBytes[0]!
        })
      )
  }
  if (hdr.strLen > 0 && strBytes[hdr.strLen - 1] !== 0)
    return Result.fail(
      new BtfStringError({
        offset: strStart + hdr.strLen - 1,
        reason: "Invalid BTF string section",
        value: strBytes[hdr.strLen - 1]!
      })
    )
  const startStrOff = baseStrings === undefined ? 0 : baseStrings.endStrOff
  if (startStrOff + hdr.strLen - 1 > BTF_MAX_NAME_OFFSET)
    return Result.fail(
      new BtfStringError({
        offset: strStart,
        reason: "Invalid BTF string section: too long",
        value: startStrOff + hdr.strLen
      })
    )
  const strings = new BtfStringTable(strBytes, startStrOff, baseStrings)

  // 8. type records (kernel btf_check_all_metas + libbpf btf_parse_type_sec)
  const startId = base === undefined ? 1 : base.typeCount
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const typeStart = hdr.hdrLen + hdr.typeOff
  const typeEnd = typeStart + hdr.typeLen
  const types: Array<BtfType> = []
  const offsets: Array<number> = []
  // per-record state read by the error helpers below (hoisted: no closures per record)
  let p = typeStart
  let id = startId
  let kname = "UNKNOWN"
  let shown = "(anon)"
  const fail = (reason: string, value: number): Result.Result<Btf, BtfError> =>
    Result.fail(
      new BtfTypeError({
        typeId: id,
        kind: kname,
        name: shown,
        offset: p,
        reason,
        value
      })
    )
  const tfail = fail
  const refFail = (field: string, value: number, reason = "Invalid type_id"): Result.Result<Btf, BtfError> =>
    Result.fail(
      new BtfReferenceError({
        typeId: id,
        kind: kname,
        name: shown,
        offset: p,
        field,
        value,
        reason
      })
    )
  const strAt = (off: number, fieldOffset: number, what: string): string | BtfStringError => {
    if (off > BTF_MAX_NAME_OFFSET || !strings.contains(off))
      return new BtfStringError({
        offset: fieldOffset,
        reason: `[${id}] ${kname} ${shown} Invalid ${what} name_offset:${off}`,
        value: off
      })
    return strings.at(off)!
  }
  while (p < typeEnd) {
    id = startId + types.length
    kname = "UNKNOWN"
    shown = "(anon)"
    const left = typeEnd - p
    if (id > BTF_MAX_TYPE) return fail("Exceeded max num of types", id)
    if (left < BTF_TYPE_SIZE) return fail(`meta_left:${left} meta_needed:${BTF_TYPE_SIZE}`, left)
    const nameOff = dv.getUint32(p, le)
    const info = dv.getUint32(p + 4, le)
    const sizeType = dv.getUint32(p + 8, le)
    const kind = infoKind(info)
    if (kind === 0 || kind > BTF_KIND_MAX) return fail(`Invalid kind:${kind}`, kind)
    kname = kindName(kind)
    const vlen = infoVlen(info)
    const kflag = infoKflag(info)
    const extra = KIND_EXTRA[kind]!
    const needed = BTF_TYPE_SIZE + extra[0] + extra[1] * vlen
    if (left < needed) return fail(`meta_left:${left} meta_needed:${needed}`, vlen)
    if (nameOff > BTF_MAX_NAME_OFFSET || !strings.contains(nameOff))
      return Result.fail(
        new BtfStringError({
          offset: p,
          reason: `[${id}] ${kname} Invalid name_offset:${nameOff}`,
          value: nameOff
        })
      )
    const name = nameOff === 0 ? "" : strings.at(nameOff)!
    shown = name === "" ? "(anon)" : name
    const d = p + BTF_TYPE_SIZE
    let t: BtfType
    switch (kind) {
      case BtfKind.Int: {
        const e = vlen !== 0 ? tfail("vlen != 0", vlen) : kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        const data = dv.getUint32(d, le)
        if ((data & ~BTF_INT_MASK) !== 0) return tfail(`Invalid int_data:${data.toString(16)}`, data)
        const bits = intBits(data)
        const off = intOffset(data)
        const enc = intEncoding(data)
        if (bits > BITS_PER_U128) return tfail(`nr_bits exceeds ${BITS_PER_U128}`, bits)
        if (Math.ceil(bits / 8) > sizeType) return tfail("nr_bits exceeds type_size", bits)
        if (off + bits > BITS_PER_U128) return tfail("significant bits exceeds u128", off + bits)
        if (enc !== 0 && enc !== 1 && enc !== 2 && enc !== 4) return tfail("Unsupported encoding", enc)
        t = {
          kind: BtfKind.Int,
          name,
          size: sizeType,
          encoding: enc,
          bitOffset: off,
          bits
        }
        break
      }
      case BtfKind.Ptr:
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.Typedef:
      case BtfKind.TypeTag: {
        const e =
          vlen !== 0
            ? tfail("vlen != 0", vlen)
            : kflag && kind !== BtfKind.TypeTag
              ? tfail("Invalid btf_info kind_flag", 1)
              : undefined
        if (e) return e
        if (sizeType > BTF_MAX_TYPE) return refFail("type_id", sizeType)
        if (kind === BtfKind.Typedef) {
          if (!isValidIdentifier(name)) return tfail("Invalid name", nameOff)
        } else if (kind === BtfKind.TypeTag) {
          if (name === "") return tfail("Invalid name", nameOff)
        } else if (nameOff !== 0) return tfail("Invalid name", nameOff)
        t = { kind, name, type: sizeType, kindFlag: kflag }
        break
      }
      case BtfKind.Array: {
        const e = vlen !== 0 ? tfail("vlen != 0", vlen) : kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        if (nameOff !== 0) return tfail("Invalid name", nameOff)
        if (sizeType !== 0) return tfail("size != 0", sizeType)
        const elem = dv.getUint32(d, le)
        const index = dv.getUint32(d + 4, le)
        if (elem === 0 || elem > BTF_MAX_TYPE) return refFail("type_id", elem, "Invalid elem")
        if (index === 0 || index > BTF_MAX_TYPE) return refFail("index_type_id", index, "Invalid index")
        t = {
          kind: BtfKind.Array,
          type: elem,
          indexType: index,
          nelems: dv.getUint32(d + 8, le)
        }
        break
      }
      case BtfKind.Struct:
      case BtfKind.Union: {
        if (nameOff !== 0 && !isValidIdentifier(name)) return tfail("Invalid name", nameOff)
        const members: Array<BtfMember> = new Array(vlen)
        for (let i = 0; i < vlen; i++) {
          const m = d + i * 12
          const mname = strAt(dv.getUint32(m, le), m, "member")
          if (typeof mname !== "string") return Result.fail(mname)
          if (mname !== "" && !isValidIdentifier(mname))
            return tfail(`Invalid member name '${mname}'`, dv.getUint32(m, le))
          const mtype = dv.getUint32(m + 4, le)
          if (mtype === 0 || mtype > BTF_MAX_TYPE) return refFail(`member '${mname}' type_id`, mtype)
          const raw = dv.getUint32(m + 8, le)
          const bitOffset = kflag ? memberBitOffset(raw) : raw
          const bitfieldSize = kflag ? memberBitfieldSize(raw) : 0
          if (kind === BtfKind.Union && bitOffset !== 0) return tfail("Invalid member bits_offset", bitOffset)
          if (Math.ceil(bitOffset / 8) > sizeType) return tfail("Member bits_offset exceeds its struct size", bitOffset)
          members[i] = { name: mname, type: mtype, bitOffset, bitfieldSize }
        }
        t = { kind, name, size: sizeType, kindFlag: kflag, members }
        break
      }
      case BtfKind.Enum:
      case BtfKind.Enum64: {
        if (sizeType > 8 || sizeType === 0 || (sizeType & (sizeType - 1)) !== 0)
          return tfail("Unexpected size", sizeType)
        if (nameOff !== 0 && !isValidIdentifier(name)) return tfail("Invalid name", nameOff)
        const per64 = kind === BtfKind.Enum64
        const stride = per64 ? 12 : 8
        const values: Array<BtfEnumValue | BtfEnum64Value> = new Array(vlen)
        for (let i = 0; i < vlen; i++) {
          const v = d + i * stride
          const vname = strAt(dv.getUint32(v, le), v, "enumerator")
          if (typeof vname !== "string") return Result.fail(vname)
          if (!isValidIdentifier(vname)) return tfail("Invalid name", dv.getUint32(v, le))
          values[i] = per64
            ? {
                name: vname,
                lo32: dv.getUint32(v + 4, le),
                hi32: dv.getUint32(v + 8, le)
              }
            : { name: vname, value: dv.getInt32(v + 4, le) }
        }
        t = per64
          ? {
              kind: BtfKind.Enum64,
              name,
              size: sizeType,
              signed: kflag,
              values: values as Array<BtfEnum64Value>
            }
          : {
              kind: BtfKind.Enum,
              name,
              size: sizeType,
              signed: kflag,
              values: values as Array<BtfEnumValue>
            }
        break
      }
      case BtfKind.Fwd: {
        const e = vlen !== 0 ? tfail("vlen != 0", vlen) : undefined
        if (e) return e
        if (sizeType !== 0) return tfail("type != 0", sizeType)
        if (!isValidIdentifier(name)) return tfail("Invalid name", nameOff)
        t = { kind: BtfKind.Fwd, name, union: kflag }
        break
      }
      case BtfKind.Func: {
        if (!isValidIdentifier(name)) return tfail("Invalid name", nameOff)
        if (vlen > 2) return tfail("Invalid func linkage", vlen)
        const e = kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        if (sizeType > BTF_MAX_TYPE) return refFail("type_id", sizeType)
        t = { kind: BtfKind.Func, name, type: sizeType, linkage: vlen }
        break
      }
      case BtfKind.FuncProto: {
        const e = kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        if (nameOff !== 0) return tfail("Invalid name", nameOff)
        if (sizeType > BTF_MAX_TYPE) return refFail("ret_type_id", sizeType)
        const params: Array<BtfParam> = new Array(vlen)
        for (let i = 0; i < vlen; i++) {
          const a = d + i * 8
          const pnameOff = dv.getUint32(a, le)
          const pname = strAt(pnameOff, a, "arg")
          if (typeof pname !== "string") return Result.fail(pname)
          const ptype = dv.getUint32(a + 4, le)
          if (ptype > BTF_MAX_TYPE) return refFail(`arg#${i + 1}`, ptype)
          // btf_func_proto_check: only the last arg may be void (varargs), and then it has no name
          if (ptype === 0 && (i !== vlen - 1 || pnameOff !== 0)) return tfail(`Invalid arg#${i + 1}`, ptype)
          if (pname !== "" && !isValidIdentifier(pname)) return tfail(`Invalid arg#${i + 1}`, pnameOff)
          params[i] = { name: pname, type: ptype }
        }
        t = { kind: BtfKind.FuncProto, returnType: sizeType, params }
        break
      }
      case BtfKind.Var: {
        const e = vlen !== 0 ? tfail("vlen != 0", vlen) : kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        if (!isValidIdentifier(name)) return tfail("Invalid name", nameOff)
        if (sizeType === 0 || sizeType > BTF_MAX_TYPE) return refFail("type_id", sizeType)
        const linkage = dv.getUint32(d, le)
        if (linkage > 2) return tfail("Linkage not supported", linkage)
        t = { kind: BtfKind.Var, name, type: sizeType, linkage }
        break
      }
      case BtfKind.Datasec: {
        const e = kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        if (vlen === 0) return tfail("vlen == 0", 0)
        if (!isValidSectionName(name)) return tfail("Invalid name", nameOff)
        const vars: Array<BtfVarSecinfo> = new Array(vlen)
        let lastEnd = 0
        for (let i = 0; i < vlen; i++) {
          const v = d + i * 12
          const vtype = dv.getUint32(v, le)
          const voff = dv.getUint32(v + 4, le)
          const vsize = dv.getUint32(v + 8, le)
          if (vtype === 0 || vtype > BTF_MAX_TYPE) return refFail(`var#${i}`, vtype, "Invalid type")
          if (sizeType !== 0) {
            // kernel btf_datasec_check_meta; skipped for size 0 (object files before libbpf's fixup)
            if (voff < lastEnd || voff >= sizeType) return tfail("Invalid offset", voff)
            if (vsize === 0 || vsize > sizeType) return tfail("Invalid size", vsize)
            lastEnd = voff + vsize
            if (lastEnd > sizeType) return tfail("Invalid offset+size", lastEnd)
          }
          vars[i] = { type: vtype, offset: voff, size: vsize }
        }
        t = { kind: BtfKind.Datasec, name, size: sizeType, vars }
        break
      }
      case BtfKind.Float: {
        const e = vlen !== 0 ? tfail("vlen != 0", vlen) : kflag ? tfail("Invalid btf_info kind_flag", 1) : undefined
        if (e) return e
        if (sizeType !== 2 && sizeType !== 4 && sizeType !== 8 && sizeType !== 12 && sizeType !== 16)
          return tfail("Invalid type_size", sizeType)
        t = { kind: BtfKind.Float, name, size: sizeType }
        break
      }
      case BtfKind.DeclTag: {
        const e = vlen !== 0 ? tfail("vlen != 0", vlen) : undefined
        if (e) return e
        if (name === "") return tfail("Invalid value", nameOff)
        if (sizeType === 0 || sizeType > BTF_MAX_TYPE) return refFail("type_id", sizeType)
        const componentIdx = dv.getInt32(d, le)
        if (componentIdx < -1) return tfail("Invalid component_idx", componentIdx)
        t = {
          kind: BtfKind.DeclTag,
          name,
          type: sizeType,
          componentIdx,
          kindFlag: kflag
        }
        break
      }
      default:
        return tfail(`Invalid kind:${kind}`, kind)
    }
    types.push(t)
    offsets.push(p)
    p += needed
  }

  // 9. references and loops (kernel btf_check_all_types)
  const btf = new BtfObject(base, types, le, strings)
  const refError = resolveBtfReferences(btf, offsets)
  if (refError !== undefined) return Result.fail(refError)
  return Result.succeed(btf)
}

/** decodeBtf as an Effect (fails with the same typed BtfError). */
export const decodeBtfEffect = (bytes: Uint8Array, options: DecodeBtfOptions = {}): Effect.Effect<Btf, BtfError> =>
  Effect.fromResult(decodeBtf(bytes, options))
