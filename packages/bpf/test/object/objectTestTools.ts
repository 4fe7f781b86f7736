/**
 * Test helpers for the object loader: fixtures (testdata/, rebuilt by testdata/build.sh), a
 * loader call that fails the test with the typed error's message, and llvm-objdump's view of a
 * function (instruction bytes and relocation targets) to compare loaded images with.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect, Result } from "effect"
import { type LoadedObject, type LoadObjectError, type LoadObjectOptions, loadObject } from "../../src/object/ObjectLoader.js"

export const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url))
export const hasTool = (name: string): boolean => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0
export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${TESTDATA}${name}`))

/** loadObject as Effect.runSync sees it: the object, or the typed error */
export const tryLoad = (bytes: Uint8Array, options: LoadObjectOptions = {}): Result.Result<LoadedObject, LoadObjectError> =>
  Effect.runSync(Effect.result(loadObject(bytes, options)))

export const load = (name: string, options: LoadObjectOptions = {}): LoadedObject => {
  const r = tryLoad(fixture(name), { objectName: name, ...options })
  if (Result.isFailure(r)) throw new Error(`${name}: ${r.failure._tag}: ${r.failure.message}`)
  return r.success
}

export const loadError = (bytes: Uint8Array, options: LoadObjectOptions = {}): LoadObjectError => {
  const r = tryLoad(bytes, options)
  if (Result.isSuccess(r)) throw new Error("expected a load error, got an object")
  return r.failure
}

export interface ObjdumpInsn {
  /** instruction index in the section */
  readonly index: number
  readonly bytes: Uint8Array
  /** relocation symbol on this instruction, if any */
  readonly reloc?: string
}

/** `llvm-objdump -d -r` of one object: function name → its instructions */
export const objdumpFunctions = (file: string): ReadonlyMap<string, ReadonlyArray<ObjdumpInsn>> => {
  const text = execFileSync("llvm-objdump", ["-d", "-r", `${TESTDATA}${file}`], { encoding: "utf8" })
  const out = new Map<string, Array<ObjdumpInsn>>()
  let cur: Array<ObjdumpInsn> | undefined
  for (const line of text.split("\n")) {
    const fn = /^[0-9a-f]+ <([^>]+)>:$/.exec(line)
    if (fn !== null) {
      if (fn[1]!.startsWith("LBB")) continue
      cur = []
      out.set(fn[1]!, cur)
      continue
    }
    const insn = /^\s+(\d+):\t([0-9a-f ]+?)\t/.exec(line)
    if (insn !== null && cur !== undefined) {
      const bytes = Uint8Array.from(insn[2]!.trim().split(" ").map((h) => Number.parseInt(h, 16)))
      cur.push({ index: Number(insn[1]), bytes })
      continue
    }
    const rel = /^\s+[0-9a-f]+:\s+R_BPF_\w+\s+(\S+)$/.exec(line)
    if (rel !== null && cur !== undefined && cur.length > 0) {
      const last = cur[cur.length - 1]!
      cur[cur.length - 1] = { ...last, reloc: rel[1]! }
    }
  }
  return out
}
