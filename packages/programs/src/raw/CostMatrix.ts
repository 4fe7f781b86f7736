/**
 * The "HW x queue format x BPF authors" matrix in numbers (Jakub Kicinski's NACK of the raw
 * descriptor design, thread "Re: [RFC bpf-next v2 11/11] net/mlx5e: Support TX timestamp
 * metadata", June 2023): per program and style, how much program source a set of NICs
 * costs. Measured, not declared: the function reads the programs' TypeScript sources with node:fs
 * (the src/ tree next to this module, also when running from dist/) and counts
 *
 *   lines     source lines that are not blank and not only comment (block comments and `//`
 *             lines stripped first; a line with code and a trailing comment counts)
 *   branches  conditional constructs in those lines: `if (`, `case `, and ternary `?` (a `?` not
 *             part of `?.`, `??`, `?:` — optional members — or a string); a lexical count, not a
 *             control-flow analysis
 *
 * over the files PROGRAM_SOURCES attributes to the program/style: files shared by every NIC
 * (nic "*") count once, per-NIC files count for each NIC asked for. `perNicPaths` is the number
 * of NIC-specific code paths the style needs for those NICs (raw: one per NIC with a per-NIC file;
 * kfunc: 0 — the per-NIC code is the driver's, written once per NIC, not once per program). This
 * table is the program authors' side only: `devtx compare matrix` (bench's DesignCostQuestion.ts)
 * counts the drivers' kfunc code next to it, and the C programs of record.
 * A NIC the style has no file for is listed in `missing` (the program does not run there).
 */
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Data, Result } from "effect"

export type ProgramStyle = "kfunc" | "raw" | "btf-id"

export interface ProgramSource {
  readonly program: string
  readonly style: ProgramStyle
  /** a NIC name, or "*" for code every NIC uses */
  readonly nic: string
  /** paths relative to packages/programs/src */
  readonly files: ReadonlyArray<string>
}

/** Which source files make up each program in each style (the attribution the counts rest on). */
export const PROGRAM_SOURCES: ReadonlyArray<ProgramSource> = [
  { program: "hw-metadata", style: "kfunc", nic: "*", files: ["hw-metadata/HwMetadataProgram.ts"] },
  { program: "hw-metadata", style: "raw", nic: "*", files: ["raw/RawXdpMetaStore.ts"] },
  { program: "hw-metadata", style: "raw", nic: "sim", files: ["raw/SimRawHwMetadata.ts"] },
  { program: "hw-metadata", style: "raw", nic: "mlx5", files: ["raw/Mlx5RawHwMetadata.ts"] },
  { program: "hw-metadata", style: "raw", nic: "ice", files: ["raw/IceRawHwMetadata.ts"] },
  { program: "hw-metadata", style: "btf-id", nic: "sim", files: ["raw/BtfIdHintsProgram.ts", "raw/RawXdpMetaStore.ts"] },
  { program: "ping-pong", style: "kfunc", nic: "*", files: ["ping-pong/PingPongHost.ts", "hw-metadata/HwMetadataProgram.ts"] },
  { program: "ping-pong", style: "raw", nic: "*", files: ["raw/RawPingPongHost.ts", "raw/FrameL4Locator.ts", "raw/TxStampLog.ts", "raw/RawXdpMetaStore.ts"] },
  { program: "ping-pong", style: "raw", nic: "sim", files: ["raw/SimRawHwMetadata.ts", "raw/SimRawDevtx.ts"] },
  { program: "ping-pong", style: "raw", nic: "mlx5", files: ["raw/Mlx5RawHwMetadata.ts", "raw/Mlx5RawDevtx.ts"] },
  { program: "ping-pong", style: "raw", nic: "ice", files: ["raw/IceRawHwMetadata.ts", "raw/IceRawDevtx.ts"] }
]

export interface CostRow {
  readonly program: string
  readonly style: ProgramStyle
  readonly nics: ReadonlyArray<string>
  /** NICs asked for that the style has no code for */
  readonly missing: ReadonlyArray<string>
  readonly files: number
  readonly lines: number
  readonly branches: number
  readonly sharedLines: number
  readonly perNicLines: Readonly<Record<string, number>>
  readonly perNicPaths: number
}

export class CostMatrixError extends Data.TaggedError("CostMatrixError")<{ readonly file: string; readonly reason: string }> {}

/** Counts of one source text (see the module comment for the rules). */
export const countSource = (text: string): { readonly lines: number; readonly branches: number } => {
  const noBlock = text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ""))
  let lines = 0
  let branches = 0
  for (const raw of noBlock.split("\n")) {
    const t = raw.trim()
    if (t === "" || t.startsWith("//")) continue
    lines++
    const code = t
      .replace(/\/\/.*$/, "")
      .replace(/`(?:\\.|[^`\\])*`/g, "``")
      .replace(/"(?:\\.|[^"\\])*"/g, '""')
      .replace(/'(?:\\.|[^'\\])*'/g, "''")
    branches += (code.match(/\bif \(/g) ?? []).length
    branches += (code.match(/\bcase\b/g) ?? []).length
    branches += (code.match(/(?<![?])\?(?![.?:])/g) ?? []).length
  }
  return { lines, branches }
}

/** packages/programs/src, from src/raw/ (vitest, tsx) or dist/raw/ (the built cli) */
export const defaultProgramsSrcRoot = (): string => {
  const here = fileURLToPath(new URL("../", import.meta.url))
  return here.replace(/[\\/]dist[\\/]$/, "/src/")
}

/**
 * The matrix for `nics`: one row per (program, style) in PROGRAM_SOURCES. `srcRoot` defaults to
 * this package's src/. A missing or unreadable source file is a CostMatrixError.
 */
export const costMatrix = (nics: ReadonlyArray<string>, srcRoot: string = defaultProgramsSrcRoot()): Result.Result<ReadonlyArray<CostRow>, CostMatrixError> => {
  const cache = new Map<string, { lines: number; branches: number }>()
  const count = (file: string): { lines: number; branches: number } | CostMatrixError => {
    const hit = cache.get(file)
    if (hit !== undefined) return hit
    const path = `${srcRoot.endsWith("/") ? srcRoot : `${srcRoot}/`}${file}`
    if (!existsSync(path)) return new CostMatrixError({ file: path, reason: "no such source file" })
    const c = countSource(readFileSync(path, "utf8"))
    cache.set(file, c)
    return c
  }
  const rows: CostRow[] = []
  const keys = [...new Set(PROGRAM_SOURCES.map((s) => `${s.program}\u0000${s.style}`))]
  for (const key of keys) {
    const [program, style] = key.split("\u0000") as [string, ProgramStyle]
    const entries = PROGRAM_SOURCES.filter((s) => s.program === program && s.style === style)
    const shared = entries.filter((e) => e.nic === "*").flatMap((e) => e.files)
    const counted = new Set<string>()
    let lines = 0
    let branches = 0
    let sharedLines = 0
    for (const f of shared) {
      if (counted.has(f)) continue
      const c = count(f)
      if (c instanceof CostMatrixError) return Result.fail(c)
      counted.add(f)
      lines += c.lines
      branches += c.branches
      sharedLines += c.lines
    }
    const perNicLines: Record<string, number> = {}
    const missing: string[] = []
    let perNicPaths = 0
    const sharedOnly = entries.every((e) => e.nic === "*")
    for (const nic of nics) {
      const own = entries.filter((e) => e.nic === nic).flatMap((e) => e.files)
      if (own.length === 0) {
        if (!sharedOnly) missing.push(nic)
        continue
      }
      perNicPaths++
      let n = 0
      for (const f of own) {
        // a file two NICs' entries name (none today) would be counted once, for the first NIC
        if (counted.has(f)) continue
        const c = count(f)
        if (c instanceof CostMatrixError) return Result.fail(c)
        counted.add(f)
        n += c.lines
        lines += c.lines
        branches += c.branches
      }
      perNicLines[nic] = n
    }
    rows.push({ program, style, nics, missing, files: counted.size, lines, branches, sharedLines, perNicLines, perNicPaths })
  }
  return Result.succeed(rows)
}

/** The table as text (for the cli and the test artefact). */
export const formatCostMatrix = (rows: ReadonlyArray<CostRow>): string[] => {
  const out = ["program      style   nics                lines  branches  shared  per-NIC paths  per-NIC lines"]
  for (const r of rows)
    out.push(
      [
        r.program.padEnd(12),
        r.style.padEnd(7),
        r.nics.join(",").padEnd(19),
        String(r.lines).padStart(5),
        String(r.branches).padStart(9),
        String(r.sharedLines).padStart(7),
        String(r.perNicPaths).padStart(14),
        ` ${Object.entries(r.perNicLines).map(([k, v]) => `${k}=${v}`).join(" ")}${r.missing.length > 0 ? ` (no code for: ${r.missing.join(",")})` : ""}`
      ].join(" ")
    )
  return out
}
