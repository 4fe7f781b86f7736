/**
 * The instruction encodings and ELF relocation types the object loader rewrites, with their
 * kernel / LLVM values. Plain constants; the loader and the tests share them.
 *
 * - opcodes: include/uapi/linux/bpf_common.h (BPF_LD, BPF_JMP, BPF_DW, BPF_IMM, BPF_CALL) and
 *   include/uapi/linux/bpf.h (BPF_JMP32-free: calls are always BPF_JMP | BPF_CALL).
 * - src_reg markers: include/uapi/linux/bpf.h BPF_PSEUDO_* (what the kernel expects after
 *   libbpf's relocation; devtx's VM reads the same values).
 * - relocation types: the BPF ELF ABI of LLVM (llvm/include/llvm/BinaryFormat/ELFRelocs/BPF.def),
 *   as libbpf's bpf_object__collect_prog_relos sees them.
 */

/** BPF_LD | BPF_IMM | BPF_DW: the 16-byte 64-bit immediate load */
export const BPF_LD_IMM64_CODE = 0x18
/** BPF_JMP | BPF_CALL */
export const BPF_CALL_CODE = 0x85

/** LD_IMM64 src_reg values, include/uapi/linux/bpf.h */
export const BPF_PSEUDO_MAP_FD = 1
export const BPF_PSEUDO_MAP_VALUE = 2
export const BPF_PSEUDO_BTF_ID = 3
export const BPF_PSEUDO_FUNC = 4
/** CALL src_reg values, include/uapi/linux/bpf.h */
export const BPF_PSEUDO_CALL = 1
export const BPF_PSEUDO_KFUNC_CALL = 2

/** ELF relocation types for EM_BPF (LLVM BPF.def) */
export const R_BPF_NONE = 0
export const R_BPF_64_64 = 1
export const R_BPF_64_ABS64 = 2
export const R_BPF_64_ABS32 = 3
export const R_BPF_64_NODYLD32 = 4
export const R_BPF_64_32 = 10

/** sizeof(Elf64_Rel): r_offset u64, r_info u64 (sym << 32 | type), include/uapi/linux/elf.h */
export const ELF64_REL_SIZE = 16
