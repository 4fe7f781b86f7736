/**
 * BTF wire-format constants and the `btf_type.info` bit layout (include/uapi/linux/btf.h).
 *
 * Contract: every constant here is the kernel/libbpf value, cited next to it. The decoder and
 * the encoder share these so that both agree bit for bit. No logic beyond bit packing.
 *
 *   struct btf_header (hdr_len 24, or 32 with the 2026 layout extension)
 *   0       2       3       4               8              12              16              20              24              28              32
 *   +-------+-------+-------+---------------+---------------+---------------+---------------+---------------+---------------+---------------+
 *   | magic |version| flags |    hdr_len    |   type_off    |   type_len    |    str_off    |    str_len    |  layout_off   |  layout_len   |
 *   +-------+-------+-------+---------------+---------------+---------------+---------------+---------------+---------------+---------------+
 *   offsets are relative to the end of the header (byte hdr_len)
 *
 *   struct btf_type (12 bytes, then kind-specific data)
 *   0               4               8               12
 *   +---------------+---------------+---------------+
 *   |   name_off    |     info      |  size / type  |
 *   +---------------+---------------+---------------+
 *   info: bit 31 kind_flag | bits 24-30 kind | bits 0-23 vlen   (2026 masks; classic: kind 24-28, vlen 0-15)
 */

/** BTF_MAGIC, include/uapi/linux/btf.h */
export const BTF_MAGIC = 0xeb9f
/** BTF_VERSION, include/uapi/linux/btf.h */
export const BTF_VERSION = 1
/** sizeof(struct btf_header) without the 2026 layout fields, include/uapi/linux/btf.h */
export const BTF_HEADER_SIZE = 24
/** sizeof(struct btf_header) with layout_off/layout_len (libbpf 462733ec, include/uapi/linux/btf.h) */
export const BTF_HEADER_SIZE_LAYOUT = 32
/** sizeof(struct btf_type) */
export const BTF_TYPE_SIZE = 12

/** BTF_MAX_TYPE, include/uapi/linux/btf.h: largest valid type id */
export const BTF_MAX_TYPE = 0x000fffff
/** BTF_MAX_NAME_OFFSET, include/uapi/linux/btf.h */
export const BTF_MAX_NAME_OFFSET = 0x00ffffff
/** BTF_MAX_VLEN, include/uapi/linux/btf.h (classic 16-bit vlen) */
export const BTF_MAX_VLEN_CLASSIC = 0xffff
/** BTF_MAX_VLEN after libbpf 9801e029 "Extend BTF UAPI vlen, kinds to use unused bits" */
export const BTF_MAX_VLEN = 0x00ffffff
/** NR_BTF_KINDS - 1 = BTF_KIND_ENUM64, include/uapi/linux/btf.h */
export const BTF_KIND_MAX = 19

/** BTF_INFO_KIND with the 2026 mask (bits 24-30), include/uapi/linux/btf.h at libbpf 9801e029 */
export const infoKind = (info: number): number => (info >>> 24) & 0x7f
/** BTF_INFO_VLEN with the 2026 mask (bits 0-23) */
export const infoVlen = (info: number): number => info & 0x00ffffff
/** BTF_INFO_KFLAG (bit 31) */
export const infoKflag = (info: number): boolean => info >>> 31 === 1
/** btf_type_info() in libbpf btf.c: kind_flag << 31 | kind << 24 | vlen */
export const makeInfo = (kind: number, vlen: number, kflag: boolean): number =>
  ((kflag ? 0x80000000 : 0) | ((kind & 0x7f) << 24) | (vlen & 0x00ffffff)) >>> 0

/** BTF_INT_ENCODING / BTF_INT_OFFSET / BTF_INT_BITS, include/uapi/linux/btf.h */
export const intEncoding = (v: number): number => (v >>> 24) & 0x0f
export const intOffset = (v: number): number => (v >>> 16) & 0xff
export const intBits = (v: number): number => v & 0xff
/** BTF_INT_MASK, kernel/bpf/btf.c: bits that may be set in the INT data word */
export const BTF_INT_MASK = 0x0fffffff
/** BITS_PER_U128, kernel/bpf/btf.c */
export const BITS_PER_U128 = 128

/** BTF_MEMBER_BITFIELD_SIZE / BTF_MEMBER_BIT_OFFSET, include/uapi/linux/btf.h (kind_flag=1 members) */
export const memberBitfieldSize = (offset: number): number => offset >>> 24
export const memberBitOffset = (offset: number): number => offset & 0x00ffffff

/**
 * Bytes of kind-specific data after the 12-byte btf_type, per kind: [fixed, per-vlen-entry]
 * (include/uapi/linux/btf.h struct sizes; libbpf btf_type_size()).
 */
export const KIND_EXTRA: ReadonlyArray<readonly [number, number]> = [
  [0, 0], // UNKN (invalid)
  [4, 0], // INT: u32 encoding word
  [0, 0], // PTR
  [12, 0], // ARRAY: struct btf_array
  [0, 12], // STRUCT: struct btf_member
  [0, 12], // UNION
  [0, 8], // ENUM: struct btf_enum
  [0, 0], // FWD
  [0, 0], // TYPEDEF
  [0, 0], // VOLATILE
  [0, 0], // CONST
  [0, 0], // RESTRICT
  [0, 0], // FUNC (vlen = linkage, no data)
  [0, 8], // FUNC_PROTO: struct btf_param
  [4, 0], // VAR: struct btf_var
  [0, 12], // DATASEC: struct btf_var_secinfo
  [0, 0], // FLOAT
  [4, 0], // DECL_TAG: struct btf_decl_tag
  [0, 0], // TYPE_TAG
  [0, 12] // ENUM64: struct btf_enum64
]

/** KSYM_NAME_LEN, include/linux/kallsyms.h (512 since Linux 6.1): the kernel's name-length limit */
export const KSYM_NAME_LEN = 512

/** MAX_RESOLVE_DEPTH, kernel/bpf/btf.c */
export const MAX_RESOLVE_DEPTH = 32
