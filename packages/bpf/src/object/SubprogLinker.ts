/**
 * Builds one entry program's final instruction image, as libbpf's bpf_object__relocate_calls
 * (bpf_object__reloc_code) and bpf_object__relocate_data do:
 *
 * - Walk the program's instructions; at each bpf-to-bpf call (`call` src_reg BPF_PSEUDO_CALL) or
 *   subprogram address (LD_IMM64 src_reg BPF_PSEUDO_FUNC) find the .text subprogram it targets:
 *   call relo → sym_off / 8 + imm + 1; address relo → (sym_off + imm) / 8; a call without
 *   relocation (static callee in the same section) → the call's own section index + imm + 1.
 * - The first time a subprogram is reached it is appended at the end of the image and walked in
 *   turn (depth first), so the append order is libbpf's; each call's imm becomes
 *   `subprog_start - (call_index) - 1` (pc-relative, pointing at the subprogram's start).
 * - Then every relocation of every piece is applied: maps → LD_IMM64 src_reg BPF_PSEUDO_MAP_FD,
 *   imm = map index; globals → src_reg BPF_PSEUDO_MAP_VALUE, imm = map index, second imm =
 *   insn imm + symbol offset (checked inside the value as the verifier's
 *   array_map_direct_value_addr does); kfunc calls → src_reg BPF_PSEUDO_KFUNC_CALL, imm = index in
 *   the program's kfunc list (first use order), off = 0.
 */
import { Result } from "effect"
import { type BpfInsn, type BpfProgramImage, BPF_INSN_SIZE } from "../elf/ElfObject.js"
import {
  BPF_CALL_CODE,
  BPF_LD_IMM64_CODE,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_FUNC,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE
} from "./BpfInsnCodes.js"
import type { KfuncExtern } from "./Externs.js"
import type { MapSpec } from "./MapSpec.js"
import { ObjectRelocationError } from "./ObjectErrors.js"
import type { ProgReloc } from "./ProgramRelocs.js"

/** One program copied into the image: the entry program at 0, then each appended subprogram. */
export interface ImagePiece {
  readonly prog: BpfProgramImage
  readonly start: number
}

export interface LinkedImage {
  readonly insns: ReadonlyArray<BpfInsn>
  readonly pieces: ReadonlyArray<ImagePiece>
  readonly kfuncs: ReadonlyArray<KfuncExtern>
}

export interface LinkContext {
  readonly programs: ReadonlyArray<BpfProgramImage>
  readonly relocsOf: (p: BpfProgramImage) => ReadonlyArray<ProgReloc>
  readonly insnsOf: (p: BpfProgramImage) => ReadonlyArray<BpfInsn>
  readonly maps: ReadonlyArray<MapSpec>
  readonly textIndex: number
}

export const linkProgram = (main: BpfProgramImage, ctx: LinkContext): Result.Result<LinkedImage, ObjectRelocationError> => {
  const image: Array<BpfInsn> = ctx.insnsOf(main).map((i) => ({ ...i }))
  const starts = new Map<BpfProgramImage, number>([[main, 0]])
  const pieces: Array<ImagePiece> = [{ prog: main, start: 0 }]
  const fail = (prog: BpfProgramImage, insnIndex: number, relocIndex: number, symbol: string, reason: string, value: number) =>
    Result.fail(
      new ObjectRelocationError({ section: prog.sectionName, relocIndex, program: main.name, insnIndex, symbol, reason, value })
    )

  const walk = (prog: BpfProgramImage, base: number): Result.Result<void, ObjectRelocationError> => {
    const relocs = ctx.relocsOf(prog)
    for (let idx = 0; idx < prog.insns.length; idx++) {
      const insn = image[base + idx]!
      const isCall = insn.code === BPF_CALL_CODE && insn.src === BPF_PSEUDO_CALL
      const isFunc = insn.code === BPF_LD_IMM64_CODE && insn.src === BPF_PSEUDO_FUNC
      if (!isCall && !isFunc) continue
      const relo = relocs.find((r) => r.insnIndex === idx)
      if (relo !== undefined && relo.kind === "kfunc") continue
      if (relo !== undefined && relo.kind !== "call" && relo.kind !== "func") {
        return fail(prog, idx, relo.relocIndex, relo.symbol, `unexpected relo for insn #${idx}, type ${relo.kind}`, idx)
      }
      let subIdx: number
      if (relo !== undefined) subIdx = relo.kind === "call" ? relo.symOff / BPF_INSN_SIZE + insn.imm + 1 : (relo.symOff + insn.imm) / BPF_INSN_SIZE
      else if (isFunc) return fail(prog, idx, -1, "", `missing subprog addr relo for insn #${idx}`, idx)
      else subIdx = prog.sectionOffset / BPF_INSN_SIZE + idx + insn.imm + 1
      const sub = ctx.programs.find(
        (p) =>
          p.sectionIndex === ctx.textIndex &&
          subIdx >= p.sectionOffset / BPF_INSN_SIZE &&
          subIdx < p.sectionOffset / BPF_INSN_SIZE + p.insns.length
      )
      if (sub === undefined) {
        return fail(prog, idx, relo?.relocIndex ?? -1, relo?.symbol ?? "", "no .text section found yet sub-program call exists", subIdx)
      }
      if (!starts.has(sub)) {
        const start = image.length
        starts.set(sub, start)
        pieces.push({ prog: sub, start })
        for (const i of ctx.insnsOf(sub)) image.push({ ...i })
        const r = walk(sub, start)
        if (Result.isFailure(r)) return Result.fail(r.failure)
      }
      image[base + idx]!.imm = starts.get(sub)! - (base + idx) - 1
    }
    return Result.succeed(undefined)
  }
  const walked = walk(main, 0)
  if (Result.isFailure(walked)) return Result.fail(walked.failure)

  const kfuncs: Array<KfuncExtern> = []
  for (const { prog, start } of pieces) {
    for (const r of ctx.relocsOf(prog)) {
      const at = start + r.insnIndex
      const insn = image[at]!
      switch (r.kind) {
        case "map":
          insn.src = BPF_PSEUDO_MAP_FD
          insn.imm = r.mapIndex
          break
        case "data": {
          const off = insn.imm + r.symOff
          const map = ctx.maps[r.mapIndex]!
          if (off < 0 || off >= map.valueSize) {
            return fail(prog, r.insnIndex, r.relocIndex, r.symbol, `invalid access to map value pointer, value_size=${map.valueSize} off=${off >>> 0}`, off)
          }
          image[at + 1]!.imm = off
          insn.src = BPF_PSEUDO_MAP_VALUE
          insn.imm = r.mapIndex
          break
        }
        case "kfunc": {
          let k = kfuncs.findIndex((e) => e.symIndex === r.ext.symIndex)
          if (k < 0) k = kfuncs.push(r.ext) - 1
          insn.src = BPF_PSEUDO_KFUNC_CALL
          insn.imm = k
          insn.off = 0
          break
        }
        case "call":
        case "func":
          break
      }
    }
  }
  return Result.succeed({ insns: image, pieces, kfuncs })
}
