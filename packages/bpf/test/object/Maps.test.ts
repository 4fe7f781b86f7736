/**
 * Run-time maps and the map helpers: kernel semantics of array / percpu array / hash / prog
 * array operations called as VmCallFn with VM pointers, the creation checks, and the constants
 * (enum bpf_map_type, bpf_func_id, update and map flags) against the running kernel's BTF.
 */
import { existsSync, readFileSync } from "node:fs"
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { BtfKind } from "../../src/btf/BtfType.js"
import { Errno } from "../../src/kernel/Errno.js"
import type { ArrayMap } from "../../src/maps/datapath/ArrayMap.js"
import type { BpfMap } from "../../src/maps/datapath/BpfMap.js"
import { makeRegion } from "../../src/maps/datapath/BpfMap.js"
import type { HashMap } from "../../src/maps/datapath/HashMap.js"
import {
  BPF_FUNC_map_delete_elem,
  BPF_FUNC_map_lookup_elem,
  BPF_FUNC_map_update_elem,
  bpfMapDeleteElem,
  bpfMapLookupElem,
  bpfMapUpdateElem
} from "../../src/maps/datapath/MapHelpers.js"
import { type ProgArrayMap, progArrayTailCall } from "../../src/maps/datapath/ProgArrayMap.js"
import { createMap } from "../../src/maps/MapFactory.js"
import { GPL_ONLY_HELPERS } from "../../src/object/License.js"
import { BpfMapFlag, BpfMapType, BpfUpdateFlag, bpfMapTypeName, type MapSpec } from "../../src/object/MapSpec.js"
import { VM_PTR_HI_BASE, type VmCallFrame, VmRegionKind } from "../../src/vm/VmTypes.js"
import { load } from "./objectTestTools.js"

const specs = load("maps.o").maps
const spec = (name: string): MapSpec => specs.find((m) => m.name === name)!
const create = (s: MapSpec, cpus?: number): BpfMap => {
  const r = createMap(s, cpus === undefined ? {} : { cpus })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}

/** a VM frame with the map's regions and a 64-byte "stack" holding keys and values */
const frameFor = (map: BpfMap) => {
  const stack = makeRegion("stack", VmRegionKind.Stack, new Uint8Array(64), true)
  const frame: VmCallFrame = { r0hi: 0, regions: [stack, map.handleRegion, map.valueRegion], runState: undefined }
  const hi = (i: number) => VM_PTR_HI_BASE + i
  const dv = stack.view
  const call = (fn: typeof bpfMapLookupElem, ...args: Array<number>) => {
    frame.r0hi = 0
    const a = [...args, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    const lo = fn(frame, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!)
    return { hi: frame.r0hi >>> 0, lo: lo >>> 0 }
  }
  return {
    frame,
    stack,
    lookup: (keyOff: number) => call(bpfMapLookupElem, hi(1), 0, hi(0), keyOff),
    update: (keyOff: number, valOff: number, flags: number) => call(bpfMapUpdateElem, hi(1), 0, hi(0), keyOff, hi(0), valOff, 0, flags),
    remove: (keyOff: number) => call(bpfMapDeleteElem, hi(1), 0, hi(0), keyOff),
    dv
  }
}
const NULL = { hi: 0, lo: 0 }
const neg = (e: number) => ({ hi: 0xffffffff, lo: -e >>> 0 })
const ok = { hi: 0, lo: 0 }

describe("BPF_MAP_TYPE_ARRAY", () => {
  const map = create(spec("arr"))
  const f = frameFor(map)
  test("lookup gives a VM pointer into the value region (elem_size = round_up(16, 8)), NULL past max_entries", () => {
    f.dv.setUint32(0, 1, true)
    expect(f.lookup(0)).toEqual({ hi: VM_PTR_HI_BASE + 2, lo: 16 })
    f.dv.setUint32(0, 4, true)
    expect(f.lookup(0)).toEqual(NULL)
  })
  test("update: value copied; -EEXIST on BPF_NOEXIST, -E2BIG past the end, -EINVAL on bad flags or BPF_F_LOCK; delete -EINVAL", () => {
    f.dv.setUint32(0, 2, true)
    f.dv.setBigUint64(8, 0x1122334455667788n, true)
    f.dv.setBigUint64(16, 0x99n, true)
    expect(f.update(0, 8, BpfUpdateFlag.Any)).toEqual(ok)
    expect(Array.from(map.valueRegion.bytes.subarray(32, 48))).toEqual(Array.from(f.stack.bytes.subarray(8, 24)))
    expect(f.update(0, 8, BpfUpdateFlag.Exist)).toEqual(ok)
    expect(f.update(0, 8, BpfUpdateFlag.NoExist)).toEqual(neg(Errno.EEXIST))
    expect(f.update(0, 8, 3)).toEqual(neg(Errno.EINVAL))
    expect(f.update(0, 8, BpfUpdateFlag.Lock)).toEqual(neg(Errno.EINVAL))
    f.dv.setUint32(0, 4, true)
    expect(f.update(0, 8, BpfUpdateFlag.Any)).toEqual(neg(Errno.E2BIG))
    expect(f.remove(0)).toEqual(neg(Errno.EINVAL))
  })
  test("a key outside any region: NULL / -EFAULT (what the verifier would refuse)", () => {
    expect(f.lookup(62)).toEqual(NULL)
    expect(f.update(62, 0, 0)).toEqual(neg(Errno.EFAULT))
  })
})

describe("BPF_MAP_TYPE_PERCPU_ARRAY", () => {
  test("cpus option: the program sees the value of the CPU it runs on; default one CPU", () => {
    const one = create(spec("pcpu")) as ArrayMap
    expect(one.valueRegion.bytes.length).toBe(2 * 8)
    const two = create(spec("pcpu"), 2) as ArrayMap
    expect(two.valueRegion.bytes.length).toBe(2 * 2 * 8)
    const f = frameFor(two)
    f.dv.setUint32(0, 1, true)
    expect(f.lookup(0)).toEqual({ hi: VM_PTR_HI_BASE + 2, lo: 16 })
    two.cpu = 1
    expect(f.lookup(0)).toEqual({ hi: VM_PTR_HI_BASE + 2, lo: 24 })
    f.dv.setBigUint64(8, 7n, true)
    expect(f.update(0, 8, 0)).toEqual(ok)
    expect(two.valueRegion.view.getBigUint64(24, true)).toBe(7n)
    expect(two.valueRegion.view.getBigUint64(16, true)).toBe(0n)
  })
})

describe("BPF_MAP_TYPE_HASH (max_entries 3)", () => {
  const map = create(spec("devtx_obj_flows")) as HashMap
  const f = frameFor(map)
  const key = (k: number) => {
    f.dv.setBigUint64(0, BigInt(k), true)
    return 0
  }
  f.dv.setUint32(8, 0xabcd, true)
  test("new keys until full, then -E2BIG; replacing an existing key still works", () => {
    for (const k of [10, 20, 30]) expect(f.update(key(k), 8, BpfUpdateFlag.NoExist)).toEqual(ok)
    expect(map.count).toBe(3)
    expect(f.update(key(40), 8, BpfUpdateFlag.Any)).toEqual(neg(Errno.E2BIG))
    expect(f.update(key(20), 8, BpfUpdateFlag.Any)).toEqual(ok)
    expect(f.update(key(20), 8, BpfUpdateFlag.Exist)).toEqual(ok)
  })
  test("BPF_NOEXIST on a present key -EEXIST, BPF_EXIST on a missing key -ENOENT, flags > BPF_EXIST -EINVAL", () => {
    expect(f.update(key(10), 8, BpfUpdateFlag.NoExist)).toEqual(neg(Errno.EEXIST))
    expect(f.update(key(99), 8, BpfUpdateFlag.Exist)).toEqual(neg(Errno.ENOENT))
    expect(f.update(key(99), 8, 3)).toEqual(neg(Errno.EINVAL))
  })
  test("lookup returns the element's value; delete frees a slot; a missing key -ENOENT / NULL", () => {
    const p = f.lookup(key(30))
    expect(p.hi).toBe(VM_PTR_HI_BASE + 2)
    expect(map.valueRegion.view.getUint32(p.lo, true)).toBe(0xabcd)
    expect(f.remove(key(30))).toEqual(ok)
    expect(f.lookup(key(30))).toEqual(NULL)
    expect(f.remove(key(30))).toEqual(neg(Errno.ENOENT))
    expect(f.update(key(40), 8, BpfUpdateFlag.NoExist)).toEqual(ok)
    expect(
      map
        .keysPresent()
        .map((k) => new DataView(k.buffer).getBigUint64(0, true))
        .sort()
    ).toEqual([10n, 20n, 40n])
  })
})

describe("BPF_MAP_TYPE_PROG_ARRAY", () => {
  test("slots hold program handles; -E2BIG out of range, -ENOENT clearing an empty slot; programs cannot touch it", () => {
    const map = create(spec("jmp")) as ProgArrayMap<string>
    expect(map.setProgram(3, "prog-a")).toBe(0)
    expect(map.programAt(3)).toBe("prog-a")
    expect(map.programAt(8)).toBeUndefined()
    expect(map.setProgram(8, "x")).toBe(-Errno.E2BIG)
    expect(map.clearProgram(3)).toBe(0)
    expect(map.clearProgram(3)).toBe(-Errno.ENOENT)
    const f = frameFor(map)
    f.dv.setUint32(0, 3, true)
    expect(f.lookup(0)).toEqual(NULL)
    expect(f.update(0, 8, 0)).toEqual(neg(Errno.EOPNOTSUPP))
  })
})

describe("createMap checks (map_alloc_check)", () => {
  const base = spec("arr")
  const fails = (s: Partial<MapSpec>) => {
    const r = createMap({ ...base, ...s })
    return Result.isFailure(r) ? `${r.failure.errno}: ${r.failure.message}` : "created"
  }
  test("array: key_size 4, value_size and max_entries > 0, no hash flags", () => {
    expect(fails({ keySize: 8 })).toMatch(/^EINVAL: map 'arr': array map needs key_size 4/)
    expect(fails({ maxEntries: 0 })).toMatch(/^EINVAL/)
    expect(fails({ mapFlags: BpfMapFlag.NoPrealloc })).toMatch(/^EINVAL/)
    expect(fails({ mapFlags: BpfMapFlag.RdonlyProg | BpfMapFlag.WronlyProg })).toMatch(/^EINVAL/)
    expect(fails({ type: BpfMapType.PercpuArray, mapFlags: BpfMapFlag.Mmapable })).toMatch(/^EINVAL: .*BPF_F_MMAPABLE/)
    expect(fails({ maxEntries: 0x10000000 })).toMatch(/^ENOMEM/)
    // kernel/bpf/arraymap.c array_map_alloc_check: value_size > INT_MAX -> -E2BIG, before any allocation
    expect(fails({ valueSize: 2 ** 31 })).toBe("E2BIG: map 'arr': value_size 2147483648 above INT_MAX (-E2BIG)")
  })
  test("hash: key and value sizes > 0; prog array value_size 4; redirect maps are the XDP program type's", () => {
    expect(fails({ type: BpfMapType.Hash, keySize: 0 })).toMatch(/^EINVAL/)
    expect(fails({ type: BpfMapType.Hash, mapFlags: BpfMapFlag.Mmapable })).toMatch(/^EINVAL/)
  })
  test("hash: -E2BIG before any allocation, at the kernel's bounds (checked with bpftool map create on 6.18)", () => {
    const hash = (s: Partial<MapSpec>) => fails({ type: BpfMapType.Hash, keySize: 4, valueSize: 4, maxEntries: 1, mapFlags: BpfMapFlag.NoPrealloc, ...s })
    // kernel/bpf/hashtab.c htab_map_alloc_check: key_size + value_size >= KMALLOC_MAX_SIZE (4 MiB) - sizeof(struct htab_elem) (48)
    expect(hash({ valueSize: 4194252 })).toMatch(/^E2BIG: map 'arr': key_size 4 \+ value_size 4194252 >= KMALLOC_MAX_SIZE/)
    expect(hash({ valueSize: 4194251 })).toBe("created")
    // kernel/bpf/hashtab.c htab_map_alloc: roundup_pow_of_two(max_entries) > U32_MAX / sizeof(struct bucket) (16)
    expect(hash({ maxEntries: 2 ** 27 + 1 })).toMatch(/^E2BIG: map 'arr': max_entries 134217729: 268435456 buckets/)
    expect(hash({ maxEntries: 2 ** 31 + 1 })).toMatch(/^E2BIG/)
    expect(hash({ maxEntries: 2 ** 27 })).toMatch(/^ENOMEM/) // the kernel allocates it; devtx's map cap
    expect(fails({ type: BpfMapType.ProgArray, valueSize: 8 })).toMatch(/^EINVAL: map 'arr': prog array value_size must be 4/)
    expect(fails({ type: BpfMapType.Xskmap })).toBe(
      "EOPNOTSUPP: map 'arr': BPF_MAP_TYPE_XSKMAP at run time is the XDP program type's (redirect targets), not built by createMap (-EOPNOTSUPP)"
    )
    expect(fails({ type: BpfMapType.Ringbuf })).toMatch(/^EOPNOTSUPP: map 'arr': BPF_MAP_TYPE_RINGBUF is not modelled/)
  })
  test("global data: initial bytes in place, .rodata read-only for programs", () => {
    const g = load("globals.o").maps
    const data = create(g[0]!)
    expect(data.valueRegion.view.getInt32(0, true)).toBe(-3)
    expect(data.valueRegion.writable).toBe(true)
    expect(create(g[1]!).valueRegion.writable).toBe(false)
  })
  test(".rodata through bpf_map_update_elem / bpf_map_delete_elem: -EACCES, nothing written", () => {
    // kernel/bpf/verifier.c record_func_map: update/delete on a BPF_F_RDONLY_PROG map is
    // refused at load ("write into map forbidden", -EACCES)
    const g = load("globals.o").maps
    const ro = g.find((m) => m.kind === "rodata")!
    expect(ro.mapFlags & BpfMapFlag.RdonlyProg).toBe(BpfMapFlag.RdonlyProg)
    const map = create(ro)
    const before = map.valueRegion.bytes.slice()
    const f = frameFor(map)
    f.dv.setUint32(0, 0, true)
    expect(ro.valueSize).toBeLessThanOrEqual(56) // the value fits the frame's 64-byte stack after the key
    for (let i = 8; i < 8 + ro.valueSize; i++) f.dv.setUint8(i, 0xa5)
    expect(f.update(0, 8, BpfUpdateFlag.Any)).toEqual(neg(Errno.EACCES))
    expect(f.remove(0)).toEqual(neg(Errno.EACCES))
    expect(map.valueRegion.bytes).toEqual(before)
  })
})

const VMLINUX = "/sys/kernel/btf/vmlinux"
describe.runIf(existsSync(VMLINUX))("constants against the running kernel's BTF", () => {
  const btf = (() => {
    const r = decodeBtf(new Uint8Array(readFileSync(VMLINUX)))
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    return r.success
  })()
  const enumerators = new Map<string, number>()
  for (const t of btf.types) if (t.kind === BtfKind.Enum) for (const v of t.values) enumerators.set(v.name, v.value)
  test("enum bpf_map_type: every BpfMapType value", () => {
    for (const v of Object.values(BpfMapType)) expect([bpfMapTypeName(v), enumerators.get(bpfMapTypeName(v))]).toEqual([bpfMapTypeName(v), v])
  })
  test("enum bpf_func_id: the map helpers", () => {
    expect(enumerators.get("BPF_FUNC_map_lookup_elem")).toBe(BPF_FUNC_map_lookup_elem)
    expect(enumerators.get("BPF_FUNC_map_update_elem")).toBe(BPF_FUNC_map_update_elem)
    expect(enumerators.get("BPF_FUNC_map_delete_elem")).toBe(BPF_FUNC_map_delete_elem)
  })
  test("enum bpf_func_id: every GPL-only helper the loader refuses for a non-GPL program", () => {
    for (const [id, name] of GPL_ONLY_HELPERS) {
      const n = `BPF_FUNC_${name.replace(/^bpf_/, "")}`
      expect([n, enumerators.get(n)]).toEqual([n, id])
    }
  })
  test("update flags and map flags", () => {
    expect([enumerators.get("BPF_ANY"), enumerators.get("BPF_NOEXIST"), enumerators.get("BPF_EXIST"), enumerators.get("BPF_F_LOCK")]).toEqual([
      BpfUpdateFlag.Any,
      BpfUpdateFlag.NoExist,
      BpfUpdateFlag.Exist,
      BpfUpdateFlag.Lock
    ])
    const names: Record<keyof typeof BpfMapFlag, string> = {
      NoPrealloc: "BPF_F_NO_PREALLOC",
      NoCommonLru: "BPF_F_NO_COMMON_LRU",
      NumaNode: "BPF_F_NUMA_NODE",
      Rdonly: "BPF_F_RDONLY",
      Wronly: "BPF_F_WRONLY",
      ZeroSeed: "BPF_F_ZERO_SEED",
      RdonlyProg: "BPF_F_RDONLY_PROG",
      WronlyProg: "BPF_F_WRONLY_PROG",
      Mmapable: "BPF_F_MMAPABLE",
      PreserveElems: "BPF_F_PRESERVE_ELEMS",
      InnerMap: "BPF_F_INNER_MAP"
    }
    for (const [k, n] of Object.entries(names)) expect([n, enumerators.get(n)]).toEqual([n, BpfMapFlag[k as keyof typeof BpfMapFlag]])
  })
})

describe("progArrayTailCall (VmTailCallFn)", () => {
  test("null past max_entries or on another map, undefined for an empty slot, the program otherwise", () => {
    const jmp = create(spec("jmp")) as ProgArrayMap<never>
    const arr = create(spec("arr"))
    const frame: VmCallFrame = { r0hi: 0, regions: [jmp.handleRegion, arr.handleRegion], runState: undefined }
    const fake = { name: "target" } as never
    expect(jmp.setProgram(2, fake)).toBe(0)
    expect(progArrayTailCall(frame, VM_PTR_HI_BASE, 0, 2)).toBe(fake)
    expect(progArrayTailCall(frame, VM_PTR_HI_BASE, 0, 3)).toBeUndefined()
    expect(progArrayTailCall(frame, VM_PTR_HI_BASE, 0, 8)).toBeNull()
    expect(progArrayTailCall(frame, VM_PTR_HI_BASE + 1, 0, 0)).toBeNull()
  })
})
