/**
 * The mlx5 model through core's RX conformance suite over the builtin corpus, in every
 * combination of: RX timestamp filter ALL/NONE, NETIF_F_RXHASH on/off, real-time/free-running
 * clock, CQE compression on/off (16 configurations), plus VLAN stripping / RXCSUM off and
 * multi-queue. The known gaps are checked in (Mlx5KnownGaps.ts), each with its reason and the configurations
 * it applies to; a gap that stops occurring fails the test as stale.
 */
import { builtinCorpus, checkConformance, runRxConformance } from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import type { Mlx5Config } from "@devtx/drivers-mlx/internals"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { gapsFor, KNOWN_GAPS } from "./Mlx5KnownGaps.js"

const corpus = builtinCorpus()

const matrix: Array<[string, Partial<Mlx5Config>]> = []
for (const ts of ["all", "none"] as const)
  for (const rxhash of [true, false])
    for (const tsFormat of ["real-time", "free-running"] as const)
      for (const cqeCompression of [false, true])
        matrix.push([
          `rx_filter=${ts} rxhash=${rxhash ? "on" : "off"} ${tsFormat} compression=${cqeCompression ? "on" : "off"}`,
          { rxTimestamp: ts, rxhash, tsFormat, cqeCompression, deviceFrequencyKhz: 156250 }
        ])
matrix.push(["rxvlan off, rxcsum off", { rxvlan: false, rxcsum: false }])
matrix.push(["four RX queues, 256-entry rings, L3-only TCP/UDP hashing", { rxQueues: 4, ringSize: 256, rssFields: { tcp4: "sd", udp4: "sd", tcp6: "sd", udp6: "sd" } }])
matrix.push(["no proposed checksum op (-EOPNOTSUPP)", { xdpRxChecksum: false }])

describe("drivers-mlx conformance (builtin corpus)", () => {
  for (const [name, overrides] of matrix) {
    it(name, async () => {
      const report = await Effect.runPromise(runRxConformance(driver, corpus, overrides as Record<string, unknown>))
      const cfg = { ...driver.defaultConfig, ...overrides } as Mlx5Config
      const gaps = cfg.xdpRxChecksum ? gapsFor(cfg) : gapsFor(cfg).filter((g) => g.check !== "checksum")
      const verdict = checkConformance(report, gaps)
      expect(verdict.unexplained.slice(0, 5)).toEqual([])
      expect(verdict.stale).toEqual([])
      expect(report.received).toBeGreaterThan(300)
      expect(report.compared.timestamp).toBe(report.received)
      expect(report.compared["skb.hwtstamp"]).toBe(report.received)
    })
  }

  it("every known gap has a reason", () => {
    for (const g of KNOWN_GAPS) expect(g.reason.length).toBeGreaterThan(40)
  })

  it("detects a wrong claim: inverting the timestamp claim makes every timestamp mismatch", async () => {
    const lying = { ...driver, rxSemantics: (c: Mlx5Config) => ({ ...driver.rxSemantics(c), timestamps: !driver.rxSemantics(c).timestamps }) }
    const report = await Effect.runPromise(runRxConformance(lying, corpus.slice(0, 40)))
    expect(report.mismatches.filter((m) => m.check === "timestamp").length).toBeGreaterThan(30)
  })
})
