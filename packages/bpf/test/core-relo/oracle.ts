/**
 * Test helper: builds and runs the libbpf CO-RE oracle (testdata/corerelo.c, reference
 * btf-and-core.md §5 recipe D) and parses its output. The oracle is libbpf 1.1.2's own
 * bpf_object__load() CO-RE pass with the bpf() syscall faked, so its log and relocated
 * instructions are the independent truth the parity tests compare against.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const TESTDATA = fileURLToPath(new URL("testdata", import.meta.url))

export interface OracleInsn {
  readonly code: number
  readonly dst: number
  readonly src: number
  readonly off: number
  readonly imm: number
}

export interface OracleRun {
  /** bpf_object__load() result (negative errno), or the open error */
  readonly load: number
  /** every "libbpf: " line, prefix stripped, trimmed */
  readonly log: ReadonlyArray<string>
  readonly programs: ReadonlyMap<string, { readonly section: string; readonly insns: ReadonlyArray<OracleInsn> }>
}

let scratch: string | undefined
/** A temporary directory for this test file (the oracle binary, mutated objects); see removeScratch. */
export const scratchDir = (): string => {
  if (scratch === undefined) scratch = mkdtempSync(join(tmpdir(), "devtx-core-"))
  return scratch
}

/** Removes the scratch directory (call from afterAll in every test file that uses it). */
export const removeScratch = (): void => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
  scratch = undefined
  oracleBin = undefined
}

let oracleBin: string | undefined
/** gcc -O2 corerelo.c -o <scratch>/corerelo -lbpf -ldl (once per test process); the binary's path */
export const buildOracle = (): string => {
  if (oracleBin === undefined) {
    const bin = join(scratchDir(), "corerelo")
    execFileSync("gcc", ["-O2", "-Wall", join(TESTDATA, "corerelo.c"), "-o", bin, "-lbpf", "-ldl"], { stdio: "pipe" })
    oracleBin = bin
  }
  return oracleBin
}

export const runOracle = (bin: string, obj: string, target: string, base?: string): OracleRun => {
  const args = [resolve(TESTDATA, obj), resolve(TESTDATA, target), ...(base !== undefined ? [resolve(TESTDATA, base)] : [])]
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 64 << 20 })
  if (r.status !== 0 && r.status !== 1) throw new Error(`corerelo ${args.join(" ")} exited ${r.status}: ${r.stderr}`)
  const log: Array<string> = []
  const programs = new Map<string, { section: string; insns: Array<OracleInsn> }>()
  let load = Number.NaN
  let current: Array<OracleInsn> | undefined
  // libbpf's "error matching candidate" format ends in "\n " so a line may start with a space
  for (const raw of r.stdout.split("\n")) {
    const line = raw.trim()
    if (line.startsWith("libbpf: ")) {
      log.push(line.slice("libbpf: ".length))
      continue
    }
    let m = /^(?:load|open): (-?\d+)$/.exec(line)
    if (m !== null) {
      load = Number(m[1])
      continue
    }
    m = /^prog (\S+) sec (\S+) insns=(\d+)$/.exec(line)
    if (m !== null) {
      current = []
      programs.set(m[1]!, { section: m[2]!, insns: current })
      continue
    }
    m = /^\d+: code=0x([0-9a-f]+) dst=r(\d+) src=r(\d+) off=(-?\d+) imm=(-?\d+)$/.exec(line)
    if (m !== null && current !== undefined) {
      current.push({
        code: Number.parseInt(m[1]!, 16),
        dst: Number(m[2]),
        src: Number(m[3]),
        off: Number(m[4]),
        imm: Number(m[5])
      })
    }
  }
  return { load, log, programs }
}

/** The CO-RE part of libbpf's log: candidate search, per-relocation lines, CO-RE section headers. */
export const coreLogLines = (log: ReadonlyArray<string>): Array<string> =>
  log.filter(
    (l) =>
      l.startsWith("CO-RE relocating ") ||
      /^sec '[^']*': (found \d+ CO-RE relocations|skipping CO-RE|failed to find a BPF program)/.test(l) ||
      /^prog '[^']*': relo /.test(l)
  )
