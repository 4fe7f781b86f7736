/**
 * Load-time checks, in place of the parts of the kernel verifier (kernel/bpf/verifier.c) that
 * can be decided from the instruction image alone, and the control-flow facts both engines use.
 *
 * Checked here (a failing program is rejected with the instruction index and a reason worded
 * like the verifier's log where it has one):
 *   - image length a non-zero multiple of 8;
 *   - every opcode known, reserved fields zero, registers r0..r10, r10 never written
 *     ("frame pointer is read only");
 *   - LD_IMM64 complete (second slot code/regs/off zero), pseudo source known, map index in range;
 *     legacy LD_ABS/LD_IND rejected as the verifier does for XDP;
 *   - division/modulo by an immediate zero, shifts by an immediate outside [0, width);
 *   - jump and call targets inside the image, not into the second slot of an LD_IMM64, jumps
 *     staying in their subprogram, each subprogram's last instruction an exit or a jump
 *     (no falling off the end);
 *   - helper ids with an entry in the helper table (bpf_tail_call needs the tail-call resolver),
 *     kfunc indexes inside the kfunc table;
 *   - r10-relative stack accesses with a constant offset inside the frame [-512, 0);
 *   - a register read before any write on some path (a forward must-dataflow of initialised
 *     registers; after a call r1..r5 are dead and r0 defined, after bpf_tail_call r0 is dead too,
 *     as check_helper_call marks a RET_VOID helper's r0; exit needs r0).
 * Basic blocks: leaders are subprogram starts, jump targets, instructions after a jump or exit,
 * and instructions after a bpf_tail_call (which may leave the frame). `blockLen[leader]` is the
 * number of instructions (LD_IMM64 counts one) the block executes: the unit both engines charge
 * against the instruction budget, so they fault at the same block.
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
  BPF_DW,
  BPF_END,
  BPF_EXIT,
  BPF_FETCH,
  BPF_JA,
  BPF_JMP,
  BPF_JMP32,
  BPF_LD,
  BPF_LDX,
  BPF_LSH,
  BPF_MEM,
  BPF_MEMSX,
  BPF_MOD,
  BPF_MOV,
  BPF_NEG,
  BPF_OR,
  BPF_PSEUDO_BTF_ID,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_FUNC,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_IDX,
  BPF_PSEUDO_MAP_IDX_VALUE,
  BPF_PSEUDO_MAP_VALUE,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_TO_BE,
  BPF_X,
  BPF_XCHG,
  BPF_XOR,
  sizeBytes
} from "./BpfOpcodes.js"
import { type DecodedInsns, decodeInsns } from "./BpfInsnDecoder.js"
import { VM_FRAME_STACK_BYTES, VM_HELPER_TAIL_CALL, type VmProgramSpec } from "./VmTypes.js"

export interface CheckedProgram {
  readonly insns: DecodedInsns
  /** subprogram start slots, ascending; [0] = 0 */
  readonly subprogs: ReadonlyArray<number>
  /** slot -> index into subprogs */
  readonly subprogOf: Int32Array
  /** 1 at block leaders */
  readonly leader: Uint8Array
  /** at leaders: instructions in the block */
  readonly blockLen: Int32Array
  /** 1 at the second slot of an LD_IMM64 */
  readonly ldSecond: Uint8Array
}

export type CheckResult =
  | { readonly ok: true; readonly program: CheckedProgram }
  | { readonly ok: false; readonly insn: number; readonly reason: string }

const hex = (n: number): string => `0x${(n & 0xff).toString(16).padStart(2, "0")}`

const isCondJump = (op: number): boolean => (op >= 0x10 && op <= 0x70) || (op >= 0xa0 && op <= 0xd0)

const ATOMIC_OPS = new Set([
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
])

/** Register bitmask reads/writes of one instruction for the dataflow. */
interface RegEffect {
  reads: number
  writes: number
  kills: number
}

const bit = (r: number): number => 1 << r

export const checkProgram = (spec: VmProgramSpec): CheckResult => {
  const image = spec.insns
  if (image.byteLength === 0 || image.byteLength % 8 !== 0) {
    return { ok: false, insn: 0, reason: `instruction image of ${image.byteLength} bytes is not a non-zero multiple of 8` }
  }
  const d = decodeInsns(image)
  const n = d.slots
  const { code, dst, src, off, imm } = d
  const ldSecond = new Uint8Array(n)
  const maps = spec.maps ?? []
  const bad = (insn: number, reason: string): CheckResult => ({ ok: false, insn, reason })

  // pass 1: per-instruction validity; mark LD_IMM64 second slots
  for (let i = 0; i < n; i++) {
    if (ldSecond[i] === 1) continue
    const c = code[i] as number
    const cls = c & 7
    const op = c & 0xf0
    const dr = dst[i] as number
    const sr = src[i] as number
    const o = off[i] as number
    const k = imm[i] as number
    if (dr > 10) return bad(i, `invalid register R${dr}`)
    if (sr > 10 && !(cls === BPF_LD)) return bad(i, `invalid register R${sr}`)
    switch (cls) {
      case BPF_ALU:
      case BPF_ALU64: {
        const is64 = cls === BPF_ALU64
        const x = (c & BPF_X) !== 0
        if (dr === 10) return bad(i, "frame pointer is read only")
        if (op === BPF_NEG) {
          if (x || sr !== 0 || k !== 0 || o !== 0) return bad(i, `BPF_NEG uses reserved fields (opcode ${hex(c)})`)
          break
        }
        if (op === BPF_END) {
          if (sr !== 0 || o !== 0 || (k !== 16 && k !== 32 && k !== 64)) {
            return bad(i, `BPF_END uses reserved fields (opcode ${hex(c)}, imm ${k})`)
          }
          if (is64 && (c & BPF_TO_BE) !== 0) return bad(i, `unknown opcode ${hex(c)}`)
          break
        }
        if (op > 0xc0) return bad(i, `unknown opcode ${hex(c)}`)
        if (x ? k !== 0 : sr !== 0) return bad(i, `BPF_ALU uses reserved fields (opcode ${hex(c)})`)
        if (op === BPF_DIV || op === BPF_MOD) {
          if (o !== 0 && o !== 1) return bad(i, `BPF_ALU uses reserved fields (opcode ${hex(c)}, off ${o})`)
          if (!x && k === 0) return bad(i, "div by zero")
        } else if (op === BPF_MOV) {
          if (o !== 0) {
            if (!x || !(o === 8 || o === 16 || (is64 && o === 32))) {
              return bad(i, `BPF_MOV uses reserved fields (opcode ${hex(c)}, off ${o})`)
            }
          }
        } else if (o !== 0) {
          return bad(i, `BPF_ALU uses reserved fields (opcode ${hex(c)}, off ${o})`)
        }
        if (!x && (op === BPF_LSH || op === BPF_RSH || op === BPF_ARSH) && (k < 0 || k >= (is64 ? 64 : 32))) {
          return bad(i, `invalid shift ${k}`)
        }
        break
      }
      case BPF_JMP:
      case BPF_JMP32: {
        const x = (c & BPF_X) !== 0
        if (op === BPF_JA) {
          if (x || sr !== 0 || dr !== 0) return bad(i, `BPF_JA uses reserved fields (opcode ${hex(c)})`)
          if (cls === BPF_JMP ? k !== 0 : o !== 0) return bad(i, `BPF_JA uses reserved fields (opcode ${hex(c)})`)
          const t = i + 1 + (cls === BPF_JMP ? o : k)
          if (t < 0 || t >= n) return bad(i, `jump out of range from insn ${i} to ${t}`)
          break
        }
        if (op === BPF_CALL) {
          if (cls !== BPF_JMP || x || dr !== 0 || o !== 0) return bad(i, `BPF_CALL uses reserved fields (opcode ${hex(c)})`)
          if (sr === 0) {
            if (k === VM_HELPER_TAIL_CALL) {
              if (spec.tailCall === undefined) return bad(i, `unknown func bpf_tail_call#${k} (no prog-array resolver)`)
            } else if (k < 0 || spec.helpers[k] === undefined) {
              return bad(i, `unknown func ${spec.helperNames?.[k] ?? "helper"}#${k}`)
            }
          } else if (sr === BPF_PSEUDO_CALL) {
            const t = i + 1 + k
            if (t < 0 || t >= n) return bad(i, `call to invalid destination insn ${t}`)
          } else if (sr === BPF_PSEUDO_KFUNC_CALL) {
            if (k < 0 || k >= spec.kfuncs.length) return bad(i, `unknown kfunc index ${k} (program has ${spec.kfuncs.length} kfuncs)`)
          } else {
            return bad(i, `BPF_CALL uses reserved fields (src_reg ${sr})`)
          }
          break
        }
        if (op === BPF_EXIT) {
          if (cls !== BPF_JMP || x || sr !== 0 || dr !== 0 || o !== 0 || k !== 0) {
            return bad(i, `BPF_EXIT uses reserved fields (opcode ${hex(c)})`)
          }
          break
        }
        if (!isCondJump(op)) return bad(i, `unknown opcode ${hex(c)}`)
        if (x ? k !== 0 : sr !== 0) return bad(i, `BPF_JMP/JMP32 uses reserved fields (opcode ${hex(c)})`)
        {
          const t = i + 1 + o
          if (t < 0 || t >= n) return bad(i, `jump out of range from insn ${i} to ${t}`)
        }
        break
      }
      case BPF_LD: {
        if (c !== (BPF_LD | BPF_DW)) {
          if ((c & 0xe0) === 0x20 || (c & 0xe0) === 0x40) {
            return bad(i, "BPF_LD_[ABS|IND] instructions not allowed for this program type")
          }
          return bad(i, `unknown opcode ${hex(c)}`)
        }
        if (dr === 10) return bad(i, "frame pointer is read only")
        if (o !== 0) return bad(i, "invalid BPF_LD_IMM insn")
        if (i + 1 >= n) return bad(i, "invalid BPF_LD_IMM insn")
        if (code[i + 1] !== 0 || dst[i + 1] !== 0 || src[i + 1] !== 0 || off[i + 1] !== 0) {
          return bad(i, "invalid BPF_LD_IMM insn")
        }
        if (sr === BPF_PSEUDO_MAP_FD || sr === BPF_PSEUDO_MAP_IDX || sr === BPF_PSEUDO_MAP_VALUE || sr === BPF_PSEUDO_MAP_IDX_VALUE) {
          if (k < 0 || k >= maps.length) return bad(i, `map index ${k} out of range (program has ${maps.length} maps)`)
          const isValue = sr === BPF_PSEUDO_MAP_VALUE || sr === BPF_PSEUDO_MAP_IDX_VALUE
          if (!isValue && imm[i + 1] !== 0) return bad(i, "unrecognized bpf_ld_imm64 insn")
          if (isValue && (maps[k]?.value ?? -1) < 0) return bad(i, `map index ${k} has no direct value access`)
        } else if (sr === BPF_PSEUDO_BTF_ID) {
          return bad(i, "LD_IMM64 BPF_PSEUDO_BTF_ID (ksym variables) is not supported by the VM")
        } else if (sr === BPF_PSEUDO_FUNC) {
          return bad(i, "LD_IMM64 BPF_PSEUDO_FUNC (callbacks) is not supported by the VM")
        } else if (sr !== 0) {
          return bad(i, `unrecognized bpf_ld_imm64 src_reg ${sr}`)
        }
        ldSecond[i + 1] = 1
        break
      }
      case BPF_LDX: {
        const mode = c & 0xe0
        if (mode === BPF_MEMSX) {
          if ((c & 0x18) === BPF_DW) return bad(i, `unknown opcode ${hex(c)}`)
        } else if (mode !== BPF_MEM) {
          return bad(i, `unknown opcode ${hex(c)}`)
        }
        if (k !== 0) return bad(i, "BPF_LDX uses reserved fields")
        if (dr === 10) return bad(i, "frame pointer is read only")
        if (sr === 10) {
          const s = sizeBytes(c)
          if (o < -VM_FRAME_STACK_BYTES || o + s > 0) return bad(i, `invalid read from stack R10 off=${o} size=${s}`)
        }
        break
      }
      case BPF_ST:
      case BPF_STX: {
        const mode = c & 0xe0
        const s = sizeBytes(c)
        if (cls === BPF_ST) {
          if (mode !== BPF_MEM) return bad(i, `unknown opcode ${hex(c)}`)
          if (sr !== 0) return bad(i, "BPF_ST uses reserved fields")
        } else if (mode === BPF_ATOMIC) {
          if (s !== 4 && s !== 8) return bad(i, `invalid atomic operand size ${s}`)
          if (!ATOMIC_OPS.has(k)) return bad(i, `BPF_ATOMIC uses invalid atomic opcode ${hex(k)}`)
        } else if (mode === BPF_MEM) {
          if (k !== 0) return bad(i, "BPF_STX uses reserved fields")
        } else {
          return bad(i, `unknown opcode ${hex(c)}`)
        }
        if (dr === 10 && (o < -VM_FRAME_STACK_BYTES || o + s > 0)) {
          return bad(i, `invalid write to stack R10 off=${o} size=${s}`)
        }
        break
      }
      default:
        return bad(i, `unknown opcode ${hex(c)}`)
    }
  }

  // jump/call targets not into an LD_IMM64's second slot; subprogram starts
  const starts = new Set<number>([0])
  for (let i = 0; i < n; i++) {
    if (ldSecond[i] === 1) continue
    const c = code[i] as number
    const cls = c & 7
    if (cls !== BPF_JMP && cls !== BPF_JMP32) continue
    const op = c & 0xf0
    if (op === BPF_EXIT) continue
    if (op === BPF_CALL) {
      if (src[i] === BPF_PSEUDO_CALL) {
        const t = i + 1 + (imm[i] as number)
        if (ldSecond[t] === 1) return bad(i, `call to invalid destination insn ${t} (inside an LD_IMM64)`)
        starts.add(t)
      }
      continue
    }
    const t = i + 1 + (op === BPF_JA && cls === BPF_JMP32 ? (imm[i] as number) : (off[i] as number))
    if (ldSecond[t] === 1) return bad(i, `jump to insn ${t}, the middle of an LD_IMM64`)
  }
  const subprogs = [...starts].sort((a, b) => a - b)
  const subprogOf = new Int32Array(n)
  for (let s = 0; s < subprogs.length; s++) {
    const end = subprogs[s + 1] ?? n
    for (let i = subprogs[s] as number; i < end; i++) subprogOf[i] = s
    // last instruction: exit or unconditional jump
    let last = end - 1
    if (ldSecond[last] === 1) last -= 1
    const lc = code[last] as number
    const lop = lc & 0xf0
    const lcls = lc & 7
    const isJmpClass = lcls === BPF_JMP || lcls === BPF_JMP32
    if (ldSecond[end - 1] === 1 || !isJmpClass || !(lop === BPF_EXIT || lop === BPF_JA)) {
      return bad(end - 1, "last insn is not an exit or jmp")
    }
  }
  for (let i = 0; i < n; i++) {
    if (ldSecond[i] === 1) continue
    const c = code[i] as number
    const cls = c & 7
    if (cls !== BPF_JMP && cls !== BPF_JMP32) continue
    const op = c & 0xf0
    if (op === BPF_EXIT || op === BPF_CALL) continue
    const t = i + 1 + (op === BPF_JA && cls === BPF_JMP32 ? (imm[i] as number) : (off[i] as number))
    if (subprogOf[t] !== subprogOf[i]) return bad(i, `jump out of range from insn ${i} to ${t}`)
  }

  // basic blocks
  const leader = new Uint8Array(n)
  for (const s of subprogs) leader[s] = 1
  for (let i = 0; i < n; i++) {
    if (ldSecond[i] === 1) continue
    const c = code[i] as number
    const cls = c & 7
    if (cls !== BPF_JMP && cls !== BPF_JMP32) continue
    const op = c & 0xf0
    if (op === BPF_CALL) {
      if (src[i] === 0 && imm[i] === VM_HELPER_TAIL_CALL && i + 1 < n) leader[i + 1] = 1
      continue
    }
    if (i + 1 < n) leader[i + 1] = 1
    if (op === BPF_EXIT) continue
    const t = i + 1 + (op === BPF_JA && cls === BPF_JMP32 ? (imm[i] as number) : (off[i] as number))
    leader[t] = 1
  }
  const blockLen = new Int32Array(n)
  for (let i = 0; i < n; ) {
    let j = i
    let count = 0
    do {
      count++
      j += code[j] === (BPF_LD | BPF_DW) ? 2 : 1
    } while (j < n && leader[j] === 0)
    blockLen[i] = count
    i = j
  }

  // register dataflow (must-initialised) per subprogram
  const eff: RegEffect = { reads: 0, writes: 0, kills: 0 }
  const effect = (i: number): void => {
    const c = code[i] as number
    const cls = c & 7
    const op = c & 0xf0
    const dr = dst[i] as number
    const sr = src[i] as number
    eff.reads = 0
    eff.writes = 0
    eff.kills = 0
    switch (cls) {
      case BPF_ALU:
      case BPF_ALU64:
        if (op !== BPF_MOV) eff.reads |= bit(dr)
        if ((c & BPF_X) !== 0 && op !== BPF_NEG && op !== BPF_END) eff.reads |= bit(sr)
        eff.writes = bit(dr)
        return
      case BPF_LD:
        eff.writes = bit(dr)
        return
      case BPF_LDX:
        eff.reads = bit(sr)
        eff.writes = bit(dr)
        return
      case BPF_ST:
        eff.reads = bit(dr)
        return
      case BPF_STX:
        eff.reads = bit(dr) | bit(sr)
        if ((c & 0xe0) === BPF_ATOMIC) {
          const k = imm[i] as number
          if (k === BPF_CMPXCHG) {
            eff.reads |= bit(0)
            eff.writes = bit(0)
          } else if ((k & BPF_FETCH) !== 0) {
            eff.writes = bit(sr)
          }
        }
        return
      default: {
        if (op === BPF_JA) return
        if (op === BPF_EXIT) {
          eff.reads = bit(0)
          return
        }
        if (op === BPF_CALL) {
          eff.kills = 0x3e
          if (sr === 0 && imm[i] === VM_HELPER_TAIL_CALL) eff.kills |= 1
          else eff.writes = 1
          return
        }
        eff.reads = bit(dr)
        if ((c & BPF_X) !== 0) eff.reads |= bit(sr)
      }
    }
  }
  const ALL = 0x7ff
  const state = new Int32Array(n).fill(-1) // -1 = not reached yet
  const work: number[] = []
  for (let s = 0; s < subprogs.length; s++) {
    const st = subprogs[s] as number
    state[st] = s === 0 ? bit(1) | bit(10) : 0x3e | bit(10)
    work.push(st)
  }
  const flow = (t: number, set: number): void => {
    const prev = state[t] as number
    const next = prev === -1 ? set : prev & set
    if (next !== prev) {
      state[t] = next
      work.push(t)
    }
  }
  while (work.length > 0) {
    const i = work.pop() as number
    const inSet = state[i] as number
    effect(i)
    const missing = eff.reads & ~inSet & ALL
    if (missing !== 0) {
      const r = 31 - Math.clz32(missing & -missing)
      return bad(i, `R${r} !read_ok`)
    }
    const out = ((inSet & ~eff.kills) | eff.writes) & ALL
    const c = code[i] as number
    const cls = c & 7
    const op = c & 0xf0
    if (cls === BPF_JMP || cls === BPF_JMP32) {
      if (op === BPF_EXIT) continue
      if (op === BPF_JA) {
        flow(i + 1 + (cls === BPF_JMP32 ? (imm[i] as number) : (off[i] as number)), out)
        continue
      }
      if (op !== BPF_CALL) flow(i + 1 + (off[i] as number), out)
    }
    flow(i + (c === (BPF_LD | BPF_DW) ? 2 : 1), out)
  }

  return { ok: true, program: { insns: d, subprogs, subprogOf, leader, blockLen, ldSecond } }
}

