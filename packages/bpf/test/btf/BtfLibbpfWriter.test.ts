/**
 * Encoder byte identity against libbpf's own BTF writer: testdata/libbpf_writer.c builds a
 * fixed set of types with btf__new_empty[_split] + btf__add_* and writes btf__raw_data in both
 * byte orders; BtfBuilder builds the same types; the bytes must be identical (string dedup
 * order, base-string reuse for split BTF, kind_flag rules, header layout).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { BtfBuilder } from "../../src/btf/BtfBuilder.js"
import { BtfFuncLinkage, BtfIntEncoding, BtfVarLinkage } from "../../src/btf/BtfType.js"
import { decodeOrThrow, fixtureBytes, hasLibbpfDev, run, tempDir, testdataDir } from "./btfTestTools.js"

/** The same calls as libbpf_writer.c, in the same order. */
const buildLikeLibbpf = (base: Btf | undefined): BtfBuilder => {
  const b = new BtfBuilder(base)
  const int = b.addInt("int", 4, BtfIntEncoding.Signed)
  const uint = b.addInt("unsigned int", 4)
  const char = b.addInt("char", 1, BtfIntEncoding.Char)
  const u64 = b.addInt("long long unsigned int", 8)
  b.addPtr(0)
  const cnst = b.addConst(char)
  const vol = b.addVolatile(cnst)
  const ptr = b.addPtr(vol)
  b.addRestrict(ptr)
  const u64t = b.addTypedef("__u64", u64)
  const arr = b.addArray(char, int, 16)
  const s = b.addStruct("mynic_metadata", 40, [
    { name: "timestamp", type: u64t, bitOffset: 0 },
    { name: "hash", type: uint, bitOffset: 64 },
    { name: "flags", type: uint, bitOffset: 96, bitfieldSize: 3 },
    { name: "more", type: uint, bitOffset: 99, bitfieldSize: 5 },
    { name: "name", type: arr, bitOffset: 128 },
    { name: "next", type: b.nextId + 1, bitOffset: 256 }
  ])
  const sp = b.addPtr(s)
  b.addUnion("mynic_u", 4, [
    { name: "mark", type: uint, bitOffset: 0 },
    { name: "timestamp", type: int, bitOffset: 0 }
  ])
  b.addEnum("mynic_hash_kind", 4, [
    { name: "MYNIC_HASH_NONE", value: 0 },
    { name: "MYNIC_HASH_NEG", value: -3 }
  ])
  b.addEnum64(
    "mynic_big",
    8,
    [
      { name: "MYNIC_BIG", value: 0x100000000n },
      { name: "MYNIC_NEG", value: -1n }
    ],
    true
  )
  b.addEnum64("mynic_ubig", 8, [{ name: "MYNIC_UBIG", value: 0xfedcba9876543210n }], false)
  b.addFwd("mynic_fwd", false)
  b.addFwd("mynic_ufwd", true)
  const proto = b.addFuncProto(int, [
    { name: "ctx", type: sp },
    { name: "hash", type: uint },
    { name: "", type: 0 }
  ])
  b.addFunc("mynic_fn", proto, BtfFuncLinkage.Global)
  const v = b.addVar("mynic_counter", uint, BtfVarLinkage.GlobalAllocated)
  b.addDatasec(".data", 8, [{ type: v, offset: 4, size: 4 }])
  b.addFloat("float", 4)
  b.addDeclTag("mynic_tag", s, 2)
  b.addTypeTag("user", int)
  return b
}

describe.runIf(hasLibbpfDev)("encoder is byte-identical to libbpf's writer", () => {
  const dir = tempDir()
  const exe = join(dir, "libbpf_writer")
  run("gcc", ["-O2", "-Wall", join(testdataDir, "libbpf_writer.c"), "-o", exe, "-lbpf"])

  const check = (base: Btf | undefined, baseFile: string | undefined, tag: string) => {
    const le = join(dir, `${tag}.le.btf`)
    const be = join(dir, `${tag}.be.btf`)
    run(exe, baseFile === undefined ? [le, be] : [le, be, baseFile])
    const builder = buildLikeLibbpf(base)
    for (const [file, littleEndian] of [
      [le, true],
      [be, false]
    ] as const) {
      const built = builder.build({ littleEndian })
      if (Result.isFailure(built)) throw new Error(built.failure.message)
      expect(built.success.bytes).toEqual(new Uint8Array(readFileSync(file)))
    }
  }

  test("standalone (btf__new_empty), both byte orders", () => check(undefined, undefined, "standalone"))

  test("split on a base (btf__new_empty_split): base strings reused", () => {
    const base = decodeOrThrow(fixtureBytes("base.btf"))
    check(base, join(testdataDir, "base.btf"), "split")
  })
})
