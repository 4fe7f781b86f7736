/**
 * The `.BTF.ext` parser: func_info, line_info and CO-RE relocation records, with libbpf's
 * validation rules (libbpf src/btf.c btf_ext_parse_hdr / btf_ext_setup_info, libbpf 1.1.2).
 *
 * Contract:
 * - `parseBtfExt(bytes, options)` never throws; malformed input gives `Result.fail(BtfExtError)`
 *   with the byte offset, libbpf's reason wording and the offending value.
 * - The byte order is taken from the magic (0xEB9F read in either order). libbpf 1.1.2 refuses
 *   a non-native .BTF.ext (-ENOTSUP); libbpf HEAD swaps it. We read both, because we only read
 *   the known leading fields of each record (so record sizes larger than the minimum are fine in
 *   both orders).
 * - `insnOff` is kept as stored: in an ELF object it is a byte offset from the start of the ELF
 *   section named by the info section's `sec_name_off` (the kernel uses instruction indexes).
 * - With `strings` (the .BTF string section lookup) every sec_name_off and access_str_off must
 *   resolve, and the names are returned; without it, names are left empty.
 *
 *   struct btf_ext_header (libbpf src/libbpf_internal.h)
 *   0       2       3       4               8               12              16              20              24              28              32
 *   +-------+-------+-------+---------------+---------------+---------------+---------------+---------------+---------------+---------------+
 *   | magic |version| flags |    hdr_len    | func_info_off | func_info_len | line_info_off | line_info_len | core_relo_off | core_relo_len |
 *   +-------+-------+-------+---------------+---------------+---------------+---------------+---------------+---------------+---------------+
 *   offsets are relative to the end of the header; the core_relo fields exist only when hdr_len >= 32
 *
 *   each info subsection:  u32 rec_size | { u32 sec_name_off; u32 num_info; u8 data[num_info * rec_size] } ...
 *   bpf_func_info  (>= 8):  u32 insn_off | u32 type_id
 *   bpf_line_info  (>= 16): u32 insn_off | u32 file_name_off | u32 line_off | u32 line_col (line = >> 10, col = & 0x3ff)
 *   bpf_core_relo  (>= 16): u32 insn_off | u32 type_id | u32 access_str_off | u32 kind
 */
import { Data, Result } from "effect"

/** BTF_MAGIC / BTF_VERSION, include/uapi/linux/btf.h (shared with .BTF.ext) */
const BTF_EXT_MAGIC = 0xeb9f
const BTF_EXT_VERSION = 1
/** offsetofend(struct btf_ext_header, hdr_len), libbpf btf_ext_parse_hdr */
const HDR_LEN_END = 8
/** offsetofend(struct btf_ext_header, line_info_len), libbpf btf_ext__new */
const HDR_LINE_INFO_END = 24
/** offsetofend(struct btf_ext_header, core_relo_len), libbpf btf_ext__new */
const HDR_CORE_RELO_END = 32
/** sizeof(struct btf_ext_info_sec) without data: sec_name_off + num_info */
const INFO_SEC_HDR = 8
/** sizeof(struct bpf_func_info_min), sizeof(struct bpf_line_info_min), sizeof(struct bpf_core_relo); libbpf_internal.h */
export const FUNC_INFO_MIN_REC_SIZE = 8
export const LINE_INFO_MIN_REC_SIZE = 16
export const CORE_RELO_MIN_REC_SIZE = 16

/** Malformed .BTF.ext. `errno` is what libbpf 1.1.2 returns for the same input. */
export class BtfExtError extends Data.TaggedError("BtfExtError")<{
  readonly offset: number
  readonly reason: string
  readonly value: number
  readonly errno: "EINVAL" | "ENOTSUP"
}> {
  override get message(): string {
    return `.BTF.ext: ${this.reason} (value ${this.value} at byte ${this.offset})`
  }
}

export interface BtfExtFuncInfo {
  readonly insnOff: number
  readonly typeId: number
}

export interface BtfExtLineInfo {
  readonly insnOff: number
  readonly fileNameOff: number
  readonly lineOff: number
  readonly lineCol: number
  /** BPF_LINE_INFO_LINE_NUM: line_col >> 10 */
  readonly line: number
  /** BPF_LINE_INFO_LINE_COL: line_col & 0x3ff */
  readonly col: number
}

export interface BtfExtCoreRelo {
  readonly insnOff: number
  readonly typeId: number
  readonly accessStrOff: number
  /** the access string ("0:1:2"), "" when parsed without `strings` */
  readonly accessStr: string
  /** enum bpf_core_relo_kind, as stored (not range-checked here) */
  readonly kind: number
}

export interface BtfExtInfoSection<R> {
  readonly secNameOff: number
  /** the ELF section name ("xdp"), "" when parsed without `strings` */
  readonly secName: string
  readonly records: ReadonlyArray<R>
}

export interface BtfExtInfo<R> {
  /** 0 when the subsection is absent (len 0) */
  readonly recSize: number
  readonly sections: ReadonlyArray<BtfExtInfoSection<R>>
}

export interface BtfExt {
  readonly littleEndian: boolean
  readonly hdrLen: number
  readonly funcInfo: BtfExtInfo<BtfExtFuncInfo>
  readonly lineInfo: BtfExtInfo<BtfExtLineInfo>
  /** empty when hdr_len < 32 (no CO-RE fields in the header) or core_relo_len is 0 */
  readonly coreRelo: BtfExtInfo<BtfExtCoreRelo>
}

export interface BtfExtOptions {
  /** string lookup into the object's .BTF string section (btf__name_by_offset) */
  readonly strings?: (off: number) => string | undefined
}

const err = (
  offset: number,
  reason: string,
  value: number,
  errno: "EINVAL" | "ENOTSUP" = "EINVAL"
): Result.Result<never, BtfExtError> => Result.fail(new BtfExtError({ offset, reason, value, errno }))

/**
 * One subsection (libbpf btf_ext_setup_info): alignment, bounds, record size, then every
 * btf_ext_info_sec with num_info > 0 and its records in bounds.
 */
const parseInfo = <R>(
  view: DataView,
  le: boolean,
  hdrLen: number,
  off: number,
  len: number,
  desc: string,
  minRecSize: number,
  /** byte offset of the header's *_off field, for errors about off/len */
  fieldAt: number,
  strings: ((off: number) => string | undefined) | undefined,
  readRecord: (at: number) => Result.Result<R, BtfExtError>
): Result.Result<BtfExtInfo<R>, BtfExtError> => {
  if (len === 0) return Result.succeed({ recSize: 0, sections: [] })
  if ((off & 0x03) !== 0) return err(fieldAt, `.BTF.ext ${desc} section is not aligned to 4 bytes`, off)
  const start = hdrLen + off
  if (start + len > view.byteLength) {
    return err(fieldAt, `${desc} section (off:${off} len:${len}) is beyond the end of the ELF section .BTF.ext`, start + len)
  }
  if (len < 4) return err(start, `.BTF.ext ${desc} record size not found`, len)
  const recSize = view.getUint32(start, le)
  if (recSize < minRecSize || (recSize & 0x03) !== 0) {
    return err(start, `${desc} section in .BTF.ext has invalid record size ${recSize}`, recSize)
  }
  let at = start + 4
  let left = len - 4
  if (left === 0) return err(start, `${desc} section in .BTF.ext has no records`, 0)
  const sections: Array<BtfExtInfoSection<R>> = []
  while (left > 0) {
    if (left < INFO_SEC_HDR) return err(at, `${desc} section header is not found in .BTF.ext`, left)
    const secNameOff = view.getUint32(at, le)
    const numInfo = view.getUint32(at + 4, le)
    if (numInfo === 0) return err(at + 4, `${desc} section has incorrect num_records in .BTF.ext`, numInfo)
    const total = INFO_SEC_HDR + numInfo * recSize
    if (left < total) return err(at + 4, `${desc} section has incorrect num_records in .BTF.ext`, numInfo)
    let secName = ""
    if (strings !== undefined) {
      const n = strings(secNameOff)
      if (n === undefined || n === "") return err(at, `${desc} section name offset does not name a .BTF string`, secNameOff)
      secName = n
    }
    const records: Array<R> = []
    for (let i = 0; i < numInfo; i++) {
      const rec = readRecord(at + INFO_SEC_HDR + i * recSize)
      if (Result.isFailure(rec)) return Result.fail(rec.failure)
      records.push(rec.success)
    }
    sections.push({ secNameOff, secName, records })
    at += total
    left -= total
  }
  return Result.succeed({ recSize, sections })
}

/** Parses a .BTF.ext section. */
export const parseBtfExt = (bytes: Uint8Array, options: BtfExtOptions = {}): Result.Result<BtfExt, BtfExtError> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < HDR_LEN_END) return err(0, "BTF.ext header not found", bytes.length)
  const magicLe = view.getUint16(0, true)
  let le: boolean
  if (magicLe === BTF_EXT_MAGIC) le = true
  else if (view.getUint16(0, false) === BTF_EXT_MAGIC) le = false
  else return err(0, `Invalid BTF.ext magic:${magicLe.toString(16)}`, magicLe)
  const hdrLen = view.getUint32(4, le)
  if (bytes.length < hdrLen) return err(4, "BTF.ext header not found", hdrLen)
  const version = view.getUint8(2)
  if (version !== BTF_EXT_VERSION) return err(2, `Unsupported BTF.ext version:${version}`, version, "ENOTSUP")
  const flags = view.getUint8(3)
  if (flags !== 0) return err(3, `Unsupported BTF.ext flags:${flags.toString(16)}`, flags, "ENOTSUP")
  if (bytes.length === hdrLen) return err(4, "BTF.ext has no data", hdrLen)
  if (hdrLen < HDR_LINE_INFO_END) return err(4, "BTF.ext header too short for func_info and line_info", hdrLen)

  const strings = options.strings
  const u32 = (at: number) => view.getUint32(at, le)

  const funcInfo = parseInfo<BtfExtFuncInfo>(
    view,
    le,
    hdrLen,
    u32(8),
    u32(12),
    "func_info",
    FUNC_INFO_MIN_REC_SIZE,
    8,
    strings,
    (at) => Result.succeed({ insnOff: u32(at), typeId: u32(at + 4) })
  )
  if (Result.isFailure(funcInfo)) return Result.fail(funcInfo.failure)
  const lineInfo = parseInfo<BtfExtLineInfo>(
    view,
    le,
    hdrLen,
    u32(16),
    u32(20),
    "line_info",
    LINE_INFO_MIN_REC_SIZE,
    16,
    strings,
    (at) => {
      const lineCol = u32(at + 12)
      return Result.succeed({
        insnOff: u32(at),
        fileNameOff: u32(at + 4),
        lineOff: u32(at + 8),
        lineCol,
        line: lineCol >>> 10,
        col: lineCol & 0x3ff
      })
    }
  )
  if (Result.isFailure(lineInfo)) return Result.fail(lineInfo.failure)
  let coreRelo: BtfExtInfo<BtfExtCoreRelo> = { recSize: 0, sections: [] }
  if (hdrLen >= HDR_CORE_RELO_END) {
    const parsed = parseInfo<BtfExtCoreRelo>(
      view,
      le,
      hdrLen,
      u32(24),
      u32(28),
      "core_relo",
      CORE_RELO_MIN_REC_SIZE,
      24,
      strings,
      (at) => {
        const accessStrOff = u32(at + 8)
        let accessStr = ""
        if (strings !== undefined) {
          const s = strings(accessStrOff)
          if (s === undefined) return err(at + 8, "core_relo access_str_off does not name a .BTF string", accessStrOff)
          accessStr = s
        }
        return Result.succeed({ insnOff: u32(at), typeId: u32(at + 4), accessStrOff, accessStr, kind: u32(at + 12) })
      }
    )
    if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
    coreRelo = parsed.success
  }
  return Result.succeed({
    littleEndian: le,
    hdrLen,
    funcInfo: funcInfo.success,
    lineInfo: lineInfo.success,
    coreRelo
  })
}
