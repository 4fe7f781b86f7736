/**
 * `devtx kernel run|bench` through the built executable: typed errors name the offending value
 * (exit 1), and on a machine with the kernel lane `bench --quick` writes results.json rows with
 * "lane":"kernel" and prints the table.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { kernelLanePrerequisites } from "@devtx/kernel"
import { beforeAll, describe, expect, it } from "vitest"
import { buildDevtxBin, devtxBin, repoRoot } from "../support/BuiltBin.js"

const devtx = (...args: string[]) => spawnSync(process.execPath, [devtxBin, ...args], { cwd: repoRoot, encoding: "utf8" })

beforeAll(() => buildDevtxBin())

describe("devtx kernel", () => {
  it("run --object on a missing file: a typed error naming it", () => {
    const r = devtx("kernel", "run", "--object", "/nonexistent/x.bpf.o")
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/KernelInputError: --object \/nonexistent\/x\.bpf\.o: no such file/)
  })

  it("bench --dev without --allow-drop is refused before anything is touched", () => {
    const r = devtx("kernel", "bench", "--dev", "eth-nope")
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/--dev eth-nope: the bench programs drop every frame/)
  })

  it.runIf(kernelLanePrerequisites().length === 0)("bench --quick writes kernel-lane rows and prints the table", () => {
    const out = mkdtempSync(join(tmpdir(), "devtx-kbench-"))
    try {
      const r = devtx("kernel", "bench", "--quick", "--out", out)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/kfunc-dev-bound\s+drop-skb\s+[\d.]+/)
      const j = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { results: Array<Record<string, unknown>> }
      const row = j.results.find((x) => x["style"] === "kfunc-dev-bound")!
      expect(row).toMatchObject({ lane: "kernel", driver: "veth", style: "kfunc-dev-bound" })
      for (const k of ["ns_per_packet", "xlated_insns", "jited_bytes"]) expect(typeof row[k]).toBe("number")
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
