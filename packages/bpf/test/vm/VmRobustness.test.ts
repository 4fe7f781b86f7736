/**
 * Arbitrary instruction images never crash or hang the VM: the loader either refuses them with
 * a VmLoadError or loads them, and a loaded image runs to a status (0 or a fault) on both
 * engines, which agree. Images are random 8-byte words biased towards real opcodes.
 */
import { loadVmProgramSync, Vm, VmLoadError, VmRegionKind } from "@devtx/bpf"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const OPCODES = [
  0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7,
  0xbf, 0xc7, 0xcf, 0xd7, 0xdc, 0xd4, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
  0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65,
  0x6d, 0x75, 0x7d, 0x85, 0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x06, 0x16, 0x1e, 0x26, 0x56, 0xa6, 0x18, 0x61,
  0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb, 0x00, 0x20, 0x30, 0xff
]

const word = fc.record({
  code: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...OPCODES) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
  dst: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  src: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  off: fc.oneof(fc.integer({ min: -4, max: 6 }), fc.integer({ min: -32768, max: 32767 })),
  imm: fc.oneof(fc.integer({ min: -2, max: 64 }), fc.integer())
})

describe("arbitrary images", () => {
  it("are refused with a typed error or run to a status, never throw or hang, and both engines agree", () => {
    const vm = new Vm({ insnBudget: 5000 })
    const packet = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes: new Uint8Array(64), writable: true })
    let loaded = 0
    fc.assert(
      fc.property(fc.array(word, { minLength: 0, maxLength: 24 }), fc.boolean(), (words, addExit) => {
        const all = addExit ? [{ code: 0xb7, dst: 0, src: 0, off: 0, imm: 1 }, ...words, { code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }] : words
        const insns = new Uint8Array(all.length * 8)
        const dv = new DataView(insns.buffer)
        all.forEach((w, i) => {
          dv.setUint8(i * 8, w.code)
          dv.setUint8(i * 8 + 1, (w.dst & 15) | ((w.src & 15) << 4))
          dv.setInt16(i * 8 + 2, w.off, true)
          dv.setInt32(i * 8 + 4, w.imm, true)
        })
        const spec = { name: "fuzz", insns, helpers: [undefined, () => 0], kfuncs: [() => 0], maps: [{ handle: packet, value: packet }] }
        const i = loadVmProgramSync(vm, spec, { engine: "interpreter" })
        const j = loadVmProgramSync(vm, spec, { engine: "jit" })
        expect(i instanceof VmLoadError).toBe(j instanceof VmLoadError)
        if (i instanceof VmLoadError || j instanceof VmLoadError) {
          expect((i as VmLoadError).message).toMatch(/^fuzz: insn -?\d+: /)
          return
        }
        loaded++
        const si = i.run(Vm.ptrHi(packet), 0)
        const fi = { ...vm.fault }
        const sj = j.run(Vm.ptrHi(packet), 0)
        expect(si).toBeLessThanOrEqual(0)
        expect(sj).toBe(si)
        if (si < 0) expect(vm.fault.insn).toBe(fi.insn)
      }),
      { seed: 1614, numRuns: 6000 }
    )
    expect(loaded).toBeGreaterThan(100)
  })
})
