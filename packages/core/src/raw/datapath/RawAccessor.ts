/**
 * A relocated field access, compiled: the per-packet read/write of one declared field at the
 * target's offset, size and bit position. Plain functions over DataView, no allocation, no
 * BigInt, no exceptions: every shape is chosen once, at load time, and the closure does only
 * fixed-offset 1/2/4-byte loads and stores.
 *
 * Values wider than 32 bits travel as two u32 halves: `read` is bits 31:0 of the field's value,
 * `readHi` bits 63:32 (0 for a field of 32 bits or fewer); `write64(hi, lo)` stores a value given
 * as halves, `write(x)` stores the u32 x (the high half becomes 0).
 *
 * 8-byte containers (u64/be64 fields, and bitfields in a u64 container), as loaded from `off`:
 *
 *   little-endian (__le64, host order here):      big-endian (__be64):
 *     off+0 .. off+3   bits 31:0  (lo half)         off+0 .. off+3   bits 63:32 (hi half)
 *     off+4 .. off+7   bits 63:32 (hi half)         off+4 .. off+7   bits 31:0  (lo half)
 *
 * Bit numbers count from 0 at the least significant bit of the container in host order (for a
 * big-endian container: after be64_to_cpu), as the kernel's field definitions number them.
 * Bitfields use libbpf's u64 shifts (FIELD_LSHIFT_U64 / FIELD_RSHIFT_U64, src/relo_core.c
 * bpf_core_calc_field_relo, little-endian host): value = (container << lshift) >> rshift as a
 * u64, so the field starts at bit 64 - lshift - width of the container and is 64 - rshift bits
 * wide. For an 8-byte container the loader turns that pair into "which half, what shift" at load
 * time: a field inside one half compiles to a 4-byte accessor on that half; a field straddling
 * bit 32 compiles to a two-word read / read-modify-write. Writes of bitfields are always
 * read-modify-write of the words they touch; bits outside the field are kept.
 */
export interface RawAccessor {
  /** false: the target lacks this optional field; reads return 0 and writes do nothing */
  readonly exists: boolean
  /** container byte offset in the struct (-1 when absent) */
  readonly byteOffset: number
  /** container size: 1, 2, 4 or 8 (0 when absent) */
  readonly byteSize: number
  /** first bit of the field in the container (0 for a plain field) */
  readonly bitOffset: number
  /** field width in bits (8 * byteSize for a plain field) */
  readonly bitWidth: number
  /** the container is big-endian */
  readonly bigEndian: boolean
  /** bits 31:0 of the value */
  readonly read: (view: DataView, base: number) => number
  /** bits 63:32 of the value (0 for a field of 32 bits or fewer) */
  readonly readHi: (view: DataView, base: number) => number
  /** store the u32 `value` (bits 63:32 of the field become 0) */
  readonly write: (view: DataView, base: number, value: number) => void
  /** store the value hi:lo (hi ignored for a field of 32 bits or fewer) */
  readonly write64: (view: DataView, base: number, hi: number, lo: number) => void
}

const zeroRead = (): number => 0
const absentWrite = (): void => {}

export const absentAccessor: RawAccessor = {
  exists: false,
  byteOffset: -1,
  byteSize: 0,
  bitOffset: 0,
  bitWidth: 0,
  bigEndian: false,
  read: zeroRead,
  readHi: zeroRead,
  write: absentWrite,
  write64: absentWrite
}

type Load = (v: DataView, b: number) => number
type Store = (v: DataView, b: number, x: number) => void

const loadOf = (off: number, size: number, le: boolean): Load =>
  size === 1 ? (v, b) => v.getUint8(b + off) : size === 2 ? (v, b) => v.getUint16(b + off, le) : (v, b) => v.getUint32(b + off, le)
const storeOf = (off: number, size: number, le: boolean): Store =>
  size === 1
    ? (v, b, x) => v.setUint8(b + off, x & 0xff)
    : size === 2
      ? (v, b, x) => v.setUint16(b + off, x & 0xffff, le)
      : (v, b, x) => v.setUint32(b + off, x >>> 0, le)

/** mask of the low `w` bits (0 <= w <= 32), as an unsigned number */
const lowMask = (w: number): number => (w >= 32 ? 0xffffffff : w <= 0 ? 0 : ((1 << w) >>> 0) - 1)

/** Plain (non-bitfield) field of `size` bytes (1, 2, 4 or 8) at `off`. */
export const plainAccessor = (off: number, size: number, bigEndian: boolean): RawAccessor => {
  const le = !bigEndian
  if (size === 8) {
    // the two halves' byte offsets, by byte order (see the module comment)
    const loOff = le ? off : off + 4
    const hiOff = le ? off + 4 : off
    return {
      exists: true,
      byteOffset: off,
      byteSize: 8,
      bitOffset: 0,
      bitWidth: 64,
      bigEndian,
      read: (v, b) => v.getUint32(b + loOff, le),
      readHi: (v, b) => v.getUint32(b + hiOff, le),
      write: (v, b, x) => {
        v.setUint32(b + loOff, x >>> 0, le)
        v.setUint32(b + hiOff, 0, le)
      },
      write64: (v, b, hi, lo) => {
        v.setUint32(b + loOff, lo >>> 0, le)
        v.setUint32(b + hiOff, hi >>> 0, le)
      }
    }
  }
  const load = loadOf(off, size, le)
  const store = storeOf(off, size, le)
  return {
    exists: true,
    byteOffset: off,
    byteSize: size,
    bitOffset: 0,
    bitWidth: size * 8,
    bigEndian,
    read: load,
    readHi: zeroRead,
    write: store,
    write64: (v, b, _hi, lo) => store(v, b, lo)
  }
}

/**
 * Bits [shift, shift + width) (width 1..32) of the 1/2/4-byte word at `wordOff`, reported with
 * the container geometry given (an 8-byte container's field inside one half is compiled to this
 * on that half).
 */
const wordBitsAccessor = (
  wordOff: number,
  wordSize: number,
  shift: number,
  width: number,
  bigEndian: boolean,
  container: { readonly off: number; readonly size: number; readonly bit: number }
): RawAccessor => {
  const le = !bigEndian
  const load = loadOf(wordOff, wordSize, le)
  const store = storeOf(wordOff, wordSize, le)
  const mask = lowMask(width)
  const inPlace = (mask << shift) >>> 0
  const write: Store = (v, b, x) => store(v, b, ((load(v, b) & ~inPlace) | (((x & mask) << shift) >>> 0)) >>> 0)
  return {
    exists: true,
    byteOffset: container.off,
    byteSize: container.size,
    bitOffset: container.bit,
    bitWidth: width,
    bigEndian,
    read: (v, b) => ((load(v, b) >>> shift) & mask) >>> 0,
    readHi: zeroRead,
    write,
    write64: (v, b, _hi, lo) => write(v, b, lo)
  }
}

/**
 * Bits [start, start + width) of the 8-byte container at `off` (0 <= start, 1 <= width,
 * start + width <= 64), halves chosen at load time.
 */
export const u64BitsAccessor = (off: number, start: number, width: number, bigEndian: boolean): RawAccessor => {
  const le = !bigEndian
  const loOff = le ? off : off + 4
  const hiOff = le ? off + 4 : off
  const geom = { off, size: 8, bit: start }
  if (start === 0 && width === 64) return plainAccessor(off, 8, bigEndian)
  // inside the low half, inside the high half: one 4-byte word
  if (start + width <= 32) return wordBitsAccessor(loOff, 4, start, width, bigEndian, geom)
  if (start >= 32) return wordBitsAccessor(hiOff, 4, start - 32, width, bigEndian, geom)
  // straddling bit 32: lo part = bits [start, 32) of the low word, hi part = bits [0, start + width - 32) of the high word
  const loBits = 32 - start
  const hiBits = start + width - 32
  const loKeep = ~((lowMask(loBits) << start) >>> 0) >>> 0
  const hiFieldMask = lowMask(hiBits)
  const hiKeep = ~hiFieldMask >>> 0
  // value bits 31:0 = (lo >>> start) | (hi << loBits), limited to the field; bits 63:32 (width > 32) = hi >>> (32 - loBits)
  const valLoMask = lowMask(Math.min(width, 32))
  const valHiMask = lowMask(width - 32)
  // (start 0 means width > 32 here: bits 31:0 are the whole low word; JS shifts count mod 32, so `<< 32` must not be emitted)
  const read: Load =
    start === 0
      ? (v, b) => v.getUint32(b + loOff, le)
      : (v, b) => (((v.getUint32(b + loOff, le) >>> start) | (v.getUint32(b + hiOff, le) << loBits)) & valLoMask) >>> 0
  const readHi: Load =
    width > 32 ? (v, b) => ((v.getUint32(b + hiOff, le) & hiFieldMask) >>> (32 - loBits)) & valHiMask : zeroRead
  const write64 = (v: DataView, b: number, hi: number, lo: number): void => {
    const wLo = v.getUint32(b + loOff, le)
    const wHi = v.getUint32(b + hiOff, le)
    // field bits [0, loBits) come from lo's low bits; field bits [loBits, width) from lo >>> loBits and hi
    v.setUint32(b + loOff, ((wLo & loKeep) | ((lo << start) >>> 0)) >>> 0, le)
    const upper = loBits === 32 ? hi : ((lo >>> loBits) | (hi << (32 - loBits))) >>> 0
    v.setUint32(b + hiOff, ((wHi & hiKeep) | (upper & hiFieldMask)) >>> 0, le)
  }
  return {
    exists: true,
    byteOffset: off,
    byteSize: 8,
    bitOffset: start,
    bitWidth: width,
    bigEndian,
    read,
    readHi,
    write: (v, b, x) => write64(v, b, 0, x),
    write64
  }
}

/**
 * Bitfield in a `size`-byte container (1, 2, 4 or 8) at `off`, with libbpf's u64 shifts: the
 * field is 64 - rshift bits wide and starts at container bit 64 - lshift - width (see the module
 * comment). Computed once here; per packet only the compiled shift/mask run.
 */
export const bitfieldAccessor = (off: number, size: number, lshift: number, rshift: number, bigEndian: boolean): RawAccessor => {
  const width = 64 - rshift
  const start = 64 - lshift - width
  if (size === 8) return u64BitsAccessor(off, start, width, bigEndian)
  return wordBitsAccessor(off, size, start, width, bigEndian, { off, size, bit: start })
}

/**
 * A program-side sub-field of a relocated field: bits [shift, shift + width) of `field`'s value.
 * What `(le64_to_cpu(desc->qw1) >> X_S) & X_M` and the matching read-modify-write do in a BPF
 * program, for a target whose BTF has one whole word where the hardware has several fields (ice:
 * cmd_type_offset_bsz) — the relocation finds the word, the program carries the bit layout
 * (its own copies of the driver's _S/_M constants). Call at load (instantiate) time, never per
 * packet. An absent field gives the absent accessor; a range outside the field throws RangeError
 * (a program bug, caught when the program is built).
 */
export const rawSubfield = (field: RawAccessor, shift: number, width: number): RawAccessor => {
  if (!field.exists) return absentAccessor
  if (!Number.isInteger(shift) || !Number.isInteger(width) || shift < 0 || width < 1 || width > 32 || shift + width > field.bitWidth)
    throw new RangeError(`sub-field bits [${shift}, ${shift + width}) is not inside a ${field.bitWidth}-bit field (width 1..32)`)
  const start = field.bitOffset + shift
  if (field.byteSize === 8) return u64BitsAccessor(field.byteOffset, start, width, field.bigEndian)
  return wordBitsAccessor(field.byteOffset, field.byteSize, start, width, field.bigEndian, {
    off: field.byteOffset,
    size: field.byteSize,
    bit: start
  })
}
