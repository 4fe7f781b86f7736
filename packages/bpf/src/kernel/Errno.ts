/**
 * Linux errno values devtx returns, as positive numbers (include/uapi/asm-generic/errno-base.h,
 * include/uapi/asm-generic/errno.h, include/linux/errno.h for the kernel-internal ENOTSUPP).
 * Per-packet functions return `0` or `-Errno.X`, exactly as the kernel's kfuncs and helpers do.
 */
export const Errno = {
  /** errno-base.h */
  EPERM: 1,
  ENOENT: 2,
  E2BIG: 7,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  /** errno.h */
  ENODATA: 61,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ENOBUFS: 105,
  /** libbpf's internal "poison this instruction" signal in the CO-RE pass (bpf_core_calc_relo_insn) */
  EUCLEAN: 117,
  /** include/linux/errno.h: kernel-internal, returned by bpf_xdp_adjust_meta when the driver has no data_meta support */
  ENOTSUPP: 524
} as const
export type ErrnoName = keyof typeof Errno

const byValue = new Map<number, ErrnoName>(
  (Object.keys(Errno) as ErrnoName[]).map((name) => [Errno[name], name])
)

/** "ENODATA" for 61 or -61; `E<n>` for a value devtx does not name. */
export const errnoName = (code: number): string => byValue.get(Math.abs(code)) ?? `E${Math.abs(code)}`
