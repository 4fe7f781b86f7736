/**
 * ALU64 and ALU32 on both engines against a BigInt reference of the instruction set's semantics
 * (Documentation/bpf/standardization/instruction-set.rst; kernel/bpf/core.c for division by
 * zero and shift masking): operands come from a map value, so one load covers many operand pairs.
 */
import {
  alu32Imm,
  alu32Reg,
  alu64Imm,
  alu64Reg,
  BPF_ADD,
  BPF_AND,
  BPF_ARSH,
  BPF_DIV,
  BPF_DW,
  BPF_LSH,
  BPF_MOD,
  BPF_MOV,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RSH,
  BPF_SUB,
  BPF_TO_BE,
  BPF_TO_LE,
  BPF_XOR,
  endian,
  exit,
  ldImm64,
  ldx,
  mov64Reg,
  Vm
} from "@devtx/bpf"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ENGINES, load, newRig } from "./VmSupport.js"

const M64 = (1n << 64n) - 1n
const M32 = (1n << 32n) - 1n
const s64 = (x: bigint): bigint => BigInt.asIntN(64, x)
const s32 = (x: bigint): bigint => BigInt.asIntN(32, x)
const sx = (x: bigint, bits: number): bigint => BigInt.asIntN(bits, x)

/** reference: 64-bit op (off = 1 signed div/mod, 8/16/32 movsx) */
export const ref64 = (op: number, off: number, a: bigint, b: bigint): bigint => {
  switch (op) {
    case BPF_ADD:
      return (a + b) & M64
    case BPF_SUB:
      return (a - b) & M64
    case BPF_MUL:
      return (a * b) & M64
    case BPF_DIV:
      if (b === 0n) return 0n
      return off === 1 ? (s64(a) === -(1n << 63n) && s64(b) === -1n ? a : (s64(a) / s64(b)) & M64) : a / b
    case BPF_MOD:
      if (b === 0n) return a
      return off === 1 ? (s64(b) === -1n ? 0n : (s64(a) % s64(b)) & M64) : a % b
    case BPF_OR:
      return a | b
    case BPF_AND:
      return a & b
    case BPF_XOR:
      return a ^ b
    case BPF_LSH:
      return (a << (b & 63n)) & M64
    case BPF_RSH:
      return a >> (b & 63n)
    case BPF_ARSH:
      return (s64(a) >> (b & 63n)) & M64
    case BPF_NEG:
      return -a & M64
    default: // MOV
      return off === 0 ? b : sx(b, off) & M64
  }
}

/** reference: 32-bit op, zero-extended */
export const ref32 = (op: number, off: number, a64: bigint, b64: bigint): bigint => {
  const a = a64 & M32
  const b = b64 & M32
  switch (op) {
    case BPF_ADD:
      return (a + b) & M32
    case BPF_SUB:
      return (a - b) & M32
    case BPF_MUL:
      return (a * b) & M32
    case BPF_DIV:
      if (b === 0n) return 0n
      return off === 1 ? (s32(a) === -(1n << 31n) && s32(b) === -1n ? a : (s32(a) / s32(b)) & M32) : a / b
    case BPF_MOD:
      if (b === 0n) return a
      return off === 1 ? (s32(b) === -1n ? 0n : (s32(a) % s32(b)) & M32) : a % b
    case BPF_OR:
      return a | b
    case BPF_AND:
      return a & b
    case BPF_XOR:
      return a ^ b
    case BPF_LSH:
      return (a << (b & 31n)) & M32
    case BPF_RSH:
      return a >> (b & 31n)
    case BPF_ARSH:
      return (s32(a) >> (b & 31n)) & M32
    case BPF_NEG:
      return -a & M32
    default:
      return off === 0 ? b : sx(b, off) & M32
  }
}

const swap = (x: bigint, bytes: number): bigint => {
  let r = 0n
  for (let i = 0; i < bytes; i++) r = (r << 8n) | ((x >> BigInt(8 * i)) & 0xffn)
  return r
}

const OPS: ReadonlyArray<readonly [string, number, number]> = [
  ["add", BPF_ADD, 0],
  ["sub", BPF_SUB, 0],
  ["mul", BPF_MUL, 0],
  ["div", BPF_DIV, 0],
  ["sdiv", BPF_DIV, 1],
  ["mod", BPF_MOD, 0],
  ["smod", BPF_MOD, 1],
  ["or", BPF_OR, 0],
  ["and", BPF_AND, 0],
  ["xor", BPF_XOR, 0],
  ["lsh", BPF_LSH, 0],
  ["rsh", BPF_RSH, 0],
  ["arsh", BPF_ARSH, 0],
  ["neg", BPF_NEG, 0],
  ["mov", BPF_MOV, 0],
  ["movsx8", BPF_MOV, 8],
  ["movsx16", BPF_MOV, 16],
  ["movsx32", BPF_MOV, 32]
]

/** 64-bit values biased to the edges: 0, 1, -1, INT_MIN, INT_MAX, 2^32 +- 1, small shifts */
const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: M64 }),
  fc.constantFrom(0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, 1n << 32n, (1n << 32n) - 1n, (1n << 32n) + 1n, 31n, 32n, 63n, 64n, 0x80000000n),
  fc.bigInt({ min: 0n, max: 70n }),
  fc.bigInt({ min: 0n, max: M32 })
)

const setOperands = (data: Uint8Array, a: bigint, b: bigint): void => {
  const v = new DataView(data.buffer, data.byteOffset)
  v.setBigUint64(0, a, true)
  v.setBigUint64(8, b, true)
}
const result = (vm: Vm): bigint => (BigInt(vm.resultHi >>> 0) << 32n) | BigInt(vm.resultLo >>> 0)

describe("ALU against a BigInt reference", () => {
  for (const engine of ENGINES) {
    for (const [name, op, off] of OPS) {
      for (const wide of [true, false]) {
        if (!wide && off === 32) continue
        it(`${engine}: ${wide ? "ALU64" : "ALU32"} ${name} (register source)`, () => {
          const rig = newRig()
          const base = ldImm64(6, Vm.ptrHi(rig.dataRegion), 0)
          const insn = op === BPF_NEG ? (wide ? alu64Imm(op, 1, 0) : alu32Imm(op, 1, 0)) : wide ? alu64Reg(op, 1, 2, off) : alu32Reg(op, 1, 2, off)
          const prog = load(rig, [base, ldx(BPF_DW, 1, 6, 0), ldx(BPF_DW, 2, 6, 8), insn, mov64Reg(0, 1), exit()], engine)
          fc.assert(
            fc.property(u64, u64, (a, b) => {
              setOperands(rig.data, a, b)
              expect(prog.run(0, 0)).toBe(0)
              const want = wide ? ref64(op, off, a, b) : ref32(op, off, a, b)
              expect(result(rig.vm), `a=${a} b=${b}`).toBe(want)
            }),
            { seed: 14 + op + off, numRuns: 400 }
          )
        })
      }
    }
    it(`${engine}: immediate sources (sign-extended to 64 bits, u32 for ALU32)`, () => {
      const rig = newRig()
      const imms = [0, 1, -1, 7, 31, 63, -0x80000000, 0x7fffffff, 0x1234, -3]
      for (const [, op, off] of OPS) {
        if (op === BPF_NEG || off >= 8) continue
        for (const wide of [true, false]) {
          for (const k of imms) {
            if ((op === BPF_DIV || op === BPF_MOD) && k === 0) continue
            if ((op === BPF_LSH || op === BPF_RSH || op === BPF_ARSH) && (k < 0 || k >= (wide ? 64 : 32))) continue
            const insn = wide ? alu64Imm(op, 1, k, off) : alu32Imm(op, 1, k, off)
            const prog = load(rig, [ldImm64(6, Vm.ptrHi(rig.dataRegion), 0), ldx(BPF_DW, 1, 6, 0), insn, mov64Reg(0, 1), exit()], engine)
            for (const a of [0n, 1n, M64, 1n << 63n, 0x123456789abcdefn, (1n << 32n) - 1n, 0x80000000n]) {
              setOperands(rig.data, a, 0n)
              expect(prog.run(0, 0)).toBe(0)
              const b = BigInt(k) & M64
              expect(result(rig.vm), `op ${op} off ${off} wide ${wide} a=${a} k=${k}`).toBe(wide ? ref64(op, off, a, b) : ref32(op, off, a, b))
            }
          }
        }
      }
    })
    it(`${engine}: END to_le/to_be 16/32/64 and cpu v4 bswap on odd values`, () => {
      const rig = newRig()
      for (const bits of [16, 32, 64]) {
        for (const dir of [BPF_TO_LE, BPF_TO_BE, -1]) {
          const insn = dir === -1 ? endian(BPF_TO_LE, 1, bits, true) : endian(dir, 1, bits)
          const prog = load(rig, [ldImm64(6, Vm.ptrHi(rig.dataRegion), 0), ldx(BPF_DW, 1, 6, 0), insn, mov64Reg(0, 1), exit()], engine)
          for (const a of [0x0102030405060708n, 0xfedcba9876543211n, 0x1n, M64, 0x8000000000000001n, 0xabn]) {
            setOperands(rig.data, a, 0n)
            expect(prog.run(0, 0)).toBe(0)
            const masked = a & ((1n << BigInt(bits)) - 1n)
            const want = dir === BPF_TO_LE ? (bits === 64 ? a : masked) : swap(masked, bits / 8)
            expect(result(rig.vm), `bits ${bits} dir ${dir} a=${a.toString(16)}`).toBe(want)
          }
        }
      }
    })
  }
})
