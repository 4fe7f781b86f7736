/**
 * A map as the object describes it (what libbpf's struct bpf_map holds after open), before
 * anything is created: BTF-defined maps from `.maps`, and the one-element array maps libbpf
 * makes of each `.data*`, `.rodata*` and `.bss*` section. The constants are the kernel's
 * (include/uapi/linux/bpf.h enum bpf_map_type, BPF_F_* map flags, BPF_ANY/NOEXIST/EXIST; the
 * values are checked against the running kernel's BTF by test/object/MapSpecs.test.ts).
 */
import type { TypeId } from "../btf/BtfType.js"

/** enum bpf_map_type, include/uapi/linux/bpf.h */
export const BpfMapType = {
  Unspec: 0,
  Hash: 1,
  Array: 2,
  ProgArray: 3,
  PerfEventArray: 4,
  PercpuHash: 5,
  PercpuArray: 6,
  StackTrace: 7,
  CgroupArray: 8,
  LruHash: 9,
  LruPercpuHash: 10,
  LpmTrie: 11,
  ArrayOfMaps: 12,
  HashOfMaps: 13,
  Devmap: 14,
  Sockmap: 15,
  Cpumap: 16,
  Xskmap: 17,
  Sockhash: 18,
  CgroupStorage: 19,
  ReuseportSockarray: 20,
  PercpuCgroupStorage: 21,
  Queue: 22,
  Stack: 23,
  SkStorage: 24,
  DevmapHash: 25,
  StructOps: 26,
  Ringbuf: 27,
  InodeStorage: 28,
  TaskStorage: 29,
  BloomFilter: 30,
  UserRingbuf: 31,
  CgrpStorage: 32,
  Arena: 33
} as const

/** BPF_MAP_TYPE_* name of a value ("BPF_MAP_TYPE_HASH"), `BPF_MAP_TYPE_<n>` for an unknown one */
export const bpfMapTypeName = (type: number): string => {
  for (const [k, v] of Object.entries(BpfMapType)) {
    if (v === type) return `BPF_MAP_TYPE_${k.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`
  }
  return `BPF_MAP_TYPE_${type}`
}

/** map_flags bits, include/uapi/linux/bpf.h */
export const BpfMapFlag = {
  NoPrealloc: 1,
  NoCommonLru: 2,
  NumaNode: 4,
  Rdonly: 8,
  Wronly: 16,
  ZeroSeed: 64,
  RdonlyProg: 128,
  WronlyProg: 256,
  Mmapable: 1024,
  PreserveElems: 2048,
  InnerMap: 4096
} as const

/** bpf_map_update_elem flags, include/uapi/linux/bpf.h */
export const BpfUpdateFlag = { Any: 0, NoExist: 1, Exist: 2, Lock: 4 } as const

/** enum libbpf_pin_type, tools/lib/bpf/libbpf.h */
export const LibbpfPin = { None: 0, ByName: 1 } as const

/** One DATASEC variable of a global-data map: what `bpftool map dump` shows by name. */
export interface GlobalVarSpec {
  readonly name: string
  /** byte offset inside the section (= the map value) */
  readonly offset: number
  readonly size: number
  /** the VAR's type id in the object's BTF */
  readonly typeId: TypeId
  /** BTF_VAR_STATIC (0) / BTF_VAR_GLOBAL_ALLOCATED (1) */
  readonly linkage: number
}

export interface MapSpec {
  /** the map's name: the .maps variable, or libbpf's internal name (`<obj>.bss`) */
  readonly name: string
  readonly type: number
  readonly keySize: number
  readonly valueSize: number
  readonly maxEntries: number
  readonly mapFlags: number
  readonly numaNode: number
  readonly mapExtra: number
  /** LibbpfPin */
  readonly pinning: number
  /** BTF ids of `__type(key, …)` / `__type(value, …)` (0 when given by size only) */
  readonly keyTypeId: TypeId
  readonly valueTypeId: TypeId
  /** where the map came from */
  readonly kind: "maps" | "data" | "rodata" | "bss"
  /** the ELF section: ".maps", ".bss", ".data.custom", ... */
  readonly section: string
  readonly sectionIndex: number
  /** byte offset of the map's definition in `.maps` (0 for global data) */
  readonly sectionOffset: number
  /** global data: the section's initial bytes (zeros for .bss); empty for .maps maps */
  readonly initialValue: Uint8Array
  /** global data: the DATASEC variables (empty for .maps maps and data without BTF) */
  readonly vars: ReadonlyArray<GlobalVarSpec>
}
