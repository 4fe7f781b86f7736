/**
 * Linux errno values, as positive numbers: the table lives in @devtx/bpf (src/kernel/Errno.ts),
 * which the BPF helpers, map operations and the CO-RE relocator return without depending on
 * core; core's modules keep importing it from here.
 */
export { Errno, type ErrnoName, errnoName } from "@devtx/bpf"
