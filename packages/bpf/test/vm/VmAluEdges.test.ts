/**
 * ALU edge cases spelled out (the BigInt property test covers them at random too): division and
 * modulo by zero and INT_MIN / -1 in every variant, shifts by 63/64 from a register, and the
 * zero-extension of every ALU32 operation.
 */
import {
  alu32Imm,
  alu32Reg,
  alu64Reg,
  BPF_ADD,
  BPF_AND,
  BPF_ARSH,
  BPF_DIV,
  BPF_LSH,
  BPF_MOD,
  BPF_MOV,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RSH,
  BPF_SUB,
  BPF_XOR,
  exit,
  ldImm64,
  mov64Reg,
  type AsmInsn
} from "@devtx/bpf"
import { describe, expect, it } from "vitest"
import { ENGINES, load, newRig } from "./VmSupport.js"

const INT64_MIN: [number, number] = [0x80000000 | 0, 0]
const MINUS1: [number, number] = [-1, -1]

describe("ALU edge cases", () => {
  for (const engine of ENGINES) {
    const rig = newRig()
    const run = (a: [number, number], b: [number, number], insn: AsmInsn): bigint => {
      const p = load(rig, [ldImm64(1, a[0], a[1]), ldImm64(2, b[0], b[1]), insn, mov64Reg(0, 1), exit()], engine)
      expect(p.run(0, 0)).toBe(0)
      return (BigInt(rig.vm.resultHi >>> 0) << 32n) | BigInt(rig.vm.resultLo >>> 0)
    }
    it(`${engine}: INT_MIN / -1 and INT_MIN % -1, unsigned and signed, 64 and 32 bits`, () => {
      expect(run(INT64_MIN, MINUS1, alu64Reg(BPF_DIV, 1, 2))).toBe(0n) // unsigned: 2^63 / (2^64-1)
      expect(run(INT64_MIN, MINUS1, alu64Reg(BPF_MOD, 1, 2))).toBe(1n << 63n)
      expect(run(INT64_MIN, MINUS1, alu64Reg(BPF_DIV, 1, 2, 1))).toBe(1n << 63n) // sdiv: LLONG_MIN
      expect(run(INT64_MIN, MINUS1, alu64Reg(BPF_MOD, 1, 2, 1))).toBe(0n) // smod: 0
      expect(run([0, 0x80000000 | 0], [0, -1], alu32Reg(BPF_DIV, 1, 2))).toBe(0n)
      expect(run([0, 0x80000000 | 0], [0, -1], alu32Reg(BPF_DIV, 1, 2, 1))).toBe(0x80000000n)
      expect(run([0, 0x80000000 | 0], [0, -1], alu32Reg(BPF_MOD, 1, 2, 1))).toBe(0n)
      expect(run([0, -7], [0, 2], alu32Reg(BPF_MOD, 1, 2, 1))).toBe(0xffffffffn) // -7 % 2 = -1, as u32
      expect(run([-1, -7], [0, 2], alu64Reg(BPF_DIV, 1, 2, 1))).toBe(0xfffffffffffffffdn) // -7 / 2 = -3 (truncating)
    })
    it(`${engine}: division by a zero register: DIV gives 0, MOD keeps the dividend (ALU32: zero-extended)`, () => {
      const a: [number, number] = [0x12345678, 0x9abcdef0 | 0]
      for (const off of [0, 1]) {
        expect(run(a, [0, 0], alu64Reg(BPF_DIV, 1, 2, off))).toBe(0n)
        expect(run(a, [0, 0], alu64Reg(BPF_MOD, 1, 2, off))).toBe(0x123456789abcdef0n)
        expect(run(a, [7, 0], alu32Reg(BPF_DIV, 1, 2, off))).toBe(0n) // only the low 32 bits of the divisor count
        expect(run(a, [7, 0], alu32Reg(BPF_MOD, 1, 2, off))).toBe(0x9abcdef0n)
      }
    })
    it(`${engine}: register shift amounts are masked with 63 (64-bit) and 31 (32-bit)`, () => {
      const a: [number, number] = [0x80000000 | 0, 1]
      expect(run(a, [0, 63], alu64Reg(BPF_LSH, 1, 2))).toBe(1n << 63n)
      expect(run(a, [0, 64], alu64Reg(BPF_LSH, 1, 2))).toBe(0x8000000000000001n) // 64 & 63 = 0
      expect(run(a, [0, 63], alu64Reg(BPF_RSH, 1, 2))).toBe(1n)
      expect(run(a, [0, 63], alu64Reg(BPF_ARSH, 1, 2))).toBe(0xffffffffffffffffn)
      expect(run(a, [0, 65], alu64Reg(BPF_ARSH, 1, 2))).toBe(0xc000000000000000n)
      expect(run(a, [0, 32], alu32Reg(BPF_LSH, 1, 2))).toBe(1n) // 32 & 31 = 0, upper half cleared
      expect(run([0, 0x80000000 | 0], [0, 33], alu32Reg(BPF_ARSH, 1, 2))).toBe(0xc0000000n)
    })
    it(`${engine}: every ALU32 operation clears the upper half`, () => {
      const a: [number, number] = [-1, 0x40]
      const b: [number, number] = [-1, 3]
      for (const op of [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH]) {
        expect(run(a, b, alu32Reg(op, 1, 2)) >> 32n, `op 0x${op.toString(16)} reg`).toBe(0n)
        expect(run(a, b, alu32Imm(op, 1, 3)) >> 32n, `op 0x${op.toString(16)} imm`).toBe(0n)
      }
      expect(run(a, b, alu32Imm(BPF_NEG, 1, 0))).toBe(0xffffffc0n)
      expect(run(a, b, alu32Imm(BPF_MOV, 1, -1))).toBe(0xffffffffn) // MOV32 imm -1: not sign-extended
    })
  }
})
