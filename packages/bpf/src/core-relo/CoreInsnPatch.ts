/**
 * Applying a resolved relocation to a BPF instruction (libbpf src/relo_core.c
 * bpf_core_patch_insn / bpf_core_poison_insn, libbpf 1.1.2).
 *
 * Contract:
 * - Mutates `insns` in place; returns 0 or a negative errno; `log` receives libbpf's lines.
 * - Poison: the instruction becomes `call 0xbad2310` (code BPF_JMP|BPF_CALL = 0x85, regs and off
 *   0, imm 195896080); for an LD_IMM64 the second half is poisoned first, then the first.
 * - ALU/ALU64 with BPF_K: imm := new value (truncated to s32). LDX/ST/STX: off := new value
 *   (must be <= SHRT_MAX), and the memory size changes with the field size (poisoned instead when
 *   the size change is unsafe). LD_IMM64: the 64-bit immediate across both halves.
 * - With `validate`, the instruction's current value must equal the value computed from the
 *   local BTF ("unexpected insn #.. value"), else -EINVAL.
 */
import type { BpfInsn } from "../elf/ElfObject.js"
import type { CoreReloRes } from "./CoreCalc.js"
import { Errno } from "../kernel/Errno.js"

/** BPF_CLASS values, include/uapi/linux/bpf_common.h */
const BPF_LD = 0x00
const BPF_LDX = 0x01
const BPF_ST = 0x02
const BPF_STX = 0x03
const BPF_ALU = 0x04
const BPF_JMP = 0x05
const BPF_ALU64 = 0x07
/** BPF_SIZE values, include/uapi/linux/bpf_common.h */
const BPF_W = 0x00
const BPF_H = 0x08
const BPF_B = 0x10
const BPF_DW = 0x18
/** BPF_IMM mode, BPF_K source, BPF_CALL op, include/uapi/linux/bpf_common.h */
const BPF_IMM = 0x00
const BPF_K = 0x00
const BPF_CALL = 0x80
/** the LD_IMM64 opcode: BPF_LD | BPF_IMM | BPF_DW */
export const BPF_LD_IMM64 = BPF_LD | BPF_IMM | BPF_DW
/** BPF_JMP | BPF_CALL */
export const BPF_CALL_INSN = BPF_JMP | BPF_CALL
/** bpf_core_poison_insn: 195896080 = 0xbad2310 ("bad relo"), libbpf src/relo_core.c */
export const CORE_POISON_IMM = 195896080
/** SHRT_MAX: the largest LDX/ST/STX offset */
const SHRT_MAX = 0x7fff

const bpfClass = (code: number): number => code & 0x07
const bpfSize = (code: number): number => code & 0x18
const bpfMode = (code: number): number => code & 0xe0
const bpfSrc = (code: number): number => code & 0x08

/** insn_bpf_size_to_bytes */
const sizeToBytes = (code: number): number => {
  switch (bpfSize(code)) {
    case BPF_DW:
      return 8
    case BPF_W:
      return 4
    case BPF_H:
      return 2
    case BPF_B:
      return 1
    default:
      return -1
  }
}

/** insn_bytes_to_bpf_size */
const bytesToSize = (sz: number): number => {
  switch (sz) {
    case 8:
      return BPF_DW
    case 4:
      return BPF_W
    case 2:
      return BPF_H
    case 1:
      return BPF_B
    default:
      return -1
  }
}

/** printf %llu of a C value converted to __u64 (sign-extending signed ints) */
const asU64 = (v: number | bigint): bigint => BigInt.asUintN(64, BigInt(v))

export interface PatchContext {
  readonly progName: string
  readonly reloIndex: number
  /** program-relative instruction index */
  readonly insnIndex: number
  readonly log: (line: string) => void
}

const poisonInsn = (ctx: PatchContext, insnIndex: number, insn: BpfInsn): void => {
  ctx.log(`prog '${ctx.progName}': relo #${ctx.reloIndex}: substituting insn #${insnIndex} w/ invalid insn`)
  insn.code = BPF_CALL_INSN
  insn.dst = 0
  insn.src = 0
  insn.off = 0
  insn.imm = CORE_POISON_IMM
}

/** bpf_core_patch_insn */
export const patchInsn = (insns: Array<BpfInsn>, ctx: PatchContext, res: CoreReloRes): number => {
  const idx = ctx.insnIndex
  const insn = insns[idx]
  const pfx = `prog '${ctx.progName}': relo #${ctx.reloIndex}:`
  if (insn === undefined) return -Errno.EINVAL
  const poison = (): number => {
    const next = insns[idx + 1]
    // poison the second half of ldimm64 too, to avoid the verifier's "unknown opcode 00"
    if (insn.code === BPF_LD_IMM64 && next !== undefined) poisonInsn(ctx, idx + 1, next)
    poisonInsn(ctx, idx, insn)
    return 0
  }
  if (res.poison) return poison()

  const origVal = res.origValue
  const newVal = res.newValue
  switch (bpfClass(insn.code)) {
    case BPF_ALU:
    case BPF_ALU64: {
      if (bpfSrc(insn.code) !== BPF_K) return -Errno.EINVAL
      if (res.validate && asU64(insn.imm) !== origVal) {
        ctx.log(
          `${pfx} unexpected insn #${idx} (ALU/ALU64) value: got ${insn.imm >>> 0}, exp ${origVal} -> ${newVal}`
        )
        return -Errno.EINVAL
      }
      const was = asU64(insn.imm)
      insn.imm = Number(BigInt.asIntN(32, newVal))
      ctx.log(`${pfx} patched insn #${idx} (ALU/ALU64) imm ${was} -> ${newVal}`)
      return 0
    }
    case BPF_LDX:
    case BPF_ST:
    case BPF_STX: {
      if (res.validate && asU64(insn.off) !== origVal) {
        ctx.log(
          `${pfx} unexpected insn #${idx} (LDX/ST/STX) value: got ${insn.off >>> 0}, exp ${origVal} -> ${newVal}`
        )
        return -Errno.EINVAL
      }
      if (newVal > BigInt(SHRT_MAX)) {
        ctx.log(`${pfx} insn #${idx} (LDX/ST/STX) value too big: ${newVal}`)
        return -Errno.ERANGE
      }
      if (res.failMemszAdjust) {
        ctx.log(
          `${pfx} insn #${idx} (LDX/ST/STX) accesses field incorrectly. Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.`
        )
        return poison()
      }
      const was = asU64(insn.off)
      insn.off = Number(BigInt.asIntN(16, newVal))
      ctx.log(`${pfx} patched insn #${idx} (LDX/ST/STX) off ${was} -> ${newVal}`)
      if (res.newSize !== res.origSize) {
        const insnBytes = sizeToBytes(insn.code)
        if (insnBytes !== res.origSize) {
          ctx.log(`${pfx} insn #${idx} (LDX/ST/STX) unexpected mem size: got ${insnBytes}, exp ${res.origSize}`)
          return -Errno.EINVAL
        }
        const newSize = bytesToSize(res.newSize)
        if (newSize < 0) {
          ctx.log(`${pfx} insn #${idx} (LDX/ST/STX) invalid new mem size: ${res.newSize}`)
          return -Errno.EINVAL
        }
        insn.code = bpfMode(insn.code) | newSize | bpfClass(insn.code)
        ctx.log(`${pfx} patched insn #${idx} (LDX/ST/STX) mem_sz ${res.origSize} -> ${res.newSize}`)
      }
      return 0
    }
    case BPF_LD: {
      const hi = insns[idx + 1]
      if (
        insn.code !== BPF_LD_IMM64 ||
        hi === undefined ||
        insn.src !== 0 ||
        insn.off !== 0 ||
        hi.code !== 0 ||
        hi.dst !== 0 ||
        hi.src !== 0 ||
        hi.off !== 0
      ) {
        ctx.log(`${pfx} insn #${idx} (LDIMM64) has unexpected form`)
        return -Errno.EINVAL
      }
      const imm = (BigInt(hi.imm >>> 0) << 32n) | BigInt(insn.imm >>> 0)
      if (res.validate && imm !== origVal) {
        ctx.log(`${pfx} unexpected insn #${idx} (LDIMM64) value: got ${imm}, exp ${origVal} -> ${newVal}`)
        return -Errno.EINVAL
      }
      insn.imm = Number(BigInt.asIntN(32, newVal))
      hi.imm = Number(BigInt.asIntN(32, newVal >> 32n))
      ctx.log(`${pfx} patched insn #${idx} (LDIMM64) imm64 ${imm} -> ${newVal}`)
      return 0
    }
    default: {
      const hex = (v: number): string => (v >>> 0).toString(16)
      ctx.log(
        `${pfx} trying to relocate unrecognized insn #${idx}, code:0x${hex(insn.code)}, src:0x${hex(insn.src)}, dst:0x${hex(insn.dst)}, off:0x${hex(insn.off)}, imm:0x${hex(insn.imm)}`
      )
      return -Errno.EINVAL
    }
  }
}
