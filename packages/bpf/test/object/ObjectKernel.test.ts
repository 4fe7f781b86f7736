/**
 * The loader against libbpf + the kernel: the same fixture loaded with `bpftool prog load[all]`
 * (libbpf 1.1 creating the maps in the running kernel) must show the same programs and the same
 * maps (names, types, key/value sizes, max_entries, flags), and `bpftool map dump` of each global-
 * data map must print exactly what dumpGlobalsMap prints for the object's initial values.
 * Needs root, bpftool and bpffs; everything pinned is removed, also on failure.
 */
import { execFileSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"
import { afterAll, describe, expect, test } from "vitest"
import { dumpGlobalsMap } from "../../src/object/GlobalsDump.js"
import { BpfMapFlag, BpfMapType, bpfMapTypeName } from "../../src/object/MapSpec.js"
import { hasTool, load, TESTDATA } from "./objectTestTools.js"

const canLoad = hasTool("bpftool") && process.getuid?.() === 0 && existsSync("/sys/fs/bpf")
const PIN = `/sys/fs/bpf/devtx_obj_test_${process.pid}`
const FLOWS_PIN = "/sys/fs/bpf/devtx_obj_flows"

const bpftool = (...args: Array<string>): string => execFileSync("bpftool", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
const json = <T>(...args: Array<string>): T => JSON.parse(bpftool("-j", ...args)) as T

interface KMap {
  readonly id: number
  readonly name: string
  readonly type: string
  readonly bytes_key: number
  readonly bytes_value: number
  readonly max_entries: number
  readonly flags: number
}
interface KProg {
  readonly name: string
  readonly map_ids?: ReadonlyArray<number>
}

/** "array" for BPF_MAP_TYPE_ARRAY, as bpftool names types */
const bpftoolType = (type: number) => bpfMapTypeName(type).slice("BPF_MAP_TYPE_".length).toLowerCase()

describe.runIf(canLoad)("against libbpf and the running kernel (bpftool prog load)", () => {
  afterAll(() => {
    rmSync(PIN, { recursive: true, force: true })
  })
  test("globals.o: global-data maps by name, type, sizes and flags; bpftool map dump equals our dump", () => {
    const obj = load("globals.o")
    rmSync(PIN, { recursive: true, force: true })
    try {
      bpftool("prog", "load", `${TESTDATA}globals.o`, PIN)
      const prog = json<KProg>("prog", "show", "pinned", PIN)
      expect(prog.name).toBe("count")
      const kmaps = (prog.map_ids ?? []).map((id) => json<KMap>("map", "show", "id", String(id)))
      const ours = obj.maps.map((m) => [m.name, bpftoolType(m.type), m.keySize, m.valueSize, m.maxEntries, m.mapFlags])
      const theirs = kmaps.map((m) => [m.name, m.type, m.bytes_key, m.bytes_value, m.max_entries, m.flags])
      expect([...theirs].sort()).toEqual([...ours].sort())
      for (const m of obj.maps) {
        const k = kmaps.find((x) => x.name === m.name)!
        expect(dumpGlobalsMap(obj.btf!, m, m.initialValue)).toBe(bpftool("map", "dump", "id", String(k.id)))
      }
    } finally {
      rmSync(PIN, { recursive: true, force: true })
    }
  })
  test.runIf(!existsSync(FLOWS_PIN))("maps.o: programs and BTF-defined maps (bpftool prog loadall)", () => {
    const obj = load("maps.o")
    rmSync(PIN, { recursive: true, force: true })
    try {
      bpftool("prog", "loadall", `${TESTDATA}maps.o`, PIN)
      const progs = obj.programs.map((p) => json<KProg>("prog", "show", "pinned", `${PIN}/${p.name}`))
      expect(progs.map((p) => p.name)).toEqual(obj.programs.map((p) => p.name))
      const ids = [...new Set(progs.flatMap((p) => p.map_ids ?? []))]
      const kmaps = ids.map((id) => json<KMap>("map", "show", "id", String(id)))
      const theirs = kmaps.map((m) => [m.name, m.type, m.bytes_key, m.bytes_value, m.max_entries, m.flags]).sort()
      // the kernel itself adds BPF_F_RDONLY_PROG to a DEVMAP (kernel/bpf/devmap.c dev_map_init_map:
      // lookups return a pointer to the entry); the object's spec does not carry it
      const kernelFlags = (m: (typeof obj.maps)[number]) => m.mapFlags | (m.type === BpfMapType.Devmap ? BpfMapFlag.RdonlyProg : 0)
      const ours = obj.maps.map((m) => [m.name, bpftoolType(m.type), m.keySize, m.valueSize, m.maxEntries, kernelFlags(m)]).sort()
      expect(theirs).toEqual(ours)
      // LIBBPF_PIN_BY_NAME: libbpf pinned the hash map under its name
      expect(existsSync(FLOWS_PIN)).toBe(true)
    } finally {
      rmSync(PIN, { recursive: true, force: true })
      rmSync(FLOWS_PIN, { force: true })
    }
  })
})
