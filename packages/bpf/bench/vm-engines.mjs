#!/usr/bin/env node
// Micro benchmark (not a test): the VM's JIT against its reference interpreter and against the
// same computation written directly in JavaScript, on the clang-compiled fixture
// packages/bpf/test/vm/testdata/vm_csum.bpf.c (cpu v3) over 64-byte and 1500-byte packets.
// Runs against the built package (npx tsc -b first):
//   node packages/bpf/bench/vm-engines.mjs
// Prints ns per run (median of 7 rounds) and the ratios. Numbers depend on the machine and its load.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { loadVmProgramSync, Vm, VmRegionKind } from "../dist/index.js"

const fixture = fileURLToPath(new URL("../test/vm/testdata/vm_csum.v3.text.bin", import.meta.url))
const insns = readFileSync(fixture)

const setup = (engine, count, size) => {
  const vm = new Vm()
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 37 + 11) & 0xff
  const packet = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes, lo: 0, hi: size, writable: true })
  const ctx = vm.addRegion({ name: "ctx", kind: VmRegionKind.Ctx, bytes: new Uint8Array(24), writable: false })
  const hi = Vm.ptrHi(packet)
  const ctxLoad = (_f, off, sz, out) => {
    if (sz !== 4 || (off !== 0 && off !== 4)) return -1
    out[0] = hi
    out[1] = off === 0 ? 0 : size
    return 0
  }
  const prog = loadVmProgramSync(vm, { name: "vm_csum", insns, helpers: [], kfuncs: [], ctxLoad }, { engine, count })
  if (!("run" in prog)) throw new Error(prog.message)
  const ctxHi = Vm.ptrHi(ctx)
  return { run: () => prog.run(ctxHi, 0), vm, bytes, prog }
}

// the same computation as vm_csum.bpf.c, directly in JavaScript (u32 halves, no BigInt)
const nativeSetup = (size) => {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 37 + 11) & 0xff
  const dv = new DataView(bytes.buffer)
  const out = new Uint32Array(2)
  const run = () => {
    if (size < 34) {
      out[0] = out[1] = 0xffffffff
      return 0
    }
    let sum = 0
    for (let i = 0; i < 10; i++) sum += dv.getUint16(14 + 2 * i, true)
    let f = sum
    while (f >>> 16) f = (f & 0xffff) + (f >>> 16)
    // (sum * 2654435761) / 1000003 % 65536: sum < 2^20 so the product stays below 2^53
    const mix = Math.floor((sum * 2654435761) / 1000003) % 65536
    let ff = 0
    for (let i = 14; i < size && i < 1500; i++) if (bytes[i] === 0xff) ff++
    out[0] = ((dv.getUint16(12, false) << 16) | ff) >>> 0
    out[1] = ((mix << 16) | (~f & 0xffff)) >>> 0
    return 0
  }
  return { run }
}

const time = (run, iters) => {
  for (let i = 0; i < iters; i++) run() // warm up
  const rounds = []
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < iters; i++) run()
    rounds.push(Number(process.hrtime.bigint() - t0) / iters)
  }
  rounds.sort((a, b) => a - b)
  return rounds[3]
}

for (const size of [64, 1500]) {
  const iters = size === 64 ? 200_000 : 20_000
  const interp = setup("interpreter", true, size)
  const jit = setup("jit", true, size)
  const jitNoCount = setup("jit", false, size)
  const native = nativeSetup(size)
  interp.run()
  jit.run()
  if (interp.vm.resultHi !== jit.vm.resultHi || interp.vm.resultLo !== jit.vm.resultLo) throw new Error("engines disagree")
  const insnsPerRun = interp.prog.counters.insns / interp.prog.counters.runs
  const tI = time(interp.run, Math.max(1000, iters / 20))
  const tJ = time(jit.run, iters)
  const tJn = time(jitNoCount.run, iters)
  const tN = time(native.run, iters)
  console.log(
    `vm_csum ${size}-byte packet (${insnsPerRun} insns/run): interpreter ${tI.toFixed(0)} ns, JIT ${tJ.toFixed(0)} ns ` +
      `(counting off ${tJn.toFixed(0)} ns), plain JS ${tN.toFixed(0)} ns; JIT is ${(tI / tJ).toFixed(1)}x the interpreter, ` +
      `${(tJ / tN).toFixed(2)}x plain JS`
  )
}
