/**
 * `devtx run --program ping-pong --json`: one object per ping that completed, then a summary.
 * Per ping: {"index", "rx_timestamp", "tx_timestamp", "tx_wire_time", "csum_want"}: the HW RX
 * time of the ping, the HW TX completion time (xsk_tx_metadata.completion, or the devtx
 * completion kfunc on a driver without xsk_tx_metadata_ops), the PHC time the mirrored frame left
 * the wire, all ns as DECIMAL STRINGS (u64) — rx_timestamp / tx_timestamp null when the device
 * gave none — and the UDP checksum the mirrored frame must carry.
 */
import type { PingPongResult } from "@devtx/programs"
import { Schema } from "effect"

const U64 = Schema.String.check(Schema.isPattern(/^(0|[1-9][0-9]{0,19})$/))

export const PingJson = Schema.Struct({
  index: Schema.Int,
  rx_timestamp: Schema.NullOr(U64),
  tx_timestamp: Schema.NullOr(U64),
  tx_wire_time: U64,
  csum_want: Schema.Int
})
export type PingJson = typeof PingJson.Type

export const PingPongSummaryJson = Schema.Struct({
  summary: Schema.Literal(true),
  driver: Schema.String,
  program: Schema.Literal("ping-pong"),
  input: Schema.String,
  offered: Schema.Int,
  completed: Schema.Int,
  skipped_packets: Schema.Int,
  capture_error: Schema.NullOr(Schema.String)
})
export type PingPongSummaryJson = typeof PingPongSummaryJson.Type

export const pingJson = (r: PingPongResult): PingJson[] =>
  r.pings.map((p, index) => ({
    index,
    rx_timestamp: p.rxTimestamp?.toString() ?? null,
    tx_timestamp: p.txTimestamp?.toString() ?? null,
    tx_wire_time: p.wireTime.toString(),
    csum_want: p.want
  }))
