/**
 * Decodes a host-order instruction image (8-byte slots, layout in BpfOpcodes.ts) into
 * struct-of-arrays form, one entry per slot. The second slot of an LD_IMM64 is kept as-is (its
 * imm is the upper 32 bits; `code` should be 0). Pure decoding: no validation beyond the image
 * length, which VmProgramChecker reports.
 */
export interface DecodedInsns {
  readonly slots: number
  readonly code: Uint8Array
  readonly dst: Uint8Array
  readonly src: Uint8Array
  readonly off: Int16Array
  readonly imm: Int32Array
}

export const decodeInsns = (image: Uint8Array): DecodedInsns => {
  const slots = image.byteLength >>> 3
  const view = new DataView(image.buffer, image.byteOffset, slots * 8)
  const code = new Uint8Array(slots)
  const dst = new Uint8Array(slots)
  const src = new Uint8Array(slots)
  const off = new Int16Array(slots)
  const imm = new Int32Array(slots)
  for (let i = 0; i < slots; i++) {
    const b = i * 8
    code[i] = view.getUint8(b)
    const regs = view.getUint8(b + 1)
    dst[i] = regs & 0x0f
    src[i] = regs >>> 4
    off[i] = view.getInt16(b + 2, true)
    imm[i] = view.getInt32(b + 4, true)
  }
  return { slots, code, dst, src, off, imm }
}

/** Encodes one instruction (tests, hand-written programs). */
export const encodeInsn = (out: DataView, slot: number, code: number, dst: number, src: number, off: number, imm: number): void => {
  const b = slot * 8
  out.setUint8(b, code)
  out.setUint8(b + 1, (dst & 0x0f) | ((src & 0x0f) << 4))
  out.setInt16(b + 2, off, true)
  out.setInt32(b + 4, imm | 0, true)
}
