/**
 * Test support: facts from the running kernel's BTF, read through the real bpftool
 * (`bpftool btf dump file /sys/kernel/btf/vmlinux format c`), an oracle independent of devtx's
 * own BTF code. Available only where /sys/kernel/btf/vmlinux exists and bpftool is installed
 * (CI installs bpftool; the kernel file depends on the machine).
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"

export const VMLINUX = "/sys/kernel/btf/vmlinux"

const which = (cmd: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

export const hasBpftool = (): boolean => which("bpftool")
export const hasKernelBtf = (): boolean => existsSync(VMLINUX) && hasBpftool()

let cachedC: string | undefined
export const vmlinuxC = (): string => {
  cachedC ??= execFileSync("bpftool", ["btf", "dump", "file", VMLINUX, "format", "c"], {
    maxBuffer: 512 * 1024 * 1024,
    encoding: "utf8"
  })
  return cachedC
}

/** `enum NAME { A = 1, ... }` from the C dump, as name -> value. */
export const kernelEnum = (name: string): Map<string, number> => {
  const c = vmlinuxC()
  const start = c.indexOf(`\nenum ${name} {`)
  if (start < 0) throw new Error(`enum ${name} not in kernel BTF`)
  const body = c.slice(start, c.indexOf("};", start))
  const out = new Map<string, number>()
  for (const m of body.matchAll(/^\t(\w+) = (-?\d+),$/gm)) out.set(m[1]!, Number(m[2]))
  return out
}

/** `struct NAME { ... }` body lines from the C dump (member declarations, trimmed). */
export const kernelStructBody = (name: string): string[] => {
  const c = vmlinuxC()
  const start = c.indexOf(`\nstruct ${name} {`)
  if (start < 0) throw new Error(`struct ${name} not in kernel BTF`)
  const end = c.indexOf("\n};", start)
  return c
    .slice(c.indexOf("\n", start + 1) + 1, end)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
}

let cachedFuncs: Set<string> | undefined
/** Names of every FUNC in the kernel BTF (`bpftool btf dump ... format raw`: `[id] FUNC 'name' ...`). */
export const kernelFuncNames = (): Set<string> => {
  if (cachedFuncs === undefined) {
    const raw = execFileSync("bpftool", ["btf", "dump", "file", VMLINUX, "format", "raw"], {
      maxBuffer: 512 * 1024 * 1024,
      encoding: "utf8"
    })
    cachedFuncs = new Set([...raw.matchAll(/^\[\d+\] FUNC '(\w+)'/gm)].map((m) => m[1]!))
  }
  return cachedFuncs
}
