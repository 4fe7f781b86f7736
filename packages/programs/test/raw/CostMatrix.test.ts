/**
 * The matrix report (issue 5 acceptance): per program and style, source lines and branches for
 * 1, 2 and 3 NICs, read from the program sources. Written as a test artefact (a text table in a
 * temp dir, path printed) and checked for the properties the debate is about: raw grows with the
 * NIC count, kfunc does not.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CostRow, costMatrix, countSource, formatCostMatrix } from "@devtx/programs"
import { Result } from "effect"
import { describe, expect, it } from "vitest"

const matrixFor = (nics: ReadonlyArray<string>): ReadonlyArray<CostRow> => {
  const r = costMatrix(nics)
  if (Result.isFailure(r)) throw r.failure
  return r.success
}
const row = (rows: ReadonlyArray<CostRow>, program: string, style: string) => rows.find((r) => r.program === program && r.style === style)!

describe("cost matrix", () => {
  it("counts lines and branches by the stated rules", () => {
    const src = [
      "/** a block",
      " * comment */",
      "// a line comment",
      "",
      "const a = b ? 1 : 2 // trailing",
      "if (x?.y ?? z) f('?')",
      "switch (k) { case 1: break }",
      "interface I { o?: number }"
    ].join("\n")
    // 4 code lines; branches: one ternary, one if, one case (?. ?? ?: and the string's ? excluded)
    expect(countSource(src)).toEqual({ lines: 4, branches: 3 })
  })

  it("raw lines and per-NIC paths grow with the NIC count; kfunc's do not (artefact written)", () => {
    const sets = [["sim"], ["sim", "mlx5"], ["sim", "mlx5", "ice"]] as const
    const tables = sets.map((s) => matrixFor(s))
    const dir = mkdtempSync(join(tmpdir(), "devtx-cost-"))
    const text = tables.flatMap((t) => [...formatCostMatrix(t), ""]).join("\n")
    writeFileSync(join(dir, "cost-matrix.txt"), text)
    console.log(`cost matrix artefact: ${join(dir, "cost-matrix.txt")}\n${text}`)
    for (const program of ["hw-metadata", "ping-pong"]) {
      const raw = tables.map((t) => row(t, program, "raw"))
      const kfunc = tables.map((t) => row(t, program, "kfunc"))
      expect(raw[0]!.lines).toBeLessThan(raw[1]!.lines)
      expect(raw[1]!.lines).toBeLessThan(raw[2]!.lines)
      expect(raw[0]!.branches).toBeLessThan(raw[2]!.branches)
      expect(raw.map((r) => r.perNicPaths)).toEqual([1, 2, 3])
      expect(new Set(kfunc.map((r) => r.lines)).size).toBe(1)
      expect(kfunc.map((r) => r.perNicPaths)).toEqual([0, 0, 0])
      expect(kfunc.every((r) => r.missing.length === 0)).toBe(true)
      // every NIC's raw code path is real code, and the shared part is counted once
      const full = raw[2]!
      expect(Object.values(full.perNicLines).every((n) => n > 30)).toBe(true)
      expect(full.lines).toBe(full.sharedLines + Object.values(full.perNicLines).reduce((a, b) => a + b, 0))
    }
    // the BTF-id design exists for the sim only here: the other NICs show as missing
    expect(row(tables[2]!, "hw-metadata", "btf-id").missing).toEqual(["mlx5", "ice"])
  })

  it("a source root without the programs is a typed error", () => {
    expect(costMatrix(["sim"], "/nonexistent/src")).toMatchObject(Result.fail({ _tag: "CostMatrixError", reason: "no such source file" }))
  })
})
