/**
 * Program-side declarations of the raw-descriptor design: a program declares local views of the
 * structs it needs, with only the fields it uses (the `struct foo___local { ... }` of a CO-RE BPF
 * program, flavors allowed), and the loader turns them into exactly what clang would emit — a
 * local BTF and CO-RE relocation records (access string "0:<member index>"):
 *
 *   plain field      FIELD_BYTE_OFFSET + FIELD_BYTE_SIZE
 *   bitfield         FIELD_BYTE_OFFSET + FIELD_BYTE_SIZE + FIELD_LSHIFT_U64 + FIELD_RSHIFT_U64
 *                    (BPF_CORE_READ_BITFIELD's recipe)
 *   optional field   FIELD_EXISTS first (bpf_core_field_exists): a field the target lacks is then
 *                    "absent" instead of failing the load — the guarded branch is dead code
 *
 * `type` is the storage as the program reads it; "be16"/"be32"/"be64" read big-endian (mlx5's
 * CQE) — byte order is not in BTF, it is the program's per-NIC knowledge. "u64"/"be64" are 8-byte
 * words (ice's __le64 cmd_type_offset_bsz), accessed as two u32 halves (RawAccessor.ts: read /
 * readHi / write64; no BigInt per packet); a bitfield may sit in a u64 container (libbpf's
 * FIELD_LSHIFT_U64 / FIELD_RSHIFT_U64 are defined on a u64 load, so an 8-byte container is the
 * natural case: the loader picks the half and the shift at load time). `at` marks a FIXED-OFFSET
 * program (no CO-RE): the offset it was compiled with; the loader then checks it against the
 * target instead of relocating, so a layout change is a load error, never a silent wrong read.
 * "ptr" is a pointer member (`const void *`, 8 bytes): how a program reaches the descriptor
 * through the driver's context wrapper (ice_xdp_buff.eop_desc, libeth_xdp_buff.desc); CO-RE
 * matches it only against a pointer in the target (bpf_core_fields_are_compat).
 */
export type RawFieldType = "u8" | "u16" | "u32" | "u64" | "be16" | "be32" | "be64" | "ptr"

export interface RawFieldDecl {
  readonly name: string
  readonly type: RawFieldType
  /** bitfield width in bits (1..31 in a u8/u16/u32 declaration, 1..63 in a u64/be64 one) */
  readonly bits?: number
  /** guarded by a field-exists check */
  readonly optional?: boolean
  /** fixed-offset program: compiled-in byte offset (and bit offset within it, for bitfields) */
  readonly at?: number
  readonly atBit?: number
}

export interface RawStructDecl {
  /** local struct name; `name___flavor` matches the target struct `name` */
  readonly name: string
  readonly fields: ReadonlyArray<RawFieldDecl>
  /** declare a union instead of a struct */
  readonly union?: boolean
}

export const rawFieldBytes = (t: RawFieldType): number =>
  t === "u8" ? 1 : t === "u16" || t === "be16" ? 2 : t === "u64" || t === "be64" || t === "ptr" ? 8 : 4
export const rawFieldBigEndian = (t: RawFieldType): boolean => t === "be16" || t === "be32" || t === "be64"
