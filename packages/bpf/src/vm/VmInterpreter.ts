/**
 * The reference interpreter: one instruction at a time over the decoded image, registers in a
 * Uint32Array per call depth ([2r] = hi, [2r+1] = lo), every memory access through VmMemory.
 * It is the oracle the JIT is tested against, so it is written for obviousness, not speed.
 *
 * Conventions both engines share (VmProgramChecker, VmCalls): the budget is charged a whole
 * basic block at its leader (a block that does not fit raises Budget at its first instruction);
 * instruction counts are the budget consumed; a call leaves the caller's r1..r5 as they were
 * (the verifier forbids reading them); a callee frame starts with r0 and r6..r9 zero, r1..r5
 * copied, r10 at its frame's end; the entry frame starts with all registers zero but r1 and r10.
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
  BPF_JSLE,
  BPF_JSLT,
  BPF_LD,
  BPF_LDX,
  BPF_LSH,
  BPF_MEMSX,
  BPF_MOD,
  BPF_MOV,
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
  type VmCallFn,
  type VmCounters,
  VmFaultCode,
  type VmLoadOptions,
  type VmProgramSpec
} from "./VmTypes.js"

const bswap16 = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff)
const bswap32 = (x: number): number =>
  (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0

/** 32-bit ALU result (u32); `off` selects signed DIV/MOD (1) or MOVSX (8/16). */
export const alu32 = (op: number, off: number, a: number, b: number): number => {
  a >>>= 0
  b >>>= 0
  switch (op) {
    case BPF_ADD:
      return (a + b) >>> 0
    case BPF_SUB:
      return (a - b) >>> 0
    case BPF_MUL:
      return Math.imul(a, b) >>> 0
    case BPF_DIV:
      if (b === 0) return 0
      return off === 1 ? Math.trunc((a | 0) / (b | 0)) >>> 0 : Math.floor(a / b) >>> 0
    case BPF_MOD:
      if (b === 0) return a
      return off === 1 ? ((a | 0) % (b | 0)) >>> 0 : a % b
    case BPF_OR:
      return (a | b) >>> 0
    case BPF_AND:
      return (a & b) >>> 0
    case BPF_XOR:
      return (a ^ b) >>> 0
    case BPF_LSH:
      return (a << (b & 31)) >>> 0
    case BPF_RSH:
      return a >>> (b & 31)
    case BPF_ARSH:
      return ((a | 0) >> (b & 31)) >>> 0
    case BPF_NEG:
      return -a >>> 0
    case BPF_MOV:
      if (off === 8) return ((b << 24) >> 24) >>> 0
      if (off === 16) return ((b << 16) >> 16) >>> 0
      return b
    default:
      return a
  }
}

/** 64-bit ALU result into R64. */
export const alu64 = (op: number, off: number, ah: number, al: number, bh: number, bl: number): void => {
  ah >>>= 0
  al >>>= 0
  bh >>>= 0
  bl >>>= 0
  switch (op) {
    case BPF_ADD: {
      const lo = al + bl
      R64[1] = lo
      R64[0] = ah + bh + (lo > 0xffffffff ? 1 : 0)
      return
    }
    case BPF_SUB: {
      R64[1] = al - bl
      R64[0] = ah - bh - (al < bl ? 1 : 0)
      return
    }
    case BPF_MUL:
      mul64(ah, al, bh, bl)
      return
    case BPF_DIV:
      if (off === 1) sdiv64(ah, al, bh, bl)
      else udiv64(ah, al, bh, bl)
      return
    case BPF_MOD:
      if (off === 1) smod64(ah, al, bh, bl)
      else umod64(ah, al, bh, bl)
      return
    case BPF_OR:
      R64[0] = ah | bh
      R64[1] = al | bl
      return
    case BPF_AND:
      R64[0] = ah & bh
      R64[1] = al & bl
      return
    case BPF_XOR:
      R64[0] = ah ^ bh
      R64[1] = al ^ bl
      return
    case BPF_LSH: {
      const s = bl & 63
      if (s === 0) {
        R64[0] = ah
        R64[1] = al
      } else if (s < 32) {
        R64[0] = (ah << s) | (al >>> (32 - s))
        R64[1] = al << s
      } else {
        R64[0] = al << (s - 32)
        R64[1] = 0
      }
      return
    }
    case BPF_RSH: {
      const s = bl & 63
      if (s === 0) {
        R64[0] = ah
        R64[1] = al
      } else if (s < 32) {
        R64[1] = (al >>> s) | (ah << (32 - s))
        R64[0] = ah >>> s
      } else {
        R64[1] = ah >>> (s - 32)
        R64[0] = 0
      }
      return
    }
    case BPF_ARSH: {
      const s = bl & 63
      if (s === 0) {
        R64[0] = ah
        R64[1] = al
      } else if (s < 32) {
        R64[1] = (al >>> s) | (ah << (32 - s))
        R64[0] = (ah | 0) >> s
      } else {
        R64[1] = (ah | 0) >> (s - 32)
        R64[0] = (ah | 0) >> 31
      }
      return
    }
    case BPF_NEG:
      R64[1] = -al
      R64[0] = ~ah + (al === 0 ? 1 : 0)
      return
    case BPF_MOV:
      if (off === 8) {
        R64[1] = (bl << 24) >> 24
        R64[0] = (bl << 24) >> 31
      } else if (off === 16) {
        R64[1] = (bl << 16) >> 16
        R64[0] = (bl << 16) >> 31
      } else if (off === 32) {
        R64[1] = bl
        R64[0] = (bl | 0) >> 31
      } else {
        R64[0] = bh
        R64[1] = bl
      }
      return
    default:
      R64[0] = ah
      R64[1] = al
  }
}

/** Condition of a conditional jump on (a, b); `wide` = 64-bit (JMP) or 32-bit (JMP32). */
export const jumpTaken = (op: number, wide: boolean, ah: number, al: number, bh: number, bl: number): boolean => {
  al >>>= 0
  bl >>>= 0
  if (!wide) {
    ah = 0
    bh = 0
  } else {
    ah >>>= 0
    bh >>>= 0
  }
  // signed views
  const sah = wide ? ah | 0 : 0
  const sbh = wide ? bh | 0 : 0
  const sal = wide ? al : al | 0
  const sbl = wide ? bl : bl | 0
  const ugt = ah > bh || (ah === bh && al > bl)
  const eq = ah === bh && al === bl
  const sgt = sah > sbh || (sah === sbh && sal > sbl)
  switch (op) {
    case BPF_JEQ:
      return eq
    case BPF_JNE:
      return !eq
    case BPF_JGT:
      return ugt
    case BPF_JGE:
      return ugt || eq
    case BPF_JLT:
      return !ugt && !eq
    case BPF_JLE:
      return !ugt
    case BPF_JSET:
      return (ah & bh) !== 0 || (al & bl) !== 0
    case BPF_JSGT:
      return sgt
    case BPF_JSGE:
      return sgt || eq
    case BPF_JSLT:
      return !sgt && !eq
    case BPF_JSLE:
      return !sgt
    default:
      return false
  }
}

export class VmInterpreterProgram implements VmLoadedProgram {
  readonly name: string
  readonly engine = "interpreter" as const
  readonly slots: number
  readonly counters: VmCounters
  readonly registers = new Uint32Array(22)
  private readonly regs: Uint32Array[] = []
  private readonly count: boolean
  private readonly expose: boolean

  constructor(
    readonly vm: Vm,
    readonly spec: VmProgramSpec,
    private readonly checked: CheckedProgram,
    options: VmLoadOptions
  ) {
    this.name = spec.name
    this.slots = checked.insns.slots
    this.counters = newCounters(spec.helpers.length, spec.kfuncs.length)
    this.count = options.count ?? true
    this.expose = options.exposeRegisters ?? false
    for (let d = 0; d < VM_MAX_CALL_FRAMES; d++) this.regs.push(new Uint32Array(22))
  }

  run(r1hi: number, r1lo: number): number {
    const vm = this.vm
    vm.beginRun()
    const st = this.enter(0, r1hi, r1lo)
    if (this.count) this.counters.runs++
    return st
  }

  enter(depth: number, r1h: number, r1l: number): number {
    const vm = this.vm
    const R = this.regs[depth] as Uint32Array
    R.fill(0)
    R[2] = r1h
    R[3] = r1l
    R[20] = Vm.ptrHi(0)
    R[21] = VM_STACK_BYTES - VM_FRAME_STACK_BYTES * depth
    const start = vm.budgetLeft
    const st = this.exec(0, depth)
    if (this.count) this.counters.insns += start - vm.budgetLeft
    if (this.expose && depth === 0) this.registers.set(this.regs[0] as Uint32Array)
    return st
  }

  private fault(code: number, insn: number): number {
    const f = this.vm.fault
    f.code = code
    f.insn = insn
    f.program = this.name
    return code
  }

  private callFn(fn: VmCallFn, R: Uint32Array, insn: number, detail: number): number {
    const vm = this.vm
    vm.r0hi = 0
    const lo = fn(vm, R[2] as number, R[3] as number, R[4] as number, R[5] as number, R[6] as number, R[7] as number, R[8] as number, R[9] as number, R[10] as number, R[11] as number)
    const f = vm.fault
    if (f.code !== 0) {
      f.insn = insn
      f.program = this.name
      if (f.code === VmFaultCode.CallFault) f.detail = detail
      return f.code
    }
    R[0] = vm.r0hi
    R[1] = lo
    return 0
  }

  /** Runs subprogram code from `pc` in frame `depth` until its exit. */
  private exec(pc: number, depth: number): number {
    const vm = this.vm
    const spec = this.spec
    const { code, dst, src, off, imm } = this.checked.insns
    const { leader, blockLen } = this.checked
    const R = this.regs[depth] as Uint32Array
    const maps = spec.maps ?? []
    const scratch = vm.scratch
    for (;;) {
      if (leader[pc] === 1) {
        const n = blockLen[pc] as number
        if (vm.budgetLeft < n) {
          const f = vm.fault
          f.detail = vm.insnBudget
          f.addrHi = 0
          f.addrLo = 0
          f.size = 0
          f.write = 0
          f.region = -1
          return this.fault(VmFaultCode.Budget, pc)
        }
        vm.budgetLeft -= n
      }
      const c = code[pc] as number
      const cls = c & 7
      const op = c & 0xf0
      const d2 = (dst[pc] as number) * 2
      const s2 = (src[pc] as number) * 2
      const o = off[pc] as number
      const k = imm[pc] as number
      const x = (c & BPF_X) !== 0
      switch (cls) {
        case BPF_ALU:
        case BPF_ALU64: {
          if (op === BPF_END) {
            const h = R[d2] as number
            const l = R[d2 + 1] as number
            const swap = cls === BPF_ALU64 || (c & BPF_TO_BE) !== 0
            if (k === 16) {
              R[d2] = 0
              R[d2 + 1] = swap ? bswap16(l) : l & 0xffff
            } else if (k === 32) {
              R[d2] = 0
              R[d2 + 1] = swap ? bswap32(l) : l
            } else if (swap) {
              R[d2] = bswap32(l)
              R[d2 + 1] = bswap32(h)
            }
          } else if (cls === BPF_ALU) {
            const b = x ? (R[s2 + 1] as number) : k >>> 0
            R[d2 + 1] = alu32(op, o, R[d2 + 1] as number, b)
            R[d2] = 0
          } else {
            const bh = x ? (R[s2] as number) : k < 0 ? 0xffffffff : 0
            const bl = x ? (R[s2 + 1] as number) : k >>> 0
            alu64(op, o, R[d2] as number, R[d2 + 1] as number, bh, bl)
            R[d2] = R64[0] as number
            R[d2 + 1] = R64[1] as number
          }
          pc++
          break
        }
        case BPF_LD: {
          const sr = src[pc] as number
          const k2 = imm[pc + 1] as number
          if (sr === 0) {
            R[d2] = k2
            R[d2 + 1] = k
          } else if (sr === BPF_PSEUDO_MAP_FD || sr === BPF_PSEUDO_MAP_IDX) {
            R[d2] = Vm.ptrHi(maps[k]?.handle ?? 0)
            R[d2 + 1] = 0
          } else {
            R[d2] = Vm.ptrHi(maps[k]?.value ?? 0)
            R[d2 + 1] = k2
          }
          pc += 2
          break
        }
        case BPF_LDX: {
          const size = sizeBytes(c)
          const ah = ((R[s2] as number) + (o < 0 ? 0xffffffff : 0) + ((R[s2 + 1] as number) + (o >>> 0) > 0xffffffff ? 1 : 0)) >>> 0
          const al = ((R[s2 + 1] as number) + o) >>> 0
          const st = vmLoad(vm, spec.ctxLoad, ah, al, size, pc, false)
          if (st < 0) return this.fault(st, pc)
          let hi = scratch[0] as number
          let lo = scratch[1] as number
          if ((c & 0xe0) === BPF_MEMSX) {
            if (size === 1) lo = (lo << 24) >> 24
            else if (size === 2) lo = (lo << 16) >> 16
            hi = (lo | 0) >> 31
          }
          R[d2] = hi
          R[d2 + 1] = lo
          pc++
          break
        }
        case BPF_ST:
        case BPF_STX: {
          const size = sizeBytes(c)
          const ah = ((R[d2] as number) + (o < 0 ? 0xffffffff : 0) + ((R[d2 + 1] as number) + (o >>> 0) > 0xffffffff ? 1 : 0)) >>> 0
          const al = ((R[d2 + 1] as number) + o) >>> 0
          if (cls === BPF_ST) {
            const st = vmStore(vm, spec.ctxStore, ah, al, size, k < 0 ? 0xffffffff : 0, k >>> 0, pc, false)
            if (st < 0) return this.fault(st, pc)
          } else if ((c & 0xe0) !== BPF_ATOMIC) {
            const st = vmStore(vm, spec.ctxStore, ah, al, size, R[s2] as number, R[s2 + 1] as number, pc, false)
            if (st < 0) return this.fault(st, pc)
          } else {
            const st = this.atomic(R, ah, al, size, k, s2, pc)
            if (st < 0) return st
          }
          pc++
          break
        }
        case BPF_JMP:
        case BPF_JMP32: {
          if (op === BPF_JA) {
            pc += 1 + (cls === BPF_JMP ? o : k)
            break
          }
          if (op === BPF_EXIT) {
            vm.resultHi = R[0] as number
            vm.resultLo = R[1] as number
            return 0
          }
          if (op === BPF_CALL) {
            const sr = src[pc] as number
            if (sr === BPF_PSEUDO_CALL) {
              if (depth + 1 >= VM_MAX_CALL_FRAMES) {
                const f = vm.fault
                f.detail = depth + 2
                f.addrHi = 0
                f.addrLo = 0
                f.size = 0
                f.write = 0
                f.region = -1
                return this.fault(VmFaultCode.CallDepth, pc)
              }
              const C = this.regs[depth + 1] as Uint32Array
              C.fill(0)
              for (let r = 2; r < 12; r++) C[r] = R[r] as number
              C[20] = Vm.ptrHi(0)
              C[21] = VM_STACK_BYTES - VM_FRAME_STACK_BYTES * (depth + 1)
              vm.enterFrame(depth + 1)
              const st = this.exec(pc + 1 + k, depth + 1)
              vm.leaveFrame(depth)
              if (st < 0) return st
              R[0] = vm.resultHi
              R[1] = vm.resultLo
            } else if (sr === BPF_PSEUDO_KFUNC_CALL) {
              if (this.count) (this.counters.kfuncCalls as Float64Array)[k]++
              const st = this.callFn(spec.kfuncs[k] as VmCallFn, R, pc, k)
              if (st < 0) return st
            } else if (k === VM_HELPER_TAIL_CALL) {
              if (this.count) (this.counters.helperCalls as Float64Array)[k]++
              const taken = vmTailCall(vm, this, depth, R[2] as number, R[3] as number, R[4] as number, R[5] as number, R[7] as number)
              if (taken === 1) {
                const f = vm.fault
                if (f.code !== 0) {
                  if (f.code === VmFaultCode.CallFault && f.insn < 0) {
                    f.insn = pc
                    f.program = this.name
                  }
                  return f.code
                }
                return 0
              }
            } else {
              if (this.count) (this.counters.helperCalls as Float64Array)[k]++
              const st = this.callFn(spec.helpers[k] as VmCallFn, R, pc, k)
              if (st < 0) return st
            }
            pc++
            break
          }
          const wide = cls === BPF_JMP
          const bh = x ? (R[s2] as number) : k < 0 ? 0xffffffff : 0
          const bl = x ? (R[s2 + 1] as number) : k >>> 0
          pc += jumpTaken(op, wide, R[d2] as number, R[d2 + 1] as number, bh, bl) ? 1 + o : 1
          break
        }
        default:
          return this.fault(VmFaultCode.None, pc)
      }
    }
  }

  /** BPF_STX | BPF_ATOMIC at (ah, al) through vmAtomic; FETCH/CMPXCHG results into src/r0. */
  private atomic(R: Uint32Array, ah: number, al: number, size: number, k: number, s2: number, pc: number): number {
    const vm = this.vm
    const st = vmAtomic(vm, ah, al, size, k, R[s2] as number, R[s2 + 1] as number, R[0] as number, R[1] as number, pc)
    if (st < 0) return this.fault(st, pc)
    if (k === BPF_CMPXCHG) {
      R[0] = vm.scratch[0] as number
      R[1] = vm.scratch[1] as number
    } else if ((k & BPF_FETCH) !== 0) {
      R[s2] = vm.scratch[0] as number
      R[s2 + 1] = vm.scratch[1] as number
    }
    return 0
  }
}
