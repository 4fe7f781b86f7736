/**
 * The JIT leaves out blocks no path from a subprogram's entry reaches (dead code after a `ja`,
 * the other NICs' readers a CO-RE-resolved constant branch skips): the program behaves the same
 * on both engines, and the generated JavaScript does not contain the dead instructions.
 */
import { BPF_JEQ, exit, ja, jmpImm, mov64Imm } from "@devtx/bpf"
import { describe, expect, it } from "vitest"
import { ENGINES, load, newRig } from "./VmSupport.js"

const DEAD = 19088743 // 0x1234567, a literal only the dead instructions carry

const program = [
  mov64Imm(0, 1),
  jmpImm(BPF_JEQ, 0, 1, 2), // taken at run time: the JIT cannot know, both targets stay
  mov64Imm(0, 2),
  exit(),
  ja(2), // unconditional: the next two instructions are reached by no path
  mov64Imm(0, DEAD),
  mov64Imm(0, DEAD),
  mov64Imm(1, 3),
  exit()
]

describe("JIT reachability", () => {
  for (const engine of ENGINES)
    it(`${engine}: dead blocks do not change the result or the count`, () => {
      const rig = newRig()
      const prog = load(rig, program, engine)
      expect(prog.run(0, 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(1)
      expect(prog.counters.insns).toBe(5)
    })

  it("jit: the generated source has no code for the unreachable block", () => {
    const prog = load(newRig(), program, "jit") as unknown as { readonly source: string }
    expect(prog.source).not.toContain(String(DEAD))
    // the reachable fall-through path (r0 = 2) is still there
    expect(prog.source).toMatch(/l0 = 2\b|= 2;/)
  })
})
