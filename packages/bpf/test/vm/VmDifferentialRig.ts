/**
 * Differential test rig: random programs over every instruction class run on the JIT and on the
 * reference interpreter must agree on the status, the fault details, r0, every register of the
 * entry frame, the packet / map value / stack bytes, and the instruction and call counters.
 * fast-check drives the seeds (fixed global seed, so a run reproduces); the program generator
 * is VmRandomPrograms.ts.
 */
import {
  assemble,
  type AsmInsn,
  loadVmProgramSync,
  type VmCallFn,
  type VmCtxLoadFn,
  type VmCtxStoreFn,
  VmLoadError,
  type VmLoadedProgram,
  VmRegionKind,
  Vm,
  vmAccess
} from "@devtx/bpf"
import { expect } from "vitest"
import { batchImage, Prng, randomProgram } from "./VmRandomPrograms.js"

interface Side {
  readonly vm: Vm
  readonly packet: Uint8Array
  readonly data: Uint8Array
  readonly rodata: Uint8Array
  readonly regions: { packet: number; data: number; rodata: number; handle: number; ctx: number }
}

const helper1: VmCallFn = (frame, r1h, r1l, r2h, r2l, r3h, r3l, r4h, r4l, r5h, r5l) => {
  frame.r0hi = (r1h ^ r3l ^ r4h) >>> 0
  return (Math.imul(r1l, 31) + (r2l ^ r5h) + r2h + r3h + r4l + r5l) >>> 0
}
/** writes r2 & 15 bytes of 0xab at the pointer in r1 (faults through vmAccess like a real helper) */
const helper2: VmCallFn = (frame, r1h, r1l, _r2h, r2l) => {
  const n = r2l & 15
  const r = vmAccess(frame, r1h, r1l, n, true)
  if (r < 0) return 0
  const bytes = frame.regions[r]?.bytes
  if (bytes !== undefined) bytes.fill(0xab, r1l >>> 0, (r1l >>> 0) + n)
  return n
}
const kfunc0: VmCallFn = (frame, r1h, r1l, r2h, r2l) => {
  frame.r0hi = (r1h + r2h) >>> 0
  return (r1l + r2l) >>> 0
}

/** a context of 8 u32 fields (4-byte loads at multiples of 4) and one writable u32 at offset 8 */
const ctxFields = new Uint32Array(8)
const ctxLoad: VmCtxLoadFn = (_f, off, size, out) => {
  if (size !== 4 || off % 4 !== 0 || off >= 32) return -1
  out[0] = off === 4 ? 0xffff8001 : 0
  out[1] = off === 4 ? 6 : ((ctxFields[off >> 2] as number) ^ (off * 0x01010101)) >>> 0
  return 0
}
const ctxStore: VmCtxStoreFn = (_f, off, size, _hi, lo) => {
  if (off !== 8 || size !== 4) return -1
  ctxFields[2] = lo
  return 0
}

const newSide = (): Side => {
  const vm = new Vm({ insnBudget: 1500 })
  const packet = new Uint8Array(64)
  const data = new Uint8Array(48)
  const rodata = new Uint8Array(32)
  const p = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes: packet, lo: 2, hi: 58, writable: true })
  const d = vm.addRegion({ name: "data", kind: VmRegionKind.MapValue, bytes: data, writable: true })
  const r = vm.addRegion({ name: "rodata", kind: VmRegionKind.MapValue, bytes: rodata, writable: false })
  const h = vm.addRegion({ name: "prog_array", kind: VmRegionKind.MapHandle, bytes: new Uint8Array(0), writable: false })
  const c = vm.addRegion({ name: "ctx", kind: VmRegionKind.Ctx, bytes: new Uint8Array(0), writable: false })
  return { vm, packet, data, rodata, regions: { packet: p, data: d, rodata: r, handle: h, ctx: c } }
}

const reset = (s: Side, seed: number): void => {
  const g = new Prng(seed)
  for (let i = 0; i < s.packet.length; i++) s.packet[i] = g.int(256)
  for (let i = 0; i < s.data.length; i++) s.data[i] = g.int(256)
  for (let i = 0; i < s.rodata.length; i++) s.rodata[i] = g.int(256)
  s.vm.stack.bytes.fill(0)
  ctxFields.fill(seed)
}

const A = newSide()
const B = newSide()

const load = (s: Side, insns: AsmInsn[], engine: "jit" | "interpreter"): VmLoadedProgram => {
  const p = loadVmProgramSync(
    s.vm,
    {
      name: "rand",
      insns: assemble(insns),
      helpers: [undefined, helper1, helper2],
      kfuncs: [kfunc0],
      ctxLoad,
      ctxStore,
      maps: [
        { handle: s.regions.rodata, value: s.regions.rodata },
        { handle: s.regions.data, value: s.regions.data },
        { handle: s.regions.handle, value: s.regions.data }
      ]
    },
    { engine, exposeRegisters: true }
  )
  if (p instanceof VmLoadError) throw new Error(`generator made an invalid program: ${p.message}`)
  return p
}

const hexProgram = (insns: AsmInsn[]): string =>
  insns.map((x, i) => `${i}: code=0x${x.code.toString(16)} dst=${x.dst} src=${x.src} off=${x.off} imm=${x.imm}`).join("\n")

/** what the runs so far ended in */
export const tally = { faults: 0, ran: 0, programs: 0, byCode: new Map<number, number>() }

/** one image of `batch` random programs; each program runs on two inputs */
export const check = (seed: number, batch: number, items: number, loops: boolean): void => {
  const g = new Prng(seed)
  const ps = Array.from({ length: batch }, () => randomProgram(g, { items, regions: A.regions, loops }))
  const insns = batchImage(ps)
  const pi = load(A, insns, "interpreter")
  const pj = load(B, insns, "jit")
  for (let which = 0; which < batch; which++) {
    for (let input = 0; input < 2; input++) {
      reset(A, seed * 2 + input)
      const si = pi.run(0, which)
      const ctxAfterA = ctxFields[2]
      reset(B, seed * 2 + input)
      const sj = pj.run(0, which)
      if (ctxFields[2] !== ctxAfterA) expect.fail(`ctx store differs: seed ${seed} program ${which}`)
      const ctx = () => `seed ${seed} program ${which} input ${input}\n${hexProgram(insns)}`
      if (si !== sj) expect.fail(`status ${si} vs ${sj}: ${ctx()}`)
      tally.byCode.set(si, (tally.byCode.get(si) ?? 0) + 1)
      if (si === 0) {
        tally.ran++
        if (A.vm.resultHi !== B.vm.resultHi || A.vm.resultLo !== B.vm.resultLo) expect.fail(`r0 differs: ${ctx()}`)
      } else {
        tally.faults++
        const fa = A.vm.fault
        const fb = B.vm.fault
        const fields = ["code", "program", "insn", "addrHi", "addrLo", "size", "write", "region", "detail"] as const
        for (const f of fields) if (fa[f] !== fb[f]) expect.fail(`fault.${f} ${fa[f]} vs ${fb[f]}: ${ctx()}`)
      }
      for (let i = 0; i < 22; i++) {
        if (pi.registers[i] !== pj.registers[i]! >>> 0) {
          expect.fail(`r${i >> 1}.${i & 1 ? "lo" : "hi"} ${pi.registers[i]} vs ${pj.registers[i]! >>> 0}: ${ctx()}`)
        }
      }
      if (Buffer.compare(A.packet, B.packet) !== 0) expect.fail(`packet differs: ${ctx()}`)
      if (Buffer.compare(A.data, B.data) !== 0) expect.fail(`data differs: ${ctx()}`)
      if (Buffer.compare(A.vm.stack.bytes, B.vm.stack.bytes) !== 0) expect.fail(`stack differs: ${ctx()}`)
      if (pi.counters.insns !== pj.counters.insns) expect.fail(`insns ${pi.counters.insns} vs ${pj.counters.insns}: ${ctx()}`)
    }
  }
  tally.programs += batch
  for (const id of [1, 2, 12]) expect(pj.counters.helperCalls[id]).toBe(pi.counters.helperCalls[id])
  expect(pj.counters.kfuncCalls[0]).toBe(pi.counters.kfuncCalls[0])
}
/** random programs per image (one load, one JIT compile per image) */
export const BATCH = 100
