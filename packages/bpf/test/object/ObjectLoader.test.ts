/**
 * The object loader on clang-built fixtures (testdata/*.bpf.c, build.sh): programs by section
 * and symbol, subprograms appended in libbpf's order with pc-relative calls, the instruction
 * image against llvm-objdump, big-endian objects converted to host order, map specs, global
 * data maps and their variables, kfunc lists, CO-RE against a test target BTF.
 */
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import { BtfBuilder } from "../../src/btf/BtfBuilder.js"
import { BtfKind } from "../../src/btf/BtfType.js"
import type { BpfInsn } from "../../src/elf/ElfObject.js"
import {
  BPF_CALL_CODE,
  BPF_LD_IMM64_CODE,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE
} from "../../src/object/BpfInsnCodes.js"
import { BpfMapFlag, BpfMapType, LibbpfPin } from "../../src/object/MapSpec.js"
import type { LoadedProgram } from "../../src/object/ObjectLoader.js"
import { fixture, hasTool, load, loadError, objdumpFunctions } from "./objectTestTools.js"

const progNames = (o: { programs: ReadonlyArray<LoadedProgram> }) => o.programs.map((p) => `${p.section}:${p.name}`)

/** the subprogram a bpf-to-bpf call at `i` lands on */
const callTarget = (p: LoadedProgram, i: number): string => {
  const insn = p.insns[i]!
  const target = i + insn.imm + 1
  const sub = p.subprograms.find((s) => s.start === target)
  return sub?.name ?? `insn #${target}`
}

const calls = (p: LoadedProgram): Array<string> =>
  p.insns.flatMap((insn, i) => (insn.code === BPF_CALL_CODE && insn.src === BPF_PSEUDO_CALL ? [`${i}->${callTarget(p, i)}`] : []))

describe("programs, sections and subprograms (progs.o)", () => {
  const obj = load("progs.o")
  test("one program per FUNC symbol, in section then offset order, .text only as subprograms", () => {
    expect(progNames(obj)).toEqual([
      "xdp:xdp_first",
      "xdp:xdp_second",
      "xdp.frags:xdp_frags_prog",
      "devtx/xdp/submit:tx_xdp_submit",
      "devtx/xdp/complete:tx_xdp_complete",
      "devtx/skb/submit:tx_skb_submit",
      "devtx/skb/complete:tx_skb_complete"
    ])
    expect(obj.programs.map((p) => p.def.frags)).toEqual([false, false, true, false, false, false, false])
    expect(obj.programs.map((p) => p.def.hook ?? p.def.programType)).toEqual([
      "xdp",
      "xdp",
      "xdp",
      "xdp/submit",
      "xdp/complete",
      "skb/submit",
      "skb/complete"
    ])
    expect(obj.license).toBe("Dual BSD/GPL")
    expect(obj.maps).toEqual([])
  })
  test("subprograms appended depth-first on first call (bpf_object__reloc_code), calls pc-relative", () => {
    const byName = new Map(obj.programs.map((p) => [p.name, p]))
    const first = byName.get("xdp_first")!
    // xdp_first: 4 insns, then sub_global (3), then sub_static (4) which sub_global calls
    expect(first.subprograms).toEqual([
      { name: "sub_global", start: 4 },
      { name: "sub_static", start: 7 }
    ])
    expect(calls(first)).toEqual(["1->sub_global", "4->sub_static"])
    expect(first.insns).toHaveLength(11)
    const second = byName.get("xdp_second")!
    expect(second.subprograms.map((s) => s.name)).toEqual(["sub_leaf", "sub_global", "sub_static"])
    expect(calls(second)).toEqual(["1->sub_leaf", "4->sub_global", "11->sub_static"])
    // a static callee reached through the .text section symbol (imm = offset - 1)
    const submit = byName.get("tx_xdp_submit")!
    expect(submit.subprograms).toEqual([{ name: "sub_static", start: 3 }])
    expect(calls(submit)).toEqual(["1->sub_static"])
    expect(byName.get("tx_xdp_complete")!.subprograms).toEqual([])
    for (const p of obj.programs) expect(p.image.length).toBe(p.insns.length * 8)
  })
  test.runIf(hasTool("llvm-objdump"))("every piece of every image equals llvm-objdump's bytes except the relocated call imms", () => {
    const fns = objdumpFunctions("progs.o")
    let compared = 0
    for (const p of obj.programs) {
      const pieces = [{ name: p.name, start: 0 }, ...p.subprograms]
      for (const piece of pieces) {
        const ref = fns.get(piece.name)!
        for (let k = 0; k < ref.length; k++) {
          const at = (piece.start + k) * 8
          const mine = p.image.subarray(at, at + 8)
          const theirs = ref[k]!.bytes
          if (theirs[0] === BPF_CALL_CODE && (theirs[1]! >> 4) === BPF_PSEUDO_CALL) {
            expect(Array.from(mine.subarray(0, 4))).toEqual(Array.from(theirs.subarray(0, 4)))
          } else {
            expect(Array.from(mine)).toEqual(Array.from(theirs))
          }
          compared++
        }
      }
    }
    expect(compared).toBe(obj.programs.reduce((n, p) => n + p.insns.length, 0))
  })
  test("a big-endian object (-target bpfeb) loads to the same host-order images", () => {
    const be = load("progs.bpfeb.o")
    expect(be.littleEndian).toBe(false)
    expect(progNames(be)).toEqual(progNames(obj))
    for (let i = 0; i < obj.programs.length; i++) {
      expect(be.programs[i]!.insns).toEqual(obj.programs[i]!.insns)
      expect(be.programs[i]!.image).toEqual(obj.programs[i]!.image)
      expect(be.programs[i]!.subprograms).toEqual(obj.programs[i]!.subprograms)
    }
  })
  test("line info follows the appended subprograms", () => {
    const first = obj.programs[0]!
    expect(first.lineInfo.length).toBeGreaterThan(0)
    expect(first.lineInfo.every((l) => l.file.endsWith("progs.bpf.c"))).toBe(true)
    const inSub = first.lineInfo.filter((l) => l.insnIndex >= 4 && l.insnIndex < 7)
    expect(inSub.map((l) => l.source.trim())).toContain("return sub_static(x) + 7;")
  })
})

const ldImm64s = (p: LoadedProgram): Array<{ i: number; src: number; imm: number; imm2: number }> =>
  p.insns.flatMap((insn: BpfInsn, i) =>
    insn.code === BPF_LD_IMM64_CODE ? [{ i, src: insn.src, imm: insn.imm, imm2: p.insns[i + 1]!.imm }] : []
  )

describe("maps (maps.o)", () => {
  const obj = load("maps.o")
  test("BTF-defined map specs: type, key/value sizes and BTF types, max_entries, flags, pinning", () => {
    const specs = obj.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.mapFlags, m.pinning])
    expect(specs).toEqual([
      ["arr", BpfMapType.Array, 4, 16, 4, 0, 0],
      ["pcpu", BpfMapType.PercpuArray, 4, 8, 2, 0, 0],
      ["devtx_obj_flows", BpfMapType.Hash, 8, 4, 3, BpfMapFlag.NoPrealloc, LibbpfPin.ByName],
      ["jmp", BpfMapType.ProgArray, 4, 4, 8, 0, 0],
      ["xsks", BpfMapType.Xskmap, 4, 4, 16, 0, 0],
      ["cpus", BpfMapType.Cpumap, 4, 8, 2, 0, 0],
      ["devs", BpfMapType.Devmap, 4, 8, 4, 0, 0]
    ])
    const arr = obj.maps[0]!
    expect(obj.btf!.typeById(arr.valueTypeId)).toMatchObject({ kind: BtfKind.Struct, name: "pair" })
    expect(obj.btf!.typeById(arr.keyTypeId)).toMatchObject({ kind: BtfKind.Typedef, name: "__u32" })
    expect(obj.maps[1]!.keyTypeId).toBe(0) // __uint(key_size, 4): no key type
  })
  test("LD_IMM64 of a map: src_reg BPF_PSEUDO_MAP_FD, imm = map index; helpers used", () => {
    const use = obj.programs.find((p) => p.name === "use_maps")!
    const refs = ldImm64s(use)
    expect(refs.every((r) => r.src === BPF_PSEUDO_MAP_FD && r.imm2 === 0)).toBe(true)
    expect(refs.map((r) => obj.maps[r.imm]!.name)).toEqual(["arr", "pcpu", "devtx_obj_flows", "devtx_obj_flows", "jmp", "xsks"])
    expect(use.helperIds).toEqual([1, 2, 3, 12, 51])
    const toDev = obj.programs.find((p) => p.name === "to_dev")!
    expect(ldImm64s(toDev).map((r) => obj.maps[r.imm]!.name).sort()).toEqual(["cpus", "devs"])
  })
  test("big-endian object: same specs and relocated programs", () => {
    const be = load("maps.bpfeb.o")
    expect(be.maps.map(({ initialValue: _i, ...m }) => m)).toEqual(obj.maps.map(({ initialValue: _i, ...m }) => m))
    expect(be.programs.map((p) => p.insns)).toEqual(obj.programs.map((p) => p.insns))
  })
})

describe("global data (globals.o)", () => {
  const obj = load("globals.o")
  test("one array map per data section, libbpf's names, flags, sizes and DATASEC variables", () => {
    expect(obj.maps.map((m) => [m.name, m.kind, m.section, m.type, m.keySize, m.valueSize, m.maxEntries, m.mapFlags])).toEqual([
      ["globals.data", "data", ".data", BpfMapType.Array, 4, 10, 1, BpfMapFlag.Mmapable],
      ["globals.rodata", "rodata", ".rodata", BpfMapType.Array, 4, 23, 1, BpfMapFlag.Mmapable | BpfMapFlag.RdonlyProg],
      [".data.custom", "data", ".data.custom", BpfMapType.Array, 4, 4, 1, BpfMapFlag.Mmapable],
      [".rodata.custom", "rodata", ".rodata.custom", BpfMapType.Array, 4, 2, 1, BpfMapFlag.Mmapable | BpfMapFlag.RdonlyProg],
      ["globals.bss", "bss", ".bss", BpfMapType.Array, 4, 28, 1, BpfMapFlag.Mmapable]
    ])
    const vars = (i: number) => obj.maps[i]!.vars.map((v) => `${v.name}@${v.offset}+${v.size}`)
    expect(vars(0)).toEqual(["level@0+4", "mac@4+6"])
    expect(vars(1)).toEqual(["limit@0+4", "tag@4+8", "count.____fmt@12+11"])
    expect(vars(4)).toEqual(["counter@0+8", "st@8+16", "hidden_bss@24+4"])
    expect(Array.from(obj.maps[0]!.initialValue)).toEqual([0xfd, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1])
    expect(obj.maps[4]!.initialValue).toEqual(new Uint8Array(28))
  })
  test("LD_IMM64 of a global: BPF_PSEUDO_MAP_VALUE, imm = map index, second imm = offset in the value", () => {
    const count = obj.programs[0]!
    const refs = ldImm64s(count).map((r) => `${r.src}:${obj.maps[r.imm]!.name}+${r.imm2}`)
    const V = BPF_PSEUDO_MAP_VALUE
    expect(refs).toEqual([
      `${V}:globals.data+0`, // level
      `${V}:globals.data+4`, // mac
      `${V}:globals.bss+0`, // counter
      `${V}:globals.bss+24`, // hidden_bss, through the .bss section symbol (imm 24)
      `${V}:.rodata.custom+0`,
      `${V}:.data.custom+0`,
      `${V}:globals.bss+8`, // st
      `${V}:globals.rodata+0`, // limit
      `${V}:globals.rodata+12`, // the bpf_printk format, through the .rodata section symbol
      `${V}:globals.rodata+4` // tag
    ])
    expect(count.helperIds).toEqual([6])
  })
  test("object names as libbpf derives them (basename up to the first '.')", () => {
    expect(load("globals.o", { objectName: "/tmp/a_very_long_object_name.bpf.o" }).maps.map((m) => m.name)).toEqual([
      "a_very_l.data",
      "a_very_l.rodata",
      ".data.custom",
      ".rodata.custom",
      "a_very_l.bss"
    ])
  })
})

describe("kfuncs (kfunc.o)", () => {
  const obj = load("kfunc.o")
  test("__ksym calls: src_reg BPF_PSEUDO_KFUNC_CALL, imm = index in the program's own kfunc list", () => {
    const [a, b] = obj.programs
    expect(a!.kfuncs.map((k) => k.name)).toEqual(["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash"])
    expect(b!.kfuncs.map((k) => k.name)).toEqual(["bpf_xdp_metadata_rx_hash"])
    const kcalls = (p: LoadedProgram) =>
      p.insns.flatMap((i) => (i.code === BPF_CALL_CODE && i.src === BPF_PSEUDO_KFUNC_CALL ? [[i.imm, i.off]] : []))
    expect(kcalls(a!)).toEqual([
      [0, 0],
      [1, 0]
    ])
    expect(kcalls(b!)).toEqual([[0, 0]])
    const hash = a!.kfuncs[1]!
    expect(hash.proto?.params).toHaveLength(3)
    expect(obj.btf!.typeById(hash.btfId)).toMatchObject({ kind: BtfKind.Func, name: "bpf_xdp_metadata_rx_hash" })
    expect(a!.helperIds).toEqual([])
  })
})

describe("CO-RE (core.o) against a test target BTF", () => {
  // target: rss_hash moved to 8, vlan_tci widened to 4 bytes at 12, no not_on_target
  const target = (() => {
    const b = new BtfBuilder()
    const u32 = b.addInt("unsigned int", 4)
    const u16 = b.addInt("short unsigned int", 2)
    const u64 = b.addInt("long long unsigned int", 8)
    b.addStruct("nic_rx_desc", 24, [
      { name: "timestamp", type: u64, bitOffset: 0 },
      { name: "rss_hash", type: u32, bitOffset: 64 },
      { name: "vlan_tci", type: u16, bitOffset: 96 },
      { name: "timestamp_lo", type: u32, bitOffset: 128 }
    ])
    const r = b.build()
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    return r.success.btf
  })()
  test("field offsets patched on the loads, the type size and a missing field's existence resolved", () => {
    const obj = load("core.o", { targetBtf: target })
    expect(obj.coreRelocations).toBe(5)
    const p = obj.programs[0]!
    const ldx = p.insns.filter((i) => (i.code & 0x07) === 0x01 && i.src !== 10 && i.off !== 0 && (i.code & 0xe0) === 0x60)
    expect(ldx.map((i) => i.off)).toEqual(expect.arrayContaining([8, 12]))
    // bpf_core_type_size(struct nic_rx_desc) → 24 on the target, field_exists(not_on_target) → 0
    const movImm = p.insns.filter((i) => i.code === 0xb7 || i.code === 0xb4).map((i) => i.imm)
    expect(movImm).toContain(24)
  })
  test("without a target BTF the load says CO-RE needs one", () => {
    const e = loadError(fixture("core.o"))
    expect(e._tag).toBe("ObjectSectionError")
    expect(e.message).toBe("sec '.BTF.ext': the object has 5 CO-RE relocations and no target BTF was given (options.targetBtf)")
  })
})

describe("CO-RE failure (core.o)", () => {
  test("two target candidates that disagree: the relocator's libbpf error, naming program, section and instruction", () => {
    const b = new BtfBuilder()
    const u32 = b.addInt("unsigned int", 4)
    const u16 = b.addInt("short unsigned int", 2)
    b.addStruct("nic_rx_desc", 8, [
      { name: "rss_hash", type: u32, bitOffset: 0 },
      { name: "vlan_tci", type: u16, bitOffset: 32 }
    ])
    b.addStruct("nic_rx_desc___v2", 8, [
      { name: "vlan_tci", type: u16, bitOffset: 0 },
      { name: "rss_hash", type: u32, bitOffset: 32 }
    ])
    const r = b.build()
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    const e = loadError(fixture("core.o"), { targetBtf: r.success.btf })
    expect(e._tag).toBe("ObjectCoreError")
    if (e._tag !== "ObjectCoreError") return
    expect(e.program).toBe("core_rx")
    expect(e.section).toBe("xdp")
    expect(e.cause._tag).toBe("CoreAmbiguityError")
    expect(e.insnIndex).toBeGreaterThanOrEqual(0)
    expect(e.message).toBe(`prog 'core_rx' (sec 'xdp', insn #${e.insnIndex}): CO-RE: ${e.cause.message}`)
    expect(e.detail).toBe("relo #0 <byte_off> [8] '0:1': field offset ambiguity: 0 != 32 (EINVAL)")
    expect(e.insnIndex).toBe(6)
  })
})
