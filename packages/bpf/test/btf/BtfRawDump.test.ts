/**
 * Decoder vs bpftool: our `format raw` JSON must equal `bpftool -j btf dump file X format raw`
 * byte for byte, on committed fixtures (pahole from gcc, split on a base, clang BPF objects in
 * both byte orders), on the running kernel's vmlinux BTF, and on every blob our encoder emits.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import { encodeBtf } from "../../src/btf/BtfEncoder.js"
import { btfDumpRawJson } from "../../src/btf/BtfDumpRaw.js"
import type { Btf } from "../../src/btf/BtfType.js"
import {
  VMLINUX,
  bpftoolRawJson,
  decodeOrThrow,
  fixtureBytes,
  hasTool,
  hasVmlinux,
  tempDir,
  testdataDir,
  writeTemp
} from "./btfTestTools.js"

const hasBpftool = hasTool("bpftool")

const encodeOrThrow = (btf: Parameters<typeof encodeBtf>[0], littleEndian: boolean): Uint8Array => {
  const r = encodeBtf(btf, { littleEndian })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}

describe.runIf(hasBpftool)("raw dump equals bpftool -j ... format raw", () => {
  const base = decodeOrThrow(fixtureBytes("base.btf"))
  const cases: ReadonlyArray<{ file: string; base?: string }> = [
    { file: "layouts.btf" },
    { file: "base.btf" },
    { file: "split.btf", base: "base.btf" },
    { file: "progs.bpfel.btf" },
    { file: "progs.bpfeb.btf" }
  ]
  for (const c of cases) {
    test(`fixture ${c.file}`, () => {
      const btf = decodeOrThrow(fixtureBytes(c.file), c.base === undefined ? undefined : base)
      const ref = bpftoolRawJson(
        join(testdataDir, c.file),
        c.base === undefined ? undefined : join(testdataDir, c.base)
      )
      expect(btfDumpRawJson(btf)).toBe(ref)
    })
  }

  test("big-endian fixture decodes to the same types as the little-endian one", () => {
    const le = decodeOrThrow(fixtureBytes("progs.bpfel.btf"))
    const be = decodeOrThrow(fixtureBytes("progs.bpfeb.btf"))
    expect(le.littleEndian).toBe(true)
    expect(be.littleEndian).toBe(false)
    expect(be.types).toEqual(le.types)
  })

  test("re-encoding pahole output reproduces pahole's bytes (libbpf writer layout)", () => {
    for (const f of ["layouts.btf", "base.btf"]) {
      const bytes = fixtureBytes(f)
      expect(encodeOrThrow(decodeOrThrow(bytes), true)).toEqual(bytes)
    }
    const split = fixtureBytes("split.btf")
    expect(encodeOrThrow(decodeOrThrow(split, base), true)).toEqual(split)
  })

  test("bpftool reads every blob we emit, both byte orders, standalone and split", () => {
    const dir = tempDir()
    const baseFile = join(testdataDir, "base.btf")
    const blobs: Array<{ name: string; btf: Btf; split: boolean }> = [
      {
        name: "layouts",
        btf: decodeOrThrow(fixtureBytes("layouts.btf")),
        split: false
      },
      {
        name: "progs",
        btf: decodeOrThrow(fixtureBytes("progs.bpfel.btf")),
        split: false
      },
      {
        name: "split",
        btf: decodeOrThrow(fixtureBytes("split.btf"), base),
        split: true
      }
    ]
    for (const { name, btf, split } of blobs) {
      for (const le of [true, false]) {
        const file = writeTemp(dir, `${name}.${le ? "le" : "be"}.btf`, encodeOrThrow(btf, le))
        const ref = bpftoolRawJson(file, split ? baseFile : undefined)
        expect(btfDumpRawJson(btf)).toBe(ref)
        // and our decoder reads our own big-endian output back to the same model
        const again = decodeOrThrow(new Uint8Array(readFileSync(file)), split ? base : undefined)
        expect(again.types).toEqual(btf.types)
      }
    }
  })
})

describe.runIf(hasBpftool && hasVmlinux)("running kernel's vmlinux BTF", () => {
  test("decodes fully and its raw dump equals bpftool's (all types)", () => {
    const btf = decodeOrThrow(new Uint8Array(readFileSync(VMLINUX)))
    const ref = bpftoolRawJson(VMLINUX)
    // type count: one `{"id":` per type in bpftool's JSON
    expect(btf.typeCount - 1).toBe(ref.split('{"id":').length - 1)
    expect(btfDumpRawJson(btf)).toBe(ref)
  })
})
