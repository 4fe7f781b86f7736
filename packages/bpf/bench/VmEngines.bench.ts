/**
 * Micro benchmark (not a test): the VM's JIT against its reference interpreter and against the
 * same work written directly in TypeScript, on the clang-compiled fixtures of test/vm/testdata:
 *   vm_rx_meta (xdp_hw_metadata-shaped: header parse, bpf_xdp_adjust_meta, three metadata calls)
 *   vm_csum    (header checksum, 64-bit mul/div, a byte-counting loop over a 64-byte frame)
 * Run: npx vitest bench --run packages/bpf/bench/VmEngines.bench.ts
 * (vitest prints each group's "x times faster than" summary; numbers depend on the machine's load.)
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { loadVmProgramSync, Vm, VmLoadError, VmRegionKind } from "@devtx/bpf"
import { bench, describe } from "vitest"
import { HEADROOM, RX_HASH, RX_HASH_TYPE, RX_TS, rxMetaRig, udpFrame, VLAN_PROTO, VLAN_TCI } from "../test/vm/VmRxMetaFixture.js"

const testdata = (name: string): Uint8Array => readFileSync(fileURLToPath(new URL(`../test/vm/testdata/${name}`, import.meta.url)))

describe("vm_rx_meta on a UDP 9091 frame", () => {
  const frame = udpFrame(9091, 64)
  const interp = rxMetaRig(testdata("vm_rx_meta.v3.text.bin"), "interpreter")
  const jit = rxMetaRig(testdata("vm_rx_meta.v3.text.bin"), "jit")
  // the same program in TypeScript over a DataView (what a hand-written devtx program does)
  const bytes = new Uint8Array(HEADROOM + 1600)
  const dv = new DataView(bytes.buffer)
  const state = { meta: HEADROOM, data: HEADROOM, end: HEADROOM }
  const native = (): number => {
    const d = state.data
    if (d + 14 > state.end || dv.getUint16(d + 12) !== 0x0800) return 2
    if (d + 34 > state.end || bytes[d + 23] !== 17) return 2
    if (d + 42 > state.end || dv.getUint16(d + 36) !== 9091) return 2
    if (state.meta - 24 < 0) return 0
    state.meta -= 24
    const m = state.meta
    dv.setUint32(m + 20, 0, true)
    dv.setUint32(m, Number(RX_TS & 0xffffffffn), true)
    dv.setUint32(m + 4, Number(RX_TS >> 32n), true)
    dv.setUint32(m + 20, 1, true)
    dv.setUint32(m + 8, RX_HASH, true)
    dv.setUint32(m + 12, RX_HASH_TYPE, true)
    dv.setUint32(m + 20, 3, true)
    dv.setUint16(m + 16, VLAN_PROTO, true)
    dv.setUint16(m + 18, VLAN_TCI, true)
    dv.setUint32(m + 20, 7, true)
    return 2
  }
  bench("interpreter", () => {
    interp.setFrame(frame)
    interp.prog.run(interp.ctxHi, 0)
  })
  bench("jit", () => {
    jit.setFrame(frame)
    jit.prog.run(jit.ctxHi, 0)
  })
  bench("typescript", () => {
    bytes.set(frame, HEADROOM)
    state.meta = HEADROOM
    state.end = HEADROOM + frame.length
    native()
  })
})

describe("vm_csum on a 64-byte frame", () => {
  const setup = (engine: "jit" | "interpreter") => {
    const vm = new Vm()
    const bytes = new Uint8Array(64)
    for (let i = 0; i < 64; i++) bytes[i] = (i * 37 + 11) & 0xff
    const packet = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes, writable: true })
    const ctx = vm.addRegion({ name: "ctx", kind: VmRegionKind.Ctx, bytes: new Uint8Array(0), writable: false })
    const hi = Vm.ptrHi(packet)
    const prog = loadVmProgramSync(
      vm,
      {
        name: "vm_csum",
        insns: testdata("vm_csum.v3.text.bin"),
        helpers: [],
        kfuncs: [],
        ctxLoad: (_f, off, size, out) => {
          if (size !== 4 || (off !== 0 && off !== 4)) return -1
          out[0] = hi
          out[1] = off === 0 ? 0 : 64
          return 0
        }
      },
      { engine }
    )
    if (prog instanceof VmLoadError) throw new Error(prog.message)
    const ctxHi = Vm.ptrHi(ctx)
    return (): void => {
      prog.run(ctxHi, 0)
    }
  }
  const bytes = new Uint8Array(64)
  for (let i = 0; i < 64; i++) bytes[i] = (i * 37 + 11) & 0xff
  const dv = new DataView(bytes.buffer)
  const out = new Uint32Array(2)
  const native = (): void => {
    let sum = 0
    for (let i = 0; i < 10; i++) sum += dv.getUint16(14 + 2 * i, true)
    let f = sum
    while (f >>> 16) f = (f & 0xffff) + (f >>> 16)
    const mix = Math.floor((sum * 2654435761) / 1000003) % 65536 // sum < 2^20: exact in a double
    let ff = 0
    for (let i = 14; i < 64; i++) if (bytes[i] === 0xff) ff++
    out[0] = ((dv.getUint16(12, false) << 16) | ff) >>> 0
    out[1] = ((mix << 16) | (~f & 0xffff)) >>> 0
  }
  bench("interpreter", setup("interpreter"))
  bench("jit", setup("jit"))
  bench("typescript", native)
})
