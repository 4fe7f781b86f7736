/**
 * A small eBPF assembler for hand-written programs (tests, program-type fixtures): each function
 * returns one instruction (two for `ldImm64`) as plain fields; `assemble` encodes them host-order.
 * Mnemonics follow the kernel's include/linux/filter.h macros (BPF_ALU64_REG, BPF_JMP_IMM, ...).
 */
import { encodeInsn } from "./BpfInsnDecoder.js"
import {
  BPF_ALU,
  BPF_ALU64,
  BPF_ATOMIC,
  BPF_CALL,
  BPF_DW,
  BPF_END,
  BPF_EXIT,
  BPF_IMM,
  BPF_JA,
  BPF_JMP,
  BPF_JMP32,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_MEM,
  BPF_MEMSX,
  BPF_MOV,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_ST,
  BPF_STX,
  BPF_X
} from "./BpfOpcodes.js"

export interface AsmInsn {
  readonly code: number
  readonly dst: number
  readonly src: number
  readonly off: number
  readonly imm: number
}

const I = (code: number, dst: number, src: number, off: number, imm: number): AsmInsn => ({ code, dst, src, off, imm })

/** BPF_ALU64_REG(op, dst, src) */
export const alu64Reg = (op: number, dst: number, src: number, off = 0): AsmInsn => I(BPF_ALU64 | op | BPF_X, dst, src, off, 0)
/** BPF_ALU64_IMM(op, dst, imm) */
export const alu64Imm = (op: number, dst: number, imm: number, off = 0): AsmInsn => I(BPF_ALU64 | op | BPF_K, dst, 0, off, imm)
/** BPF_ALU32_REG(op, dst, src) */
export const alu32Reg = (op: number, dst: number, src: number, off = 0): AsmInsn => I(BPF_ALU | op | BPF_X, dst, src, off, 0)
/** BPF_ALU32_IMM(op, dst, imm) */
export const alu32Imm = (op: number, dst: number, imm: number, off = 0): AsmInsn => I(BPF_ALU | op | BPF_K, dst, 0, off, imm)
export const mov64Reg = (dst: number, src: number): AsmInsn => alu64Reg(BPF_MOV, dst, src)
export const mov64Imm = (dst: number, imm: number): AsmInsn => alu64Imm(BPF_MOV, dst, imm)
export const mov32Imm = (dst: number, imm: number): AsmInsn => alu32Imm(BPF_MOV, dst, imm)
/** BPF_ENDIAN(TO_LE/TO_BE, dst, 16/32/64); `alu64` = cpu v4 BSWAP */
export const endian = (dir: number, dst: number, bits: number, alu64 = false): AsmInsn =>
  I((alu64 ? BPF_ALU64 : BPF_ALU) | BPF_END | dir, dst, 0, 0, bits)
/** BPF_LD_IMM64 (two slots); `pseudo` = src_reg (BPF_PSEUDO_MAP_FD, ...) */
export const ldImm64 = (dst: number, hi: number, lo: number, pseudo = 0): AsmInsn[] => [
  I(BPF_LD | BPF_DW | BPF_IMM, dst, pseudo, 0, lo | 0),
  I(0, 0, 0, 0, hi | 0)
]
/** BPF_LDX_MEM(size, dst, src, off) */
export const ldx = (size: number, dst: number, src: number, off: number): AsmInsn => I(BPF_LDX | size | BPF_MEM, dst, src, off, 0)
/** BPF_LDX_MEMSX(size, dst, src, off) (cpu v4) */
export const ldxsx = (size: number, dst: number, src: number, off: number): AsmInsn =>
  I(BPF_LDX | size | BPF_MEMSX, dst, src, off, 0)
/** BPF_STX_MEM(size, dst, src, off) */
export const stx = (size: number, dst: number, src: number, off: number): AsmInsn => I(BPF_STX | size | BPF_MEM, dst, src, off, 0)
/** BPF_ST_MEM(size, dst, off, imm) */
export const st = (size: number, dst: number, off: number, imm: number): AsmInsn => I(BPF_ST | size | BPF_MEM, dst, 0, off, imm)
/** BPF_ATOMIC_OP(size, op, dst, src, off) */
export const atomic = (size: number, op: number, dst: number, src: number, off: number): AsmInsn =>
  I(BPF_STX | size | BPF_ATOMIC, dst, src, off, op)
/** BPF_JMP_REG(op, dst, src, off) / BPF_JMP32_REG with `jmp32` */
export const jmpReg = (op: number, dst: number, src: number, off: number, jmp32 = false): AsmInsn =>
  I((jmp32 ? BPF_JMP32 : BPF_JMP) | op | BPF_X, dst, src, off, 0)
/** BPF_JMP_IMM(op, dst, imm, off) / BPF_JMP32_IMM with `jmp32` */
export const jmpImm = (op: number, dst: number, imm: number, off: number, jmp32 = false): AsmInsn =>
  I((jmp32 ? BPF_JMP32 : BPF_JMP) | op | BPF_K, dst, 0, off, imm)
export const ja = (off: number): AsmInsn => I(BPF_JMP | BPF_JA, 0, 0, off, 0)
/** helper call: imm = bpf_func_id */
export const callHelper = (id: number): AsmInsn => I(BPF_JMP | BPF_CALL, 0, 0, 0, id)
/** bpf-to-bpf call: pc-relative imm */
export const callLocal = (rel: number): AsmInsn => I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel)
/** kfunc call: imm = kfunc index */
export const callKfunc = (index: number): AsmInsn => I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, index)
export const exit = (): AsmInsn => I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/** Encodes instructions (nested arrays flattened, for ldImm64) host-order. */
export const assemble = (insns: ReadonlyArray<AsmInsn | ReadonlyArray<AsmInsn>>): Uint8Array => {
  const flat: AsmInsn[] = []
  for (const x of insns) {
    if (Array.isArray(x)) flat.push(...(x as AsmInsn[]))
    else flat.push(x as AsmInsn)
  }
  const bytes = new Uint8Array(flat.length * 8)
  const view = new DataView(bytes.buffer)
  flat.forEach((x, i) => encodeInsn(view, i, x.code, x.dst, x.src, x.off, x.imm))
  return bytes
}
