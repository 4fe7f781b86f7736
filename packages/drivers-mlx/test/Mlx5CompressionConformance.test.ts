/**
 * mlx5 CQE compression under core's RX conformance suite in burst mode: 16 frames arrive before
 * each NAPI poll, so the hardware model forms compression sessions (a title CQE + mini CQEs) and
 * the driver decompresses them as mlx5e_decompress_cqes_start/_cont do. What compression loses is
 * declared here as gaps on top of mlx5's usual ones (Mlx5Conformance.test.ts).
 */
import { builtinCorpus, checkConformance, decodeDriverConfig, type KnownGap, runRxConformance } from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { gapsFor } from "./Mlx5KnownGaps.js"

const COMPRESSION_GAPS: ReadonlyArray<KnownGap> = [
  {
    check: "hash",
    reason:
      "a mini CQE carries no RSS hash: mlx5e_decompress_cqe keeps the title's hash only for the session's first CQE, later ones read hash 0 with XDP_RSS_TYPE_NONE (and the kfunc still returns 0)"
  },
  { check: "skb.hash", reason: "the same lost hash on the skb path: skb_set_hash is not called with a real hash for mini CQEs" },
  {
    check: "timestamp",
    reason: "a mini CQE has no timestamp field: every CQE of a session carries the title CQE's timestamp, so later frames read the session's first arrival time"
  },
  { check: "skb.hwtstamp", reason: "the same shared title timestamp on the skb path" }
]

describe("drivers-mlx conformance with CQE compression (burst 16)", () => {
  it("sessions form and lose exactly what mlx5 loses", async () => {
    const config = { cqeCompression: true }
    const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ...config }))
    const usual = gapsFor(cfg)
    const report = await Effect.runPromise(runRxConformance(driver, builtinCorpus(), config, { burst: 16 }))
    const verdict = checkConformance(report, [...usual, ...COMPRESSION_GAPS])
    expect(verdict.unexplained.slice(0, 5)).toEqual([])
    expect(verdict.stale).toEqual([])
    // compression really happened: some frames lost their hash, but not all (title CQEs keep it)
    const lost = report.mismatches.filter((m) => m.check === "hash" && m.kind !== "arp").length
    expect(lost).toBeGreaterThan(5)
    expect(lost).toBeLessThan(report.received / 2)
  })

  it("burst mode needs one RX queue", async () => {
    const exit = await Effect.runPromiseExit(runRxConformance(driver, builtinCorpus().slice(0, 10), { rxQueues: 4 }, { burst: 8 }))
    expect(JSON.stringify(exit)).toContain("burst mode needs one RX queue")
  })
})
