/**
 * End to end: globals.o loaded by the object loader, its global-data maps created as run-time
 * maps, the program run in devtx's VM (both engines), then the globals dumped as bpftool would
 * print them after the runs.
 */
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import { createMap } from "../../src/maps/MapFactory.js"
import { dumpGlobalsMap, globalsOf } from "../../src/object/GlobalsDump.js"
import { Vm } from "../../src/vm/Vm.js"
import { loadVmProgramSync } from "../../src/vm/VmLoader.js"
import { VM_PTR_HI_BASE, type VmCallFn, type VmEngine, VmRegionKind } from "../../src/vm/VmTypes.js"
import { load } from "./objectTestTools.js"

const runGlobals = (engine: VmEngine, runs: number, frameLen: number) => {
  const obj = load("globals.o")
  const prog = obj.programs[0]!
  const vm = new Vm()
  const maps = obj.maps.map((spec) => {
    const m = createMap(spec)
    if (Result.isFailure(m)) throw new Error(m.failure.message)
    const map = m.success
    const value = vm.addRegion({ ...map.valueRegion, kind: VmRegionKind.MapValue })
    const handle = vm.addRegion({ ...map.handleRegion, kind: VmRegionKind.MapHandle, map })
    return { map, regions: { handle, value } }
  })
  const ctx = vm.addRegion({ name: "xdp_md", kind: VmRegionKind.Ctx, bytes: new Uint8Array(24), writable: false })
  let printk = 0
  // bpf_trace_printk (6): counted; the test asserts when the program calls it
  const tracePrintk: VmCallFn = () => {
    printk++
    return 0
  }
  const helpers: Array<VmCallFn | undefined> = []
  helpers[6] = tracePrintk
  const loaded = loadVmProgramSync(vm, {
    name: prog.name,
    insns: prog.image,
    helpers,
    kfuncs: [],
    maps: maps.map((m) => m.regions),
    // struct xdp_md: data at 0, data_end at 4 (offsets into a frame of frameLen bytes)
    ctxLoad: (_f, off, _size, out) => {
      if (off !== 0 && off !== 4) return -1
      out[0] = 0
      out[1] = off === 0 ? 0 : frameLen
      return 0
    }
  }, { engine })
  if (!("run" in loaded)) throw new Error(loaded.message)
  for (let i = 0; i < runs; i++) {
    expect(loaded.run(VM_PTR_HI_BASE + ctx, 0)).toBe(0)
    expect(vm.resultLo).toBe(2) // XDP_PASS
  }
  return { obj, maps, printk }
}

describe("globals.o in the VM, globals dumped after the runs", () => {
  for (const engine of ["jit", "interpreter"] as const) {
    test(`${engine}: three 60-byte frames`, () => {
      const { obj, maps, printk } = runGlobals(engine, 3, 60)
      expect(printk).toBe(0)
      const bss = maps.find((m) => m.map.spec.section === ".bss")!.map
      const vars = Object.fromEntries(globalsOf(obj.btf!, bss.spec, bss.valueRegion.bytes).map((v) => [v.name, v.text]))
      expect(vars).toEqual({
        counter: "3",
        st: '{"packets":3,"last_len":60,"ports":[0,80]}',
        hidden_bss: "6"
      })
      expect(dumpGlobalsMap(obj.btf!, bss.spec, bss.valueRegion.bytes)).toBe(
        [
          "[{",
          '        "value": {',
          '            ".bss": [{',
          '                    "counter": 3',
          "                },{",
          '                    "st": {',
          '                        "packets": 3,',
          '                        "last_len": 60,',
          '                        "ports": [0,80',
          "                        ]",
          "                    }",
          "                },{",
          '                    "hidden_bss": 6',
          "                }",
          "            ]",
          "        }",
          "    }",
          "]",
          ""
        ].join("\n")
      )
      const data = maps.find((m) => m.map.spec.section === ".data")!.map
      expect(globalsOf(obj.btf!, data.spec, data.valueRegion.bytes).map((v) => `${v.name}=${v.text}`)).toEqual([
        "level=-3",
        "mac=[2,0,0,0,0,253]"
      ])
      const custom = maps.find((m) => m.map.spec.section === ".data.custom")!.map
      expect(globalsOf(obj.btf!, custom.spec, custom.valueRegion.bytes)[0]!.text).toBe(String(0xabcd + 3 * 9))
    })
  }
  test("a frame longer than the .rodata limit takes the bpf_printk branch", () => {
    expect(runGlobals("interpreter", 1, 1600).printk).toBe(1)
  })
})
