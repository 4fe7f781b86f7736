/**
 * Hand-written programs per instruction class with known results, on both engines: atomics,
 * jumps (JMP vs JMP32, signed vs unsigned), loads/stores (sizes, sign-extending loads),
 * LD_IMM64 pseudo sources, helper/kfunc calls (r0's high half), bpf-to-bpf calls (callee-saved
 * r6..r9, frames), bpf_tail_call (count limit 33, fall-through).
 */
import {
  alu64Reg,
  atomic,
  BPF_ADD,
  BPF_AND,
  BPF_B,
  BPF_CMPXCHG,
  BPF_DW,
  BPF_FETCH,
  BPF_H,
  BPF_JGT,
  BPF_JSGT,
  BPF_OR,
  BPF_W,
  BPF_XCHG,
  BPF_XOR,
  callHelper,
  callKfunc,
  callLocal,
  exit,
  jmpImm,
  ldImm64,
  ldx,
  ldxsx,
  mov64Imm,
  mov64Reg,
  st,
  stx,
  Vm,
  VM_MAX_TAIL_CALL_CNT,
  type VmCallFn,
  VmFaultCode,
  type VmProgram,
  vmRunError
} from "@devtx/bpf"
import { describe, expect, it } from "vitest"
import { ENGINES, load, newRig } from "./VmSupport.js"

const u64 = (vm: Vm): bigint => (BigInt(vm.resultHi >>> 0) << 32n) | BigInt(vm.resultLo >>> 0)

describe("instruction classes", () => {
  for (const engine of ENGINES) {
    it(`${engine}: atomics without and with FETCH, W and DW`, () => {
      const rig = newRig()
      const dv = new DataView(rig.data.buffer)
      const cases: Array<[number, number, bigint, bigint, bigint]> = [
        // op, size, old, src, new
        [BPF_ADD, BPF_DW, 0xffffffffffffffffn, 2n, 1n],
        [BPF_ADD, BPF_W, 0xffffffffn, 2n, 1n],
        [BPF_OR, BPF_DW, 0xf0n, 0x0f00000000n, 0x0f000000f0n],
        [BPF_AND, BPF_W, 0xff00ff00n, 0x0ff00ff0n, 0x0f000f00n],
        [BPF_XOR, BPF_DW, 0x8000000000000001n, 0x8000000000000003n, 2n]
      ]
      for (const [op, size, old, src, want] of cases) {
        for (const fetch of [0, BPF_FETCH]) {
          const prog = load(
            rig,
            [ldImm64(6, Vm.ptrHi(rig.dataRegion), 0), ldImm64(2, Number(src >> 32n), Number(src & 0xffffffffn)), atomic(size, op | fetch, 6, 2, 8), mov64Reg(0, 2), exit()],
            engine
          )
          dv.setBigUint64(8, old, true)
          expect(prog.run(0, 0)).toBe(0)
          const w = size === BPF_W
          const mem = w ? BigInt(dv.getUint32(8, true)) : dv.getBigUint64(8, true)
          expect(mem, `op ${op} size ${size}`).toBe(want)
          if (w) expect(dv.getUint32(12, true)).toBe(Number((old >> 32n) & 0xffffffffn))
          // FETCH: src gets the old value, zero-extended for W
          expect(u64(rig.vm)).toBe(fetch ? (w ? old & 0xffffffffn : old) : src)
        }
      }
    })
    it(`${engine}: XCHG and CMPXCHG success / failure (r0 gets the old value)`, () => {
      const rig = newRig()
      const dv = new DataView(rig.data.buffer)
      const xchg = load(rig, [ldImm64(6, Vm.ptrHi(rig.dataRegion), 0), mov64Imm(2, 77), atomic(BPF_DW, BPF_XCHG, 6, 2, 0), mov64Reg(0, 2), exit()], engine)
      dv.setBigUint64(0, 0x1122334455667788n, true)
      expect(xchg.run(0, 0)).toBe(0)
      expect(u64(rig.vm)).toBe(0x1122334455667788n)
      expect(dv.getBigUint64(0, true)).toBe(77n)
      for (const size of [BPF_W, BPF_DW]) {
        // r0 = expected, r2 = new
        const cmpx = load(rig, [ldImm64(6, Vm.ptrHi(rig.dataRegion), 0), ldx(BPF_DW, 0, 6, 16), mov64Imm(2, 99), atomic(size, BPF_CMPXCHG, 6, 2, 0), exit()], engine)
        dv.setBigUint64(0, 0xaaaaaaaa00000005n, true)
        dv.setBigUint64(16, size === BPF_W ? 0xffffffff00000005n : 0xaaaaaaaa00000005n, true) // W compares the low 32 bits only
        expect(cmpx.run(0, 0)).toBe(0)
        expect(u64(rig.vm)).toBe(size === BPF_W ? 5n : 0xaaaaaaaa00000005n)
        expect(size === BPF_W ? dv.getUint32(0, true) : Number(dv.getBigUint64(0, true))).toBe(99)
        dv.setBigUint64(0, 0xaaaaaaaa00000006n, true)
        expect(cmpx.run(0, 0)).toBe(0)
        expect(u64(rig.vm)).toBe(size === BPF_W ? 6n : 0xaaaaaaaa00000006n)
        expect(dv.getBigUint64(0, true)).toBe(0xaaaaaaaa00000006n)
      }
      // an atomic on read-only memory faults even when CMPXCHG would not store
      const ro = load(rig, [ldImm64(6, 0, 0, 2), mov64Imm(0, 1), mov64Imm(2, 2), atomic(BPF_W, BPF_CMPXCHG, 6, 2, 0), exit()], engine)
      expect(ro.run(0, 0)).toBe(VmFaultCode.ReadOnly)
    })
    it(`${engine}: atomics into the packet fault, the packet untouched (verifier check_atomic refuses them)`, () => {
      // kernel/bpf/verifier.c check_atomic: "BPF_ATOMIC stores into R6 pkt is not allowed" (-EACCES)
      for (const op of [BPF_ADD, BPF_ADD | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG]) {
        const rig = newRig()
        const before = rig.packet.slice()
        const p = load(rig, [ldImm64(6, Vm.ptrHi(rig.packetRegion), 0), mov64Imm(0, 0), mov64Imm(2, 1), atomic(BPF_W, op, 6, 2, 4), exit()], engine)
        expect(p.run(0, 0), `op ${op}`).toBe(VmFaultCode.AtomicNotAllowed)
        expect(rig.packet).toEqual(before)
        const e = vmRunError(rig.vm)
        expect(e.kind).toBe("AtomicNotAllowed")
        expect(e.message).toBe(`${p.name}: insn 4: BPF_ATOMIC stores into packet (packet+4) is not allowed`)
      }
    })
    it(`${engine}: JMP compares 64 bits, JMP32 the low 32; signed vs unsigned`, () => {
      const rig = newRig()
      const taken = (insn: ReturnType<typeof jmpImm>, hi: number, lo: number): number => {
        const p = load(rig, [ldImm64(1, hi, lo), mov64Imm(0, 0), insn, exit(), mov64Imm(0, 1), exit()], engine)
        expect(p.run(0, 0)).toBe(0)
        return rig.vm.resultLo
      }
      expect(taken(jmpImm(BPF_JGT, 1, 5, 1), 1, 0)).toBe(1) // 2^32 > 5
      expect(taken(jmpImm(BPF_JGT, 1, 5, 1, true), 1, 0)).toBe(0) // low 32 bits = 0
      expect(taken(jmpImm(BPF_JSGT, 1, 5, 1), -1, -1)).toBe(0) // -1 > 5 signed: no
      expect(taken(jmpImm(BPF_JGT, 1, 5, 1), -1, -1)).toBe(1) // unsigned: yes
      expect(taken(jmpImm(BPF_JGT, 1, -1, 1), -1, -2)).toBe(0) // imm -1 sign-extends to 2^64-1
      expect(taken(jmpImm(BPF_JSGT, 1, 5, 1, true), 0, 6)).toBe(1)
      expect(taken(jmpImm(BPF_JSGT, 1, 5, 1, true), 0, -6)).toBe(0)
    })
    it(`${engine}: cpu v4 gotol (JMP32 | JA) takes its target from imm`, () => {
      const rig = newRig()
      const gotol = { code: 0x06, dst: 0, src: 0, off: 0, imm: 1 }
      const p = load(rig, [mov64Imm(0, 1), gotol, mov64Imm(0, 2), exit()], engine)
      expect(p.run(0, 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(1)
    })
    it(`${engine}: loads and stores of every size, sign-extending loads, little-endian packet bytes`, () => {
      const rig = newRig()
      rig.packet.set([0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88], 8)
      const rd = (insn: ReturnType<typeof ldx>): bigint => {
        const p = load(rig, [ldImm64(6, Vm.ptrHi(rig.packetRegion), 0), insn, mov64Reg(0, 1), exit()], engine)
        expect(p.run(0, 0)).toBe(0)
        return u64(rig.vm)
      }
      expect(rd(ldx(BPF_B, 1, 6, 8))).toBe(0x81n)
      expect(rd(ldx(BPF_H, 1, 6, 8))).toBe(0x8281n)
      expect(rd(ldx(BPF_W, 1, 6, 8))).toBe(0x84838281n)
      expect(rd(ldx(BPF_DW, 1, 6, 8))).toBe(0x8887868584838281n)
      expect(rd(ldxsx(BPF_B, 1, 6, 8))).toBe(0xffffffffffffff81n)
      expect(rd(ldxsx(BPF_H, 1, 6, 8))).toBe(0xffffffffffff8281n)
      expect(rd(ldxsx(BPF_W, 1, 6, 8))).toBe(0xffffffff84838281n)
      const w = load(rig, [ldImm64(6, Vm.ptrHi(rig.dataRegion), 0), ldImm64(2, 0x01020304, 0x05060708), stx(BPF_DW, 6, 2, 0), stx(BPF_W, 6, 2, 8), stx(BPF_H, 6, 2, 12), stx(BPF_B, 6, 2, 14), st(BPF_DW, 6, 16, -2), mov64Imm(0, 0), exit()], engine)
      expect(w.run(0, 0)).toBe(0)
      expect([...rig.data.subarray(0, 24)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 8, 7, 6, 5, 8, 7, 8, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    })
    it(`${engine}: LD_IMM64 map sources point at the map's regions`, () => {
      const rig = newRig()
      const p = load(rig, [ldImm64(1, 6, 0, 2), ldx(BPF_B, 0, 1, 0), exit()], engine) // rodata + 6
      rig.rodata[6] = 0x3c
      expect(p.run(0, 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(0x3c)
      const q = load(rig, [ldImm64(0, 0, 1, 1), exit()], engine) // map 1 handle
      expect(q.run(0, 0)).toBe(0)
      expect(rig.vm.resultHi).toBe(Vm.ptrHi(rig.dataRegion))
      expect(rig.vm.resultLo).toBe(0)
    })
    it(`${engine}: helpers and kfuncs get r1..r5 halves and return r0 with its high half`, () => {
      const rig = newRig()
      const seen: number[] = []
      const helper: VmCallFn = (frame, ...r) => {
        seen.push(...r)
        frame.r0hi = 0xdeadbeef
        return 0x12345678
      }
      const kfunc: VmCallFn = (_f, r1h, r1l) => (r1h + r1l) >>> 0
      const p = load(
        rig,
        [ldImm64(1, 1, 2), ldImm64(2, 3, 4), ldImm64(3, 5, 6), ldImm64(4, 7, 8), ldImm64(5, 9, 10), callHelper(7), mov64Reg(6, 0), mov64Imm(1, 40), callKfunc(0), alu64Reg(BPF_ADD, 0, 6), exit()],
        engine,
        { helpers: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, helper], kfuncs: [kfunc] }
      )
      expect(p.run(0, 0)).toBe(0)
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect(u64(rig.vm)).toBe(0xdeadbeef12345678n + 40n)
      expect(p.counters.helperCalls[7]).toBe(1)
      expect(p.counters.kfuncCalls[0]).toBe(1)
    })
    it(`${engine}: bpf-to-bpf calls: callee-saved r6..r9, own stack frame, arguments r1..r5`, () => {
      const rig = newRig()
      const p = load(
        rig,
        [
          mov64Imm(6, 100),
          st(BPF_DW, 10, -8, 11),
          mov64Imm(1, 5),
          mov64Imm(2, 7),
          callLocal(4),
          alu64Reg(BPF_ADD, 0, 6), // r6 survived the call
          ldx(BPF_DW, 1, 10, -8), // caller's slot untouched by the callee's fp-8
          alu64Reg(BPF_ADD, 0, 1),
          exit(),
          // callee: r0 = r1 * r2 via its own stack
          mov64Imm(6, 0),
          stx(BPF_DW, 10, 1, -8),
          ldx(BPF_DW, 0, 10, -8),
          { code: 0x2f, dst: 0, src: 2, off: 0, imm: 0 }, // r0 *= r2
          exit()
        ],
        engine
      )
      expect(p.run(0, 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(35 + 100 + 11)
      expect(p.counters.insns).toBe(14)
    })
    it(`${engine}: bpf_tail_call: target runs with r1, its r0 is the result; at most 33 per run; empty slot and bad index fall through`, () => {
      const rig = newRig()
      let slot: VmProgram | undefined | null
      const tailCall = (): VmProgram | undefined | null => slot
      // self-tail-calling program: counts its entries in data[0] (atomic add), then tail-calls itself; on fall-through returns 1000 + r6
      const prog = load(
        rig,
        [
          mov64Reg(6, 1),
          ldImm64(7, Vm.ptrHi(rig.dataRegion), 0),
          mov64Imm(3, 1),
          atomic(BPF_W, BPF_ADD, 7, 3, 0),
          mov64Reg(1, 6),
          ldImm64(2, 0, 2, 1),
          mov64Imm(3, 0),
          callHelper(12),
          mov64Imm(0, 1000),
          exit()
        ],
        engine,
        { tailCall }
      )
      const dv = new DataView(rig.data.buffer)
      slot = prog
      dv.setUint32(0, 0, true)
      expect(prog.run(0, 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(1000)
      expect(dv.getUint32(0, true)).toBe(VM_MAX_TAIL_CALL_CNT + 1) // the first entry plus 33 tail calls
      expect(prog.counters.helperCalls[12]).toBe(VM_MAX_TAIL_CALL_CNT + 1)
      // per-program instruction counts: every entry ran 11 instructions (the last also its fall-through 2)
      expect(prog.counters.insns).toBe((VM_MAX_TAIL_CALL_CNT + 1) * 8 + 2)
      for (const empty of [undefined, null]) {
        slot = empty
        dv.setUint32(0, 0, true)
        expect(prog.run(0, 0)).toBe(0)
        expect(rig.vm.resultLo).toBe(1000)
        expect(dv.getUint32(0, true)).toBe(1)
      }
      // an empty slot consumes the count (kernel/bpf/core.c increments before the slot lookup)
      let calls = 0
      const alternating = (): VmProgram | undefined | null => (++calls % 2 === 0 ? slot : undefined)
      const prog2 = load(
        rig,
        [
          mov64Reg(6, 1),
          ldImm64(7, Vm.ptrHi(rig.dataRegion), 0),
          mov64Imm(3, 1),
          atomic(BPF_W, BPF_ADD, 7, 3, 0),
          mov64Reg(1, 6),
          ldImm64(2, 0, 2, 1),
          mov64Imm(3, 0),
          callHelper(12), // empty slot: falls through, count consumed
          mov64Reg(1, 6),
          ldImm64(2, 0, 2, 1),
          mov64Imm(3, 0),
          callHelper(12), // the program again
          mov64Imm(0, 1000),
          exit()
        ],
        engine,
        { tailCall: alternating }
      )
      slot = prog2
      dv.setUint32(0, 0, true)
      calls = 0
      expect(prog2.run(0, 0)).toBe(0)
      // entry k takes counts 2k-1 (empty) and 2k (taken): entry 17's second attempt finds 33 used
      expect(dv.getUint32(0, true)).toBe(17)
    })
  }
})
