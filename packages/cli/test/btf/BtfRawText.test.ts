/**
 * btfDumpRawText against bpftool's own text dump of the running kernel's BTF (every BTF kind
 * occurs in a 6.x vmlinux: INT .. ENUM64, VAR/DATASEC, DECL_TAG, TYPE_TAG, FLOAT).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { decodeBtf } from "@devtx/bpf"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { btfDumpRawText } from "../../src/btf/BtfRawText.js"

const VMLINUX = "/sys/kernel/btf/vmlinux"

describe.runIf(fs.existsSync(VMLINUX))("btfDumpRawText", () => {
  it("prints /sys/kernel/btf/vmlinux exactly as `bpftool btf dump file … format raw`", () => {
    const want = execFileSync("bpftool", ["btf", "dump", "file", VMLINUX, "format", "raw"], { encoding: "utf8", maxBuffer: 1 << 30 })
    const btf = decodeBtf(new Uint8Array(fs.readFileSync(VMLINUX)))
    expect(Result.isSuccess(btf)).toBe(true)
    if (!Result.isSuccess(btf)) return
    const got = btfDumpRawText(btf.success)
    const g = got.split("\n")
    const w = want.split("\n")
    // first differing line, for a readable failure
    const at = g.findIndex((l, i) => l !== w[i])
    expect(at === -1 ? null : { line: at, got: g[at], want: w[at] }).toBeNull()
    expect(g.length).toBe(w.length)
  })
})
