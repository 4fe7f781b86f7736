/**
 * eBPF opcode constants (include/uapi/linux/bpf_common.h, include/uapi/linux/bpf.h,
 * Documentation/bpf/standardization/instruction-set.rst). An instruction is 8 bytes, host order:
 *
 *    0        1        2        4                8
 *   +--------+--------+--------+----------------+
 *   | opcode |src|dst |  off   |      imm       |
 *   +--------+--------+--------+----------------+
 *     u8      u4  u4    s16          s32
 *
 * (byte 1: dst_reg in the low nibble, src_reg in the high nibble on little-endian hosts).
 * opcode = class (low 3 bits) | source/size/mode | operation. LD_IMM64 (BPF_LD|BPF_DW|BPF_IMM)
 * takes two slots; the second slot's imm is the upper 32 bits.
 */

// classes (bpf_common.h BPF_CLASS)
export const BPF_LD = 0x00
export const BPF_LDX = 0x01
export const BPF_ST = 0x02
export const BPF_STX = 0x03
export const BPF_ALU = 0x04
export const BPF_JMP = 0x05
export const BPF_JMP32 = 0x06
export const BPF_ALU64 = 0x07

// sizes (BPF_SIZE)
export const BPF_W = 0x00
export const BPF_H = 0x08
export const BPF_B = 0x10
export const BPF_DW = 0x18

// modes (BPF_MODE)
export const BPF_IMM = 0x00
export const BPF_ABS = 0x20
export const BPF_IND = 0x40
export const BPF_MEM = 0x60
export const BPF_MEMSX = 0x80
export const BPF_ATOMIC = 0xc0

// ALU operations (BPF_OP)
export const BPF_ADD = 0x00
export const BPF_SUB = 0x10
export const BPF_MUL = 0x20
export const BPF_DIV = 0x30
export const BPF_OR = 0x40
export const BPF_AND = 0x50
export const BPF_LSH = 0x60
export const BPF_RSH = 0x70
export const BPF_NEG = 0x80
export const BPF_MOD = 0x90
export const BPF_XOR = 0xa0
export const BPF_MOV = 0xb0
export const BPF_ARSH = 0xc0
export const BPF_END = 0xd0

// source (BPF_SRC)
export const BPF_K = 0x00
export const BPF_X = 0x08
// END direction
export const BPF_TO_LE = 0x00
export const BPF_TO_BE = 0x08

// jump operations
export const BPF_JA = 0x00
export const BPF_JEQ = 0x10
export const BPF_JGT = 0x20
export const BPF_JGE = 0x30
export const BPF_JSET = 0x40
export const BPF_JNE = 0x50
export const BPF_JSGT = 0x60
export const BPF_JSGE = 0x70
export const BPF_CALL = 0x80
export const BPF_EXIT = 0x90
export const BPF_JLT = 0xa0
export const BPF_JLE = 0xb0
export const BPF_JSLT = 0xc0
export const BPF_JSLE = 0xd0

// atomic operations (imm of BPF_STX|BPF_ATOMIC)
export const BPF_FETCH = 0x01
export const BPF_XCHG = 0xe0 | BPF_FETCH
export const BPF_CMPXCHG = 0xf0 | BPF_FETCH

// call src_reg (include/uapi/linux/bpf.h)
export const BPF_PSEUDO_CALL = 1
export const BPF_PSEUDO_KFUNC_CALL = 2

// LD_IMM64 src_reg
export const BPF_PSEUDO_MAP_FD = 1
export const BPF_PSEUDO_MAP_VALUE = 2
export const BPF_PSEUDO_BTF_ID = 3
export const BPF_PSEUDO_FUNC = 4
export const BPF_PSEUDO_MAP_IDX = 5
export const BPF_PSEUDO_MAP_IDX_VALUE = 6

/** size field -> bytes */
export const sizeBytes = (code: number): number => {
  switch (code & 0x18) {
    case BPF_W:
      return 4
    case BPF_H:
      return 2
    case BPF_B:
      return 1
    default:
      return 8
  }
}
