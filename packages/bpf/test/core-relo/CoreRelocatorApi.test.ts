/**
 * The relocator beyond the ELF path, each against independent truth:
 * - bitfield shifts for little- and big-endian machines against the values clang's BPF backend
 *   emitted into bpfel and bpfeb objects (clang computes lshift for its own load offset/size);
 * - a bpfeb object relocated against a target gives libbpf's (oracle's) values for every
 *   byte-order-independent kind;
 * - candidate scope "baseThenSplit" (libbpf with module BTF) against the oracle run on the base
 *   alone (base has candidates) or on the flattened split target (it has none);
 * - relocations declared from TypeScript with a BtfBuilder-made local BTF give the values libbpf
 *   computed for the same fields from the clang object.
 */
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BtfBuilder } from "../../src/btf/BtfBuilder.js"
import type { Btf } from "../../src/btf/BtfType.js"
import { BtfIntEncoding } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { stringTableOf } from "../../src/btf/BtfObject.js"
import { parseBtfExt } from "../../src/elf/BtfExt.js"
import { bpfProgramsOf, parseElf } from "../../src/elf/ElfObject.js"
import {
  type CoreRelocation,
  CoreReloKind,
  coreReloKindStr,
  fieldLshiftU64,
  relocateAll,
  relocateObject
} from "../../src/core-relo/index.js"
import { buildOracle, coreLogLines, runOracle, TESTDATA, removeScratch } from "./oracle.js"

afterAll(removeScratch)

const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(TESTDATA, f)))
const decode = (f: string, base?: Btf): Btf => Result.getOrThrow(decodeBtf(read(f), base === undefined ? {} : { base }))

/** bits_offset / bitfield_size of the local struct's members, from bpftool (independent BTF reader) */
const bpftoolMembers = (obj: string, struct: string): Array<{ name: string; bits_offset: number; bitfield_size?: number }> => {
  const json = JSON.parse(
    execFileSync("bpftool", ["-j", "btf", "dump", "file", join(TESTDATA, obj), "format", "raw"], { encoding: "utf8" })
  ) as {
    types: Array<{
      kind: string
      name: string
      members?: Array<{
        name: string
        bits_offset: number
        bitfield_size?: number
      }>
    }>
  }
  return json.types.find((t) => t.kind === "STRUCT" && t.name === struct)!.members!
}

describe("bitfield shifts agree with clang's BPF backend, both byte orders", () => {
  for (const [obj, bigEndian] of [
    ["rx_fields.o", false],
    ["rx_fields.bpfeb.o", true]
  ] as const) {
    it(obj, () => {
      const elf = Result.getOrThrow(parseElf(read(obj)))
      const btf = Result.getOrThrow(decodeBtf(elf.sectionByName(".BTF")!.data))
      const strings = stringTableOf(btf)!
      const ext = Result.getOrThrow(
        parseBtfExt(elf.sectionByName(".BTF.ext")!.data, {
          strings: (o) => strings.at(o)
        })
      )
      const progs = Result.getOrThrow(bpfProgramsOf(elf))
      const members = bpftoolMembers(obj, "mynic_rx_desc")
      let checked = 0
      for (const sec of ext.coreRelo.sections) {
        const prog = progs.find((p) => p.sectionName === sec.secName)!
        const imm = (insnOff: number) => prog.insns[insnOff / 8]!.imm
        sec.records.forEach((r, i) => {
          if (r.kind !== CoreReloKind.FieldLshiftU64) return
          // the byte_off and byte_sz clang emitted for the same field, just before the lshift
          const before = sec.records.slice(0, i).reverse()
          const off = before.find((b) => b.accessStr === r.accessStr && b.kind === CoreReloKind.FieldByteOffset)!
          const size = before.find((b) => b.accessStr === r.accessStr && b.kind === CoreReloKind.FieldByteSize)!
          const m = members[Number(r.accessStr.split(":")[1])]!
          const got = fieldLshiftU64(m.bits_offset, m.bitfield_size ?? 0, imm(off.insnOff), imm(size.insnOff), bigEndian)
          expect(got, `${m.name}`).toBe(imm(r.insnOff))
          checked++
        })
      }
      expect(checked).toBeGreaterThanOrEqual(4)
    })
  }
})

describe("against the oracle", () => {
  let oracle = ""
  beforeAll(() => {
    oracle = buildOracle()
  })

  for (const target of ["t_same.btf", "t_moved.btf", "t_missing.btf"]) {
    it(`bpfeb object against ${target}: libbpf's values for every byte-order-independent kind`, () => {
      const truth = coreLogLines(runOracle(oracle, "rx_fields.o", target).log)
      const want = new Map<string, string>()
      let lastSpec = ""
      for (const l of truth) {
        const spec = /^prog '[^']+': relo #\d+: (<[a-z_0-9]+> \[\d+\] \S+ \S+?)( \(.*)?$/.exec(l)
        if (spec !== null && !l.includes("candidate")) lastSpec = spec[1]!.replace(/\[\d+\] /, "")
        const p = /relo #\d+: patched insn #\d+ \([A-Z/0-9]+\) (?:imm64|imm|off) \d+ -> (\d+)$/.exec(l)
        if (p !== null) want.set(lastSpec, p[1]!)
        if (/substituting insn/.test(l)) want.set(lastSpec, "poison")
      }
      const r = Result.getOrThrow(relocateObject(read("rx_fields.bpfeb.o"), decode(target)))
      let compared = 0
      for (const rel of r.relocations) {
        if (rel.relo.kind === CoreReloKind.FieldLshiftU64) continue
        const key = rel.result.localSpec.replace(/\[\d+\] /, "").replace(/ \(.*$/, "")
        const w = want.get(key)
        // an LDX poisoned for its memory size is an instruction-level decision: codegen differs by byte order
        if (w === undefined || (w === "poison" && rel.result.failMemszAdjust)) continue
        expect(rel.result.poison ? "poison" : rel.result.newValue.toString(), key).toBe(w)
        compared++
      }
      expect(compared).toBeGreaterThan(30)
    })
  }

  it("scope baseThenSplit: the base's candidates win when it has any (oracle on the base alone)", () => {
    const base = decode("base.btf")
    const split = decode("drv_split.btf", base)
    const ours: Array<string> = []
    Result.getOrThrow(
      relocateObject(read("prune.o"), split, {
        scope: "baseThenSplit",
        log: (l) => ours.push(l)
      })
    )
    expect(coreLogLines(ours)).toEqual(coreLogLines(runOracle(oracle, "prune.o", "base.btf").log))
  })

  it("scope baseThenSplit: the split part is searched when the base has none (module name in the log)", () => {
    const base = decode("base.btf")
    const split = decode("drv_split.btf", base)
    const ours: Array<string> = []
    Result.getOrThrow(
      relocateObject(read("rx_fields.o"), split, {
        scope: "baseThenSplit",
        moduleName: "mynic",
        log: (l) => ours.push(l)
      })
    )
    const truth = coreLogLines(runOracle(oracle, "rx_fields.o", "drv_split.btf", "base.btf").log)
    expect(truth.some((l) => l.endsWith("in [vmlinux]"))).toBe(true)
    expect(coreLogLines(ours)).toEqual(truth.map((l) => l.replace(/ in \[vmlinux\]$/, " in [mynic]")))
  })

  it("relocations declared in TypeScript over a BtfBuilder-made local BTF give libbpf's values for the same fields", () => {
    // local view: only the fields the program uses, at the local (program-side) layout
    const b = new BtfBuilder()
    const u8 = b.addInt("unsigned char", 1)
    const u16 = b.addInt("unsigned short", 2)
    const u32 = b.addInt("unsigned int", 4)
    const u64 = b.addInt("unsigned long long", 8)
    const s16 = b.addInt("short", 2, BtfIntEncoding.Signed)
    const anon = b.addStruct("", 8, [
      { name: "pkt_len", type: u32, bitOffset: 0 },
      { name: "queue", type: u16, bitOffset: 32 },
      { name: "rx_off", type: s16, bitOffset: 48 }
    ])
    const desc = b.addStruct("mynic_rx_desc", 96, [
      { name: "timestamp", type: u64, bitOffset: 0 },
      { name: "rss_hash", type: u32, bitOffset: 64 },
      { name: "vlan_tci", type: u16, bitOffset: 96 },
      { name: "hash_type", type: u8, bitOffset: 112, bitfieldSize: 4 },
      { name: "", type: anon, bitOffset: 160 },
      { name: "ext_info", type: u32, bitOffset: 384 }
    ])
    const hashKind = b.addEnum("mynic_hash_kind", 4, [
      { name: "MYNIC_HASH_L3", value: 1 },
      { name: "MYNIC_HASH_L4", value: 2 }
    ])
    const local = Result.getOrThrow(b.build()).btf
    const relos: Array<CoreRelocation> = [
      {
        insnOff: 0,
        typeId: desc,
        accessStr: "0:0",
        kind: CoreReloKind.FieldByteOffset
      },
      {
        insnOff: 8,
        typeId: desc,
        accessStr: "0:1",
        kind: CoreReloKind.FieldByteOffset
      },
      {
        insnOff: 16,
        typeId: desc,
        accessStr: "0:2",
        kind: CoreReloKind.FieldByteSize
      },
      {
        insnOff: 24,
        typeId: desc,
        accessStr: "0:3",
        kind: CoreReloKind.FieldByteOffset
      },
      {
        insnOff: 32,
        typeId: desc,
        accessStr: "0:3",
        kind: CoreReloKind.FieldByteSize
      },
      {
        insnOff: 40,
        typeId: desc,
        accessStr: "0:3",
        kind: CoreReloKind.FieldLshiftU64
      },
      {
        insnOff: 48,
        typeId: desc,
        accessStr: "0:3",
        kind: CoreReloKind.FieldRshiftU64
      },
      {
        insnOff: 56,
        typeId: desc,
        accessStr: "0:4:0",
        kind: CoreReloKind.FieldByteOffset
      },
      {
        insnOff: 64,
        typeId: desc,
        accessStr: "0:4:2",
        kind: CoreReloKind.FieldSigned
      },
      {
        insnOff: 72,
        typeId: desc,
        accessStr: "0:5",
        kind: CoreReloKind.FieldExists
      },
      {
        insnOff: 80,
        typeId: hashKind,
        accessStr: "1",
        kind: CoreReloKind.EnumvalValue
      }
    ]
    for (const [target, base] of [
      ["t_moved.btf", undefined],
      ["t_missing.btf", undefined],
      ["drv_split.btf", "base.btf"]
    ] as const) {
      const targetBtf = base === undefined ? decode(target) : decode(target, decode(base))
      // libbpf's value per "<kind> struct.path" from the clang-built programs
      const want = new Map<string, string>()
      for (const obj of ["rx_fields.o", "rx_types.o"]) {
        let lastSpec = ""
        for (const l of coreLogLines(runOracle(oracle, obj, target, base).log)) {
          const spec = /^prog '[^']+': relo #\d+: (<[a-z_0-9]+>) \[\d+\] \S+ ([^ ]+)/.exec(l)
          if (spec !== null && !l.includes("candidate")) lastSpec = `${spec[1]} ${spec[2]}`
          const p = /relo #\d+: patched insn #\d+ \([A-Z/0-9]+\) (?:imm64|imm|off) \d+ -> (\d+)$/.exec(l)
          if (p !== null) want.set(lastSpec, p[1]!)
          if (/substituting insn/.test(l)) want.set(lastSpec, "poison")
        }
      }
      const results = relocateAll(local, relos, targetBtf)
      results.forEach((r, i) => {
        const res = Result.getOrThrow(r)
        const key = `<${coreReloKindStr(relos[i]!.kind)}> ${res.localSpec.split(" ")[3]}`
        expect(want.has(key), `${target}: ${key}`).toBe(true)
        expect(res.poison ? "poison" : res.newValue.toString(), `${target}: ${key}`).toBe(want.get(key))
      })
    }
  })
})
