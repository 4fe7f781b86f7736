/**
 * The program authors' code of record: the clang-compiled BPF programs in packages/programs/bpf
 * (their .bpf.c and the hand-written headers they #include), counted with the same rules as
 * SourceFootprint.ts and attributed to NICs from the source itself:
 *
 *   generated headers   the ones build.sh's header comment lists as rebuilt from BTF
 *                       (`#   include/X.h`) are not hand-written: not counted
 *   a NIC's line        a code line inside
 *                       - a `/* ---- <nic> ---- *\/` section (until the next `/* ---- ` marker), or
 *                       - a top-level struct/union whose name (less its ___flavor) is a type of
 *                         exactly that NIC's published BTF, or
 *                       - the block of an `if` / `else if (bpf_core_type_exists(struct T))` whose
 *                         T is a type of exactly that NIC's BTF (the load-time path choice)
 *   shared              every other code line (once per program, whatever the NICs); a SEC()
 *                       program entry ends a NIC section (the dispatcher is shared, its guarded
 *                       branches are each NIC's)
 *
 * Which type is whose is looked up in the drivers' BTF (every layout variant), never listed here.
 * Missing files are a CProgramSourceError.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { countSource } from "@devtx/programs"
import { Data } from "effect"
import { packageSrc } from "./SourceFootprint.js"

export class CProgramSourceError extends Data.TaggedError("CProgramSourceError")<{ readonly path: string; readonly reason: string }> {
  override get message(): string {
    return `${this.path}: ${this.reason}`
  }
}

/** packages/programs/bpf */
export const bpfSourceDir = (): string => join(packageSrc("@devtx/programs"), "..", "bpf")

/** The C program files of record, by program and design: [program, design, file]. */
export const C_PROGRAMS: ReadonlyArray<readonly [string, "kfunc" | "raw", string]> = [
  ["hw-metadata", "kfunc", "hw_metadata_kfunc.bpf.c"],
  ["hw-metadata", "raw", "hw_metadata_raw.bpf.c"],
  ["ping-pong (devtx TX)", "kfunc", "ping_pong_devtx_kfunc.bpf.c"],
  ["ping-pong (devtx TX)", "raw", "ping_pong_devtx_raw.bpf.c"]
]

export const cProgramsPresent = (): boolean => C_PROGRAMS.every(([, , f]) => existsSync(join(bpfSourceDir(), f)))

/** build.sh's list of generated headers. */
export const generatedHeaders = (dir: string = bpfSourceDir()): ReadonlySet<string> => {
  const p = join(dir, "build.sh")
  if (!existsSync(p)) return new Set()
  return new Set([...readFileSync(p, "utf8").matchAll(/^#\s+include\/(\S+\.h)\b/gm)].map((m) => m[1]!))
}

export interface CAttribution {
  readonly shared: number
  readonly sharedBranches: number
  readonly perNic: Readonly<Record<string, number>>
  readonly perNicBranches: Readonly<Record<string, number>>
}

const stripBlockComments = (src: string): string => src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ""))

/**
 * Attribute the code lines of one C source (see the module comment). `owner(typeName)` names the
 * NIC whose BTF alone has the type, or undefined.
 */
export const attributeC = (src: string, nics: ReadonlyArray<string>, owner: (type: string) => string | undefined): CAttribution => {
  const raw = src.split("\n")
  const code = stripBlockComments(src).split("\n")
  const perNic: Record<string, number> = Object.fromEntries(nics.map((n) => [n, 0]))
  const perNicBranches: Record<string, number> = Object.fromEntries(nics.map((n) => [n, 0]))
  let shared = 0
  let sharedBranches = 0
  let section: string | undefined
  let depth = 0
  // open blocks owned by a NIC: [nic, depth at which the block closes]
  const owned: Array<[string, number]> = []
  let pendingOwner: string | undefined
  for (let i = 0; i < raw.length; i++) {
    const marker = /^\s*\/\*\s*-{3,}\s*(\S+)/.exec(raw[i]!)
    if (marker !== null) section = nics.includes(marker[1]!) ? marker[1] : undefined
    const line = code[i]!.replace(/\/\/.*$/, "").trim()
    if (line === "") continue
    // a program's entry point ends a NIC section: the dispatcher is shared, its guarded branches are not
    if (depth === 0 && /^SEC\(/.test(line)) section = undefined
    const top = depth === 0 ? /^(?:struct|union)\s+(\w+)/.exec(line) : null
    const topNic = top === null ? undefined : owner(top[1]!.replace(/___\w*$/, ""))
    if (topNic !== undefined && line.includes("{")) pendingOwner = topNic
    const guard = /bpf_core_type_exists\(\s*(?:struct|union)\s+(\w+)\s*\)/.exec(line)
    const guardNic = guard !== null && /^(?:}\s*)?(?:else\s+)?if\b/.test(line) ? owner(guard[1]!.replace(/___\w*$/, "")) : undefined
    if (guardNic !== undefined) pendingOwner = guardNic
    const lineOwner = section ?? topNic ?? guardNic ?? owned[owned.length - 1]?.[0]
    const c = countSource(line)
    if (lineOwner !== undefined && perNic[lineOwner] !== undefined) {
      perNic[lineOwner] = perNic[lineOwner]! + c.lines
      perNicBranches[lineOwner] = perNicBranches[lineOwner]! + c.branches
    } else {
      shared += c.lines
      sharedBranches += c.branches
    }
    // braces: a `} else if (...) {` closes the previous owned block and opens the next
    for (const ch of line) {
      if (ch === "{") {
        depth++
        if (pendingOwner !== undefined) {
          owned.push([pendingOwner, depth])
          pendingOwner = undefined
        }
      } else if (ch === "}") {
        if (owned.length > 0 && owned[owned.length - 1]![1] === depth) owned.pop()
        depth--
      }
    }
  }
  return { shared, sharedBranches, perNic, perNicBranches }
}

export interface CProgramCount {
  readonly program: string
  readonly design: "kfunc" | "raw"
  readonly files: ReadonlyArray<string>
  readonly shared: number
  readonly perNic: Readonly<Record<string, number>>
  readonly lines: number
  readonly branches: number
  /** NICs asked for with no line of their own in a design that has per-NIC code */
  readonly noPathFor: ReadonlyArray<string>
}

/**
 * The C programs' counts for `nics` (a subset of `allNics`: the other NICs' lines are left out,
 * not counted as shared); `owner` maps a type name to its NIC (from the drivers' BTF).
 */
export const countCPrograms = (
  nics: ReadonlyArray<string>,
  allNics: ReadonlyArray<string>,
  owner: (type: string) => string | undefined,
  dir: string = bpfSourceDir()
): ReadonlyArray<CProgramCount> | CProgramSourceError => {
  const generated = generatedHeaders(dir)
  const out: CProgramCount[] = []
  for (const [program, design, file] of C_PROGRAMS) {
    const path = join(dir, file)
    if (!existsSync(path)) return new CProgramSourceError({ path, reason: "no such program source" })
    const src = readFileSync(path, "utf8")
    const headers = [...src.matchAll(/^#include\s+"([^"]+)"/gm)].map((m) => m[1]!).filter((h) => !generated.has(h))
    const available = new Set(existsSync(join(dir, "include")) ? readdirSync(join(dir, "include")) : [])
    const files = [file]
    let shared = 0
    let branches = 0
    const perNic: Record<string, number> = Object.fromEntries(nics.map((n) => [n, 0]))
    const main = attributeC(src, allNics, owner)
    shared += main.shared
    branches += main.sharedBranches
    for (const n of nics) {
      perNic[n] = main.perNic[n] ?? 0
      branches += main.perNicBranches[n] ?? 0
    }
    for (const h of headers) {
      if (!available.has(h)) return new CProgramSourceError({ path: join(dir, "include", h), reason: `included by ${file}, not found` })
      const a = attributeC(readFileSync(join(dir, "include", h), "utf8"), allNics, owner)
      files.push(`include/${h}`)
      shared += a.shared
      branches += a.sharedBranches
      for (const n of nics) {
        perNic[n] = perNic[n]! + (a.perNic[n] ?? 0)
        branches += a.perNicBranches[n] ?? 0
      }
    }
    const nicLines = Object.values(perNic).reduce((a, b) => a + b, 0)
    out.push({
      program,
      design,
      files,
      shared,
      perNic,
      lines: shared + nicLines,
      branches,
      noPathFor: design === "raw" ? nics.filter((n) => perNic[n] === 0) : []
    })
  }
  return out
}
