/** The reference NIC through core's TX conformance suite: no gaps, in both completion modes and with either layout. */
import { builtinCorpus, checkTxConformance, runTxConformance, type TxKnownGap } from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const TX_KNOWN_GAPS: ReadonlyArray<TxKnownGap> = []

describe("drivers-sim TX conformance", () => {
  for (const [name, config] of [
    ["per-packet completions", {}],
    ["per-batch completions", { txCompletion: "per-batch" }]
  ] as const) {
    it(name, async () => {
      const r = await Effect.runPromise(runTxConformance(driver, builtinCorpus(), config))
      const v = checkTxConformance(r, TX_KNOWN_GAPS)
      expect(v.unexplained.slice(0, 5)).toEqual([])
      expect(v.stale).toEqual([])
      expect(r.completed).toBe(r.submitted)
      expect(r.submitted).toBeGreaterThan(150)
      // the devtx completion kfunc's stamp was compared with the wire time (tx.devtx-timestamp)
      expect(r.devtxChecked).toBe(64)
    })
  }

  it("detects a device that does not honour the requests (no xsk TX ops)", async () => {
    const r = await Effect.runPromise(runTxConformance(driver, builtinCorpus().slice(0, 80), { xskTxOps: [] }))
    const checks = new Set(r.mismatches.map((m) => m.check))
    expect(checks).toEqual(new Set(["tx.checksum", "tx.timestamp", "tx.launch"]))
  })
})
