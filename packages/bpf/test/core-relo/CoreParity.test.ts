/**
 * Parity of the TypeScript CO-RE relocator with libbpf 1.1.2 itself: for every fixture program
 * × target BTF (standalone, split on a base, big-endian, moved / missing / ambiguous / flavored
 * / straddling layouts), the libbpf oracle (testdata/corerelo.c, built here from source) and
 * relocateObject must produce
 *   - the same CO-RE log, line for line (candidates found, local and candidate specs, matching
 *     decisions, patched values, poisonings, ambiguity and failure messages),
 *   - the same load result (0 or libbpf's -errno),
 *   - the same value, poison decision or failure for every relocation,
 *   - the same relocated instruction stream for every program.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Btf } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { loadErrnoOf, relocateObject } from "../../src/core-relo/index.js"
import { buildOracle, coreLogLines, type OracleRun, runOracle, TESTDATA, removeScratch } from "./oracle.js"

afterAll(removeScratch)

const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(TESTDATA, f)))

const decodeTarget = (target: string, base?: string): Btf => {
  const b = base === undefined ? undefined : Result.getOrThrow(decodeBtf(read(base)))
  return Result.getOrThrow(decodeBtf(read(target), b === undefined ? {} : { base: b }))
}

interface Case {
  readonly obj: string
  readonly target: string
  readonly base?: string
}

const OBJECTS = ["rx_fields.o", "rx_types.o", "prune.o", "tm.o", "enum64.o", "enum_signed.o"]
const TARGETS = [
  "t_same.btf",
  "t_moved.btf",
  "t_missing.btf",
  "t_ambig.btf",
  "t_flavor.btf",
  "t_straddle.btf",
  "t_same_clang.btf",
  "t_moved_be.btf",
  "base.btf"
]
const CASES: Array<Case> = [
  ...OBJECTS.flatMap((obj) => TARGETS.map((target) => ({ obj, target }))),
  ...OBJECTS.map((obj) => ({ obj, target: "drv_split.btf", base: "base.btf" }))
]

/** "relo #N" outcome per (prog, N) from a CO-RE log: patched value, poison, or failure */
const outcomes = (log: ReadonlyArray<string>): Map<string, string> => {
  const out = new Map<string, string>()
  for (const l of log) {
    let m =
      /^prog '([^']+)': relo #(\d+): patched insn #\d+ \((?:ALU\/ALU64|LDIMM64|LDX\/ST\/STX)\) (?:imm64|imm|off) (\d+) -> (\d+)$/.exec(
        l
      )
    if (m !== null) {
      out.set(`${m[1]}#${m[2]}`, `${m[3]} -> ${m[4]}`)
      continue
    }
    m = /^prog '([^']+)': relo #(\d+): substituting insn/.exec(l)
    if (m !== null) {
      out.set(`${m[1]}#${m[2]}`, "poison")
      continue
    }
    m = /^prog '([^']+)': relo #(\d+): failed to (?:relocate|patch insn #\d+): (-\d+)$/.exec(l)
    if (m !== null) out.set(`${m[1]}#${m[2]}`, `error ${m[3]}`)
  }
  return out
}

describe("CO-RE relocator parity with libbpf 1.1.2 (corerelo oracle)", () => {
  let oracle = ""
  beforeAll(() => {
    oracle = buildOracle()
  })

  for (const c of CASES) {
    const label = `${c.obj} against ${c.target}${c.base === undefined ? "" : ` on ${c.base}`}`
    it(label, () => {
      const truth: OracleRun = runOracle(oracle, c.obj, c.target, c.base)
      const truthLog = coreLogLines(truth.log)
      expect(truthLog.length).toBeGreaterThan(0)

      const ours: Array<string> = []
      const r = relocateObject(read(c.obj), decodeTarget(c.target, c.base), {
        log: (l) => ours.push(l)
      })
      const oursLog = coreLogLines(ours)

      // line-for-line CO-RE log
      expect(oursLog).toEqual(truthLog)
      // load result
      expect(Result.isSuccess(r) ? 0 : loadErrnoOf(r.failure)).toBe(truth.load)
      // every relocation's outcome (value, poison or failure)
      expect(outcomes(oursLog)).toEqual(outcomes(truthLog))

      if (Result.isSuccess(r)) {
        // per-relocation values against the oracle's patched lines
        const table = outcomes(truthLog)
        for (const rel of r.success.relocations) {
          const t = table.get(`${rel.progName}#${rel.reloIndex}`)
          if (rel.result.poison || (rel.result.failMemszAdjust && rel.relo.kind === 0 && t === "poison")) {
            expect(t).toBe("poison")
          } else {
            expect(t?.split(" -> ")[1]).toBe(rel.result.newValue.toString())
          }
        }
        // full relocated instruction streams
        expect(new Set(r.success.programs.map((p) => p.name))).toEqual(new Set(truth.programs.keys()))
        for (const p of r.success.programs) {
          const want = truth.programs.get(p.name)!
          expect(p.sectionName).toBe(want.section)
          expect(p.insns).toEqual(want.insns)
        }
      }
    })
  }
})

const VMLINUX = "/sys/kernel/btf/vmlinux"
describe.runIf(existsSync(VMLINUX))("CO-RE parity against the running kernel's BTF", () => {
  it("kprog.o (xdp_buff, xdp_frame, xsk_tx_metadata, xdp_md, xdp_rss_hash_type) against /sys/kernel/btf/vmlinux", () => {
    const oracle = buildOracle()
    const truth = runOracle(oracle, "kprog.o", VMLINUX)
    const ours: Array<string> = []
    const vmlinux = Result.getOrThrow(decodeBtf(new Uint8Array(readFileSync(VMLINUX))))
    const r = relocateObject(read("kprog.o"), vmlinux, {
      log: (l) => ours.push(l)
    })
    expect(coreLogLines(ours)).toEqual(coreLogLines(truth.log))
    expect(Result.isSuccess(r) ? 0 : loadErrnoOf(r.failure)).toBe(truth.load)
    expect(Result.getOrThrow(r).programs[0]!.insns).toEqual(truth.programs.get("kprog")!.insns)
  })
})
