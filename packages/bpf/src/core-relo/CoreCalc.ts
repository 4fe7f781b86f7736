/**
 * Relocation values from a (local or target) spec: libbpf src/relo_core.c
 * bpf_core_calc_field_relo, bpf_core_calc_type_relo, bpf_core_calc_enumval_relo and
 * bpf_core_calc_relo, with libbpf 1.1.2 semantics.
 *
 * Contract:
 * - Values are u64 (`bigint`), computed with libbpf's integer widths: bit/byte offsets and
 *   shifts are __u32 arithmetic (so they wrap like libbpf's), results zero-extended to u64;
 *   ENUM values are the stored s32 sign-extended to u64 (btf_enum.val is __s32).
 * - A missing target spec (no candidate matched) poisons every kind except FIELD_EXISTS,
 *   TYPE_EXISTS, TYPE_MATCHES, TYPE_SIZE, TYPE_ID_TARGET and ENUMVAL_EXISTS, which become 0.
 * - FIELD_SIGNED follows libbpf 1.1.2, which does not check btf_is_int before reading the INT
 *   encoding (fixed in v1.3.0, b4c8def4): for a non-INT, non-enum field libbpf reads the u32
 *   after the type record, whose bits 24-27 are zero except when that record is the last one
 *   before the string section; we return 0 there.
 * - FIELD_LSHIFT_U64 depends on the byte order of the machine that runs the program (libbpf
 *   uses its own host's __BYTE_ORDER__): `bigEndian` selects the big-endian formula.
 * - Returns 0 or a negative errno (-EUCLEAN = "poison", handled by calcRelo); `warn` receives
 *   libbpf's pr_warn lines.
 */
import { BtfIntEncoding, BtfKind } from "../btf/BtfType.js"
import type { CoreSpec } from "./CoreAccessSpec.js"
import { isAnyEnum, isComposite, memberBitfieldSize, resolveSize, skipModsAndTypedefs, typeAt } from "./CoreBtfView.js"
import { Errno } from "../kernel/Errno.js"
import { CoreReloKind, coreReloKindStr, isEnumvalBased, isFieldBased, isTypeBased } from "./CoreRelocKind.js"

/** struct bpf_core_relo_res, libbpf src/relo_core.h */
export interface CoreReloRes {
  /** value computed from the local BTF (what the compiler should have put in the instruction) */
  origValue: bigint
  /** value computed from the target BTF */
  newValue: bigint
  /** the instruction must be replaced by the invalid-call poison */
  poison: boolean
  /** check the instruction's current value against origValue before patching */
  validate: boolean
  /** an LDX/ST/STX cannot have its memory size adjusted (signed or non-int fields of a new size) */
  failMemszAdjust: boolean
  origSize: number
  newSize: number
  origTypeId: number
  newTypeId: number
}

export const emptyRes = (): CoreReloRes => ({
  origValue: 0n,
  newValue: 0n,
  poison: false,
  validate: true,
  failMemszAdjust: false,
  origSize: 0,
  newSize: 0,
  origTypeId: 0,
  newTypeId: 0
})

export interface CalcContext {
  readonly progName: string
  readonly kind: number
  /** byte offset (section-relative in ELF objects); libbpf prints insn_off / 8 in some warnings */
  readonly insnOff: number
  readonly bigEndian: boolean
  readonly warn: (line: string) => void
}

const u32 = (v: number): number => Number(BigInt(v) & 0xffffffffn)
const udiv = (a: number, b: number): number => Math.floor(a / b)

/**
 * FIELD_LSHIFT_U64 for a field of `bitSz` bits at bit `bitOff`, loaded as `byteSz` bytes from
 * byte `byteOff` into a u64: the left shift that puts the field's top bit at bit 63
 * (bpf_core_calc_field_relo; u32 arithmetic). Little-endian: 64 - (bitOff + bitSz - byteOff*8);
 * big-endian: (8 - byteSz)*8 + (bitOff - byteOff*8).
 */
export const fieldLshiftU64 = (bitOff: number, bitSz: number, byteOff: number, byteSz: number, bigEndian: boolean): number =>
  bigEndian ? u32((8 - byteSz) * 8 + (bitOff - byteOff * 8)) : u32(64 - (bitOff + bitSz - byteOff * 8))

interface FieldOut {
  val: bigint
  fieldSz: number
  typeId: number
}

/** bpf_core_calc_field_relo */
const calcFieldRelo = (
  ctx: CalcContext,
  spec: CoreSpec | undefined,
  out: FieldOut,
  validate: { v: boolean } | undefined
): number => {
  out.fieldSz = 0
  if (ctx.kind === CoreReloKind.FieldExists) {
    out.val = spec !== undefined ? 1n : 0n
    return 0
  }
  if (spec === undefined) return -Errno.EUCLEAN
  const acc = spec.spec[spec.len - 1]!
  const t = typeAt(spec.btf, acc.typeId)

  // a[n] accessor (or the bare root) needs special handling
  if (acc.name === undefined) {
    if (ctx.kind === CoreReloKind.FieldByteOffset) {
      out.val = BigInt(u32(udiv(spec.bitOffset, 8)))
      const sz = resolveSize(spec.btf, acc.typeId)
      if (!sz.ok) return -Errno.EINVAL
      out.fieldSz = sz.size
      out.typeId = acc.typeId
    } else if (ctx.kind === CoreReloKind.FieldByteSize) {
      const sz = resolveSize(spec.btf, acc.typeId)
      if (!sz.ok) return -Errno.EINVAL
      out.val = BigInt(sz.size)
    } else {
      ctx.warn(`prog '${ctx.progName}': relo ${ctx.kind} at insn #${udiv(ctx.insnOff, 8)} can't be applied to array access`)
      return -Errno.EINVAL
    }
    if (validate !== undefined) validate.v = true
    return 0
  }

  if (t === undefined || !isComposite(t)) return -Errno.EINVAL
  const m = t.members[acc.idx]!
  const field = skipModsAndTypedefs(spec.btf, m.type)
  const mt = field.type
  if (mt === undefined) return -Errno.EINVAL
  const fieldTypeId = field.id
  const bitOff = spec.bitOffset >>> 0
  let bitSz = memberBitfieldSize(t, acc.idx)
  const bitfield = bitSz > 0
  let byteSz: number
  let byteOff: number
  if (bitfield) {
    byteSz = "size" in mt ? mt.size : 0
    // libbpf divides by mt->size unchecked; a zero-sized bitfield type has no defined answer
    if (byteSz === 0) return -Errno.EINVAL
    byteOff = udiv(udiv(bitOff, 8), byteSz) * byteSz
    // smallest int size that covers the bitfield
    while (u32(bitOff + bitSz - byteOff * 8) > u32(byteSz * 8)) {
      if (byteSz >= 8) {
        ctx.warn(`prog '${ctx.progName}': relo ${ctx.kind} at insn #${udiv(ctx.insnOff, 8)} can't be satisfied for bitfield`)
        return -Errno.E2BIG
      }
      byteSz *= 2
      byteOff = udiv(udiv(bitOff, 8), byteSz) * byteSz
    }
  } else {
    const sz = resolveSize(spec.btf, fieldTypeId)
    if (!sz.ok) return -Errno.EINVAL
    byteSz = sz.size
    byteOff = udiv(bitOff, 8)
    bitSz = u32(byteSz * 8)
  }
  // bitfield relocations are ambiguous against the compiler's choices: validate only signedness and rshift
  if (validate !== undefined) validate.v = !bitfield

  switch (ctx.kind) {
    case CoreReloKind.FieldByteOffset:
      out.val = BigInt(byteOff)
      if (!bitfield) {
        out.fieldSz = byteSz
        out.typeId = fieldTypeId
      }
      break
    case CoreReloKind.FieldByteSize:
      out.val = BigInt(byteSz)
      break
    case CoreReloKind.FieldSigned: {
      const signedEnum = isAnyEnum(mt) && mt.signed
      const signedInt = mt.kind === BtfKind.Int && (mt.encoding & BtfIntEncoding.Signed) !== 0
      out.val = signedEnum || signedInt ? 1n : 0n
      if (validate !== undefined) validate.v = true
      break
    }
    case CoreReloKind.FieldLshiftU64:
      out.val = BigInt(fieldLshiftU64(bitOff, bitSz, byteOff, byteSz, ctx.bigEndian))
      break
    case CoreReloKind.FieldRshiftU64:
      out.val = BigInt(u32(64 - bitSz))
      if (validate !== undefined) validate.v = true
      break
    default:
      return -Errno.EOPNOTSUPP
  }
  return 0
}

/** bpf_core_calc_type_relo */
const calcTypeRelo = (kind: number, spec: CoreSpec | undefined, out: { val: bigint }, validate: { v: boolean } | undefined): number => {
  if (validate !== undefined) validate.v = true
  if (spec === undefined) {
    out.val = 0n
    return 0
  }
  switch (kind) {
    case CoreReloKind.TypeIdTarget:
      out.val = BigInt(spec.rootTypeId)
      // type ids change during linking: never enforced
      if (validate !== undefined) validate.v = false
      return 0
    case CoreReloKind.TypeExists:
    case CoreReloKind.TypeMatches:
      out.val = 1n
      return 0
    case CoreReloKind.TypeSize: {
      const sz = resolveSize(spec.btf, spec.rootTypeId)
      if (!sz.ok) return -Errno.EINVAL
      out.val = BigInt(sz.size)
      return 0
    }
    default:
      return -Errno.EOPNOTSUPP
  }
}

/** bpf_core_calc_enumval_relo */
const calcEnumvalRelo = (kind: number, spec: CoreSpec | undefined, out: { val: bigint }): number => {
  switch (kind) {
    case CoreReloKind.EnumvalExists:
      out.val = spec !== undefined ? 1n : 0n
      return 0
    case CoreReloKind.EnumvalValue: {
      if (spec === undefined) return -Errno.EUCLEAN
      const acc = spec.spec[0]!
      const t = typeAt(spec.btf, acc.typeId)
      if (t !== undefined && t.kind === BtfKind.Enum) {
        out.val = BigInt.asUintN(64, BigInt(t.values[acc.idx]!.value | 0))
      } else if (t !== undefined && t.kind === BtfKind.Enum64) {
        const e = t.values[acc.idx]!
        out.val = (BigInt(e.hi32 >>> 0) << 32n) | BigInt(e.lo32 >>> 0)
      } else {
        return -Errno.EINVAL
      }
      return 0
    }
    default:
      return -Errno.EOPNOTSUPP
  }
}

/**
 * bpf_core_calc_relo: original (local) and new (target) values for one candidate, or for "no
 * candidate" when `targ` is undefined. 0 or a negative errno.
 */
export const calcRelo = (
  ctx: CalcContext,
  reloIndex: number,
  local: CoreSpec,
  targ: CoreSpec | undefined,
  res: CoreReloRes
): number => {
  Object.assign(res, emptyRes())
  let err = -Errno.EOPNOTSUPP
  if (isFieldBased(ctx.kind)) {
    const o: FieldOut = { val: 0n, fieldSz: 0, typeId: 0 }
    const n: FieldOut = { val: 0n, fieldSz: 0, typeId: 0 }
    const validate = { v: true }
    err = calcFieldRelo(ctx, local, o, validate)
    res.origValue = o.val
    res.origSize = o.fieldSz
    res.origTypeId = o.typeId
    res.validate = validate.v
    if (err === 0) {
      err = calcFieldRelo(ctx, targ, n, undefined)
      res.newValue = n.val
      res.newSize = n.fieldSz
      res.newTypeId = n.typeId
    }
    if (err === 0) {
      res.failMemszAdjust = false
      if (res.origSize !== res.newSize) {
        const origT = typeAt(local.btf, res.origTypeId)
        const newT = targ === undefined ? undefined : typeAt(targ.btf, res.newTypeId)
        const bothPtr = origT?.kind === BtfKind.Ptr && newT?.kind === BtfKind.Ptr
        const bothUnsignedInt =
          origT?.kind === BtfKind.Int &&
          newT?.kind === BtfKind.Int &&
          origT.encoding !== BtfIntEncoding.Signed &&
          newT.encoding !== BtfIntEncoding.Signed
        // only checked for LDX/ST/STX: load/store size can change for pointers and unsigned ints
        if (!bothPtr && !bothUnsignedInt) res.failMemszAdjust = true
      }
    }
  } else if (isTypeBased(ctx.kind)) {
    const o = { val: 0n }
    const n = { val: 0n }
    const validate = { v: true }
    err = calcTypeRelo(ctx.kind, local, o, validate)
    res.origValue = o.val
    res.validate = validate.v
    if (err === 0) {
      err = calcTypeRelo(ctx.kind, targ, n, undefined)
      res.newValue = n.val
    }
  } else if (isEnumvalBased(ctx.kind)) {
    const o = { val: 0n }
    const n = { val: 0n }
    err = calcEnumvalRelo(ctx.kind, local, o)
    res.origValue = o.val
    if (err === 0) {
      err = calcEnumvalRelo(ctx.kind, targ, n)
      res.newValue = n.val
    }
  }
  if (err === -Errno.EUCLEAN) {
    res.poison = true
    err = 0
  } else if (err === -Errno.EOPNOTSUPP) {
    ctx.warn(
      `prog '${ctx.progName}': relo #${reloIndex}: unrecognized CO-RE relocation ${coreReloKindStr(ctx.kind)} (${ctx.kind}) at insn #${udiv(ctx.insnOff, 8)}`
    )
  }
  return err
}
