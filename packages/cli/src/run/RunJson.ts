/**
 * `devtx run --json`: one JSON object per packet, then one summary object, each on its own
 * line (JSON Lines). Per packet (hw-metadata):
 *
 *   {"index", "verdict", "rx_hash", "rx_hash_type", "rx_timestamp", "vlan_proto", "vlan_tci",
 *    "ip_summed", "errors": {"hash", "timestamp", "vlan", "checksum"}}
 *
 * - index: the packet's index in the input (capture packet index, or corpus index)
 * - verdict: the XDP action name (XDP_PASS, ...)
 * - rx_hash, rx_hash_type (enum xdp_rss_hash_type), vlan_proto (TPID, host order), vlan_tci,
 *   ip_summed (enum xdp_checksum, the proposed RX checksum kfunc): numbers, null when the kfunc
 *   failed
 * - rx_timestamp: the HW RX timestamp in ns as a DECIMAL STRING (a u64 does not fit a JS/JSON
 *   double exactly), null when the kfunc failed
 * - errors: the kfunc's return value when it failed (a negative errno, -61 = -ENODATA,
 *   -95 = -EOPNOTSUPP), null when it succeeded
 * When the program stored no struct xdp_meta for a packet, every value and error is null.
 *
 * The summary: {"summary": true, driver, program, style, binding, input, offered, padded, received,
 * dropped_by_mac, dropped (one {index, len, reason: "runt" | "over-mtu"} per frame the MAC
 * dropped), mtu, rx_missed, verdicts, found, errors (per kind, per "-ERRNO" name), skip, fail,
 * kfunc_binding, core_relocations, skipped_packets, capture_error}. style "kfunc": binding is the
 * --binding mode and kfunc_binding maps each kfunc to the driver op it was bound to
 * (core_relocations {}); style "raw": no kfunc is called, binding is null, kfunc_binding {} and
 * core_relocations maps each CO-RE field relocation to "+offset/size" in the driver's descriptor. padded: capture frames shorter than ETH_ZLEN
 * the replay padded to 60 (FrameSource.ts; 0 with --no-pad). The schemas below are the contract (the tests
 * validate the output against them).
 */
import type { HwMetadataRun, PacketResult } from "@devtx/programs"
import { Schema } from "effect"

const NullableInt = Schema.NullOr(Schema.Int)

export const RunPacketJson = Schema.Struct({
  index: Schema.Int,
  verdict: Schema.Literals(["XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"]),
  rx_hash: NullableInt,
  rx_hash_type: NullableInt,
  rx_timestamp: Schema.NullOr(Schema.String.check(Schema.isPattern(/^(0|[1-9][0-9]{0,19})$/))),
  vlan_proto: NullableInt,
  vlan_tci: NullableInt,
  ip_summed: NullableInt,
  errors: Schema.Struct({ hash: NullableInt, timestamp: NullableInt, vlan: NullableInt, checksum: NullableInt })
})
export type RunPacketJson = typeof RunPacketJson.Type

const Counts = Schema.Record(Schema.String, Schema.Int)

export const RunSummaryJson = Schema.Struct({
  summary: Schema.Literal(true),
  driver: Schema.String,
  program: Schema.Literal("hw-metadata"),
  style: Schema.Literals(["kfunc", "raw"]),
  binding: Schema.NullOr(Schema.String),
  input: Schema.String,
  offered: Schema.Int,
  padded: Schema.Int,
  received: Schema.Int,
  dropped_by_mac: Schema.Int,
  dropped: Schema.Array(Schema.Struct({ index: Schema.Int, len: Schema.Int, reason: Schema.Literals(["runt", "over-mtu"]) })),
  mtu: Schema.NullOr(Schema.Int),
  rx_missed: Schema.Int,
  verdicts: Counts,
  found: Counts,
  errors: Schema.Record(Schema.String, Counts),
  skip: Schema.Int,
  fail: Schema.Int,
  kfunc_binding: Schema.Record(Schema.String, Schema.String),
  core_relocations: Schema.Record(Schema.String, Schema.String),
  skipped_packets: Schema.Int,
  capture_error: Schema.NullOr(Schema.String)
})
export type RunSummaryJson = typeof RunSummaryJson.Type

export const packetJson = (p: PacketResult, inputIndex: number): RunPacketJson => {
  const m = p.meta
  return {
    index: inputIndex,
    verdict: p.verdict as RunPacketJson["verdict"],
    rx_hash: m?.rxHash ?? null,
    rx_hash_type: m?.rxHashType ?? null,
    rx_timestamp: m?.rxTimestamp ?? null,
    vlan_proto: m?.vlanProto ?? null,
    vlan_tci: m?.vlanTci ?? null,
    ip_summed: m?.ipSummed ?? null,
    errors: {
      hash: m?.rxHashErr ?? null,
      timestamp: m?.rxTimestampErr ?? null,
      vlan: m?.vlanErr ?? null,
      checksum: m?.cksumErr ?? null
    }
  }
}

export interface RunContext {
  readonly driver: string
  readonly binding: string
  readonly input: string
  readonly skippedPackets: number
  readonly captureError: string | null
  readonly padded: number
  /** frame index -> the input's packet index */
  readonly packetIndex: ReadonlyArray<number>
}

export const summaryJson = (run: HwMetadataRun, ctx: RunContext): RunSummaryJson => {
  const s = run.summary
  return {
    summary: true,
    driver: ctx.driver,
    program: "hw-metadata",
    style: s.style,
    binding: s.style === "raw" ? null : ctx.binding,
    input: ctx.input,
    offered: s.offered,
    padded: ctx.padded,
    received: s.received,
    dropped_by_mac: s.droppedByMac,
    dropped: run.drops.map((d) => ({ index: ctx.packetIndex[d.index] ?? d.index, len: d.len, reason: d.reason })),
    mtu: run.mtu ?? null,
    rx_missed: s.missed,
    verdicts: s.verdicts,
    found: s.found,
    errors: s.errors,
    skip: s.skip,
    fail: s.fail,
    kfunc_binding: s.resolution,
    core_relocations: s.coreRelocations,
    skipped_packets: ctx.skippedPackets,
    capture_error: ctx.captureError
  }
}
