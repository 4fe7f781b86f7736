/**
 * A relocated field access, compiled: the per-packet read/write of one declared field at the
 * target's offset, size and bit position. Plain functions over DataView, no allocation, no
 * BigInt: bitfields up to 32 bits are extracted with the lshift/rshift pair libbpf computes for a
 * u64 (FIELD_LSHIFT_U64 / FIELD_RSHIFT_U64), rebased to the loaded 1/2/4-byte word.
 */
export interface RawAccessor {
  /** false: the target lacks this optional field; read returns 0 and write does nothing */
  readonly exists: boolean
  readonly byteOffset: number
  readonly byteSize: number
  readonly read: (view: DataView, base: number) => number
  readonly write: (view: DataView, base: number, value: number) => void
}

const absentRead = (): number => 0
const absentWrite = (): void => {}

export const absentAccessor: RawAccessor = { exists: false, byteOffset: -1, byteSize: 0, read: absentRead, write: absentWrite }

/** Plain (non-bitfield) field of `size` bytes at `off`. */
export const plainAccessor = (off: number, size: number, bigEndian: boolean): RawAccessor => {
  const le = !bigEndian
  if (size === 1)
    return { exists: true, byteOffset: off, byteSize: 1, read: (v, b) => v.getUint8(b + off), write: (v, b, x) => v.setUint8(b + off, x) }
  if (size === 2)
    return {
      exists: true,
      byteOffset: off,
      byteSize: 2,
      read: (v, b) => v.getUint16(b + off, le),
      write: (v, b, x) => v.setUint16(b + off, x, le)
    }
  return {
    exists: true,
    byteOffset: off,
    byteSize: 4,
    read: (v, b) => v.getUint32(b + off, le),
    write: (v, b, x) => v.setUint32(b + off, x >>> 0, le)
  }
}

/**
 * Bitfield at byte `off` of a `size`-byte container, with libbpf's u64 shifts: value =
 * (container << lshift) >> rshift as a u64. For a container of n = 8*size bits loaded into the
 * low bits of the u64 (little-endian load), that is bits [64-lshift-width ... ) of the container:
 * start = 64 - lshift - (64 - rshift) ... computed once here as a (shift, mask) pair.
 */
export const bitfieldAccessor = (off: number, size: number, lshift: number, rshift: number, bigEndian: boolean): RawAccessor => {
  const width = 64 - rshift
  // the container sits in the low 8*size bits of the u64 after the load; after << lshift the field's
  // top bit is bit 63, so the field's lowest bit was at bit (64 - lshift - width) of the container
  const shift = 64 - lshift - width
  const mask = width >= 32 ? 0xffffffff : (1 << width) - 1
  const le = !bigEndian
  const load =
    size === 1 ? (v: DataView, b: number) => v.getUint8(b + off) : size === 2 ? (v: DataView, b: number) => v.getUint16(b + off, le) : (v: DataView, b: number) => v.getUint32(b + off, le)
  const store =
    size === 1
      ? (v: DataView, b: number, x: number) => v.setUint8(b + off, x)
      : size === 2
        ? (v: DataView, b: number, x: number) => v.setUint16(b + off, x, le)
        : (v: DataView, b: number, x: number) => v.setUint32(b + off, x >>> 0, le)
  return {
    exists: true,
    byteOffset: off,
    byteSize: size,
    read: (v, b) => (load(v, b) >>> shift) & mask,
    write: (v, b, x) => store(v, b, (load(v, b) & ~(mask << shift)) | ((x & mask) << shift))
  }
}
