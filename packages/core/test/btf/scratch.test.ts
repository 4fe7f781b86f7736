import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { Result } from "effect"
import { expect, test } from "vitest"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { btfDumpRawJson } from "../../src/btf/BtfDumpRaw.js"
test("scratch", () => {
  const vm = decodeBtf(new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux")))
  if (Result.isFailure(vm)) throw vm.failure
  for (const f of ["/sys/kernel/btf/vmlinux", "/tmp/btfw/k.btf", "/tmp/btfw/b.btf", "/tmp/btfw/beb.btf", "/tmp/btfw/k.split.btf"]) {
    const bytes = new Uint8Array(readFileSync(f))
    const split = f.includes("split")
    const t0 = performance.now()
    const r = decodeBtf(bytes, split ? { base: vm.success } : {})
    const t1 = performance.now()
    if (Result.isFailure(r)) { console.log(f, r.failure.message, r.failure); throw r.failure }
    console.log(f, r.success.typeCount, t1 - t0)
    const ours = btfDumpRawJson(r.success)
    const ref = execFileSync("bpftool", ["-j", ...(split ? ["-B", "/sys/kernel/btf/vmlinux"] : []), "btf", "dump", "file", f, "format", "raw"], { maxBuffer: 1 << 28 }).toString()
    if (ours !== ref) {
      let i = 0; while (ours[i] === ref[i]) i++
      console.log("DIFF at", i, ours.slice(i - 200, i + 200), "\n----\n", ref.slice(i - 200, i + 200))
    }
    expect(ours === ref).toBe(true)
  }
})
