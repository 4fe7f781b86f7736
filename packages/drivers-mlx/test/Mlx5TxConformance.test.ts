/**
 * mlx5 through core's TX conformance suite (AF_XDP zero-copy with TX metadata). The checked-in
 * gaps say where mlx5 differs from the full xsk_tx_metadata contract, and why.
 */
import { builtinCorpus, checkTxConformance, runTxConformance, type TxKnownGap } from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

export const MLX5_TX_KNOWN_GAPS: ReadonlyArray<TxKnownGap> = [
  {
    check: "tx.launch",
    reason:
      "mlx5e_xsk_tx_metadata_ops has no tmo_request_launch_time (only fill_timestamp and request_checksum), so xsk-features lacks tx-launch-time-fifo and a LAUNCH_TIME request is ignored: the frame leaves at once"
  }
]

describe("drivers-mlx TX conformance", () => {
  for (const [name, config] of [
    ["ConnectX-4 style (18-byte inline header)", {}],
    ["ConnectX-5+ style (no inline, MPWQE)", { txMinInline: "none", xdpTxMpwqe: true }]
  ] as const) {
    it(name, async () => {
      const r = await Effect.runPromise(runTxConformance(driver, builtinCorpus(), config))
      const v = checkTxConformance(r, MLX5_TX_KNOWN_GAPS)
      expect(v.unexplained.slice(0, 5)).toEqual([])
      expect(v.stale).toEqual([])
      expect(r.completed).toBe(r.submitted)
      expect(r.submitted).toBeGreaterThan(150)
      // the devtx completion kfunc's stamp was compared with the wire time (tx.devtx-timestamp)
      expect(r.devtxChecked).toBe(64)
    })
  }
})
