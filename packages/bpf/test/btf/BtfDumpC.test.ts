/**
 * C dump vs `bpftool btf dump file X [-B base] format c`: identical text on the committed
 * fixtures and (when present) the running kernel's vmlinux BTF.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { btfDumpC } from "../../src/btf/BtfDumpC.js"
import {
  VMLINUX,
  bpftoolC,
  decodeOrThrow,
  fixtureBytes,
  hasTool,
  hasVmlinux,
  testdataDir
} from "./btfTestTools.js"

const firstDiff = (a: string, b: string): string => {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return `at ${i}:\n--- ours\n${a.slice(Math.max(0, i - 300), i + 200)}\n--- bpftool\n${b.slice(Math.max(0, i - 300), i + 200)}`
}
const same = (ours: string, ref: string) => {
  if (ours !== ref) expect.fail(firstDiff(ours, ref))
}

describe.runIf(hasTool("bpftool"))("C dump equals bpftool format c", () => {
  test("pahole fixture (structs, unions, bitfields, enums, enum64, typedefs, arrays, fn pointers, fwd, packed)", () => {
    same(btfDumpC(decodeOrThrow(fixtureBytes("layouts.btf"))), bpftoolC(join(testdataDir, "layouts.btf")))
  })
  test("clang BPF fixture (type tags, bitfields)", () => {
    same(btfDumpC(decodeOrThrow(fixtureBytes("progs.bpfel.btf"))), bpftoolC(join(testdataDir, "progs.bpfel.btf")))
  })
  test("split fixture dumped with its base (-B)", () => {
    const base = decodeOrThrow(fixtureBytes("base.btf"))
    const split: Btf = decodeOrThrow(fixtureBytes("split.btf"), base)
    same(btfDumpC(split), bpftoolC(join(testdataDir, "split.btf"), join(testdataDir, "base.btf")))
  })
  test.runIf(hasVmlinux)("running kernel's vmlinux (whole vmlinux.h)", () => {
    same(btfDumpC(decodeOrThrow(new Uint8Array(readFileSync(VMLINUX)))), bpftoolC(VMLINUX))
  })
})
