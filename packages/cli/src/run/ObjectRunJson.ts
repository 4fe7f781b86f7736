/**
 * `devtx run --object FILE --json`: one JSON object per packet, then a summary, each on its own
 * line. Per packet: {"index", "verdict"} and, when the program left a struct xdp_meta in the
 * data_meta area (devtx's 40-byte layout or the mainline selftest's 32), the keys of the
 * hw-metadata JSON (RunJson.ts: rx_hash, rx_hash_type, rx_timestamp, vlan_proto, vlan_tci,
 * ip_summed, errors). The summary: {"summary": true, driver, object, program, section, binding,
 * engine, input, offered, received, verdicts, globals, insns, kfunc_binding, trace,
 * skipped_packets, capture_error} — `globals` the .data/.bss/.rodata variables by name as
 * bpftool map dump names them (u64 beyond 2^53 as decimal strings, non-integers as hex bytes),
 * `insns` the executed instructions: {"program": N, "helpers": {name: calls}, "kfuncs": {name:
 * calls}}. The schemas are the contract (the tests validate the output against them).
 */
import type { ObjectPacketResult, ObjectRun } from "@devtx/programs"
import { Schema } from "effect"
import { packetJson } from "./RunJson.js"

const NullableInt = Schema.NullOr(Schema.Int)
const Counts = Schema.Record(Schema.String, Schema.Number)

export const ObjectPacketJson = Schema.Struct({
  index: Schema.Int,
  verdict: Schema.String,
  rx_hash: Schema.optionalKey(NullableInt),
  rx_hash_type: Schema.optionalKey(NullableInt),
  rx_timestamp: Schema.optionalKey(Schema.NullOr(Schema.String)),
  vlan_proto: Schema.optionalKey(NullableInt),
  vlan_tci: Schema.optionalKey(NullableInt),
  ip_summed: Schema.optionalKey(NullableInt),
  errors: Schema.optionalKey(Schema.Struct({ hash: NullableInt, timestamp: NullableInt, vlan: NullableInt, checksum: NullableInt }))
})

export const ObjectSummaryJson = Schema.Struct({
  summary: Schema.Literal(true),
  driver: Schema.String,
  object: Schema.String,
  program: Schema.String,
  section: Schema.String,
  binding: Schema.String,
  engine: Schema.String,
  input: Schema.String,
  offered: Schema.Int,
  received: Schema.Int,
  verdicts: Counts,
  globals: Schema.Record(Schema.String, Schema.Union([Schema.Number, Schema.String])),
  insns: Schema.Struct({ program: Schema.Number, helpers: Counts, kfuncs: Counts }),
  kfunc_binding: Schema.Record(Schema.String, Schema.String),
  trace: Schema.Array(Schema.String),
  skipped_packets: Schema.Int,
  capture_error: Schema.NullOr(Schema.String)
})

export const objectPacketJson = (p: ObjectPacketResult, inputIndex: number): Record<string, unknown> => {
  if (p.meta === null) return { index: inputIndex, verdict: p.verdict }
  const full = packetJson({ ...p, user: { hi: 0, lo: 0 }, skb: { hash: 0, hashType: 0, vlanTci: null, ipSummed: 0, hwtstamp: "0" } }, inputIndex)
  return { ...full, verdict: p.verdict }
}

export interface ObjectRunContext {
  readonly driver: string
  readonly object: string
  readonly binding: string
  readonly engine: string
  readonly input: string
  readonly skippedPackets: number
  readonly captureError: string | null
}

export const objectSummaryJson = (run: ObjectRun, ctx: ObjectRunContext): Record<string, unknown> => {
  const s = run.summary
  return {
    summary: true,
    driver: ctx.driver,
    object: ctx.object,
    program: s.program,
    section: s.section,
    binding: ctx.binding,
    engine: ctx.engine,
    input: ctx.input,
    offered: s.offered,
    received: s.received,
    verdicts: s.verdicts,
    globals: s.globals,
    insns: s.insns,
    kfunc_binding: s.resolution,
    trace: s.trace,
    skipped_packets: ctx.skippedPackets,
    capture_error: ctx.captureError
  }
}

/** Text lines: per packet the verdict (and the metadata lines when a record is there), then the summary. */
export const formatObjectRun = (run: ObjectRun, first: number, formatMeta: (p: ObjectPacketResult) => ReadonlyArray<string>): string[] => {
  const out: string[] = []
  for (const p of run.packets.slice(0, first)) {
    out.push(`packet ${p.index}: len=${p.len} rx_queue=${p.queue} verdict=${p.verdict}`)
    for (const l of formatMeta(p)) out.push(`  ${l}`)
  }
  const s = run.summary
  out.push("summary:")
  out.push(`  program: ${s.program} SEC("${s.section}")`)
  out.push(`  packets: offered=${s.offered} received=${s.received}`)
  out.push(`  verdicts: ${Object.entries(s.verdicts).map(([k, v]) => `${k}=${v}`).join(" ")}`)
  out.push(`  globals: ${Object.entries(s.globals).map(([k, v]) => `${k}=${v}`).join(" ") || "(none)"}`)
  out.push(`  insns: program=${s.insns.program}`)
  for (const [k, v] of Object.entries(s.insns.helpers)) out.push(`    ${k}: ${v} calls`)
  for (const [k, v] of Object.entries(s.insns.kfuncs)) out.push(`    ${k}: ${v} calls (${s.resolution[k] ?? "in program"})`)
  for (const l of s.trace) out.push(`  trace: ${l}`)
  return out
}
