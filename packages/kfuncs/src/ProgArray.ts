/**
 * BPF_MAP_TYPE_PROG_ARRAY and tail calls, enough to show the dev-bound rule: a device-bound
 * program cannot be inserted. kernel/bpf/core.c __bpf_prog_map_compatible returns false for
 * bpf_prog_is_dev_bound programs ("XDP programs inserted into maps are not guaranteed to run on
 * a particular netdev (and can run outside driver context entirely in the case of devmap and
 * cpumap)"), and the array map's prog_fd_array_get_ptr turns that into -EINVAL; an index at or
 * past max_entries is -E2BIG (array map update). The doc: "Adding programs that access metadata
 * kfuncs to the BPF_MAP_TYPE_PROG_ARRAY is currently not supported."
 *
 * bpfTailCall runs the program at `index` and returns its verdict, or -ENOENT when the slot is
 * empty or out of range (in BPF the call then falls through to the next instruction).
 */
import { type AttachedXdpProgram, Errno, type XdpBuff } from "@devtx/core"

/** BPF_MAP_TYPE_PROG_ARRAY, include/uapi/linux/bpf.h enum bpf_map_type (UNSPEC 0, HASH 1, ARRAY 2, PROG_ARRAY 3) */
export const BPF_MAP_TYPE_PROG_ARRAY = 3

export class ProgArray {
  readonly type = BPF_MAP_TYPE_PROG_ARRAY
  readonly entries: Array<AttachedXdpProgram | undefined>
  constructor(readonly maxEntries: number) {
    this.entries = new Array(maxEntries).fill(undefined)
  }
}

/** bpf_map_update_elem on a prog array: 0, -E2BIG, or -EINVAL for a dev-bound program. */
export const progArrayUpdate = (map: ProgArray, index: number, prog: AttachedXdpProgram): number => {
  if (!Number.isInteger(index) || index < 0 || index >= map.maxEntries) return -Errno.E2BIG
  if (prog.boundIfindex !== 0) return -Errno.EINVAL
  map.entries[index] = prog
  return 0
}

export const bpfTailCall = (ctx: XdpBuff, map: ProgArray, index: number): number => {
  const p = index >= 0 && index < map.maxEntries ? map.entries[index] : undefined
  return p === undefined ? -Errno.ENOENT : p.run(ctx)
}
