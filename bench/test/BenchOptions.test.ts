// The bench's run options: --driver, --size, --mode, --config (and the cli's --pcap), parsed with
// typed errors naming the value, and carried into the rows and meta of a tiny in-process run.
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BenchArgsError, parseBenchArgs, runBench, SMOKE_TIMING } from "@devtx/bench"
import { describe, expect, it } from "vitest"
import { benchGroups } from "../src/Groups.js"

describe("bench options", () => {
  it("parses --driver, --size, --mode and --config, and names the bad value", () => {
    const dir = mkdtempSync(join(tmpdir(), "devtx-bench-opt-"))
    const cfg = join(dir, "cfg.json")
    writeFileSync(cfg, JSON.stringify({ rxcsum: false }))
    expect(parseBenchArgs(["--driver", "sim,mlx5", "--size", "128", "--mode", "pass", "--config", cfg])).toEqual({
      quick: false,
      filter: undefined,
      out: "bench-results",
      drivers: ["sim", "mlx5"],
      size: 128,
      mode: "pass",
      config: { rxcsum: false },
      configFrom: cfg
    })
    const err = (argv: string[]) => {
      const r = parseBenchArgs(argv)
      expect(r).toBeInstanceOf(BenchArgsError)
      return (r as BenchArgsError).message
    }
    expect(err(["--driver", "e1000"])).toBe("--driver: 'e1000' is not a bench driver (known: ice, mlx5, sim)")
    expect(err(["--size", "59"])).toBe("--size: '59' is not a frame size in bytes from 60 to 1514")
    expect(err(["--size", "1515"])).toContain("'1515'")
    expect(err(["--mode", "redirect-devmap"])).toContain("not built as an RX-suite mode: the DEVMAP routes are timed by the placement suite")
    expect(err(["--mode", "abort"])).toBe("--mode: 'abort' is not a mode (expected drop, pass, tx)")
    writeFileSync(cfg, "[1]")
    expect(err(["--config", cfg])).toContain("is not a JSON object")
    expect(err(["--config", join(dir, "none.json")])).toContain("cannot read")
  })

  it("--driver narrows the groups: no interleaving with one driver, no placement without the sim NIC", () => {
    const kinds = (d?: string[]) => benchGroups(d).map((g) => g.kind)
    expect(kinds(["mlx5"])).toEqual(["rx", "tx", "polymorphism-alone", "core", "vm"])
    expect(kinds(["sim", "ice"])).toContain("polymorphism-interleaved")
    expect(kinds(["sim", "ice"])).toContain("placement")
    // rx, tx, polymorphism-alone and the VM lane per driver; interleaved, placement, core
    expect(kinds()).toHaveLength(3 * 4 + 3)
  })

  it("a run with --size and --mode pass carries them into every row and the meta; a config typo is an error", async () => {
    const r = await runBench({
      quick: true,
      batch: 64,
      timing: SMOKE_TIMING,
      inProcess: true,
      drivers: ["sim"],
      filter: "^rx/sim/(raw-fixed|kfunc-dev-bound)/1$",
      input: { size: 128, mode: "pass" },
      onProgress: () => {}
    })
    expect(r.results.map((x) => x.style).sort()).toEqual(["kfunc-dev-bound", "raw-fixed"])
    for (const x of r.results) {
      expect(x.size).toBe(128)
      expect(x.mode).toBe("pass")
    }
    expect(r.meta).toMatchObject({ drivers: ["sim"], size: 128, mode: "pass" })
    expect(r.checks.some((c) => c.startsWith("rx sim hints=1: raw-fixed == kfunc-dev-bound"))).toBe(true)
    await expect(runBench({ drivers: ["sim"], input: { config: { rxcsumm: false } }, inProcess: true, timing: SMOKE_TIMING, batch: 64 })).rejects.toThrow(
      /'rxcsumm' is not a sim configuration key/
    )
  }, 60_000)
})
