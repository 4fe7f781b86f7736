import { BPF_ADD, BPF_DW, BPF_JGT, BPF_W, Vm, alu64Imm, alu64Reg, exit, jmpImm, ldImm64, ldx, mov64Imm, mov64Reg, stx } from "@devtx/bpf"
import { describe, expect, it } from "vitest"
import { ENGINES, load, newRig } from "./VmSupport.js"

describe("VM smoke", () => {
  for (const engine of ENGINES) {
    it(`${engine}: loop sum, stack spill, packet read`, () => {
      const rig = newRig()
      const prog = load(
        rig,
        [
          mov64Imm(0, 0),
          mov64Imm(2, 10),
          alu64Reg(BPF_ADD, 0, 2), // 2
          alu64Imm(BPF_ADD, 2, -1),
          jmpImm(BPF_JGT, 2, 0, -3),
          stx(BPF_DW, 10, 0, -8),
          ldx(BPF_DW, 3, 10, -8),
          ldImm64(4, Vm.ptrHi(rig.packetRegion), 4),
          ldx(BPF_W, 5, 4, 0),
          alu64Reg(BPF_ADD, 0, 3),
          mov64Reg(6, 5),
          exit()
        ],
        engine
      )
      expect(prog.run(0, 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(110)
      const dv = new DataView(rig.packet.buffer)
      expect(prog.registers[11]).toBe(dv.getUint32(4, true))
      expect(prog.counters.insns).toBe(2 + 3 * 10 + 7)
    })
  }
})
