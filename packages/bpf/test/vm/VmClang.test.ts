/**
 * A clang-compiled program (testdata/vm_csum.bpf.c, cpu v1 and v3) on both engines with a known
 * answer computed here in TypeScript. The fixtures are the raw .text sections (testdata/build.sh);
 * where clang is installed the fixtures are rebuilt and must be byte-identical.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { loadVmProgramSync, Vm, VmLoadError, type VmCtxLoadFn, VmRegionKind } from "@devtx/bpf"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { HEADROOM, RX_HASH, RX_HASH_TYPE, RX_TS, rxMetaRig, udpFrame, VLAN_PROTO, VLAN_TCI } from "./VmRxMetaFixture.js"

const dir = fileURLToPath(new URL("./testdata/", import.meta.url))
const hasTool = (name: string): boolean => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0

/** the answer vm_csum.bpf.c computes (its header comment) */
const expected = (pkt: Uint8Array): bigint => {
  if (pkt.length < 34) return (1n << 64n) - 1n
  const dv = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength)
  let sum = 0n
  for (let i = 0; i < 10; i++) sum += BigInt(dv.getUint16(14 + 2 * i, true))
  let f = sum
  while (f >> 16n) f = (f & 0xffffn) + (f >> 16n)
  const mix = ((((sum * 2654435761n) & ((1n << 64n) - 1n)) / 1000003n) % 65536n) & 0xffffn
  let ff = 0n
  for (let i = 14; i < Math.min(pkt.length, 1500); i++) if (pkt[i] === 0xff) ff++
  const proto = BigInt(dv.getUint16(12, false))
  return (proto << 48n) | (ff << 32n) | (mix << 16n) | (~f & 0xffffn)
}

/** struct xdp_md loads as the verifier converts them: data (off 0) and data_end (off 4) become packet pointers */
const xdpMd = (packetRegion: number, len: { n: number }): VmCtxLoadFn => (_f, off, size, out) => {
  if (size !== 4 || (off !== 0 && off !== 4)) return -1
  out[0] = Vm.ptrHi(packetRegion)
  out[1] = off === 0 ? 0 : len.n
  return 0
}

describe("clang-compiled program (testdata/vm_csum.bpf.c)", () => {
  for (const cpu of ["v1", "v3"]) {
    for (const engine of ["interpreter", "jit"] as const) {
      it(`${engine}: -mcpu=${cpu} gives the known answer on random packets`, () => {
        const vm = new Vm()
        const bytes = new Uint8Array(1600)
        const len = { n: 0 }
        const packet = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes, lo: 0, hi: 0, writable: true })
        const ctx = vm.addRegion({ name: "ctx", kind: VmRegionKind.Ctx, bytes: new Uint8Array(24), writable: false })
        const prog = loadVmProgramSync(
          vm,
          { name: "vm_csum", insns: readFileSync(join(dir, `vm_csum.${cpu}.text.bin`)), helpers: [], kfuncs: [], ctxLoad: xdpMd(packet, len) },
          { engine }
        )
        if (prog instanceof VmLoadError) throw new Error(prog.message)
        fc.assert(
          fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.integer({ min: 0, max: 8 }), (pkt, ffRun) => {
            const p = Uint8Array.from(pkt)
            for (let i = 14; i < Math.min(p.length, 14 + ffRun * 3); i += 3) p[i] = 0xff
            bytes.fill(0)
            bytes.set(p)
            len.n = p.length
            vm.regions[packet]!.hi = p.length
            expect(prog.run(Vm.ptrHi(ctx), 0)).toBe(0)
            const got = (BigInt(vm.resultHi >>> 0) << 32n) | BigInt(vm.resultLo >>> 0)
            expect(got).toBe(expected(p))
          }),
          { seed: 1404, numRuns: 300 }
        )
        expect(prog.counters.runs).toBe(300)
        expect(prog.counters.insns).toBeGreaterThan(300 * 6)
      })
    }
  }
})

describe.runIf(hasTool("clang") && hasTool("llvm-objcopy"))("fixtures rebuild byte-identically with clang", () => {
  it("testdata/build.sh output equals the checked-in .text images", () => {
    const tmp = mkdtempSync(join(tmpdir(), "devtx-vm-clang-"))
    try {
      for (const prog of ["vm_csum", "vm_rx_meta"]) {
        for (const cpu of ["v1", "v3"]) {
          const obj = join(tmp, `${prog}.${cpu}.o`)
          const bin = join(tmp, `${prog}.${cpu}.text.bin`)
          const inc = `-I/usr/include/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`
          execFileSync("clang", ["-O2", "-g0", "-target", "bpf", `-mcpu=${cpu}`, inc, "-c", join(dir, `${prog}.bpf.c`), "-o", obj])
          execFileSync("llvm-objcopy", ["-O", "binary", "--only-section=.text", obj, bin])
          expect(Buffer.compare(readFileSync(bin), readFileSync(join(dir, `${prog}.${cpu}.text.bin`))), `${prog} ${cpu}`).toBe(0)
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})

describe("clang-compiled metadata program (testdata/vm_rx_meta.bpf.c)", () => {
  for (const cpu of ["v1", "v3"]) {
    for (const engine of ["interpreter", "jit"] as const) {
      it(`${engine}: -mcpu=${cpu}: UDP 9091 gets the metadata area filled, other frames pass untouched`, () => {
        const rig = rxMetaRig(readFileSync(join(dir, `vm_rx_meta.${cpu}.text.bin`)), engine)
        const meta = new DataView(rig.bytes.buffer, HEADROOM - 24, 24)
        rig.setFrame(udpFrame(9091, 20))
        expect(rig.prog.run(rig.ctxHi, 0)).toBe(0)
        expect(rig.vm.resultLo).toBe(2) // XDP_PASS
        expect(rig.vm.regions[rig.packetRegion]!.lo).toBe(HEADROOM - 24)
        expect(meta.getBigUint64(0, true)).toBe(RX_TS)
        expect(meta.getUint32(8, true)).toBe(RX_HASH)
        expect(meta.getUint32(12, true)).toBe(RX_HASH_TYPE)
        expect(meta.getUint16(16, true)).toBe(VLAN_PROTO)
        expect(meta.getUint16(18, true)).toBe(VLAN_TCI)
        expect(meta.getUint32(20, true)).toBe(7)
        rig.available.ts = false
        rig.available.vlan = false
        rig.setFrame(udpFrame(9091, 0))
        expect(rig.prog.run(rig.ctxHi, 0)).toBe(0)
        expect(meta.getBigUint64(0, true)).toBe(0n)
        expect(meta.getUint32(20, true)).toBe(2)
        for (const frame of [udpFrame(9092, 20), udpFrame(9091, 20, 6), udpFrame(9091, 0).subarray(0, 41), new Uint8Array(13)]) {
          rig.setFrame(frame)
          expect(rig.prog.run(rig.ctxHi, 0)).toBe(0)
          expect(rig.vm.resultLo).toBe(2)
          expect(rig.vm.regions[rig.packetRegion]!.lo).toBe(HEADROOM)
        }
        expect(rig.prog.counters.helperCalls[54]).toBe(2)
        expect(rig.prog.counters.helperCalls[200]).toBe(2)
      })
    }
  }
})
