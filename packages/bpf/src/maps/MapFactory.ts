/**
 * Creates the run-time map for a MapSpec, with the kernel's creation checks (map_create →
 * ops->map_alloc_check): kernel/bpf/arraymap.c array_map_alloc_check and
 * fd_array_map_alloc_check, kernel/bpf/hashtab.c htab_map_alloc_check and htab_map_alloc's size
 * checks (-E2BIG before any allocation). Failures are a typed
 * MapCreateError with the errno BPF_MAP_CREATE would return.
 *
 * Built: ARRAY, PERCPU_ARRAY (`cpus` CPUs, default 1), HASH, PROG_ARRAY. XSKMAP, DEVMAP and
 * CPUMAP specs are parsed by the loader; their run-time form (redirect targets) belongs to the
 * XDP program type, so they are refused here by name, as is every other type.
 * devtx caps one map's memory at MAX_MAP_BYTES (-ENOMEM above it; the kernel's limit is memcg).
 */
import { Data, Result } from "effect"
import { Errno, type ErrnoName } from "../kernel/Errno.js"
import { BpfMapFlag, BpfMapType, bpfMapTypeName, type MapSpec } from "../object/MapSpec.js"
import { ArrayMap } from "./datapath/ArrayMap.js"
import type { BpfMap } from "./datapath/BpfMap.js"
import { roundUp8 } from "./datapath/BpfMap.js"
import { HashMap } from "./datapath/HashMap.js"
import { ProgArrayMap } from "./datapath/ProgArrayMap.js"

export const MAX_MAP_BYTES = 64 * 1024 * 1024
/** PCPU_MIN_UNIT_SIZE, include/linux/percpu.h (32 KiB) */
const PCPU_MIN_UNIT_SIZE = 32 << 10
/**
 * KMALLOC_MAX_SIZE, include/linux/slab.h: 1 << (MAX_PAGE_ORDER + PAGE_SHIFT) = 1 << (10 + 12)
 * on x86-64 (4 MiB)
 */
const KMALLOC_MAX_SIZE = 1 << 22
/** sizeof(struct htab_elem), kernel/bpf/hashtab.c, x86-64 (pahole -C htab_elem /sys/kernel/btf/vmlinux) */
const HTAB_ELEM_SIZE = 48
/** sizeof(struct bucket), kernel/bpf/hashtab.c: hlist_nulls_head + rqspinlock_t, padded (x86-64) */
const HTAB_BUCKET_SIZE = 16
const U32_MAX = 0xffffffff

/** roundup_pow_of_two for 1 <= n <= 2^31 */
const roundupPowOfTwo = (n: number): number => {
  let p = 1
  while (p < n) p *= 2
  return p
}

export class MapCreateError extends Data.TaggedError("MapCreateError")<{
  readonly map: string
  readonly errno: ErrnoName
  readonly reason: string
}> {
  override get message(): string {
    return `map '${this.map}': ${this.reason} (-${this.errno})`
  }
}

export interface CreateMapOptions {
  /** CPUs the per-CPU maps hold values for; default 1 (devtx's VM runs one CPU) */
  readonly cpus?: number
}

const ACCESS_MASK = BpfMapFlag.Rdonly | BpfMapFlag.RdonlyProg | BpfMapFlag.Wronly | BpfMapFlag.WronlyProg
const ARRAY_CREATE_FLAG_MASK = BpfMapFlag.NumaNode | BpfMapFlag.Mmapable | ACCESS_MASK | BpfMapFlag.PreserveElems | BpfMapFlag.InnerMap
const HTAB_CREATE_FLAG_MASK = BpfMapFlag.NoPrealloc | BpfMapFlag.NoCommonLru | BpfMapFlag.NumaNode | ACCESS_MASK | BpfMapFlag.ZeroSeed

/** bpf_map_flags_access_ok: not both read-only and write-only for programs */
const accessOk = (flags: number): boolean =>
  (flags & (BpfMapFlag.RdonlyProg | BpfMapFlag.WronlyProg)) !== (BpfMapFlag.RdonlyProg | BpfMapFlag.WronlyProg)

export const createMap = (spec: MapSpec, options: CreateMapOptions = {}): Result.Result<BpfMap, MapCreateError> => {
  const cpus = options.cpus ?? 1
  const fail = (errno: ErrnoName, reason: string) => Result.fail(new MapCreateError({ map: spec.name, errno, reason }))
  if (!Number.isInteger(cpus) || cpus < 1) return fail("EINVAL", `cpus must be a positive integer, got ${cpus}`)
  const arrayCheck = (percpu: boolean): MapCreateError | undefined => {
    const f = spec.mapFlags
    if (spec.maxEntries === 0 || spec.keySize !== 4 || spec.valueSize === 0 || (f & ~ARRAY_CREATE_FLAG_MASK) !== 0 || !accessOk(f)) {
      return new MapCreateError({ map: spec.name, errno: "EINVAL", reason: `array map needs key_size 4, value_size > 0, max_entries > 0 and array flags (key_size ${spec.keySize}, value_size ${spec.valueSize}, max_entries ${spec.maxEntries}, map_flags 0x${f.toString(16)})` })
    }
    if (spec.type !== BpfMapType.Array && (f & (BpfMapFlag.Mmapable | BpfMapFlag.InnerMap)) !== 0) {
      return new MapCreateError({ map: spec.name, errno: "EINVAL", reason: "BPF_F_MMAPABLE / BPF_F_INNER_MAP only on BPF_MAP_TYPE_ARRAY" })
    }
    if ((f & BpfMapFlag.PreserveElems) !== 0) {
      return new MapCreateError({ map: spec.name, errno: "EINVAL", reason: "BPF_F_PRESERVE_ELEMS only on BPF_MAP_TYPE_PERF_EVENT_ARRAY" })
    }
    // array_map_alloc_check: "avoid overflow on round_up(map->value_size)"
    if (spec.valueSize > 0x7fffffff) {
      return new MapCreateError({ map: spec.name, errno: "E2BIG", reason: `value_size ${spec.valueSize} above INT_MAX` })
    }
    if (percpu && roundUp8(spec.valueSize) > PCPU_MIN_UNIT_SIZE) {
      return new MapCreateError({ map: spec.name, errno: "E2BIG", reason: `per-CPU value_size ${spec.valueSize} above PCPU_MIN_UNIT_SIZE` })
    }
    return undefined
  }
  const bytes = (n: number) => n > MAX_MAP_BYTES
  switch (spec.type) {
    case BpfMapType.Array:
    case BpfMapType.PercpuArray: {
      const percpu = spec.type === BpfMapType.PercpuArray
      const e = arrayCheck(percpu)
      if (e !== undefined) return Result.fail(e)
      if (bytes(spec.maxEntries * roundUp8(spec.valueSize) * (percpu ? cpus : 1))) return fail("ENOMEM", `values above devtx's ${MAX_MAP_BYTES}-byte map cap`)
      return Result.succeed(new ArrayMap(spec, cpus))
    }
    case BpfMapType.ProgArray: {
      if (spec.valueSize !== 4) return fail("EINVAL", `prog array value_size must be 4 (a program fd), got ${spec.valueSize}`)
      if ((spec.mapFlags & (BpfMapFlag.RdonlyProg | BpfMapFlag.WronlyProg)) !== 0) return fail("EINVAL", "prog array with BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG")
      const e = arrayCheck(false)
      if (e !== undefined) return Result.fail(e)
      if (bytes(spec.maxEntries * 8)) return fail("ENOMEM", `slots above devtx's ${MAX_MAP_BYTES}-byte map cap`)
      return Result.succeed(new ProgArrayMap(spec))
    }
    case BpfMapType.Hash: {
      const f = spec.mapFlags
      if ((f & ~HTAB_CREATE_FLAG_MASK) !== 0 || !accessOk(f)) return fail("EINVAL", `hash map_flags 0x${f.toString(16)} outside HTAB_CREATE_FLAG_MASK`)
      if ((f & BpfMapFlag.NoCommonLru) !== 0) return fail("EINVAL", "BPF_F_NO_COMMON_LRU on a non-LRU hash")
      if (spec.maxEntries === 0 || spec.keySize === 0 || spec.valueSize === 0) {
        return fail("EINVAL", `hash map needs key_size, value_size and max_entries > 0 (${spec.keySize}, ${spec.valueSize}, ${spec.maxEntries})`)
      }
      // htab_map_alloc_check: an element must stay kmalloc-able
      if (spec.keySize + spec.valueSize >= KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE) {
        return fail("E2BIG", `key_size ${spec.keySize} + value_size ${spec.valueSize} >= KMALLOC_MAX_SIZE - sizeof(struct htab_elem) (${KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE})`)
      }
      // htab_map_alloc: max_entries > 1 << 31, or n_buckets = roundup_pow_of_two(max_entries) > U32_MAX / sizeof(struct bucket)
      if (spec.maxEntries > 2 ** 31 || roundupPowOfTwo(spec.maxEntries) > Math.floor(U32_MAX / HTAB_BUCKET_SIZE)) {
        return fail("E2BIG", `max_entries ${spec.maxEntries}: ${roundupPowOfTwo(Math.min(spec.maxEntries, 2 ** 31))} buckets above U32_MAX / sizeof(struct bucket)`)
      }
      if (bytes(spec.maxEntries * (roundUp8(spec.valueSize) + spec.keySize + 16))) return fail("ENOMEM", `elements above devtx's ${MAX_MAP_BYTES}-byte map cap`)
      return Result.succeed(new HashMap(spec))
    }
    case BpfMapType.Xskmap:
    case BpfMapType.Devmap:
    case BpfMapType.Cpumap:
      return fail("EOPNOTSUPP", `${bpfMapTypeName(spec.type)} at run time is the XDP program type's (redirect targets), not built by createMap`)
    default:
      return fail("EOPNOTSUPP", `${bpfMapTypeName(spec.type)} is not modelled by devtx`)
  }
}

/** Errno value of a MapCreateError, negative as BPF_MAP_CREATE returns it */
export const mapCreateErrno = (e: MapCreateError): number => -Errno[e.errno]
