/**
 * The `devtx run --object` host over hand-assembled programs (the loader's output shape), on
 * sim: per packet verdicts; a packet access past data_end and an endless loop end the run with
 * one typed VmRunError naming the program and instruction, after every frame was offered.
 */
import { assemble, BPF_W, exit, ja, ldx, mov64Imm, type VmRunError } from "@devtx/bpf"
import { MapType, type ObjectImage } from "@devtx/bpf-xdp"
import { builtinCorpus } from "@devtx/core"
import { driver as sim } from "@devtx/drivers-sim"
import { runObjectXdp } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const frames = builtinCorpus().map((f) => f.bytes).slice(0, 8)

const image = (insns: Uint8Array): ObjectImage => ({
  file: "asm.bpf.o",
  programs: [{ name: "asm", section: "xdp", insns, kfuncs: [] }],
  maps: [{ name: ".bss", type: MapType.ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, frozen: false, vars: [] }]
})

describe("runObjectXdp", () => {
  it("reports each packet's verdict (XDP_DROP)", async () => {
    const run = await Effect.runPromise(runObjectXdp({ driver: sim, frames, image: image(assemble([mov64Imm(0, 1), exit()])) }))
    expect(run.packets.map((p) => p.verdict)).toEqual(frames.map(() => "XDP_DROP"))
    expect(run.summary.verdicts.XDP_DROP).toBe(frames.length)
    expect(run.summary.insns.program).toBe(2 * frames.length)
  })

  for (const engine of ["jit", "interpreter"] as const) {
    it(`a read past data_end is a typed fault (${engine})`, async () => {
      // r2 = ctx->data_end; r0 = *(u32 *)(r2 + 0): the 4 bytes after the packet
      const bad = assemble([ldx(BPF_W, 2, 1, 4), ldx(BPF_W, 0, 2, 0), mov64Imm(0, 2), exit()])
      const failure = await Effect.runPromise(Effect.flip(runObjectXdp({ driver: sim, frames, image: image(bad), engine })))
      expect(failure._tag).toBe("VmRunError")
      const e = failure as VmRunError
      expect(e.kind).toBe("OutOfBounds")
      expect(e.insn).toBe(1)
      expect(e.message).toMatch(/^asm: insn 1: /)
      expect(e.message.split("\n").length).toBe(1)
    })

    it(`an endless loop ends at the instruction budget (${engine})`, async () => {
      const loop = assemble([mov64Imm(0, 2), ja(-1), exit()])
      const failure = await Effect.runPromise(Effect.flip(runObjectXdp({ driver: sim, frames: frames.slice(0, 1), image: image(loop), engine })))
      expect(failure._tag).toBe("VmRunError")
      expect((failure as VmRunError).kind).toBe("Budget")
    })
  }
})
