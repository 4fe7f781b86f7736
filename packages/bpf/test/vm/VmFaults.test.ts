/**
 * Run-time faults and load-time refusals: each an exact message naming the program and the
 * instruction, on both engines (run-time) and from the shared checker (load-time).
 */
import {
  alu64Imm,
  assemble,
  BPF_ADD,
  BPF_B,
  BPF_DIV,
  BPF_DW,
  BPF_JEQ,
  BPF_W,
  callHelper,
  callKfunc,
  callLocal,
  exit,
  ja,
  jmpImm,
  ldImm64,
  ldx,
  loadVmProgram,
  mov64Imm,
  mov64Reg,
  runVmProgram,
  st,
  stx,
  Vm,
  type VmCallFn,
  VmFaultCode,
  VmLoadError,
  VmRegionKind,
  VmRunError,
  vmAccess,
  vmRegionAt,
  vmRunError
} from "@devtx/bpf"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { ENGINES, load, newRig } from "./VmSupport.js"

const runFault = (engine: "jit" | "interpreter", build: (r: ReturnType<typeof newRig>) => Parameters<typeof load>[1], budget?: number) => {
  const rig = newRig(budget)
  const prog = load(rig, build(rig), engine)
  const status = prog.run(0, 0)
  return { status, err: vmRunError(rig.vm), rig }
}

describe("run-time faults", () => {
  for (const engine of ENGINES) {
    it(`${engine}: out-of-window packet read`, () => {
      const { status, err } = runFault(engine, (r) => [ldImm64(1, Vm.ptrHi(r.packetRegion), 0), alu64Imm(BPF_ADD, 1, 50), ldx(BPF_W, 0, 1, 8), exit()])
      expect(status).toBe(VmFaultCode.OutOfBounds)
      expect(err.message).toBe("test_prog: insn 3: invalid read of 4 bytes at packet+58, window [0, 60)")
      expect(err.kind).toBe("OutOfBounds")
    })
    it(`${engine}: packet read below data_meta (negative offset wraps to the region below)`, () => {
      const { status, err } = runFault(engine, (r) => [ldImm64(1, Vm.ptrHi(r.packetRegion), 0), ldx(BPF_B, 0, 1, -1), exit()])
      expect(status).toBe(VmFaultCode.OutOfBounds)
      expect(err.message).toBe("test_prog: insn 2: invalid read of 1 bytes at stack+4294967295, window [3584, 4096)")
    })
    it(`${engine}: write to a read-only map value`, () => {
      const { status, err, rig } = runFault(engine, () => [ldImm64(1, 0, 0, 2), st(BPF_W, 1, 4, 7), mov64Imm(0, 0), exit()])
      expect(status).toBe(VmFaultCode.ReadOnly)
      expect(err.message).toBe("test_prog: insn 2: invalid write of 4 bytes at rodata+4: region rodata is read-only")
      expect(rig.rodata[4]).toBe(0x5a)
    })
    it(`${engine}: uninitialised stack read (a 4-byte write does not initialise an 8-byte slot)`, () => {
      const { status, err } = runFault(engine, () => [st(BPF_W, 10, -4, 1), ldx(BPF_DW, 0, 10, -8), exit()])
      expect(status).toBe(VmFaultCode.UninitStack)
      expect(err.message).toBe("test_prog: insn 1: invalid read of 8 bytes from uninitialised stack at fp-8 of frame 0")
    })
    it(`${engine}: stack written in one run is uninitialised in the next`, () => {
      const rig = newRig()
      const prog = load(rig, [jmpImm(BPF_JEQ, 1, 0, 1), st(BPF_DW, 10, -8, 5), ldx(BPF_DW, 0, 10, -8), exit()], engine)
      expect(prog.run(0, 1)).toBe(0)
      expect(rig.vm.resultLo).toBe(5)
      expect(prog.run(0, 0)).toBe(VmFaultCode.UninitStack)
    })
    it(`${engine}: an infinite loop ends in the budget`, () => {
      const { status, err } = runFault(engine, () => [mov64Imm(0, 0), alu64Imm(BPF_ADD, 0, 1), ja(-2), exit()])
      expect(status).toBe(VmFaultCode.Budget)
      expect(err.message).toBe("test_prog: insn 1: instruction budget of 1000000 exhausted (an unbounded loop?)")
    })
    it(`${engine}: dereferencing a scalar`, () => {
      const { status, err } = runFault(engine, () => [mov64Imm(1, 0x42), ldx(BPF_W, 0, 1, 0), exit()])
      expect(status).toBe(VmFaultCode.NoRegion)
      expect(err.message).toBe("test_prog: insn 1: invalid read of 4 bytes at 0x0000000000000042: not a pointer into any region")
    })
    it(`${engine}: dereferencing a map handle`, () => {
      const { status, err } = runFault(engine, () => [ldImm64(1, 0, 2, 1), ldx(BPF_W, 0, 1, 0), exit()])
      expect(status).toBe(VmFaultCode.NotDereferencable)
      expect(err.message).toBe("test_prog: insn 2: invalid read of 4 bytes through map handle prog_array: a map pointer is not dereferencable")
    })
    it(`${engine}: ctx access refused by the program type, and ctx stores without ctxStore`, () => {
      const rig = newRig()
      const ctx = rig.vm.addRegion({ name: "ctx", kind: VmRegionKind.Ctx, bytes: new Uint8Array(24), writable: false })
      const ctxLoad = (_f: unknown, off: number, size: number, out: Uint32Array): number => {
        if (off !== 0 || size !== 4) return -1
        out[0] = 0
        out[1] = 1234
        return 0
      }
      const ok = load(rig, [ldx(BPF_W, 0, 1, 0), exit()], engine, { ctxLoad })
      expect(ok.run(Vm.ptrHi(ctx), 0)).toBe(0)
      expect(rig.vm.resultLo).toBe(1234)
      const bad = load(rig, [ldx(BPF_W, 0, 1, 2), exit()], engine, { ctxLoad })
      expect(bad.run(Vm.ptrHi(ctx), 0)).toBe(VmFaultCode.CtxAccess)
      expect(vmRunError(rig.vm).message).toBe("test_prog: insn 0: invalid bpf_context read off=2 size=4")
      const store = load(rig, [st(BPF_W, 1, 0, 1), mov64Imm(0, 0), exit()], engine, { ctxLoad })
      expect(store.run(Vm.ptrHi(ctx), 0)).toBe(VmFaultCode.CtxAccess)
      expect(vmRunError(rig.vm).message).toBe("test_prog: insn 0: invalid bpf_context write off=0 size=4")
    })
    it(`${engine}: a helper's bad pointer ends the run at the call`, () => {
      const write8: VmCallFn = (frame, r1h, r1l) => {
        vmAccess(frame, r1h, r1l, 8, true)
        return 0
      }
      const rig = newRig()
      const prog = load(rig, [ldImm64(1, Vm.ptrHi(rig.packetRegion), 56), callHelper(5), exit()], engine, { helpers: [undefined, undefined, undefined, undefined, undefined, write8] })
      expect(prog.run(0, 0)).toBe(VmFaultCode.OutOfBounds)
      expect(vmRunError(rig.vm).message).toBe("test_prog: insn 2: invalid write of 8 bytes at packet+56, window [0, 60)")
    })
    it(`${engine}: a helper reading an uninitialised stack key faults at the call; vmRegionAt finds the map`, () => {
      const rig = newRig()
      const seen: unknown[] = []
      const lookup: VmCallFn = (frame, r1h, _r1l, r2h, r2l) => {
        seen.push(vmRegionAt(frame, r1h)?.name)
        vmAccess(frame, r2h, r2l, 4, false)
        return 0
      }
      const insns = [ldImm64(1, 0, 2, 1), mov64Reg(2, 10), alu64Imm(BPF_ADD, 2, -4), callHelper(1), exit()]
      const prog = load(rig, insns, engine, { helpers: [undefined, lookup] })
      expect(prog.run(0, 0)).toBe(VmFaultCode.UninitStack)
      expect(vmRunError(rig.vm).message).toBe("test_prog: insn 4: invalid read of 4 bytes from uninitialised stack at fp-4 of frame 0")
      expect(seen).toEqual(["prog_array"])
      const ok = load(rig, [ldImm64(1, 0, 2, 1), st(BPF_W, 10, -4, 9), mov64Reg(2, 10), alu64Imm(BPF_ADD, 2, -4), callHelper(1), exit()], engine, {
        helpers: [undefined, lookup]
      })
      expect(ok.run(0, 0)).toBe(0)
    })
    it(`${engine}: a kfunc reporting its own fault`, () => {
      const rig = newRig()
      const kf: VmCallFn = (frame) => {
        const f = (frame as Vm).fault
        f.code = VmFaultCode.CallFault
        f.message = "bpf_xdp_metadata_rx_hash: no RX descriptor bound"
        return 0
      }
      const prog = load(rig, [callKfunc(0), exit()], engine, { kfuncs: [kf] })
      expect(prog.run(0, 0)).toBe(VmFaultCode.CallFault)
      expect(vmRunError(rig.vm).message).toBe("test_prog: insn 0: call #0 faulted: bpf_xdp_metadata_rx_hash: no RX descriptor bound")
    })
    it(`${engine}: bpf-to-bpf recursion stops at 8 frames`, () => {
      const rig = newRig()
      // main calls f; f increments r1, stores it and calls itself
      const prog = load(rig, [mov64Imm(1, 0), callLocal(1), exit(), alu64Imm(BPF_ADD, 1, 1), stx(BPF_DW, 10, 1, -8), callLocal(-3), exit()], engine)
      expect(prog.run(0, 0)).toBe(VmFaultCode.CallDepth)
      expect(vmRunError(rig.vm).message).toBe("test_prog: insn 5: the call stack of 9 frames is too deep !")
      // the deepest frame that ran is frame 7: its stack slot holds 7
      expect(new DataView(rig.vm.stack.bytes.buffer).getUint32(512 - 8, true)).toBe(7)
    })
    it(`${engine}: runVmProgram fails with the typed error`, async () => {
      const rig = newRig()
      const prog = load(rig, [mov64Imm(1, 0x42), ldx(BPF_W, 0, 1, 0), exit()], engine)
      const e = await Effect.runPromise(Effect.flip(runVmProgram(prog, 0, 0)))
      expect(e).toBeInstanceOf(VmRunError)
      expect(e._tag).toBe("VmRunError")
      expect(e.insn).toBe(1)
    })
  }
})

const loadError = (insns: Parameters<typeof assemble>[0], extra: Record<string, unknown> = {}): string => {
  const vm = new Vm()
  const e = Effect.runSync(
    Effect.flip(loadVmProgram(vm, { name: "xdp_prog", insns: assemble(insns), helpers: [], kfuncs: [], ...extra }))
  )
  expect(e).toBeInstanceOf(VmLoadError)
  return e.message
}

describe("load-time checks", () => {
  it("unknown helper id", () => {
    expect(loadError([callHelper(99), exit()])).toBe("xdp_prog: insn 0: unknown func helper#99")
    expect(loadError([callHelper(12), exit()])).toBe("xdp_prog: insn 0: unknown func bpf_tail_call#12 (no prog-array resolver)")
  })
  it("unknown kfunc index", () => {
    expect(loadError([callKfunc(3), exit()])).toBe("xdp_prog: insn 0: unknown kfunc index 3 (program has 0 kfuncs)")
  })
  it("jump target out of range, into an LD_IMM64, out of the subprogram", () => {
    expect(loadError([mov64Imm(0, 0), ja(5), exit()])).toBe("xdp_prog: insn 1: jump out of range from insn 1 to 7")
    expect(loadError([mov64Imm(0, 0), ja(-3), exit()])).toBe("xdp_prog: insn 1: jump out of range from insn 1 to -1")
    expect(loadError([mov64Imm(0, 0), ja(1), ldImm64(1, 0, 1), exit()])).toBe("xdp_prog: insn 1: jump to insn 3, the middle of an LD_IMM64")
    expect(loadError([mov64Imm(0, 0), callLocal(1), exit(), jmpImm(BPF_JEQ, 1, 0, -3), mov64Imm(0, 1), exit()])).toBe(
      "xdp_prog: insn 3: jump out of range from insn 3 to 1"
    )
  })
  it("falling off the end of the program or of a subprogram", () => {
    expect(loadError([mov64Imm(0, 0)])).toBe("xdp_prog: insn 0: last insn is not an exit or jmp")
    expect(loadError([mov64Imm(0, 0), callLocal(1), exit(), mov64Imm(0, 1)])).toBe("xdp_prog: insn 3: last insn is not an exit or jmp")
  })
  it("r10 is read-only, registers are r0..r10, r0 read at exit must be set", () => {
    expect(loadError([mov64Imm(10, 0), exit()])).toBe("xdp_prog: insn 0: frame pointer is read only")
    expect(loadError([mov64Reg(0, 3), exit()])).toBe("xdp_prog: insn 0: R3 !read_ok")
    expect(loadError([exit()])).toBe("xdp_prog: insn 0: R0 !read_ok")
    // r0 is set on one path only
    expect(loadError([jmpImm(BPF_JEQ, 1, 0, 1), mov64Imm(0, 1), exit()])).toBe("xdp_prog: insn 2: R0 !read_ok")
    // helper calls clobber r1..r5
    expect(loadError([mov64Imm(2, 1), callHelper(1), mov64Reg(0, 2), exit()], { helpers: [undefined, () => 0] })).toBe(
      "xdp_prog: insn 2: R2 !read_ok"
    )
  })
  it("unknown opcodes and reserved fields", () => {
    const bad = new Uint8Array(16)
    bad[0] = 0xff
    bad[8] = 0x95
    expect(Effect.runSync(Effect.flip(loadVmProgram(new Vm(), { name: "xdp_prog", insns: bad, helpers: [], kfuncs: [] }))).message).toBe(
      "xdp_prog: insn 0: unknown opcode 0xff"
    )
    expect(loadError([{ code: 0x20, dst: 0, src: 0, off: 0, imm: 0 }, exit()])).toBe(
      "xdp_prog: insn 0: BPF_LD_[ABS|IND] instructions not allowed for this program type"
    )
  })
  it("division by an immediate zero, shifts by an immediate out of range", () => {
    expect(loadError([mov64Imm(0, 1), alu64Imm(BPF_DIV, 0, 0), exit()])).toBe("xdp_prog: insn 1: div by zero")
    expect(loadError([mov64Imm(0, 1), alu64Imm(0x60, 0, 64), exit()])).toBe("xdp_prog: insn 1: invalid shift 64")
  })
  it("r10-relative stack accesses outside the frame", () => {
    expect(loadError([st(BPF_DW, 10, -520, 0), mov64Imm(0, 0), exit()])).toBe("xdp_prog: insn 0: invalid write to stack R10 off=-520 size=8")
    expect(loadError([ldx(BPF_W, 0, 10, -2), exit()])).toBe("xdp_prog: insn 0: invalid read from stack R10 off=-2 size=4")
  })
  it("LD_IMM64 pseudo sources", () => {
    expect(loadError([ldImm64(1, 0, 0, 1), mov64Imm(0, 0), exit()])).toBe("xdp_prog: insn 0: map index 0 out of range (program has 0 maps)")
    expect(loadError([ldImm64(1, 0, 0, 4), mov64Imm(0, 0), exit()])).toBe(
      "xdp_prog: insn 0: LD_IMM64 BPF_PSEUDO_FUNC (callbacks) is not supported by the VM"
    )
    expect(loadError([ldImm64(1, 0, 0)[0]!, exit()])).toBe("xdp_prog: insn 0: invalid BPF_LD_IMM insn")
  })
  it("image length", () => {
    expect(Effect.runSync(Effect.flip(loadVmProgram(new Vm(), { name: "xdp_prog", insns: new Uint8Array(12), helpers: [], kfuncs: [] }))).message).toBe(
      "xdp_prog: insn 0: instruction image of 12 bytes is not a non-zero multiple of 8"
    )
  })
})
