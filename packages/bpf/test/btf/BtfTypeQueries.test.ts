/**
 * Type queries against clang: for every named struct/union/enum/typedef of the fixtures, resolveSize and alignOf must equal sizeof/_Alignof printed by a program
 * compiled from bpftool's C dump. Plus libbpf semantics of the helpers on hand-picked cases.
 */
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { BtfKind } from "../../src/btf/BtfType.js"
import { BtfBuilder } from "../../src/btf/BtfBuilder.js"
import {
  alignOf,
  enumValue,
  findAllByName,
  findByName,
  findMemberPath,
  membersOf,
  pointerSize,
  resolveSize,
  skipModsAndTypedefs
} from "../../src/btf/BtfTypeQueries.js"
import { bpftoolC, cTypeName, decodeOrThrow, fixtureBytes, hasTool, run, tempDir, testdataDir, writeTemp } from "./btfTestTools.js"


describe.runIf(hasTool("bpftool") && hasTool("clang"))("resolveSize / alignOf equal clang's sizeof / _Alignof", () => {
  const cases: ReadonlyArray<{ name: string; btf: Btf; file: string }> = [
    {
      name: "layouts",
      btf: decodeOrThrow(fixtureBytes("layouts.btf")),
      file: join(testdataDir, "layouts.btf")
    }
  ]
  for (const c of cases) {
    test(c.name, () => {
      const dir = tempDir()
      const file = c.file
      writeTemp(dir, "types.h", bpftoolC(file))
      const lines: Array<string> = []
      const expected: Array<string> = []
      for (let id = 1; id < c.btf.typeCount; id++) {
        const n = cTypeName(c.btf, id)
        if (n === undefined) continue
        // libbpf's btf__align_of caps scalar alignment at the pointer size (min(ptr_sz, size)),
        // so a 16-byte long double aligns to 8 there while clang says 16: the oracle applies the cap
        lines.push(`printf("${n} %zu %zu\\n", sizeof(${n}), _Alignof(${n}) > 8 ? (size_t)8 : _Alignof(${n}));`)
        const size = resolveSize(c.btf, id)
        const align = alignOf(c.btf, id)
        expected.push(
          `${n} ${Result.isSuccess(size) ? size.success : "ERR"} ${Result.isSuccess(align) ? align.success : "ERR"}`
        )
      }
      writeTemp(
        dir,
        "q.c",
        `#include <stdio.h>\n#include "types.h"\nint main(void) {\n${lines.join("\n")}\nreturn 0;\n}\n`
      )
      run("clang", ["-DBPF_NO_PRESERVE_ACCESS_INDEX", "-w", "-o", join(dir, "q"), join(dir, "q.c")])
      expect(run(join(dir, "q"), []).trim().split("\n")).toEqual(expected)
      expect(expected.length).toBeGreaterThan(10)
    })
  }
})

describe("query semantics (libbpf)", () => {
  const b = new BtfBuilder()
  const int = b.addInt("int", 4, 1)
  const cint = b.addConst(int)
  const td = b.addTypedef("myint", cint)
  const vtd = b.addVolatile(td)
  const fwd = b.addFwd("opaque")
  const proto = b.addFuncProto(int, [])
  const arr = b.addArray(int, int, 10)
  const big = b.addArray(arr, int, 0x20000000)
  const inner = b.addStruct("", 8, [
    { name: "x", type: int, bitOffset: 0 },
    { name: "y", type: int, bitOffset: 32 }
  ])
  const outer = b.addStruct("outer", 16, [
    { name: "a", type: int, bitOffset: 0 },
    { name: "", type: inner, bitOffset: 64 }
  ])
  b.addInt("long", 8, 1)
  const e64 = b.addEnum64("e", 8, [{ name: "NEG", value: -2n }], true)
  const built = b.build()
  if (Result.isFailure(built)) throw new Error(built.failure.message)
  const btf = built.success.btf

  test("skipModsAndTypedefs follows volatile -> typedef -> const to the int", () => {
    expect(skipModsAndTypedefs(btf, vtd)).toEqual({
      id: int,
      type: btf.typeById(int)
    })
    expect(skipModsAndTypedefs(btf, 0)).toEqual({ id: 0, type: undefined })
  })
  test("resolveSize errors: void, FWD, FUNC_PROTO (EINVAL), overflow (E2BIG)", () => {
    for (const id of [0, fwd, proto, 9999]) {
      const r = resolveSize(btf, id)
      expect(Result.isFailure(r) && r.failure.errno).toBe("EINVAL")
    }
    const r = resolveSize(btf, big)
    expect(Result.isFailure(r) && r.failure.errno).toBe("E2BIG")
    expect(resolveSize(btf, vtd)).toEqual(Result.succeed(4))
    expect(resolveSize(btf, arr)).toEqual(Result.succeed(40))
  })
  test("find by name, member paths through anonymous members, enum64 values, pointer size", () => {
    expect(findByName(btf, "outer", BtfKind.Struct)).toBe(outer)
    expect(findByName(btf, "void")).toBe(0)
    expect(findAllByName(btf, "int")).toEqual([int])
    expect(findMemberPath(btf, outer, ["y"])).toEqual({
      member: { name: "y", type: int, bitOffset: 32, bitfieldSize: 0 },
      bitOffset: 96
    })
    expect(membersOf(btf, outer).map((m) => m.byteOffset)).toEqual([0, 8])
    expect(enumValue(btf.typeById(e64)!, 0)).toBe(-2n)
    expect(pointerSize(btf)).toBe(8)
  })
  test("split: findByName sees base types first", () => {
    const base = decodeOrThrow(fixtureBytes("base.btf"))
    const sb = new BtfBuilder(base)
    sb.addStruct("base_dev", 4, [{ name: "ifindex", type: findByName(base, "int")!, bitOffset: 0 }])
    const s = sb.build()
    if (Result.isFailure(s)) throw new Error(s.failure.message)
    const ids = findAllByName(s.success.btf, "base_dev", BtfKind.Struct)
    expect(ids).toHaveLength(2)
    expect(findByName(s.success.btf, "base_dev", BtfKind.Struct)).toBe(ids[0])
    expect(ids[0]!).toBeLessThan(base.typeCount)
  })
})
