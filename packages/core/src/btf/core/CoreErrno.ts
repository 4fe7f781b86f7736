/**
 * The errno values the CO-RE pass reports, as libbpf returns them (negated) from
 * bpf_core_calc_relo_insn / bpf_core_patch_insn / bpf_object__relocate_core.
 * Values from include/uapi/asm-generic/errno-base.h and errno.h.
 */
export const Errno = {
  /** ENOENT, include/uapi/asm-generic/errno-base.h */
  ENOENT: 2,
  /** E2BIG, include/uapi/asm-generic/errno-base.h */
  E2BIG: 7,
  /** EINVAL, include/uapi/asm-generic/errno-base.h */
  EINVAL: 22,
  /** ERANGE, include/uapi/asm-generic/errno-base.h */
  ERANGE: 34,
  /** EOPNOTSUPP, include/uapi/asm-generic/errno.h */
  EOPNOTSUPP: 95,
  /** EUCLEAN, include/uapi/asm-generic/errno.h: libbpf's internal "poison this instruction" signal */
  EUCLEAN: 117
} as const
export type ErrnoName = keyof typeof Errno

/** the name of a (positive) errno value this module uses */
export const errnoName = (value: number): ErrnoName => {
  for (const [k, v] of Object.entries(Errno)) if (v === value) return k as ErrnoName
  return "EINVAL"
}
