/**
 * The computed sections both renderings share — conclusions and their rules, anomaly flags, the
 * marginal cost per hint (model lane, V8), the VM lane's instruction counts and the kernel lane's
 * figures — as neutral blocks (headings, paragraphs, lists, tables) that MarkdownReport and
 * HtmlReport each turn into their format. Text may use **bold** and `code`; both renderers
 * translate exactly those two marks.
 */
import type { BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { ANOMALY_RULES, anomalies } from "./Anomalies.js"
import { CONCLUSION_RULES, conclusions } from "./Conclusions.js"
import {
  type FigureOf,
  hintSetOf,
  kfuncInsnsFigure,
  laneOf,
  type MarginalTable,
  marginalTables,
  nsFigure,
  PATH_HINTS,
  programInsnsFigure
} from "./MarginalCost.js"
import { distinguishable, fmtMeasured, type Measured, NOISE_RULE } from "./Significance.js"

export type Block =
  | { readonly kind: "h2" | "h3" | "p"; readonly text: string }
  | { readonly kind: "ul"; readonly items: ReadonlyArray<string> }
  | { readonly kind: "table"; readonly head: ReadonlyArray<string>; readonly rows: ReadonlyArray<ReadonlyArray<string>> }
  | { readonly kind: "details"; readonly summary: string; readonly blocks: ReadonlyArray<Block> }

const cell = (m: Measured | undefined, unit = ""): string => (m === undefined ? "-" : `${fmtMeasured(m, unit)}${distinguishable(m) || m.margin === 0 ? "" : " (noise)"}`)

const setLabel = (x: BenchResultRow): string => {
  const s = hintSetOf(x)
  return s.length === 0 ? "none" : s.join("+")
}

export const conclusionBlocks = (r: BenchResultsFile): Block[] => {
  const cs = conclusions(r)
  const flags = anomalies(r)
  const out: Block[] = [{ kind: "h2", text: "Conclusions" }]
  out.push({
    kind: "p",
    text: "Computed from this run's figures by the rules below; a statement the noise does not support says so. Model-lane figures are devtx's JS model on V8 (ratios, not a NIC's ns); the VM lane counts BPF instructions; the kernel lane is bpf_stats on a veth."
  })
  out.push({ kind: "ul", items: cs.length === 0 ? ["No row in this run supports a conclusion."] : cs.map((c) => `${c.text} [${c.verdict}; ${c.rule}]`) })
  out.push({ kind: "h3", text: "Anomaly flags" })
  const kinds = ANOMALY_RULES.filter((a) => flags.some((f) => f.kind === a.kind))
  out.push(
    flags.length === 0
      ? { kind: "p", text: "None: no figure contradicts the measurement's design by more than its noise." }
      : {
          kind: "ul",
          items: kinds.flatMap((k) => {
            const these = flags.filter((f) => f.kind === k.kind)
            const shown = k.kind === "noisy" ? these.slice(0, 8) : these
            return [
              `**${k.kind}** (${these.length}: ${k.rule}): ${shown.map((f) => `${f.lane === "model" ? "" : `[${f.lane}] `}${f.text}`).join("; ")}${shown.length < these.length ? `; and ${these.length - shown.length} more` : ""}`
            ]
          })
        }
  )
  out.push({
    kind: "details",
    summary: "the rules",
    blocks: [
      { kind: "p", text: NOISE_RULE },
      { kind: "ul", items: CONCLUSION_RULES.map((c) => `**${c.rule}**: ${c.how}`) },
      { kind: "ul", items: ANOMALY_RULES.map((a) => `**${a.kind}**: ${a.rule}`) }
    ]
  })
  return out
}

const marginalTableBlocks = (tables: ReadonlyArray<MarginalTable>, path: string, driver: string, unit: string): Block[] => {
  const these = tables.filter((t) => t.path === path && t.driver === driver)
  if (these.length === 0) return []
  const hints = PATH_HINTS[path] ?? []
  return [
    {
      kind: "table",
      head: ["style", ...hints.map((h) => `${h}: alone / over the others`)],
      rows: these.map((t) => [t.style, ...hints.map((_, i) => `${cell(t.hints[i]?.alone, unit)} / ${cell(t.hints[i]?.increment, unit)}`)])
    },
    {
      kind: "details",
      summary: "cumulative steps (first k−1 hints to the first k)",
      blocks: [{ kind: "table", head: ["style", ...hints.map((h, i) => `${i + 1}: +${h}`)], rows: these.map((t) => [t.style, ...hints.map((_, i) => cell(t.hints[i]?.cumulative, unit))]) }]
    }
  ]
}

const PATH_TITLE: Readonly<Record<string, string>> = { rx: "RX", "tx-submit": "TX submit", "tx-complete": "TX complete" }

/** The per-hint marginal cost tables of a lane whose figure is ns/packet. */
const marginalNsBlocks = (r: BenchResultsFile, lane: "model" | "kernel"): Block[] => {
  const tables = marginalTables(r, lane, nsFigure)
  const out: Block[] = []
  for (const path of Object.keys(PATH_HINTS))
    for (const driver of [...new Set(tables.filter((t) => t.path === path).map((t) => t.driver))]) {
      const b = marginalTableBlocks(tables, path, driver, "")
      if (b.length > 0) out.push({ kind: "h3", text: `${PATH_TITLE[path]}, ${driver}: ns per packet` }, ...b)
    }
  return out
}

export const marginalBlocks = (r: BenchResultsFile): Block[] => {
  const body = marginalNsBlocks(r, "model")
  if (body.length === 0) return []
  return [
    { kind: "h2", text: "Cost per hint — model lane (V8)" },
    {
      kind: "p",
      text: "Each hint's marginal cost in ns/packet ± the combined margin: **alone** = the program reading only that hint minus the empty program; **over the others** = every hint minus every hint but that one; **cumulative** = the classic step from the first k−1 hints to the first k (hint order hash, timestamp, vlan-tag, checksum; TX submit tx-timestamp, l4-checksum). A term the noise does not support is marked (noise). JS on V8 has no cycle counter: these are ns of the model, not cycles of a NIC; the VM lane below is the architecture-neutral count."
    },
    ...body
  ]
}

const insnsCell = (p: Measured | undefined, k: Measured | undefined): string =>
  p === undefined ? "-" : `${fmtMeasured({ value: p.value + (k?.value ?? 0), margin: 0 }, "")} (program ${fmtMeasured(p, "")}, kfuncs ${fmtMeasured(k ?? { value: 0, margin: 0 }, "")})`

export const vmBlocks = (r: BenchResultsFile): Block[] => {
  const rows = r.results.filter((x) => laneOf(x) === "vm")
  if (rows.length === 0) return []
  const out: Block[] = [
    { kind: "h2", text: "VM lane: BPF instructions executed per packet" },
    {
      kind: "p",
      text: "clang-built BPF objects run by devtx's eBPF VM over the modelled NICs: instructions the program executed per packet and, separately, those of the kfuncs it called — the architecture-neutral figure (exact counts, no noise)."
    }
  ]
  for (const driver of [...new Set(rows.map((x) => x.driver))]) {
    const these = rows.filter((x) => x.driver === driver)
    out.push({ kind: "h3", text: `${driver} (VM)` })
    out.push({
      kind: "table",
      head: ["path", "style", "hints", "program insns/packet", "kfunc insns/packet", "total", "ns/packet (VM)"],
      rows: these.map((x) => [
        x.path,
        // the VM bench's rows name their engine (jit / interp, or ts: the TypeScript baseline) and its ratios
        x.engine === undefined ? x.style : `${x.style} (${x.engine})`,
        setLabel(x),
        x.insns_per_packet === undefined ? "-" : x.insns_per_packet.toFixed(1),
        x.kfunc_insns_per_packet === undefined ? "-" : x.kfunc_insns_per_packet.toFixed(1),
        x.insns_per_packet === undefined ? "-" : (x.insns_per_packet + (x.kfunc_insns_per_packet ?? 0)).toFixed(1),
        `${x.ns_per_packet.toFixed(1)} ±${x.rme.toFixed(1)}%${typeof x.ratio_to_ts === "number" ? `, ${x.ratio_to_ts.toFixed(2)}x TS` : ""}${typeof x.ratio_to_jit === "number" ? `, ${x.ratio_to_jit.toFixed(2)}x JIT` : ""}`
      ])
    })
    const prog = marginalTables(r, "vm", programInsnsFigure).filter((t) => t.driver === driver)
    const kf = marginalTables(r, "vm", kfuncInsnsFigure as FigureOf).filter((t) => t.driver === driver)
    for (const t of prog) {
      const k = kf.find((x) => x.path === t.path && x.style === t.style)
      if (!t.hints.some((h) => h.alone !== undefined || h.increment !== undefined)) continue
      out.push({
        kind: "table",
        head: [`${PATH_TITLE[t.path] ?? t.path} ${t.style}: hint`, "alone (insns)", "over the others (insns)"],
        rows: t.hints.map((h, i) => [h.hint, insnsCell(h.alone, k?.hints[i]?.alone), insnsCell(h.increment, k?.hints[i]?.increment)])
      })
    }
  }
  return out
}

export const kernelBlocks = (r: BenchResultsFile): Block[] => {
  const rows = r.results.filter((x) => laneOf(x) === "kernel")
  if (rows.length === 0) return []
  const out: Block[] = [
    { kind: "h2", text: "Kernel lane: the running kernel" },
    {
      kind: "p",
      text: "The same BPF objects loaded with libbpf on the running kernel, device-bound to a veth in a private network namespace: ns/packet from bpf_stats (run_time_ns / run_cnt), the verifier's translated instruction count and the JIT image size."
    },
    {
      kind: "table",
      head: ["driver", "path", "style", "hints", "ns/packet", "rme", "xlated insns", "JIT bytes"],
      rows: rows.map((x) => [x.driver, x.path, x.style, setLabel(x), x.ns_per_packet.toFixed(1), `±${x.rme.toFixed(2)}%`, String(x.xlated_insns ?? "-"), String(x.jited_bytes ?? "-")])
    },
    ...marginalNsBlocks(r, "kernel")
  ]
  return out
}

/** Headline label of the model lane's sections */
export const MODEL_LANE = "model lane (V8)"
