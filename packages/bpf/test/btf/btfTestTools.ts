/**
 * Test support for the BTF tests: fixture loading and the external oracles (bpftool, pahole,
 * clang, gcc + libbpf). Tests that need a tool run whenever the tool is installed (CI installs
 * them); `hasTool` only lets them skip on a machine without it.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Result } from "effect"
import { type Btf, BtfKind, typeName } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"

export const testdataDir = fileURLToPath(new URL("./testdata/", import.meta.url))
export const VMLINUX = "/sys/kernel/btf/vmlinux"
export const hasVmlinux = existsSync(VMLINUX)

export const hasTool = (name: string): boolean => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0
/** gcc can link a program against libbpf (libbpf-dev installed) */
export const hasLibbpfDev = hasTool("gcc") && existsSync("/usr/include/bpf/btf.h")

export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(testdataDir, name)))

export const decodeOrThrow = (bytes: Uint8Array, base?: Btf): Btf => {
  const r = decodeBtf(bytes, base === undefined ? {} : { base })
  if (Result.isFailure(r)) throw new Error(`decode failed: ${r.failure.message}`)
  return r.success
}

export const run = (cmd: string, args: ReadonlyArray<string>, cwd?: string): string =>
  execFileSync(cmd, [...args], {
    maxBuffer: 1 << 30,
    encoding: "utf8",
    ...(cwd === undefined ? {} : { cwd })
  })

export const tempDir = (): string => mkdtempSync(join(tmpdir(), "devtx-btf-"))

export const writeTemp = (dir: string, name: string, data: Uint8Array | string): string => {
  const p = join(dir, name)
  writeFileSync(p, data)
  return p
}

/** `bpftool -j btf dump file X [-B base] format raw`, as text */
export const bpftoolRawJson = (file: string, base?: string): string =>
  run("bpftool", ["-j", ...(base === undefined ? [] : ["-B", base]), "btf", "dump", "file", file, "format", "raw"])

/** `bpftool btf dump file X format c` */
export const bpftoolC = (file: string, base?: string): string =>
  run("bpftool", [...(base === undefined ? [] : ["-B", base]), "btf", "dump", "file", file, "format", "c"])

/** The C spelling of a named struct/union/enum/typedef (for sizeof in a compiled oracle); undefined for others */
export const cTypeName = (btf: Btf, id: number): string | undefined => {
  const t = btf.typeById(id)!
  const n = typeName(t)
  if (n === "") return undefined
  switch (t.kind) {
    case BtfKind.Struct:
      return `struct ${n}`
    case BtfKind.Union:
      return `union ${n}`
    case BtfKind.Enum:
    case BtfKind.Enum64:
      return `enum ${n}`
    case BtfKind.Typedef:
      return n
    default:
      return undefined
  }
}
