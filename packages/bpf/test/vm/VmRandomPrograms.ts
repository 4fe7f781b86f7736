/**
 * Random eBPF programs for the differential tests: every instruction class, generated from a
 * seed by a small PRNG so a failing seed reproduces. Programs always pass the load-time checks
 * (the generator tracks which registers are initialised and only jumps to item boundaries), but
 * at run time they may fault in every way: out-of-window accesses, read-only writes, scalar
 * dereferences, uninitialised stack, call depth, budget.
 *
 * Register roles in main: r6 = packet, r7 = writable map value, r8 = stack pointer (fp-64),
 * r9 = read-only map value or the ctx; r0..r5 scalars. ALU writes r6..r9 only by small pointer arithmetic.
 */
import {
  type AsmInsn,
  alu32Imm,
  alu32Reg,
  alu64Imm,
  alu64Reg,
  atomic,
  BPF_ADD,
  BPF_AND,
  BPF_ARSH,
  BPF_B,
  BPF_CMPXCHG,
  BPF_DIV,
  BPF_DW,
  BPF_END,
  BPF_FETCH,
  BPF_H,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JLE,
  BPF_JLT,
  BPF_JNE,
  BPF_JSET,
  BPF_JSGE,
  BPF_JSGT,
  BPF_JSLE,
  BPF_JSLT,
  BPF_LSH,
  BPF_MOD,
  BPF_MOV,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE,
  BPF_RSH,
  BPF_SUB,
  BPF_TO_BE,
  BPF_TO_LE,
  BPF_W,
  BPF_XCHG,
  BPF_XOR,
  callHelper,
  callKfunc,
  callLocal,
  endian,
  exit,
  ja,
  jmpImm,
  jmpReg,
  ldImm64,
  ldx,
  ldxsx,
  mov64Imm,
  mov64Reg,
  st,
  stx,
  Vm
} from "@devtx/bpf"

export class Prng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9
  }
  /** u32 (mulberry32) */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  int(n: number): number {
    return this.next() % n
  }
  pick<T>(xs: ReadonlyArray<T>): T {
    return xs[this.int(xs.length)] as T
  }
  chance(p: number): boolean {
    return this.next() / 4294967296 < p
  }
}

const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH]
const JMP_OPS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE]
const ATOMIC_OPS = [
  BPF_ADD,
  BPF_ADD | BPF_FETCH,
  BPF_OR,
  BPF_OR | BPF_FETCH,
  BPF_AND,
  BPF_AND | BPF_FETCH,
  BPF_XOR,
  BPF_XOR | BPF_FETCH,
  BPF_XCHG,
  BPF_CMPXCHG
]
const SIZES = [BPF_B, BPF_H, BPF_W, BPF_DW]
const SIZE_BYTES: Record<number, number> = { [BPF_B]: 1, [BPF_H]: 2, [BPF_W]: 4, [BPF_DW]: 8 }

export const interestingImm = (g: Prng): number =>
  g.pick([0, 1, -1, 2, 7, 31, 32, 33, 63, 64, 0x7fffffff, -0x80000000, 0xff, 0xffff, -2, g.next() | 0, g.next() | 0, g.int(100)])

export interface RandomProgramOptions {
  readonly items: number
  readonly regions: { readonly packet: number; readonly data: number; readonly rodata: number; readonly handle: number; readonly ctx: number }
  /** allow backward jumps (loops, ending in the budget) */
  readonly loops: boolean
}

/** A random program in two parts: the main function and one subprogram it calls. */
export interface RandomProgram {
  readonly main: AsmInsn[]
  readonly sub: AsmInsn[]
  /** indices in `main` of the bpf-to-bpf calls to `sub` (imm to patch: sub start - (site + 1)) */
  readonly callSites: number[]
}

/** main followed by its subprogram, call sites patched: a standalone program */
export const standalone = (p: RandomProgram): AsmInsn[] => {
  const main = p.main.slice()
  for (const at of p.callSites) main[at] = { ...(main[at] as AsmInsn), imm: p.main.length - (at + 1) }
  return [...main, ...p.sub]
}

/**
 * Many random programs in one image (one load, one JIT compile): a dispatcher on r1 jumps to
 * program r1's main; all mains follow, then all subprograms. Each program then runs in the
 * entry frame exactly as it would alone, at its own instruction offsets.
 */
export const batchImage = (ps: ReadonlyArray<RandomProgram>): AsmInsn[] => {
  const dispatchLen = ps.length + 2
  const mainStart: number[] = []
  let pos = dispatchLen
  for (const p of ps) {
    mainStart.push(pos)
    pos += p.main.length
  }
  const subStart: number[] = []
  for (const p of ps) {
    subStart.push(pos)
    pos += p.sub.length
  }
  const out: AsmInsn[] = []
  ps.forEach((_, i) => out.push(jmpImm(BPF_JEQ, 1, i, (mainStart[i] as number) - (i + 1))))
  out.push(mov64Imm(0, -1), exit())
  ps.forEach((p, i) => {
    const main = p.main.slice()
    for (const at of p.callSites) {
      main[at] = { ...(main[at] as AsmInsn), imm: (subStart[i] as number) - ((mainStart[i] as number) + at + 1) }
    }
    out.push(...main)
  })
  for (const p of ps) out.push(...p.sub)
  return out
}

export const randomProgram = (g: Prng, o: RandomProgramOptions): RandomProgram => {
  const items: AsmInsn[][] = []
  const scalar = (): number => g.int(6)
  // prologue: pointers and scalars
  items.push([
    ...ldImm64(6, Vm.ptrHi(o.regions.packet), g.int(8)),
    ...ldImm64(7, Vm.ptrHi(o.regions.data), 0, 0),
    mov64Reg(8, 10),
    alu64Imm(BPF_ADD, 8, -64),
    ...(g.chance(0.4)
      ? ldImm64(9, 0, 0, BPF_PSEUDO_MAP_VALUE)
      : g.chance(0.5)
        ? ldImm64(9, Vm.ptrHi(o.regions.rodata), 0)
        : ldImm64(9, Vm.ptrHi(o.regions.ctx), 0)),
    ...[0, 1, 2, 3, 4, 5].flatMap((r) => (g.chance(0.3) ? ldImm64(r, g.next() | 0, g.next() | 0) : [mov64Imm(r, interestingImm(g))]))
  ])
  // jumps are patched once item positions are known: [item index, insn index in item, target item]
  const patches: Array<{ item: number; target: number }> = []
  const reinit = (): AsmInsn[] => [1, 2, 3, 4, 5].map((r) => mov64Imm(r, interestingImm(g)))
  for (let n = 0; n < o.items; n++) {
    const kind = g.int(100)
    const it: AsmInsn[] = []
    if (kind < 38) {
      // ALU
      const is64 = g.chance(0.5)
      let op = g.pick(ALU_OPS)
      const dst = g.chance(0.08) ? 6 + g.int(4) : scalar()
      if (dst >= 6) {
        it.push(alu64Imm(BPF_ADD, dst, g.int(24) - 8))
      } else if (g.chance(0.07)) {
        const dir = g.chance(0.5) ? BPF_TO_LE : BPF_TO_BE
        const bswap = g.chance(0.25)
        it.push(endian(bswap ? BPF_TO_LE : dir, dst, g.pick([16, 32, 64]), bswap))
      } else {
        const x = g.chance(0.5)
        let off = 0
        if ((op === BPF_DIV || op === BPF_MOD) && g.chance(0.3)) off = 1
        if (op === BPF_MOV && x && g.chance(0.3)) off = g.pick(is64 ? [8, 16, 32] : [8, 16])
        if (op === BPF_NEG) {
          it.push(is64 ? alu64Imm(op, dst, 0) : alu32Imm(op, dst, 0))
        } else if (x) {
          const src = g.chance(0.1) ? 6 + g.int(5) : scalar()
          it.push(is64 ? alu64Reg(op, dst, src, off) : alu32Reg(op, dst, src, off))
        } else {
          let k = interestingImm(g)
          if (op === BPF_LSH || op === BPF_RSH || op === BPF_ARSH) k = g.int(is64 ? 64 : 32)
          if ((op === BPF_DIV || op === BPF_MOD) && k === 0) k = g.pick([3, -1, -7])
          if (op === BPF_END) op = BPF_ADD
          it.push(is64 ? alu64Imm(op, dst, k, off) : alu32Imm(op, dst, k, off))
        }
      }
    } else if (kind < 42) {
      const r = scalar()
      const pseudo = g.int(4)
      if (pseudo === 0) it.push(...ldImm64(r, 0, g.int(3), BPF_PSEUDO_MAP_FD))
      else if (pseudo === 1) it.push(...ldImm64(r, g.int(40), g.int(2), BPF_PSEUDO_MAP_VALUE))
      else it.push(...ldImm64(r, g.next() | 0, g.next() | 0))
    } else if (kind < 54) {
      // loads
      const size = g.pick(SIZES)
      const base = g.chance(0.3) ? 10 : g.chance(0.9) ? 6 + g.int(4) : scalar()
      const sb = SIZE_BYTES[size] as number
      const off = base === 10 ? -sb - g.int(64 - sb) : g.int(40) - 4
      const dst = scalar()
      it.push(g.chance(0.15) && size !== BPF_DW ? ldxsx(size, dst, base, off) : ldx(size, dst, base, off))
    } else if (kind < 66) {
      // stores
      const size = g.pick(SIZES)
      const sb = SIZE_BYTES[size] as number
      const base = g.chance(0.35) ? 10 : g.chance(0.9) ? 6 + g.int(4) : scalar()
      const off = base === 10 ? -sb - g.int(64 - sb) : g.int(40) - 4
      if (g.chance(0.3)) it.push(st(size, base, off, interestingImm(g)))
      else it.push(stx(size, base, g.chance(0.9) ? scalar() : 6 + g.int(5), off))
    } else if (kind < 71) {
      // atomics
      const size = g.chance(0.5) ? BPF_W : BPF_DW
      const sb = SIZE_BYTES[size] as number
      const base = g.pick([7, 8, 10, 6, 9])
      const off = base === 10 ? -sb * (1 + g.int(8)) : sb * g.int(5) - (g.chance(0.1) ? 4 : 0)
      it.push(atomic(size, g.pick(ATOMIC_OPS), base, scalar(), off))
    } else if (kind < 86) {
      // conditional jump, patched later
      const x = g.chance(0.5)
      const op = g.pick(JMP_OPS)
      const j32 = g.chance(0.4)
      const a = g.chance(0.1) ? 6 + g.int(5) : scalar()
      it.push(x ? jmpReg(op, a, g.chance(0.1) ? 6 + g.int(5) : scalar(), 0, j32) : jmpImm(op, a, interestingImm(g), 0, j32))
      const back = o.loops && g.chance(0.15)
      patches.push({ item: items.length, target: back ? g.int(items.length + 1) : items.length + 1 + g.int(Math.max(1, o.items - n)) })
    } else if (kind < 88) {
      it.push(ja(0))
      patches.push({ item: items.length, target: items.length + 1 + g.int(Math.max(1, Math.min(4, o.items - n))) })
    } else if (kind < 92) {
      it.push(callHelper(g.chance(0.8) ? 1 : 2), ...reinit())
    } else if (kind < 94) {
      it.push(callKfunc(0), ...reinit())
    } else if (kind < 98) {
      it.push(callLocal(0), ...reinit()) // patched to the subprogram
      patches.push({ item: items.length, target: -1 })
    } else {
      it.push(exit())
    }
    items.push(it)
  }
  items.push([exit()])
  // subprogram: r0 = r1, some ALU on r0..r5, stack use in its own frame, maybe recursion
  const sub: AsmInsn[] = [mov64Reg(0, 1), stx(BPF_DW, 10, 2, -8)]
  const subLen = 2 + g.int(6)
  for (let i = 0; i < subLen; i++) {
    const op = g.pick([BPF_ADD, BPF_SUB, BPF_MUL, BPF_XOR, BPF_OR, BPF_LSH, BPF_RSH])
    sub.push(g.chance(0.5) ? alu64Reg(op, g.int(6), g.int(6)) : alu32Imm(op, g.int(6), op === BPF_LSH || op === BPF_RSH ? g.int(32) : interestingImm(g)))
  }
  sub.push(ldx(BPF_DW, 3, 10, g.chance(0.9) ? -8 : -16))
  sub.push(alu64Reg(BPF_ADD, 0, 3))
  const recurse = g.chance(0.3)
  if (recurse) sub.push(mov64Reg(1, 0), callLocal(0)) // patched: call own start
  sub.push(exit())

  // layout
  const starts: number[] = []
  let pos = 0
  for (const it of items) {
    starts.push(pos)
    pos += it.length
  }
  const main: AsmInsn[] = []
  const callSites: number[] = []
  items.forEach((it, idx) => {
    const patch = patches.find((p) => p.item === idx)
    it.forEach((insn, k) => {
      if (k === 0 && patch !== undefined) {
        const at = (starts[idx] as number) + k
        if (patch.target === -1) {
          callSites.push(main.length)
          main.push(insn)
        } else {
          const t = starts[Math.min(patch.target, items.length - 1)] as number
          main.push({ ...insn, off: t - (at + 1) })
        }
      } else main.push(insn)
    })
  })
  const subOut = sub.map((insn, k) => (recurse && k === sub.length - 2 ? { ...insn, imm: -(k + 1) } : insn))
  return { main, sub: subOut, callSites }
}
