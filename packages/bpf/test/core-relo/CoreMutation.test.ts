/**
 * Differential tests of the relocator's error and edge paths against libbpf 1.1.2: a real clang
 * object is patched on disk (an access string rewritten in .BTF, a record's kind or type id
 * rewritten in .BTF.ext), then the libbpf oracle and relocateObject must print the same CO-RE log
 * and end with the same load result. Covers access-string syntax (glibc sscanf rules), index
 * bounds, non-composite accesses, kinds that do not fit the type, array accessors with bitfield
 * kinds, out-of-range / void / anonymous local types and invalid kinds.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { parseElf } from "../../src/elf/ElfObject.js"
import { loadErrnoOf, relocateObject } from "../../src/core-relo/index.js"
import { buildOracle, coreLogLines, runOracle, scratchDir, TESTDATA, removeScratch } from "./oracle.js"

afterAll(removeScratch)

const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(TESTDATA, f)))

/** file offsets of the pieces a mutation rewrites */
const layout = (bytes: Uint8Array) => {
  const elf = Result.getOrThrow(parseElf(bytes))
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const btf = elf.sectionByName(".BTF")!
  const btfHdrLen = v.getUint32(btf.offset + 4, true)
  const strStart = btf.offset + btfHdrLen + v.getUint32(btf.offset + 16, true)
  const ext = elf.sectionByName(".BTF.ext")!
  const extHdrLen = v.getUint32(ext.offset + 4, true)
  const coreStart = ext.offset + extHdrLen + v.getUint32(ext.offset + 24, true)
  const recSize = v.getUint32(coreStart, true)
  // record i of the first core_relo info section
  const rec = (i: number) => coreStart + 4 + 8 + i * recSize
  return { v, strStart, rec }
}

type Mutation =
  | { readonly kind: "access"; readonly relo: number; readonly to: string }
  | { readonly kind: "reloKind"; readonly relo: number; readonly to: number }
  | { readonly kind: "typeId"; readonly relo: number; readonly to: number }

const apply = (src: Uint8Array, m: Mutation): Uint8Array => {
  const b = src.slice()
  const { v, strStart, rec } = layout(b)
  const at = rec(m.relo)
  if (m.kind === "reloKind") v.setUint32(at + 12, m.to, true)
  else if (m.kind === "typeId") v.setUint32(at + 4, m.to, true)
  else {
    const off = strStart + v.getUint32(at + 8, true)
    const old = b.indexOf(0, off) - off
    if (old !== m.to.length) throw new Error(`access string replacement must keep its length ${old}`)
    for (let i = 0; i < m.to.length; i++) b[off + i] = m.to.charCodeAt(i)
  }
  return b
}

// rx_fields.o, section xdp: relo #0 is `0:9:0` (pkt_len inside an anonymous struct, byte_off),
// relo #5 `0:10:3` (flex[3], byte_off), relo #13 `0:3` (hash_type bitfield, lshift_u64).
// rx_types.o: relo #10 is enumval_exists `2` on enum mynic_hash_kind.
const CASES: ReadonlyArray<[string, string, Mutation]> = [
  ["member index out of range", "rx_fields.o", { kind: "access", relo: 0, to: "0:9:7" }],
  ["access through an INT member", "rx_fields.o", { kind: "access", relo: 0, to: "0:1:1" }],
  ["root array index 1", "rx_fields.o", { kind: "access", relo: 0, to: "1:9:0" }],
  ["root array index 9", "rx_fields.o", { kind: "access", relo: 0, to: "9:9:0" }],
  ["non-digit", "rx_fields.o", { kind: "access", relo: 0, to: "0:9:x" }],
  ["trailing blank", "rx_fields.o", { kind: "access", relo: 0, to: "0:9: " }],
  ["blank instead of a colon (sscanf skips it)", "rx_fields.o", { kind: "access", relo: 0, to: "0:9 0" }],
  ["leading blank", "rx_fields.o", { kind: "access", relo: 0, to: " 0:90" }],
  ["trailing colon", "rx_fields.o", { kind: "access", relo: 0, to: "0:12:" }],
  ["double colon", "rx_fields.o", { kind: "access", relo: 0, to: "0::12" }],
  ["leading colon", "rx_fields.o", { kind: "access", relo: 0, to: ":0:12" }],
  ["plus sign", "rx_fields.o", { kind: "access", relo: 0, to: "0:+12" }],
  ["array index past nelems", "rx_fields.o", { kind: "access", relo: 5, to: "0:10:9" }],
  ["flexible array index far out", "rx_fields.o", { kind: "access", relo: 5, to: "0:17:9" }],
  ["lshift on an array element", "rx_fields.o", { kind: "reloKind", relo: 5, to: 4 }],
  ["signed on an array element", "rx_fields.o", { kind: "reloKind", relo: 5, to: 3 }],
  ["byte_sz on a bitfield", "rx_fields.o", { kind: "reloKind", relo: 13, to: 1 }],
  ["rshift on a bitfield", "rx_fields.o", { kind: "reloKind", relo: 13, to: 5 }],
  ["field_exists on a bitfield", "rx_fields.o", { kind: "reloKind", relo: 13, to: 2 }],
  ["type kind with a field access string", "rx_fields.o", { kind: "reloKind", relo: 0, to: 6 }],
  ["enum kind on a struct", "rx_fields.o", { kind: "reloKind", relo: 0, to: 10 }],
  ["unknown kind 13", "rx_fields.o", { kind: "reloKind", relo: 0, to: 13 }],
  ["unknown kind 200", "rx_fields.o", { kind: "reloKind", relo: 0, to: 200 }],
  ["void local type", "rx_fields.o", { kind: "typeId", relo: 0, to: 0 }],
  ["local type id past the end", "rx_fields.o", { kind: "typeId", relo: 0, to: 99999 }],
  ["local type 1", "rx_fields.o", { kind: "typeId", relo: 0, to: 1 }],
  ["local type 2", "rx_fields.o", { kind: "typeId", relo: 0, to: 2 }],
  ["local type 3", "rx_fields.o", { kind: "typeId", relo: 0, to: 3 }],
  ["local type 9", "rx_fields.o", { kind: "typeId", relo: 0, to: 9 }],
  ["local type 12", "rx_fields.o", { kind: "typeId", relo: 0, to: 12 }],
  ["enumerator index out of range", "rx_types.o", { kind: "access", relo: 10, to: "9" }],
  ["enumerator 3", "rx_types.o", { kind: "access", relo: 10, to: "3" }],
  ["enumval_value from enumval_exists", "rx_types.o", { kind: "reloKind", relo: 10, to: 11 }],
  ['type_size from enumval_exists (access string not "0")', "rx_types.o", { kind: "reloKind", relo: 10, to: 9 }],
  ["field kind on an enum", "rx_types.o", { kind: "reloKind", relo: 10, to: 0 }]
]
const TARGETS = ["t_same.btf", "t_moved.btf", "t_missing.btf"]

describe("mutated objects: same CO-RE log and load result as libbpf", () => {
  let oracle = ""
  let dir = ""
  const targets = new Map<string, Btf>()
  beforeAll(() => {
    oracle = buildOracle()
    dir = scratchDir()
    for (const t of TARGETS) targets.set(t, Result.getOrThrow(decodeBtf(read(t))))
  })
  CASES.forEach(([name, obj, mutation], i) => {
    it(name, () => {
      const bytes = apply(read(obj), mutation)
      const file = join(dir, `m${i}.o`)
      writeFileSync(file, bytes)
      for (const t of TARGETS) {
        const truth = runOracle(oracle, file, t)
        const ours: Array<string> = []
        const r = relocateObject(bytes, targets.get(t)!, {
          log: (l) => ours.push(l)
        })
        expect(coreLogLines(ours), `${name} against ${t}`).toEqual(coreLogLines(truth.log))
        expect(Result.isSuccess(r) ? 0 : loadErrnoOf(r.failure), `${name} against ${t}`).toBe(truth.load)
      }
    })
  })
})
