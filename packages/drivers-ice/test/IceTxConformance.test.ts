/**
 * ice through core's TX conformance suite. Upstream ice has no xsk_tx_metadata_ops, so AF_XDP TX
 * metadata is ignored entirely: the checked-in gaps say so. (devtx-only kfuncs give ice TX
 * timestamps through PHY memory — IceTxTimestamp.test.ts — but that is not the AF_XDP contract.)
 */
import { builtinCorpus, checkTxConformance, runTxConformance, type TxKnownGap } from "@devtx/core"
import { driver } from "@devtx/drivers-ice"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

export const ICE_TX_KNOWN_GAPS: ReadonlyArray<TxKnownGap> = [
  {
    check: "tx.checksum",
    reason: "ice has no xsk_tx_metadata_ops upstream (xsk-features 0): a CHECKSUM request in xsk_tx_metadata is ignored, the seeded field goes out as is"
  },
  {
    check: "tx.timestamp",
    reason:
      "no xsk_tx_metadata_ops: completion.tx_timestamp is never written; ice TX timestamps live in PHY timestamp memory reached through a context descriptor index, not in a completion"
  },
  { check: "tx.launch", reason: "no xsk_tx_metadata_ops and no launch-time support in ice: LAUNCH_TIME is ignored, the frame leaves at once" }
]

describe("drivers-ice TX conformance", () => {
  it("AF_XDP zero-copy with TX metadata", async () => {
    const r = await Effect.runPromise(runTxConformance(driver, builtinCorpus()))
    const v = checkTxConformance(r, ICE_TX_KNOWN_GAPS)
    expect(v.unexplained.slice(0, 5)).toEqual([])
    expect(v.stale).toEqual([])
    expect(r.completed).toBe(r.submitted)
    expect(r.submitted).toBeGreaterThan(150)
    // the devtx completion kfunc's stamp was compared with the wire time (tx.devtx-timestamp)
    expect(r.devtxChecked).toBe(64)
  })
})
