/**
 * The JIT: translates a checked program once, at load, into JavaScript (one `new Function`
 * per program) and runs that. Contract: observably identical to VmInterpreter (registers, r0,
 * memory, stack, fault code and details, instruction counts); the differential tests hold it so.
 *
 * Generated code. One JS function per subprogram, `f<start>(d, h1, l1, .., h5, l5)` with the
 * call depth d; registers are locals h<r>/l<r> holding int32 bit patterns of the two halves (no
 * BigInt, nothing allocated per run); bpf-to-bpf calls are JS calls (r6..r9 callee-saved for
 * free). Basic blocks (VmProgramChecker) are `case` labels of a `switch (pc)` in a loop: a jump
 * sets pc and continues, a fall-through falls into the next case. Each block charges its length
 * against the budget at entry (local B, synchronised with vm.budgetLeft around calls).
 *
 * Memory. r10-relative accesses (offset checked at load) go straight to the stack's DataView
 * with unrolled init-stamp checks/writes; other accesses look the region up by the pointer's
 * high half and take an inline fast path for packet, map-value and kernel regions inside their
 * window [lo, hi) (DataView little-endian); everything else (ctx, stack through a pointer,
 * faults, read-only) calls VmMemory, which also fills the fault details.
 *
 * Code safety: only numbers from the decoded image reach the source text, each through `lit`,
 * which accepts a safe integer and nothing else; register names come from `reg`, which accepts
 * 0..10; every other piece of source is a constant of this file. Helpers, kfuncs, regions and
 * the program name reach the code as values of the environment object, never as text.
 */
import {
  BPF_ADD,
  BPF_ALU,
  BPF_ALU64,
  BPF_AND,
  BPF_ARSH,
  BPF_ATOMIC,
  BPF_CALL,
  BPF_CMPXCHG,
  BPF_DIV,
  BPF_END,
  BPF_EXIT,
  BPF_FETCH,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JLE,
  BPF_JLT,
  BPF_JMP,
  BPF_JMP32,
  BPF_JNE,
  BPF_JSET,
  BPF_JSGE,
  BPF_JSGT,
  BPF_JSLT,
  BPF_LD,
  BPF_LDX,
  BPF_LSH,
  BPF_MEMSX,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_IDX,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TO_BE,
  BPF_X,
  BPF_XOR,
  sizeBytes
} from "./BpfOpcodes.js"
import type { CheckedProgram } from "./VmProgramChecker.js"
import { R64, mul64, sdiv64, smod64, udiv64, umod64 } from "./Vm64.js"
import { Vm, VM_STACK_BYTES } from "./Vm.js"
import { newCounters, type VmLoadedProgram, vmTailCall } from "./VmCalls.js"
import { vmAtomic, vmLoad, vmStore } from "./VmMemory.js"
import {
  VM_FRAME_STACK_BYTES,
  VM_HELPER_TAIL_CALL,
  VM_MAX_CALL_FRAMES,
  type VmCounters,
  VmFaultCode,
  type VmLoadOptions,
  type VmProgramSpec
} from "./VmTypes.js"

/** A numeric literal for generated code: a safe integer, parenthesised; anything else throws. */
const lit = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`JIT: refusing non-integer literal ${String(n)}`)
  return n < 0 ? `(${n})` : `${n}`
}
/** A signed offset term for generated code: "+5" / "-35", from a checked safe integer. */
const plus = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`JIT: refusing non-integer offset ${String(n)}`)
  return n < 0 ? `${n}` : `+${n}`
}
/** An identifier suffix from a non-negative integer (helper/kfunc/function names). */
const idn = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`JIT: refusing identifier index ${String(n)}`)
  return `${n}`
}
/** Register variable names: r0..r10 only. */
const reg = (r: number): { h: string; l: string } => {
  if (!Number.isInteger(r) || r < 0 || r > 10) throw new RangeError(`JIT: invalid register ${String(r)}`)
  return { h: `h${r}`, l: `l${r}` }
}

const i32 = (n: number): number => n | 0

/** int32 of the pointer high half of region 0 (VM_PTR_HI_BASE) */
const HI_BASE = i32(Vm.ptrHi(0))

interface Gen {
  out: string[]
  count: boolean
  expose: boolean
}

/** A condition over (a, b) halves as JS source. */
const condition = (op: number, wide: boolean, ah: string, al: string, bh: string, bl: string): string => {
  if (!wide) {
    switch (op) {
      case BPF_JEQ:
        return `${al} === ${bl}`
      case BPF_JNE:
        return `${al} !== ${bl}`
      case BPF_JGT:
        return `(${al} >>> 0) > (${bl} >>> 0)`
      case BPF_JGE:
        return `(${al} >>> 0) >= (${bl} >>> 0)`
      case BPF_JLT:
        return `(${al} >>> 0) < (${bl} >>> 0)`
      case BPF_JLE:
        return `(${al} >>> 0) <= (${bl} >>> 0)`
      case BPF_JSET:
        return `(${al} & ${bl}) !== 0`
      case BPF_JSGT:
        return `${al} > ${bl}`
      case BPF_JSGE:
        return `${al} >= ${bl}`
      case BPF_JSLT:
        return `${al} < ${bl}`
      default:
        return `${al} <= ${bl}`
    }
  }
  const uh = `(${ah} >>> 0)`
  const ubh = `(${bh} >>> 0)`
  const ul = `(${al} >>> 0)`
  const ubl = `(${bl} >>> 0)`
  switch (op) {
    case BPF_JEQ:
      return `(${ah} === ${bh} && ${al} === ${bl})`
    case BPF_JNE:
      return `(${ah} !== ${bh} || ${al} !== ${bl})`
    case BPF_JGT:
      return `(${uh} > ${ubh} || (${ah} === ${bh} && ${ul} > ${ubl}))`
    case BPF_JGE:
      return `(${uh} > ${ubh} || (${ah} === ${bh} && ${ul} >= ${ubl}))`
    case BPF_JLT:
      return `(${uh} < ${ubh} || (${ah} === ${bh} && ${ul} < ${ubl}))`
    case BPF_JLE:
      return `(${uh} < ${ubh} || (${ah} === ${bh} && ${ul} <= ${ubl}))`
    case BPF_JSET:
      return `((${ah} & ${bh}) !== 0 || (${al} & ${bl}) !== 0)`
    case BPF_JSGT:
      return `(${ah} > ${bh} || (${ah} === ${bh} && ${ul} > ${ubl}))`
    case BPF_JSGE:
      return `(${ah} > ${bh} || (${ah} === ${bh} && ${ul} >= ${ubl}))`
    case BPF_JSLT:
      return `(${ah} < ${bh} || (${ah} === ${bh} && ${ul} < ${ubl}))`
    default:
      return `(${ah} < ${bh} || (${ah} === ${bh} && ${ul} <= ${ubl}))`
  }
}

const SWAP16 = (v: string): string => `(((${v} & 0xff) << 8) | ((${v} >>> 8) & 0xff))`
const SWAP32 = (v: string): string =>
  `(((${v} & 0xff) << 24) | ((${v} & 0xff00) << 8) | ((${v} >>> 8) & 0xff00) | ((${v} >>> 24) & 0xff))`

/** 64-bit shift by a run-time amount `s` (already masked to 0..63) */
const shift64 = (op: number, D: { h: string; l: string }, s: string): string => {
  const { h, l } = D
  if (op === BPF_LSH) {
    return `if (${s} !== 0) { if (${s} < 32) { ${h} = (${h} << ${s}) | (${l} >>> (32 - ${s})); ${l} = ${l} << ${s} } else { ${h} = ${l} << (${s} - 32); ${l} = 0 } }`
  }
  if (op === BPF_RSH) {
    return `if (${s} !== 0) { if (${s} < 32) { ${l} = (${l} >>> ${s}) | (${h} << (32 - ${s})); ${h} = (${h} >>> ${s}) | 0 } else { ${l} = (${h} >>> (${s} - 32)) | 0; ${h} = 0 } }`
  }
  return `if (${s} !== 0) { if (${s} < 32) { ${l} = (${l} >>> ${s}) | (${h} << (32 - ${s})); ${h} = ${h} >> ${s} } else { ${l} = ${h} >> (${s} - 32); ${h} = ${h} >> 31 } }`
}

/** Generated code of one ALU/ALU64 instruction. */
const aluCode = (c: number, dr: number, sr: number, o: number, k: number): string => {
  const op = c & 0xf0
  const D = reg(dr)
  const is64 = (c & 7) === BPF_ALU64
  const x = (c & BPF_X) !== 0
  const S = reg(sr)
  const bh = x ? S.h : lit(k < 0 ? -1 : 0)
  const bl = x ? S.l : lit(k | 0)
  const { h, l } = D
  if (op === BPF_END) {
    const swap = is64 || (c & BPF_TO_BE) !== 0
    if (k === 16) return swap ? `${l} = ${SWAP16(l)}; ${h} = 0;` : `${l} = ${l} & 0xffff; ${h} = 0;`
    if (k === 32) return swap ? `${l} = ${SWAP32(l)}; ${h} = 0;` : `${h} = 0;`
    return swap ? `t = ${SWAP32(l)}; ${l} = ${SWAP32(h)}; ${h} = t;` : ""
  }
  if (!is64) {
    let e: string
    switch (op) {
      case BPF_ADD:
        e = `(${l} + ${bl}) | 0`
        break
      case BPF_SUB:
        e = `(${l} - ${bl}) | 0`
        break
      case BPF_MUL:
        e = `Math.imul(${l}, ${bl})`
        break
      case BPF_DIV:
        e = o === 1 ? `${bl} === 0 ? 0 : (${l} / ${bl}) | 0` : `${bl} === 0 ? 0 : ((${l} >>> 0) / (${bl} >>> 0)) | 0`
        break
      case BPF_MOD:
        e = o === 1 ? `${bl} === 0 ? ${l} : (${l} % ${bl}) | 0` : `${bl} === 0 ? ${l} : ((${l} >>> 0) % (${bl} >>> 0)) | 0`
        break
      case BPF_OR:
        e = `${l} | ${bl}`
        break
      case BPF_AND:
        e = `${l} & ${bl}`
        break
      case BPF_XOR:
        e = `${l} ^ ${bl}`
        break
      case BPF_LSH:
        e = `${l} << (${bl} & 31)`
        break
      case BPF_RSH:
        e = `(${l} >>> (${bl} & 31)) | 0`
        break
      case BPF_ARSH:
        e = `${l} >> (${bl} & 31)`
        break
      case BPF_NEG:
        e = `(-${l}) | 0`
        break
      default: // MOV
        e = o === 8 ? `(${bl} << 24) >> 24` : o === 16 ? `(${bl} << 16) >> 16` : `${bl}`
    }
    return `${l} = ${e}; ${h} = 0;`
  }
  switch (op) {
    case BPF_ADD:
      return `t = (${l} >>> 0) + (${bl} >>> 0); ${h} = (${h} + ${bh} + (t > 4294967295 ? 1 : 0)) | 0; ${l} = t | 0;`
    case BPF_SUB:
      return `t = (${l} >>> 0) - (${bl} >>> 0); ${h} = (${h} - ${bh} - (t < 0 ? 1 : 0)) | 0; ${l} = t | 0;`
    case BPF_MUL:
      return `MUL(${h}, ${l}, ${bh}, ${bl}); ${h} = R64[0] | 0; ${l} = R64[1] | 0;`
    case BPF_DIV:
      return `${o === 1 ? "SDIV" : "UDIV"}(${h}, ${l}, ${bh}, ${bl}); ${h} = R64[0] | 0; ${l} = R64[1] | 0;`
    case BPF_MOD:
      return `${o === 1 ? "SMOD" : "UMOD"}(${h}, ${l}, ${bh}, ${bl}); ${h} = R64[0] | 0; ${l} = R64[1] | 0;`
    case BPF_OR:
      return `${h} = ${h} | ${bh}; ${l} = ${l} | ${bl};`
    case BPF_AND:
      return `${h} = ${h} & ${bh}; ${l} = ${l} & ${bl};`
    case BPF_XOR:
      return `${h} = ${h} ^ ${bh}; ${l} = ${l} ^ ${bl};`
    case BPF_LSH:
    case BPF_RSH:
    case BPF_ARSH:
      if (x) return `s = ${bl} & 63; ${shift64(op, D, "s")}`
      return `s = ${lit(k & 63)}; ${shift64(op, D, "s")}`
    case BPF_NEG:
      return `${h} = (~${h} + (${l} === 0 ? 1 : 0)) | 0; ${l} = (-${l}) | 0;`
    default: // MOV
      if (o === 8) return `${l} = (${bl} << 24) >> 24; ${h} = ${l} >> 31;`
      if (o === 16) return `${l} = (${bl} << 16) >> 16; ${h} = ${l} >> 31;`
      if (o === 32) return `${l} = ${bl}; ${h} = ${l} >> 31;`
      return x ? (dr === sr ? "" : `${h} = ${bh}; ${l} = ${bl};`) : `${h} = ${bh}; ${l} = ${bl};`
  }
}

/** typed DataView read of `size` bytes at `a` into (h, l) */
const viewRead = (view: string, a: string, size: number, h: string, l: string, sx: boolean): string => {
  switch (size) {
    case 1:
      return sx ? `${l} = ${view}.getInt8(${a}); ${h} = ${l} >> 31;` : `${l} = ${view}.getUint8(${a}); ${h} = 0;`
    case 2:
      return sx ? `${l} = ${view}.getInt16(${a}, true); ${h} = ${l} >> 31;` : `${l} = ${view}.getUint16(${a}, true); ${h} = 0;`
    case 4:
      return sx ? `${l} = ${view}.getInt32(${a}, true); ${h} = ${l} >> 31;` : `${l} = ${view}.getInt32(${a}, true); ${h} = 0;`
    default:
      return `${l} = ${view}.getInt32(${a}, true); ${h} = ${view}.getInt32(${a} + 4, true);`
  }
}

const viewWrite = (view: string, a: string, size: number, h: string, l: string): string => {
  switch (size) {
    case 1:
      return `${view}.setInt8(${a}, ${l});`
    case 2:
      return `${view}.setInt16(${a}, ${l}, true);`
    case 4:
      return `${view}.setInt32(${a}, ${l}, true);`
    default:
      return `${view}.setInt32(${a}, ${l}, true); ${view}.setInt32(${a} + 4, ${h}, true);`
  }
}

/** 64-bit address base + off into (ah, al) with al as a u32 number */
const address = (B: { h: string; l: string }, o: number): string =>
  o === 0
    ? `ah=${B.h};al=${B.l}>>>0;`
    : o > 0
      ? `al=(${B.l}>>>0)+${lit(o)};if(al>4294967295){ah=(${B.h}+1)|0;al-=4294967296}else ah=${B.h};`
      : `al=(${B.l}>>>0)${plus(o)};if(al<0){ah=(${B.h}-1)|0;al+=4294967296}else ah=${B.h};`

export class VmJitProgram implements VmLoadedProgram {
  readonly name: string
  readonly engine = "jit" as const
  readonly slots: number
  readonly counters: VmCounters
  readonly registers = new Uint32Array(22)
  /** the generated source (debugging, tests) */
  readonly source: string
  private readonly f0: (d: number, ...a: number[]) => number
  private readonly count: boolean

  constructor(
    readonly vm: Vm,
    readonly spec: VmProgramSpec,
    checked: CheckedProgram,
    options: VmLoadOptions
  ) {
    this.name = spec.name
    this.slots = checked.insns.slots
    this.counters = newCounters(spec.helpers.length, spec.kfuncs.length)
    this.count = options.count ?? true
    const gen: Gen = { out: [], count: this.count, expose: options.exposeRegisters ?? false }
    this.source = generate(gen, spec, checked)
    const env = {
      vm,
      spec,
      self: this,
      counters: this.counters,
      registers: this.registers,
      R64,
      MUL: mul64,
      UDIV: udiv64,
      UMOD: umod64,
      SDIV: sdiv64,
      SMOD: smod64,
      LOAD: vmLoad,
      STORE: vmStore,
      ATOMIC: vmAtomic,
      TAIL: vmTailCall,
      ptrHi: Vm.ptrHi
    }
    const factory = new Function("E", this.source) as (e: typeof env) => (d: number, ...a: number[]) => number
    this.f0 = factory(env)
  }

  run(r1hi: number, r1lo: number): number {
    this.vm.beginRun()
    const st = this.enter(0, r1hi, r1lo)
    if (this.count) this.counters.runs++
    return st
  }

  enter(depth: number, r1h: number, r1l: number): number {
    const vm = this.vm
    const start = vm.budgetLeft
    const st = this.f0(depth, r1h | 0, r1l | 0, 0, 0, 0, 0, 0, 0, 0, 0)
    if (this.count) this.counters.insns += start - vm.budgetLeft
    return st
  }
}

const generate = (gen: Gen, spec: VmProgramSpec, checked: CheckedProgram): string => {
  const out = gen.out
  const { code, dst, src, off, imm, slots } = checked.insns
  const { leader, blockLen, subprogs, subprogOf } = checked
  const maps = spec.maps ?? []
  out.push(
    "'use strict';",
    "const vm = E.vm, spec = E.spec, SELF = E.self, R64 = E.R64, MUL = E.MUL, UDIV = E.UDIV, UMOD = E.UMOD, SDIV = E.SDIV, SMOD = E.SMOD;",
    "const LOAD = E.LOAD, STORE = E.STORE, ATOMIC = E.ATOMIC, TAIL = E.TAIL, NAME = spec.name, CTXL = spec.ctxLoad, CTXS = spec.ctxStore;",
    "const RG = vm.regions, FT = vm.fault, SC = vm.scratch, SV = vm.stack.view, ST = vm.stackStamp, BG = vm.blockGen;",
    "const HC = E.counters.helperCalls, KC = E.counters.kfuncCalls, REGS = E.registers, HF = spec.helpers, KF = spec.kfuncs, RF = vm.regionFlags;",
    `function BF(i) { FT.code = ${lit(VmFaultCode.Budget)}; FT.insn = i; FT.detail = vm.insnBudget; FT.addrHi = 0; FT.addrLo = 0; FT.size = 0; FT.write = 0; FT.region = -1; return FT.code; }`,
    `function DF(i, d) { FT.code = ${lit(VmFaultCode.CallDepth)}; FT.insn = i; FT.detail = d + 2; FT.addrHi = 0; FT.addrLo = 0; FT.size = 0; FT.write = 0; FT.region = -1; return FT.code; }`
  )
  // helper / kfunc references used
  const helpersUsed = new Set<number>()
  const kfuncsUsed = new Set<number>()
  for (let i = 0; i < slots; i++) {
    if (code[i] === (BPF_JMP | BPF_CALL)) {
      if (src[i] === 0 && imm[i] !== VM_HELPER_TAIL_CALL) helpersUsed.add(imm[i] as number)
      if (src[i] === BPF_PSEUDO_KFUNC_CALL) kfuncsUsed.add(imm[i] as number)
    }
  }
  for (const h of helpersUsed) out.push(`const H${idn(h)} = HF[${lit(h)}];`)
  for (const k of kfuncsUsed) out.push(`const K${idn(k)} = KF[${lit(k)}];`)

  const dump = gen.expose
    ? "REGS[0] = h0; REGS[1] = l0; REGS[2] = h1; REGS[3] = l1; REGS[4] = h2; REGS[5] = l2; REGS[6] = h3; REGS[7] = l3; REGS[8] = h4; REGS[9] = l4; REGS[10] = h5; REGS[11] = l5; REGS[12] = h6; REGS[13] = l6; REGS[14] = h7; REGS[15] = l7; REGS[16] = h8; REGS[17] = l8; REGS[18] = h9; REGS[19] = l9; REGS[20] = h10; REGS[21] = l10;"
    : ""

  // dense case labels (V8 compiles a dense integer switch to a jump table): block k of its subprogram
  const blockOf = new Int32Array(slots).fill(-1)
  for (let s = 0; s < subprogs.length; s++) {
    let k = 0
    for (let i = subprogs[s] as number; i < (subprogs[s + 1] ?? slots); i++) if (leader[i] === 1) blockOf[i] = k++
  }
  const blockNo = (slot: number): number => {
    const b = blockOf[slot] as number
    if (b < 0) throw new RangeError(`JIT: jump target ${slot} is not a block leader`)
    return b
  }
  // Reachability from each subprogram's entry: blocks no path reaches are not emitted (as the
  // verifier's check_cfg sees them, and as CO-RE-resolved constant branches leave the foreign
  // NICs' readers of a raw program). They can never run, so nothing observable changes; a large
  // function stays under V8's optimisable size (the raw hw-metadata object holds every NIC's code).
  const reachable = new Uint8Array(slots)
  for (let s = 0; s < subprogs.length; s++) {
    const start = subprogs[s] as number
    const end = subprogs[s + 1] ?? slots
    const work: number[] = [start]
    const visit = (t: number): void => {
      if (t >= start && t < end && reachable[t] === 0) {
        reachable[t] = 1
        work.push(t)
      }
    }
    reachable[start] = 1
    while (work.length > 0) {
      const i = work.pop() as number
      const c = code[i] as number
      const cls = c & 7
      const op = c & 0xf0
      if (cls === BPF_LD) visit(i + 2)
      else if (cls !== BPF_JMP && cls !== BPF_JMP32) visit(i + 1)
      else if (op === BPF_JA) visit(i + 1 + (cls === BPF_JMP ? (off[i] as number) : (imm[i] as number)))
      else if (op === BPF_EXIT) continue
      else if (op === BPF_CALL) visit(i + 1)
      else {
        visit(i + 1)
        visit(i + 1 + (off[i] as number))
      }
    }
  }
  for (let s = 0; s < subprogs.length; s++) {
    const start = subprogs[s] as number
    const end = subprogs[s + 1] ?? slots
    const isMain = start === 0
    const dumpHere = isMain ? dump : ""
    const fault = (_insn: number): string => "break F;"
    out.push(
      `function f${idn(start)}(d, h1, l1, h2, l2, h3, l3, h4, l4, h5, l5) {`,
      "let h0 = 0, l0 = 0, h6 = 0, l6 = 0, h7 = 0, l7 = 0, h8 = 0, l8 = 0, h9 = 0, l9 = 0;",
      `const h10 = ${lit(HI_BASE)}, l10 = ${lit(VM_STACK_BYTES)} - ${lit(VM_FRAME_STACK_BYTES)} * d;`,
      `const G = BG[${lit(VM_MAX_CALL_FRAMES - 1)} - d];`,
      "let B = vm.budgetLeft, t = 0, s = 0, st = 0, ah = 0, al = 0, g = undefined;",
      "let pc = 0;",
      "F: for (;;) switch (pc) {"
    )
    for (let i = start; i < end; i++) {
      if (checked.ldSecond[i] === 1 || reachable[i] === 0) continue
      if (leader[i] === 1) {
        const n = blockLen[i] as number
        out.push(
          `case ${lit(blockNo(i))}:`,
          `if(B<${lit(n)}){st=BF(${lit(i)});break F}B-=${lit(n)};`
        )
      }
      const c = code[i] as number
      const cls = c & 7
      const op = c & 0xf0
      const dr = dst[i] as number
      const sr = src[i] as number
      const o = off[i] as number
      const k = imm[i] as number
      const D = reg(dr)
      const S = reg(sr)
      switch (cls) {
        case BPF_ALU:
        case BPF_ALU64:
          out.push(aluCode(c, dr, sr, o, k))
          break
        case BPF_LD: {
          const k2 = imm[i + 1] as number
          if (sr === 0) out.push(`${D.h} = ${lit(k2 | 0)}; ${D.l} = ${lit(k | 0)};`)
          else if (sr === BPF_PSEUDO_MAP_FD || sr === BPF_PSEUDO_MAP_IDX) {
            out.push(`${D.h} = ${lit(i32(Vm.ptrHi(maps[k]?.handle ?? 0)))}; ${D.l} = 0;`)
          } else out.push(`${D.h} = ${lit(i32(Vm.ptrHi(maps[k]?.value ?? 0)))}; ${D.l} = ${lit(k2 | 0)};`)
          break
        }
        case BPF_LDX: {
          const size = sizeBytes(c)
          const sx = (c & 0xe0) === BPF_MEMSX
          if (sr === 10) {
            const checks: string[] = []
            for (let b = 0; b < size; b++) checks.push(`ST[l10${plus(o + b)}]!==G`)
            out.push(
              `if(${checks.join("||")}){st=LOAD(vm,CTXL,h10,l10${plus(o)},${lit(size)},${lit(i)},false);break F}`,
              viewRead("SV", `l10${plus(o)}`, size, D.h, D.l, sx)
            )
          } else {
            const fast = viewRead("g.view", "al", size, D.h, D.l, sx)
            const slowAssign = sx
              ? size === 1
                ? `${D.l} = (SC[1] << 24) >> 24; ${D.h} = ${D.l} >> 31;`
                : size === 2
                  ? `${D.l} = (SC[1] << 16) >> 16; ${D.h} = ${D.l} >> 31;`
                  : `${D.l} = SC[1] | 0; ${D.h} = ${D.l} >> 31;`
              : `${D.h} = SC[0] | 0; ${D.l} = SC[1] | 0;`
            out.push(
              address(S, o),
              `t=(ah-${lit(HI_BASE)})|0;s=RF[t];`,
              `if((s&1)!==0&&al>=(g=RG[t]).lo&&al+${lit(size)}<=g.hi){${fast}}`,
              `else if((s&4)!==0&&CTXL!==undefined&&CTXL(vm,al,${lit(size)},SC)===0){${slowAssign}}`,
              `else { st = LOAD(vm, CTXL, ah, al, ${lit(size)}, ${lit(i)}, false); if (st < 0) ${fault(i)} ${slowAssign} }`
            )
          }
          break
        }
        case BPF_ST:
        case BPF_STX: {
          const size = sizeBytes(c)
          const vh = cls === BPF_ST ? lit(k < 0 ? -1 : 0) : S.h
          const vl = cls === BPF_ST ? lit(k | 0) : S.l
          if (cls === BPF_STX && (c & 0xe0) === BPF_ATOMIC) {
            const post =
              k === BPF_CMPXCHG
                ? "h0 = SC[0] | 0; l0 = SC[1] | 0;"
                : (k & BPF_FETCH) !== 0
                  ? `${S.h} = SC[0] | 0; ${S.l} = SC[1] | 0;`
                  : ""
            out.push(
              address(D, o),
              `st = ATOMIC(vm, ah, al, ${lit(size)}, ${lit(k)}, ${S.h}, ${S.l}, h0, l0, ${lit(i)}); if (st < 0) ${fault(i)} ${post}`
            )
            break
          }
          if (dr === 10) {
            const marks: string[] = []
            for (let b = 0; b < size; b++) marks.push(`ST[l10${plus(o + b)}]=G;`)
            out.push(marks.join(" "), viewWrite("SV", `l10${plus(o)}`, size, vh, vl))
          } else {
            out.push(
              address(D, o),
              `t=(ah-${lit(HI_BASE)})|0;`,
              `if((RF[t]&2)!==0&&al>=(g=RG[t]).lo&&al+${lit(size)}<=g.hi){${viewWrite("g.view", "al", size, vh, vl)}}`,
              `else { st = STORE(vm, CTXS, ah, al, ${lit(size)}, ${vh}, ${vl}, ${lit(i)}, false); if (st < 0) ${fault(i)} }`
            )
          }
          break
        }
        default: {
          // JMP / JMP32
          if (op === BPF_JA) {
            out.push(`pc = ${lit(blockNo(i + 1 + (cls === BPF_JMP ? o : k)))}; continue;`)
            break
          }
          if (op === BPF_EXIT) {
            out.push("vm.resultHi=h0>>>0;vm.resultLo=l0>>>0;st=0;break F;")
            break
          }
          if (op === BPF_CALL) {
            const args = "h1, l1, h2, l2, h3, l3, h4, l4, h5, l5"
            const callFault = `if (FT.code !== 0) { FT.insn = ${lit(i)}; if (FT.code === ${lit(VmFaultCode.CallFault)}) FT.detail = ${lit(k)}; st = FT.code; ${fault(i)} }`
            if (sr === BPF_PSEUDO_CALL) {
              const target = i + 1 + k
              void subprogOf
              out.push(
                `if(d+1>=${lit(VM_MAX_CALL_FRAMES)}){st=DF(${lit(i)},d);break F}`,
                "vm.budgetLeft = B; vm.enterFrame(d + 1);",
                `st = f${idn(target)}(d + 1, ${args});`,
                "vm.leaveFrame(d); B = vm.budgetLeft;",
                "if(st<0)break F;",
                "h0 = vm.resultHi | 0; l0 = vm.resultLo | 0;"
              )
            } else if (sr === BPF_PSEUDO_KFUNC_CALL) {
              out.push(
                gen.count ? `KC[${lit(k)}]++;` : "",
                `vm.r0hi = 0; t = K${idn(k)}(vm, ${args}) | 0;`,
                callFault,
                "l0 = t; h0 = vm.r0hi | 0;"
              )
            } else if (k === VM_HELPER_TAIL_CALL) {
              out.push(
                gen.count ? `HC[${lit(k)}]++;` : "",
                "vm.budgetLeft = B;",
                "t = TAIL(vm, SELF, d, h1, l1, h2, l2, l3);",
                "B = vm.budgetLeft;",
                `if (t === 1) { if (FT.code !== 0) { if (FT.code === ${lit(VmFaultCode.CallFault)} && FT.insn < 0) { FT.insn = ${lit(i)}; FT.program = NAME; } ${dumpHere} return FT.code; } ${dumpHere} return 0; }`
              )
            } else {
              out.push(
                gen.count ? `HC[${lit(k)}]++;` : "",
                `vm.r0hi = 0; t = H${idn(k)}(vm, ${args}) | 0;`,
                callFault,
                "l0 = t; h0 = vm.r0hi | 0;"
              )
            }
            break
          }
          const x = (c & BPF_X) !== 0
          const bh = x ? S.h : lit(k < 0 ? -1 : 0)
          const bl = x ? S.l : lit(k | 0)
          out.push(`if (${condition(op, cls === BPF_JMP, D.h, D.l, bh, bl)}) { pc = ${lit(blockNo(i + 1 + o))}; continue; }`)
        }
      }
    }
    out.push(
      `default: FT.code = ${lit(VmFaultCode.CallFault)}; FT.insn = -1; FT.message = "JIT dispatch reached an unknown block"; st = FT.code; break F;`,
      "}",
      `vm.budgetLeft = B; ${dumpHere} if (st < 0 && FT.program === "") FT.program = NAME; return st;`,
      "}"
    )
  }
  out.push("return f0;")
  return out.join("\n")
}

export const compileJit = (vm: Vm, spec: VmProgramSpec, checked: CheckedProgram, options: VmLoadOptions): VmJitProgram =>
  new VmJitProgram(vm, spec, checked, options)
