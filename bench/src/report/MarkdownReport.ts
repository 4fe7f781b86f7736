/**
 * The Markdown report a person would publish: machine and run, the targets of issue 9 with
 * verdicts, the RX tables per driver (ns/packet and ratio to the raw fixed-offset floor per style
 * and hint count, then every figure with Mpps, rme and samples), the harness floor, the
 * polymorphism comparison, the core operations, the kernel's published figures for context, the
 * caveats of a JS simulation, what was not measured and why, and the equality checks that passed
 * before timing.
 */
import type { BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { CAVEATS } from "./Caveats.js"
import { hintSetOf, isPrefixRow } from "./MarginalCost.js"
import { NO_QUESTIONS, QUESTION_SECTIONS } from "./QuestionSections.js"
import { type Block, conclusionBlocks, kernelBlocks, MODEL_LANE, marginalBlocks, vmBlocks } from "./ReportBlocks.js"
import { PUBLISHED_FIGURES, PUBLISHED_NOTE } from "./PublishedFigures.js"
import { PLACEMENT_DESIGN_NOTES, type PlacementStyle } from "../probes/PlacementProbes.js"
import {
  find,
  fmtMpps,
  fmtNs,
  fmtRatio,
  NOT_MEASURED,
  PLACEMENT_TIMED_UNIT,
  placementTable,
  polymorphismTable,
  rowsOf,
  STYLE_ORDER,
  targets,
  txDrivers,
  txTable
} from "./ReportModel.js"

const esc = (s: string): string => s.replace(/\|/g, "\\|")
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string[] => [
  `| ${head.join(" | ")} |`,
  `|${head.map(() => "---").join("|")}|`,
  ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)
]

const hintsCell = (x: BenchResultRow): string => (isPrefixRow(x) ? String(x.hints) : hintSetOf(x).join("+"))

const detail = (rows: ReadonlyArray<BenchResultRow>): string[] =>
  table(
    ["style", "hints", "ns/packet", "Mpps", "ratio to floor", "rme", "samples"],
    rows.map((x) => [x.style, hintsCell(x), fmtNs(x.ns_per_packet), fmtMpps(x.mpps), fmtRatio(x.ratio_to_floor), `±${x.rme.toFixed(2)}%`, String(x.samples)])
  )

/** Shared blocks (ReportBlocks.ts) as Markdown. */
export const blocksMarkdown = (blocks: ReadonlyArray<Block>): string[] =>
  blocks.flatMap((b): string[] => {
    switch (b.kind) {
      case "h2":
        return [`## ${b.text}`, ""]
      case "h3":
        return [`### ${b.text}`, ""]
      case "p":
        return [b.text, ""]
      case "ul":
        return [...b.items.map((i) => `* ${i}`), ""]
      case "table":
        return [...table(b.head, b.rows), ""]
      case "details":
        return [`<details><summary>${b.summary}</summary>`, "", ...blocksMarkdown(b.blocks), "</details>", ""]
    }
  })

/** the run options that change what was measured (BenchMeta's optional keys) */
export const runOptions = (m: BenchResultsFile["meta"]): string =>
  [m.drivers === undefined ? "" : `drivers ${m.drivers.join(", ")}`, m.mode === undefined ? "" : `mode ${m.mode}`, m.size === undefined ? "" : `${m.size}-byte frames`, m.pcap === undefined ? "" : `frames from ${m.pcap}`, m.config === undefined ? "" : `configuration ${m.config}`]
    .filter((x) => x !== "")
    .map((x) => `, ${x}`)
    .join("")

export const renderMarkdown = (r: BenchResultsFile): string => {
  const m = r.meta
  const out: string[] = []
  out.push("# devtx: what the kfunc abstraction costs against reading the descriptor", "")
  out.push(
    `Run of ${m.date} on revision \`${m.revision}\`, ${m.quick ? "**quick mode** (short timing budget: read the ratios, not the digits)" : "full mode"}, ${m.batch} packets per timed iteration${m.filter === null ? "" : `, filter \`${m.filter}\``}${runOptions(m)}, ${m.durationS} s.`,
    ""
  )
  out.push(...blocksMarkdown(conclusionBlocks(r)))
  out.push(
    ...table(
      ["machine", ""],
      [
        ["CPU", `${m.cpu} (${m.cores} logical cores)`],
        ["memory", `${m.memoryGiB} GiB`],
        ["OS", m.os],
        ["Node.js", m.node],
        ["V8", m.v8]
      ]
    ),
    ""
  )
  out.push(
    "Every figure is ns per packet of the driver's NAPI poll plus the program, over a batch the hardware model filled before timing, and its ratio to the **raw fixed-offset floor** (a program reading the descriptor at compiled-in offsets) with the same hint count, measured in the same worker. Hints are read in the order hash, timestamp, VLAN tag, checksum (the 4th is the proposed checksum kfunc).",
    ""
  )

  out.push("## Targets", "")
  out.push(...table(["target", "measured", "verdict", ""], targets(r).map((t) => [t.target, t.measured, t.verdict, t.detail])), "")
  out.push(...blocksMarkdown(marginalBlocks(r)))

  const rx = rowsOf(r, (x) => x.suite === "rx")
  const drivers = [...new Set(rx.map((x) => x.driver))]
  if (drivers.length > 0) {
    out.push(`## RX: reading k hints per packet — ${MODEL_LANE}`, "")
    for (const d of drivers) {
      out.push(`### ${d}`, "")
      const styles = STYLE_ORDER.filter((s) => s !== "empty" && rx.some((x) => x.driver === d && x.style === s && isPrefixRow(x)))
      const hints = [1, 2, 3, 4].filter((k) => rx.some((x) => x.driver === d && x.hints === k && isPrefixRow(x)))
      out.push(
        ...table(
          ["style", ...hints.map((k) => `${k} hint${k > 1 ? "s" : ""}: ns (ratio)`)],
          styles.map((s) => [
            s,
            ...hints.map((k) => {
              const x = find(r, "rx", d, s, k)
              return x === undefined ? "-" : `${fmtNs(x.ns_per_packet)} (${fmtRatio(x.ratio_to_floor)})`
            })
          ])
        ),
        ""
      )
      const empty = find(r, "rx", d, "empty", 0)
      if (empty !== undefined)
        out.push(`Harness floor (empty program, no hint read): **${fmtNs(empty.ns_per_packet)} ns/packet** (${fmtMpps(empty.mpps)} Mpps, ±${empty.rme.toFixed(2)}%) — the fixed cost of ${d}'s poll loop every figure above includes.`, "")
      const skips = r.skipped.filter((s) => s.suite === "rx" && s.driver === d)
      const reasons = [...new Map(skips.map((s) => [`${s.style}: ${s.reason.replace(/^hints=[\w-]+: /, "")}`, s])).keys()]
      if (reasons.length > 0) out.push("Not measured on this driver:", "", ...reasons.map((x) => `* ${x}`), "")
      out.push("<details><summary>every figure</summary>", "", ...detail(rx.filter((x) => x.driver === d)), "", "</details>", "")
    }
  }

  const txd = txDrivers(r)
  const txSkips = r.skipped.filter((s) => s.suite === "tx-submit" || s.suite === "tx-complete")
  if (txd.length > 0 || txSkips.length > 0) {
    out.push(`## TX: submit (request timestamp + L4 checksum) and complete (read the TX timestamp) — ${MODEL_LANE}`, "")
    out.push(
      "Per packet over an AF_XDP zero-copy batch the application produced before timing. **submit** is the driver's ndo_xsk_wakeup (NAPI budgets of 64) building each TX descriptor and running the request side; **complete** is the TX completion poll reaping what the hardware wrote. The hardware's transmit runs between the two and is never timed. Ratios are to the raw fixed-offset floor of the same path and driver: a devtx program writing the request bits / reading the stamp at compiled-in offsets. `xsk-tx-metadata` is AF_XDP TX metadata (struct xsk_tx_metadata + the driver's xsk_tx_metadata_ops): no program; the application computed csum_start/csum_offset, which the devtx programs find per packet themselves.",
      ""
    )
    for (const d of [...new Set([...txd, ...txSkips.map((s) => s.driver)])]) {
      const t = txTable(r, d)
      out.push(`### ${d}`, "")
      if (t.rows.length > 0)
        out.push(
          ...table(
            ["style", "submit: ns (ratio)", "complete: ns (ratio)"],
            t.styles.map((s) => [
              s,
              ...(["tx-submit", "tx-complete"] as const).map((p) => {
                const x = t.get(s, p)
                return x === undefined ? "-" : `${fmtNs(x.ns_per_packet)} (${fmtRatio(x.ratio_to_floor)})`
              })
            ])
          ),
          ""
        )
      const reasons = [...new Set(txSkips.filter((s) => s.driver === d).map((s) => `${s.style}: ${s.reason}`))]
      if (reasons.length > 0) out.push("Not measured on this driver:", "", ...reasons.map((x) => `* ${x}`), "")
      const all = rowsOf(r, (x) => (x.path === "tx-submit" || x.path === "tx-complete") && x.driver === d)
      if (all.length > 0) out.push("<details><summary>every figure</summary>", "", ...detail(all.map((x) => ({ ...x, style: `${x.path.slice(3)} ${x.style}` }))), "", "</details>", "")
    }
  }

  const poly = polymorphismTable(r)
  if (poly.labels.length > 0) {
    out.push("## Polymorphism: three drivers interleaved vs one alone (3 hints)", "")
    out.push(
      "Alone: one device polled in NAPI budgets of 64, in an isolate that never saw another driver. Interleaved: the sim, mlx5 and ice rings polled 64 at a time in turn, so the poll-loop code the drivers share sees three context classes and three programs.",
      ""
    )
    out.push(
      ...table(
        ["setup", ...poly.styles.map((s) => `${s}: ns (ratio)`)],
        poly.labels.map((l) => [
          l,
          ...poly.styles.map((s) => {
            const x = poly.get(l, s)
            return x === undefined ? "-" : `${fmtNs(x.ns_per_packet)} (${fmtRatio(x.ratio_to_floor)})`
          })
        ])
      ),
      ""
    )
    const alone = poly.labels.filter((l) => !l.includes("+"))
    const mixed = poly.labels.find((l) => l.includes("+"))
    if (mixed !== undefined && alone.length > 0) {
      const lines = poly.styles.flatMap((s) => {
        const mx = poly.get(mixed, s)
        const al = alone.map((l) => poly.get(l, s)).filter((x): x is BenchResultRow => x !== undefined)
        if (mx === undefined || al.length === 0) return []
        const mean = al.reduce((a, x) => a + x.ns_per_packet, 0) / al.length
        return [`* ${s}: interleaved ${fmtNs(mx.ns_per_packet)} ns/packet vs ${fmtNs(mean)} mean of the drivers alone: **${fmtRatio(mx.ns_per_packet / mean)}**`]
      })
      out.push(...lines, "")
    }
  }

  const pl = placementTable(r)
  if (pl.rows.length > 0) {
    out.push("## Placement: store three hints, redirect, read them back", "")
    out.push(PLACEMENT_TIMED_UNIT, "")
    out.push(...pl.routes.map((n) => `* **${n.route}** (\`${n.suite}\`): ${n.note}.`), "")
    out.push(
      ...table(
        ["design", ...pl.routes.map((n) => `${n.route}: ns (ratio)`), ...pl.routes.map((n) => `${n.route}: ns over data-meta`)],
        pl.styles.map((s) => {
          const cells = pl.routes.map((n) => {
            const x = pl.get(n.suite, s)
            return x === undefined ? "-" : `${fmtNs(x.ns_per_packet)} (${fmtRatio(x.ratio_to_floor)})`
          })
          const over = pl.routes.map((n) => {
            const x = pl.get(n.suite, s)
            const f = pl.get(n.suite, "data-meta")
            if (x === undefined || f === undefined || s === "data-meta") return "-"
            const d = x.ns_per_packet - f.ns_per_packet
            return `${d >= 0 ? "+" : "-"}${fmtNs(Math.abs(d))}`
          })
          return [s, ...cells, ...over]
        })
      ),
      ""
    )
    out.push("Designs:", "", ...pl.styles.map((s) => `* \`${s}\`: ${PLACEMENT_DESIGN_NOTES[s as PlacementStyle] ?? ""}`), "")
    out.push("<details><summary>every figure</summary>", "", ...detail(pl.rows.map((x) => ({ ...x, style: `${x.suite.slice("placement-".length)} ${x.style}` }))), "", "</details>", "")
  }

  const core = rowsOf(r, (x) => x.suite === "core")
  if (core.length > 0) {
    out.push("## Core operations", "")
    out.push(
      ...table(
        ["operation", "input", "time per op", "ops/s", "rme", "samples"],
        core.map((x) => [
          x.style,
          x.floor ?? "",
          x.ns_per_packet >= 1e6 ? `${(x.ns_per_packet / 1e6).toFixed(2)} ms` : x.ns_per_packet >= 1e3 ? `${(x.ns_per_packet / 1e3).toFixed(2)} us` : `${fmtNs(x.ns_per_packet)} ns`,
          (1e9 / x.ns_per_packet).toExponential(2),
          `±${x.rme.toFixed(2)}%`,
          String(x.samples)
        ])
      ),
      ""
    )
  }

  out.push(...blocksMarkdown(vmBlocks(r)), ...blocksMarkdown(kernelBlocks(r)))

  out.push("## Questions", "")
  if (QUESTION_SECTIONS.length === 0) out.push(NO_QUESTIONS, "")
  // each section's headings one level down, under the area's own
  for (const q of QUESTION_SECTIONS) out.push(q.markdown(r).trimEnd().replace(/^(#{1,5}) /gm, "#$1 "), "")

  out.push("## The kernel's published figures, for context", "")
  out.push(...table(["measurement", "figure", "setup", "source"], PUBLISHED_FIGURES.map((p) => [p.what, p.figure, p.setup, p.source])), "")
  out.push(PUBLISHED_NOTE, "")

  out.push("## Caveats: a simulation in JavaScript", "", ...CAVEATS.map((c) => `* ${c}`), "")

  out.push("## Not measured", "")
  for (const n of NOT_MEASURED) out.push(`* **${n.suite}**: ${n.reason}`)
  const otherSkips = r.skipped.filter((s) => s.suite !== "rx" && s.suite !== "tx-submit" && s.suite !== "tx-complete")
  for (const s of otherSkips) out.push(`* ${s.suite} ${s.driver} ${s.style}: ${s.reason}`)
  out.push("")

  out.push("## Checked before timing", "", ...r.checks.map((c) => `* ${c}`), "")
  out.push(`Raw data: \`results.json\` next to this file (${r.results.length} rows).`, "")
  return out.join("\n")
}
