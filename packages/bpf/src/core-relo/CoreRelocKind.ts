/**
 * CO-RE relocation kinds (enum bpf_core_relo_kind, include/uapi/linux/bpf.h) and libbpf's
 * classification of them (src/relo_core.c core_relo_is_field_based / _type_based /
 * _enumval_based, core_relo_kind_str). Values are the uapi numbers, never renumbered.
 */

/** enum bpf_core_relo_kind, include/uapi/linux/bpf.h */
export const CoreReloKind = {
  /** BPF_CORE_FIELD_BYTE_OFFSET */
  FieldByteOffset: 0,
  /** BPF_CORE_FIELD_BYTE_SIZE */
  FieldByteSize: 1,
  /** BPF_CORE_FIELD_EXISTS */
  FieldExists: 2,
  /** BPF_CORE_FIELD_SIGNED */
  FieldSigned: 3,
  /** BPF_CORE_FIELD_LSHIFT_U64 */
  FieldLshiftU64: 4,
  /** BPF_CORE_FIELD_RSHIFT_U64 */
  FieldRshiftU64: 5,
  /** BPF_CORE_TYPE_ID_LOCAL */
  TypeIdLocal: 6,
  /** BPF_CORE_TYPE_ID_TARGET */
  TypeIdTarget: 7,
  /** BPF_CORE_TYPE_EXISTS */
  TypeExists: 8,
  /** BPF_CORE_TYPE_SIZE */
  TypeSize: 9,
  /** BPF_CORE_ENUMVAL_EXISTS */
  EnumvalExists: 10,
  /** BPF_CORE_ENUMVAL_VALUE */
  EnumvalValue: 11,
  /** BPF_CORE_TYPE_MATCHES */
  TypeMatches: 12
} as const
export type CoreReloKind = (typeof CoreReloKind)[keyof typeof CoreReloKind]

/** core_relo_kind_str, libbpf src/relo_core.c: the names libbpf prints between <...> */
export const coreReloKindStr = (kind: number): string => {
  switch (kind) {
    case CoreReloKind.FieldByteOffset:
      return "byte_off"
    case CoreReloKind.FieldByteSize:
      return "byte_sz"
    case CoreReloKind.FieldExists:
      return "field_exists"
    case CoreReloKind.FieldSigned:
      return "signed"
    case CoreReloKind.FieldLshiftU64:
      return "lshift_u64"
    case CoreReloKind.FieldRshiftU64:
      return "rshift_u64"
    case CoreReloKind.TypeIdLocal:
      return "local_type_id"
    case CoreReloKind.TypeIdTarget:
      return "target_type_id"
    case CoreReloKind.TypeExists:
      return "type_exists"
    case CoreReloKind.TypeMatches:
      return "type_matches"
    case CoreReloKind.TypeSize:
      return "type_size"
    case CoreReloKind.EnumvalExists:
      return "enumval_exists"
    case CoreReloKind.EnumvalValue:
      return "enumval_value"
    default:
      return "unknown"
  }
}

/** core_relo_is_field_based, libbpf src/relo_core.c */
export const isFieldBased = (kind: number): boolean => kind >= CoreReloKind.FieldByteOffset && kind <= CoreReloKind.FieldRshiftU64

/** core_relo_is_type_based, libbpf src/relo_core.c */
export const isTypeBased = (kind: number): boolean =>
  kind === CoreReloKind.TypeIdLocal ||
  kind === CoreReloKind.TypeIdTarget ||
  kind === CoreReloKind.TypeExists ||
  kind === CoreReloKind.TypeMatches ||
  kind === CoreReloKind.TypeSize

/** core_relo_is_enumval_based, libbpf src/relo_core.c */
export const isEnumvalBased = (kind: number): boolean =>
  kind === CoreReloKind.EnumvalExists || kind === CoreReloKind.EnumvalValue
