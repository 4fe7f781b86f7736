/**
 * The shipped kernel base BTF against the running kernel's vmlinux BTF: every named type in
 * it must have the same shape in vmlinux (kind, size, INT name/encoding/bits, member names,
 * bit offsets, bitfield sizes, member types followed through anonymous types, typedef chains,
 * enum values, FUNC prototypes with parameter names). Then the C view: bpftool turns our blob
 * into C, clang compiles a program printing sizeof/offsetof, and the numbers equal our layout.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import {
  alignOf,
  type Btf,
  btfDumpC,
  btfDumpRawJson,
  BtfKind,
  type BtfType,
  encodeBtf,
  findByName,
  resolveSize,
  type TypeId,
  typeName
} from "@devtx/bpf"
import { kernelBaseBtf } from "../../src/kernel/KernelBaseBtf.js"
import { Result } from "effect"
import {
  VMLINUX,
  bpftoolC,
  bpftoolRawJson,
  cTypeName,
  decodeOrThrow,
  hasTool,
  hasVmlinux,
  run,
  tempDir,
  writeTemp
} from "../../../bpf/test/btf/btfTestTools.js"

/** A canonical description of a type; named struct/union/enum/fwd are referenced by name only below the top. */
const shape = (btf: Btf, id: TypeId, top: boolean, depth = 0): string => {
  if (id === 0) return "void"
  if (depth > 16) return "..."
  const t = btf.typeById(id) as BtfType
  const name = typeName(t)
  const sub = (x: TypeId) => shape(btf, x, false, depth + 1)
  switch (t.kind) {
    case BtfKind.Int:
      return `int '${t.name}' size=${t.size} enc=${t.encoding} bits=${t.bits}@${t.bitOffset}`
    case BtfKind.Ptr:
      return `*${sub(t.type)}`
    case BtfKind.Const:
      return `const ${sub(t.type)}`
    case BtfKind.Volatile:
      return `volatile ${sub(t.type)}`
    case BtfKind.Restrict:
      return `restrict ${sub(t.type)}`
    case BtfKind.TypeTag:
      return `tag(${t.name}) ${sub(t.type)}`
    case BtfKind.Typedef:
      return top ? `typedef ${t.name} = ${shape(btf, t.type, true, depth + 1)}` : `typedef ${t.name}`
    case BtfKind.Array:
      return `${sub(t.type)}[${t.nelems}] index=${sub(t.indexType)}`
    case BtfKind.Fwd:
      return `${t.union ? "union" : "struct"} ${t.name}`
    case BtfKind.Struct:
    case BtfKind.Union: {
      const k = t.kind === BtfKind.Struct ? "struct" : "union"
      if (!top && name !== "") return `${k} ${name}`
      const ms = t.members.map(
        (m) =>
          `${m.name}@${m.bitOffset}:${m.bitfieldSize} ${shape(btf, m.type, m.name === "" || typeName(btf.typeById(m.type)!) === "", depth + 1)}`
      )
      return `${k} ${name} size=${t.size} kflag=${t.kindFlag} {${ms.join("; ")}}`
    }
    case BtfKind.Enum:
    case BtfKind.Enum64: {
      if (!top && name !== "") return `enum ${name}`
      const vs =
        t.kind === BtfKind.Enum
          ? t.values.map((v) => `${v.name}=${v.value}`)
          : t.values.map((v) => `${v.name}=${v.hi32}:${v.lo32}`)
      return `enum${t.kind === BtfKind.Enum64 ? "64" : ""} ${name} size=${t.size} signed=${t.signed} {${vs.join(",")}}`
    }
    case BtfKind.FuncProto:
      return `fn(${t.params.map((p) => `${p.name} ${sub(p.type)}`).join(", ")}) -> ${sub(t.returnType)}`
    case BtfKind.Func:
      return `func ${t.name} linkage=${t.linkage} ${sub(t.type)}`
    default:
      return `kind${t.kind} ${name}`
  }
}

const ours = kernelBaseBtf().btf

describe.runIf(hasVmlinux)("KernelBaseBtf matches the running kernel's vmlinux BTF", () => {
  const vmlinux = decodeOrThrow(new Uint8Array(readFileSync(VMLINUX)))

  test("the types the project relies on are present", () => {
    for (const s of [
      "xdp_md",
      "xdp_buff",
      "xdp_frame",
      "xdp_desc",
      "xsk_tx_metadata",
      "xsk_tx_metadata_compl",
      "xdp_metadata_ops",
      "xsk_tx_metadata_ops"
    ])
      expect(findByName(ours, s, BtfKind.Struct), s).toBeDefined()
    for (const e of ["xdp_rss_hash_type", "xdp_action"]) expect(findByName(ours, e, BtfKind.Enum), e).toBeDefined()
  })

  test("every named type has the same shape as the same-named vmlinux type", () => {
    let compared = 0
    for (let i = 0; i < ours.types.length; i++) {
      const id = ours.startId + i
      const t = ours.types[i]!
      const name = typeName(t)
      if (name === "" || t.kind === BtfKind.Fwd) continue
      // vmlinux may carry several same-named types (e.g. two `u8` typedefs): one must match
      const kind = t.kind as BtfKind
      const candidates = vmlinuxIds(vmlinux, name, kind)
      expect(candidates.length, `${name} in vmlinux`).toBeGreaterThan(0)
      const mine = shape(ours, id, true)
      const theirs = candidates.map((c) => shape(vmlinux, c, true))
      expect(theirs, name).toContain(mine)
      compared++
    }
    expect(compared).toBeGreaterThan(50)
  })

  test("forward-declared big structs exist in vmlinux as structs", () => {
    expect(findByName(vmlinux, "net_device", BtfKind.Struct)).toBeDefined()
  })

  test("explicit spot checks: offsets and enum values", () => {
    const launch = shape(ours, findByName(ours, "xsk_tx_metadata", BtfKind.Struct)!, true)
    expect(launch).toContain("launch_time@64:0")
    const ts = resolveSize(vmlinux, findByName(vmlinux, "xdp_frame", BtfKind.Struct)!)
    expect(Result.isSuccess(ts) && ts.success).toBe(40)
  })
})

const vmlinuxIds = (btf: Btf, name: string, kind: BtfKind): ReadonlyArray<TypeId> => {
  const out: Array<TypeId> = []
  for (let i = 0; i < btf.types.length; i++) {
    const t = btf.types[i]!
    if (t.kind === kind && typeName(t) === name) out.push(btf.startId + i)
  }
  return out
}

describe.runIf(hasTool("bpftool") && hasTool("clang"))("KernelBaseBtf through bpftool format c and clang", () => {
  test("sizeof/offsetof printed by a compiled program equal our layouts", () => {
    const dir = tempDir()
    const file = writeTemp(dir, "base.btf", kernelBaseBtf().bytes)
    const header = bpftoolC(file)
    writeTemp(dir, "base.h", header)
    // every named struct: sizeof, and offsetof of every named, non-bitfield member
    const expected: Array<string> = []
    const lines: Array<string> = []
    for (let i = 0; i < ours.types.length; i++) {
      const t = ours.types[i]!
      if (t.kind !== BtfKind.Struct || t.name === "") continue
      lines.push(`printf("sizeof ${t.name} %zu\\n", sizeof(struct ${t.name}));`)
      expected.push(`sizeof ${t.name} ${t.size}`)
      for (const m of t.members) {
        if (m.name === "" || m.bitfieldSize !== 0) continue
        lines.push(`printf("offsetof ${t.name}.${m.name} %zu\\n", offsetof(struct ${t.name}, ${m.name}));`)
        expected.push(`offsetof ${t.name}.${m.name} ${m.bitOffset / 8}`)
      }
    }
    // members of the anonymous unions, reached through their parent as C allows
    lines.push(
      `printf("offsetof xsk_tx_metadata.request.launch_time %zu\\n", offsetof(struct xsk_tx_metadata, request.launch_time));`
    )
    expected.push("offsetof xsk_tx_metadata.request.launch_time 16")
    lines.push(`printf("offsetof xdp_buff.frame_sz %zu\\n", offsetof(struct xdp_buff, frame_sz));`)
    expected.push("offsetof xdp_buff.frame_sz 48")
    writeTemp(
      dir,
      "layout.c",
      `#include <stdio.h>\n#include <stddef.h>\n#include "base.h"\nint main(void) {\n${lines.join("\n")}\nreturn 0;\n}\n`
    )
    run("clang", [
      "-Wall",
      "-Werror",
      "-Wno-unused",
      "-DBPF_NO_PRESERVE_ACCESS_INDEX",
      "-o",
      join(dir, "layout"),
      join(dir, "layout.c")
    ])
    const out = run(join(dir, "layout"), []).trim().split("\n")
    expect(out).toEqual(expected)
  })
})

// @devtx/bpf's dumpers and queries on the kernel base BTF (its own tests use the C fixtures)
describe.runIf(hasTool("bpftool"))("KernelBaseBtf through @devtx/bpf's dumpers, against bpftool", () => {
  test("C dump equals bpftool format c", () => {
    const file = writeTemp(tempDir(), "base.btf", kernelBaseBtf().bytes)
    expect(btfDumpC(ours)).toBe(bpftoolC(file))
  })
  test("raw dump equals bpftool -j format raw, both byte orders, and decodes back", () => {
    const dir = tempDir()
    for (const le of [true, false]) {
      const enc = encodeBtf(ours, { littleEndian: le })
      if (Result.isFailure(enc)) throw new Error(enc.failure.message)
      const file = writeTemp(dir, `base.${le ? "le" : "be"}.btf`, enc.success)
      expect(btfDumpRawJson(ours)).toBe(bpftoolRawJson(file))
      expect(decodeOrThrow(new Uint8Array(readFileSync(file))).types).toEqual(ours.types)
    }
  })
})

describe.runIf(hasTool("bpftool") && hasTool("clang"))("KernelBaseBtf: resolveSize / alignOf equal clang's sizeof / _Alignof", () => {
  test("every named struct, union, enum and typedef", () => {
    const dir = tempDir()
    writeTemp(dir, "types.h", bpftoolC(writeTemp(dir, "base.btf", kernelBaseBtf().bytes)))
    const lines: Array<string> = []
    const expected: Array<string> = []
    for (let id = 1; id < ours.typeCount; id++) {
      const n = cTypeName(ours, id)
      if (n === undefined) continue
      // libbpf's btf__align_of caps scalar alignment at the pointer size: the oracle applies the cap
      lines.push(`printf("${n} %zu %zu\\n", sizeof(${n}), _Alignof(${n}) > 8 ? (size_t)8 : _Alignof(${n}));`)
      const size = resolveSize(ours, id)
      const align = alignOf(ours, id)
      expected.push(`${n} ${Result.isSuccess(size) ? size.success : "ERR"} ${Result.isSuccess(align) ? align.success : "ERR"}`)
    }
    writeTemp(dir, "q.c", `#include <stdio.h>\n#include "types.h"\nint main(void) {\n${lines.join("\n")}\nreturn 0;\n}\n`)
    run("clang", ["-DBPF_NO_PRESERVE_ACCESS_INDEX", "-w", "-o", join(dir, "q"), join(dir, "q.c")])
    expect(run(join(dir, "q"), []).trim().split("\n")).toEqual(expected)
    expect(expected.length).toBeGreaterThan(10)
  })
})
