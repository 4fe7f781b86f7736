/**
 * The XDP program type over the VM, with a hand-assembled program (the object loader's output
 * shape: kfunc calls by index, LD_IMM64 map pseudos by map index) on the sim NIC, both engines:
 * xdp_md ctx loads, bpf_xdp_adjust_meta, the rx_hash kfunc bound dev-bound through
 * @devtx/kfuncs, an atomic add into .bss (read back by variable name), bpf_redirect_map into an
 * empty XSKMAP (the XDP_PASS fallback). Per packet the record equals the TypeScript hw-metadata
 * program's hash answer on the same frame.
 */
import {
  alu64Imm,
  assemble,
  atomic,
  BPF_ADD,
  BPF_DW,
  BPF_JEQ,
  BPF_JGT,
  BPF_JNE,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE,
  BPF_W,
  callHelper,
  callKfunc,
  exit,
  jmpImm,
  jmpReg,
  ldImm64,
  ldx,
  mov64Imm,
  mov64Reg,
  st,
  stx
} from "@devtx/bpf"
import { MapType, type ObjectImage, ObjectMaps, type PreparedObjectXdp, prepareObjectXdp, UnknownKfuncError } from "@devtx/bpf-xdp"
import { attachXdp, bringUp, builtinCorpus, decodeDriverConfig, KernelMemoryUnavailableError } from "@devtx/core"
import { driver as sim } from "@devtx/drivers-sim"
import { loadBound } from "@devtx/kfuncs"
import { runHwMetadata } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const frames = builtinCorpus().map((f) => f.bytes)

// r6 = ctx; adjust_meta(-8); meta = ctx->data_meta; if meta + 8 > ctx->data: pass;
// rc = rx_hash(ctx, meta, meta + 4); if rc: meta[0] = 0, meta[1] = rc; pkts += 1;
// return bpf_redirect_map(&xsk, ctx->rx_queue_index, XDP_PASS)
const PROGRAM = assemble([
  mov64Reg(6, 1),
  mov64Imm(2, -8),
  callHelper(54),
  jmpImm(BPF_JNE, 0, 0, 24),
  ldx(BPF_W, 2, 6, 8),
  ldx(BPF_W, 3, 6, 0),
  mov64Reg(4, 2),
  alu64Imm(BPF_ADD, 4, 8),
  jmpReg(BPF_JGT, 4, 3, 20),
  mov64Reg(1, 6),
  mov64Reg(3, 2),
  alu64Imm(BPF_ADD, 3, 4),
  callKfunc(0),
  mov64Reg(7, 0),
  ldx(BPF_W, 2, 6, 8),
  jmpImm(BPF_JEQ, 7, 0, 2),
  st(BPF_W, 2, 0, 0),
  stx(BPF_W, 2, 7, 4),
  ldImm64(1, 0, 1, BPF_PSEUDO_MAP_VALUE),
  mov64Imm(2, 1),
  atomic(BPF_DW, BPF_ADD, 1, 2, 0),
  ldImm64(1, 0, 0, BPF_PSEUDO_MAP_FD),
  ldx(BPF_W, 2, 6, 16),
  mov64Imm(3, 2),
  callHelper(51),
  exit(),
  mov64Imm(0, 2),
  exit()
])

const image = (kfuncs: ReadonlyArray<string>): ObjectImage => ({
  file: "asm.bpf.o",
  programs: [{ name: "asm_rx", section: "xdp", insns: PROGRAM, kfuncs }],
  maps: [
    { name: "xsk", type: MapType.XSKMAP, keySize: 4, valueSize: 4, maxEntries: 4, frozen: false, vars: [] },
    {
      name: ".bss",
      type: MapType.ARRAY,
      keySize: 4,
      valueSize: 8,
      maxEntries: 1,
      frozen: false,
      vars: [{ name: "pkts", offset: 0, size: 8, signed: false, integer: true }]
    }
  ]
})

const runAsm = (engine: "jit" | "interpreter") =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(sim, sim.defaultConfig)
        const dev = yield* bringUp(sim, cfg, { ifname: "sim0", ifindex: 2 })
        const img = image(["bpf_xdp_metadata_rx_hash"])
        const maps = ObjectMaps.create(img)
        if (!(maps instanceof ObjectMaps)) throw maps
        const prepared = prepareObjectXdp(img, maps, dev, undefined, { engine })
        if (!("spec" in prepared)) throw prepared
        const prog = yield* loadBound((prepared as PreparedObjectXdp).spec, dev, { mode: "dev-bound" })
        yield* attachXdp(dev, prog)
        const out: Array<{ hash: number; second: number }> = []
        dev.stack = (skb, memory) => {
          const v = new DataView(memory.buffer, memory.byteOffset, memory.byteLength)
          out.push(
            skb.metaLen === 8 ? { hash: v.getUint32(skb.dataAddr - 8, true), second: v.getInt32(skb.dataAddr - 4, true) } : { hash: -1, second: -1 }
          )
        }
        for (const f of frames) {
          dev.hwReceive(f, 0, f.length)
          for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        }
        return { out, globals: maps.globals(), stats: prepared.stats, passes: dev.rxStats.xdpPass }
      })
    )
  )

describe("XDP program type: a VM program on the sim NIC", () => {
  for (const engine of ["jit", "interpreter"] as const) {
    it(`ctx, adjust_meta, rx_hash kfunc, .bss, redirect_map fallback (${engine})`, async () => {
      const ref = await Effect.runPromise(runHwMetadata({ driver: sim, frames }))
      const got = await runAsm(engine)
      expect(got.stats.firstFault?.message).toBeUndefined()
      expect(got.stats.faults).toBe(0)
      expect(got.passes).toBe(ref.packets.length)
      expect(got.out.length).toBe(ref.packets.length)
      const want = ref.packets.map((p) =>
        p.meta!.rxHash !== null ? { hash: p.meta!.rxHash, second: p.meta!.rxHashType! } : { hash: 0, second: p.meta!.rxHashErr! }
      )
      expect(got.out).toEqual(want)
      expect(got.globals).toEqual({ pkts: ref.packets.length })
      const counters = got.stats.program!.counters
      expect(counters.runs).toBe(ref.packets.length)
      expect(counters.kfuncCalls[0]).toBe(ref.packets.length)
      expect(counters.helperCalls[54]).toBe(ref.packets.length)
      expect(counters.helperCalls[51]).toBe(ref.packets.length)
    })
  }

  it("an unknown kfunc is a typed load error naming it; kernel memory on a device without it is refused", async () => {
    const r = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const cfg = yield* decodeDriverConfig(sim, sim.defaultConfig)
          const dev = yield* bringUp(sim, cfg, { ifname: "sim0", ifindex: 2 })
          const img = image(["bpf_xdp_metadata_rx_frobnicate"])
          const unknown = prepareObjectXdp(img, ObjectMaps.create(img) as ObjectMaps, dev, undefined)
          const noKmem = prepareObjectXdp(image(["bpf_cast_to_kern_ctx"]), ObjectMaps.create(img) as ObjectMaps, { ...dev, kernelMemory: undefined }, undefined)
          return { unknown, noKmem }
        })
      )
    )
    expect(r.unknown).toBeInstanceOf(UnknownKfuncError)
    expect((r.unknown as UnknownKfuncError).message).toBe(
      'asm.bpf.o: program asm_rx (SEC("xdp")) calls kfunc bpf_xdp_metadata_rx_frobnicate, which devtx does not provide to this program type'
    )
    expect(r.noKmem).toBeInstanceOf(KernelMemoryUnavailableError)
    expect((r.noKmem as KernelMemoryUnavailableError).message).toBe("driver sim does not expose kernel memory for bpf_cast_to_kern_ctx")
  })
})
