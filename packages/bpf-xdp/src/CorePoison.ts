/**
 * Instructions the loader poisoned: a CO-RE relocation that did not resolve (a field or type
 * the target BTF lacks, in code a bpf_core_*_exists() guard makes unreachable) is replaced, as
 * libbpf's bpf_core_poison_insn does, by `call 0xbad2310` (relo_core.c POISON_CALL_KFUNC_BASE
 * aside, the helper id 195896080). The kernel verifier accepts such an instruction in dead code
 * and rejects the program only when it is reachable ("invalid func unknown#195896080").
 * The VM checks calls at load, so the program types rewrite each poisoned call to helper id 0
 * (BPF_FUNC_unspec, never a callable helper) whose entry ends the run with a fault naming the
 * cause — the run-time form of "reachable".
 */
import { type VmCallFn, type VmExecFrame, VmFaultCode } from "@devtx/bpf"

/** libbpf's poison helper id (tools/lib/bpf/relo_core.c) */
export const BPF_CORE_POISON_HELPER = 0xbad2310

const CALL = 0x85

const JA = 0x05
const LD_IMM64 = 0x18
const MOV64_K = 0xb7
const MOV32_K = 0xb4
const EXIT = 0x95

/** Whether conditional jump `op` (BPF_JEQ ... BPF_JSLE, BPF_JSET) holds for a and b (64-bit as BigInt). */
const holds = (op: number, a: bigint, b: bigint, bits: 32 | 64): boolean | undefined => {
  const m = (1n << BigInt(bits)) - 1n
  const ua = a & m
  const ub = b & m
  const sa = BigInt.asIntN(bits, ua)
  const sb = BigInt.asIntN(bits, ub)
  switch (op) {
    case 0x10: return ua === ub
    case 0x50: return ua !== ub
    case 0x20: return ua > ub
    case 0x30: return ua >= ub
    case 0xa0: return ua < ub
    case 0xb0: return ua <= ub
    case 0x60: return sa > sb
    case 0x70: return sa >= sb
    case 0xc0: return sa < sb
    case 0xd0: return sa <= sb
    case 0x40: return (ua & ub) !== 0n
    default: return undefined
  }
}

/**
 * Load-time rewrite (control plane, BigInt allowed), the part of the verifier's dead-code
 * handling the VM's image checker cannot do (it is not path-sensitive):
 * 1. a conditional jump on a register that holds a constant set earlier in the same basic block
 *    (how clang leaves a relocated bpf_core_type_exists() / field-size constant: `r1 = 0;
 *    if r1 == 0 goto ...`) becomes `goto` or a no-op `goto +0`, as opt_hard_wire_dead_code_branches
 *    does — so code only reachable through the decided-against edge is no longer reachable;
 * 2. every poisoned call becomes a call of helper 0, the fault below.
 * Returns a copy, or `insns` itself when nothing changed.
 */
export const rewriteCorePoison = (insns: Uint8Array): Uint8Array => {
  const n = insns.length >> 3
  const src = new DataView(insns.buffer, insns.byteOffset, insns.byteLength)
  const leader = new Uint8Array(n + 1)
  for (let i = 0; i < n; i++) {
    const code = insns[i * 8]!
    const cls = code & 7
    if (code === LD_IMM64) {
      i++
      continue
    }
    if ((cls === 5 || cls === 6) && code !== CALL && code !== EXIT) {
      const t = i + 1 + src.getInt16(i * 8 + 2, true)
      if (t >= 0 && t <= n) leader[t] = 1
      leader[i + 1] = 1
    }
  }
  let out: Uint8Array | undefined
  const w = (): DataView => {
    out ??= insns.slice()
    return new DataView(out.buffer)
  }
  const known: Array<bigint | undefined> = new Array(11).fill(undefined)
  for (let i = 0; i < n; i++) {
    if (leader[i] === 1) known.fill(undefined)
    const at = i * 8
    const code = insns[at]!
    const regs = insns[at + 1]!
    const dst = regs & 0x0f
    const imm = src.getInt32(at + 4, true)
    const cls = code & 7
    if (code === LD_IMM64) {
      known[dst] = undefined
      i++
      continue
    }
    if (code === CALL) {
      if ((regs & 0xf0) === 0 && imm === BPF_CORE_POISON_HELPER) w().setInt32(at + 4, 0, true)
      for (let r = 0; r <= 5; r++) known[r] = undefined
      continue
    }
    if (code === MOV64_K) known[dst] = BigInt(imm)
    else if (code === MOV32_K) known[dst] = BigInt(imm >>> 0)
    else if (cls === 4 || cls === 7 || cls === 1) known[dst] = undefined // ALU, ALU64, LDX write dst
    else if (cls === 3 && (code & 0xe0) === 0xc0) {
      // atomics with BPF_FETCH / CMPXCHG write a register: forget both operands
      known[dst] = undefined
      known[(regs >> 4) & 0x0f] = undefined
      known[0] = undefined
    } else if ((cls === 5 || cls === 6) && (code & 0x08) === 0 && code !== JA && code !== EXIT) {
      const a = known[dst]
      const res = a === undefined ? undefined : holds(code & 0xf0, a, BigInt(imm), cls === 6 ? 32 : 64)
      if (res !== undefined) {
        const v = w()
        v.setUint8(at, JA)
        v.setUint8(at + 1, 0)
        if (!res) v.setInt16(at + 2, 0, true)
        v.setInt32(at + 4, 0, true)
      }
    }
  }
  return out ?? insns
}

export const corePoisonReached: VmCallFn = (f) => {
  const frame = f as VmExecFrame
  frame.fault.code = VmFaultCode.CallFault
  frame.fault.message =
    "reached an instruction the loader poisoned: its CO-RE relocation did not resolve against the bound driver's BTF (libbpf: invalid func unknown#195896080)"
  return 0
}

/** A helper table with helper 0 as the poisoned-instruction fault. */
export const withCorePoison = (t: Array<VmCallFn | undefined>): Array<VmCallFn | undefined> => {
  t[0] = corePoisonReached
  return t
}

/** Instruction indexes of the poisoned calls left in an image (after rewriteCorePoison: helper 0). */
export const poisonedInsns = (insns: Uint8Array): number[] => {
  const v = new DataView(insns.buffer, insns.byteOffset, insns.byteLength)
  const out: number[] = []
  for (let at = 0; at + 8 <= insns.length; at += 8) {
    const code = insns[at]!
    if (code === LD_IMM64) {
      at += 8
      continue
    }
    if (code === CALL && (insns[at + 1]! & 0xf0) === 0 && (v.getInt32(at + 4, true) === 0 || v.getInt32(at + 4, true) === BPF_CORE_POISON_HELPER))
      out.push(at >> 3)
  }
  return out
}

/**
 * A load refusal of an image with poisoned instructions, said as what it is: code the CO-RE
 * relocation could not resolve, reachable (the image checker saw its consequences).
 */
export const corePoisonLoadReason = (insns: Uint8Array, reason: string): string => {
  const at = poisonedInsns(insns)
  return at.length === 0
    ? reason
    : `CO-RE relocation did not resolve against the bound driver's BTF for insn ${at.join(", ")} (poisoned as libbpf does) and the code is reachable: ${reason}`
}
