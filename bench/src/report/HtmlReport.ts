/**
 * The self-contained HTML report: the Markdown report's content with inline SVG bar charts
 * (no script, no network), one chart per path and driver — RX ns/packet per style, grouped by
 * hint count — plus the TX, polymorphism and placement (designs grouped by redirect route) charts. Text is escaped; numbers are formatted here.
 */
import type { BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { CAVEATS } from "./Caveats.js"
import { isPrefixRow } from "./MarginalCost.js"
import { runOptions } from "./MarkdownReport.js"
import { NO_QUESTIONS, QUESTION_SECTIONS } from "./QuestionSections.js"
import { type Block, conclusionBlocks, kernelBlocks, MODEL_LANE, marginalBlocks, vmBlocks } from "./ReportBlocks.js"
import { PUBLISHED_FIGURES, PUBLISHED_NOTE } from "./PublishedFigures.js"
import { PLACEMENT_DESIGN_NOTES, type PlacementStyle } from "../probes/PlacementProbes.js"
import {
  fmtNs,
  fmtRatio,
  NOT_MEASURED,
  PLACEMENT_STYLE_ORDER,
  PLACEMENT_TIMED_UNIT,
  placementTable,
  polymorphismTable,
  rowsOf,
  STYLE_ORDER,
  targets,
  txDrivers,
  txTable
} from "./ReportModel.js"

const h = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const COLORS: Readonly<Record<string, string>> = {
  empty: "#9e9e9e",
  "raw-fixed": "#1b5e20",
  "raw-core": "#66bb6a",
  "kfunc-inlined": "#0d47a1",
  "kfunc-dev-bound": "#42a5f5",
  "kfunc-generic": "#ef6c00",
  "btf-id": "#8e24aa",
  "xsk-tx-metadata": "#795548",
  "redirect-only": "#9e9e9e",
  "data-meta": "#1b5e20",
  "xdp-rx-meta-v2": "#0d47a1",
  "xdp-rx-meta-ts": "#42a5f5",
  registry: "#ef6c00",
  "traits-v1": "#8e24aa",
  "traits-v2": "#ce93d8",
  tlv: "#795548"
}

interface Bar {
  readonly group: string
  readonly series: string
  readonly value: number
  readonly label: string
}

/** Grouped horizontal-free vertical bar chart as an SVG string. */
export const barChart = (title: string, bars: ReadonlyArray<Bar>, unit: string): string => {
  const groups = [...new Set(bars.map((b) => b.group))]
  const order = [...STYLE_ORDER, ...PLACEMENT_STYLE_ORDER]
  const series = order.filter((s) => bars.some((b) => b.series === s)).concat([...new Set(bars.map((b) => b.series))].filter((s) => !order.includes(s)))
  const max = Math.max(1e-9, ...bars.map((b) => b.value))
  const bw = 16
  const gap = 18
  const gw = series.length * bw + gap
  const left = 56
  const top = 28
  const height = 200
  const width = left + groups.length * gw + 180
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 40}" role="img" aria-label="${h(title)}">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">${h(title)}</text>`,
    `<line x1="${left}" y1="${top + height}" x2="${left + groups.length * gw}" y2="${top + height}" stroke="#333"/>`
  ]
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4
    const y = top + height - (height * t) / 4
    parts.push(`<text x="${left - 4}" y="${y + 4}" font-size="10" text-anchor="end">${h(fmtNs(v))}</text>`)
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + groups.length * gw}" y2="${y}" stroke="#ddd"/>`)
  }
  groups.forEach((g, gi) => {
    const gx = left + gi * gw + gap / 2
    series.forEach((s, si) => {
      const b = bars.find((x) => x.group === g && x.series === s)
      if (b === undefined) return
      const bh = (height * b.value) / max
      parts.push(
        `<rect x="${gx + si * bw}" y="${top + height - bh}" width="${bw - 2}" height="${bh}" fill="${COLORS[s] ?? "#555"}"><title>${h(`${s}, ${g}: ${b.label}`)}</title></rect>`
      )
    })
    parts.push(`<text x="${gx + (series.length * bw) / 2}" y="${top + height + 14}" font-size="11" text-anchor="middle">${h(g)}</text>`)
  })
  parts.push(`<text x="${left}" y="${top + height + 32}" font-size="10">${h(unit)}</text>`)
  series.forEach((s, i) => {
    const x = left + groups.length * gw + 16
    const y = top + i * 16
    parts.push(`<rect x="${x}" y="${y}" width="10" height="10" fill="${COLORS[s] ?? "#555"}"/><text x="${x + 14}" y="${y + 9}" font-size="11">${h(s)}</text>`)
  })
  parts.push("</svg>")
  return parts.join("")
}

/** **bold** and `code` of the shared blocks, after escaping */
const inline = (t: string): string => h(t).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>").replace(/`([^`]+)`/g, "<code>$1</code>")

/** Shared blocks (ReportBlocks.ts) as HTML. */
export const blocksHtml = (blocks: ReadonlyArray<Block>): string =>
  blocks
    .map((b): string => {
      switch (b.kind) {
        case "h2":
          return `<h2>${inline(b.text)}</h2>`
        case "h3":
          return `<h3>${inline(b.text)}</h3>`
        case "p":
          return `<p>${inline(b.text)}</p>`
        case "ul":
          return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`
        case "table":
          return `<div class="wide"><table><thead><tr>${b.head.map((x) => `<th>${inline(x)}</th>`).join("")}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`
        case "details":
          return `<details><summary>${h(b.summary)}</summary>${blocksHtml(b.blocks)}</details>`
      }
    })
    .join("\n")

const tableHtml = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  `<table><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`

const rowLine = (x: BenchResultRow): string[] => [x.style, String(x.hints), fmtNs(x.ns_per_packet), x.mpps.toFixed(1), fmtRatio(x.ratio_to_floor), `±${x.rme.toFixed(2)}%`, String(x.samples)]

export const renderHtml = (r: BenchResultsFile): string => {
  const m = r.meta
  const body: string[] = []
  body.push(`<h1>devtx: what the kfunc abstraction costs against reading the descriptor</h1>`)
  body.push(
    `<p>Run of ${h(m.date)} on revision <code>${h(m.revision)}</code>, ${m.quick ? "<b>quick mode</b>" : "full mode"}, ${m.batch} packets per timed iteration${h(runOptions(m))}, ${m.durationS} s. ${h(m.cpu)} (${m.cores} logical cores), ${m.memoryGiB} GiB, ${h(m.os)}, Node.js ${h(m.node)}, V8 ${h(m.v8)}.</p>`
  )
  body.push(blocksHtml(conclusionBlocks(r)))
  body.push("<h2>Targets</h2>", tableHtml(["target", "measured", "verdict", ""], targets(r).map((t) => [t.target, t.measured, t.verdict, t.detail])))
  body.push(blocksHtml(marginalBlocks(r)))
  const rx = rowsOf(r, (x) => x.suite === "rx" && isPrefixRow(x))
  const drivers = [...new Set(rx.map((x) => x.driver))]
  if (drivers.length > 0) body.push(`<h2>RX: reading k hints per packet — ${MODEL_LANE}</h2><p>ns/packet (lower is better); hover a bar for its ratio to the raw fixed-offset floor.</p>`)
  for (const d of drivers) {
    const rows = rx.filter((x) => x.driver === d)
    const bars: Bar[] = rows.map((x) => ({
      group: x.hints === 0 ? "empty" : `${x.hints} hint${x.hints > 1 ? "s" : ""}`,
      series: x.style,
      value: x.ns_per_packet,
      label: `${fmtNs(x.ns_per_packet)} ns/packet, ${fmtRatio(x.ratio_to_floor)} of floor, ±${x.rme.toFixed(2)}%`
    }))
    body.push(`<h3>${h(d)}</h3>`, barChart(`rx, ${d}: ns per packet`, bars, "ns/packet by hints read"))
    body.push(tableHtml(["style", "hints", "ns/packet", "Mpps", "ratio to floor", "rme", "samples"], rows.map(rowLine)))
    const skips = [...new Set(r.skipped.filter((s) => s.suite === "rx" && s.driver === d).map((s) => `${s.style}: ${s.reason.replace(/^hints=[\w-]+: /, "")}`))]
    if (skips.length > 0) body.push(`<ul>${skips.map((s) => `<li>${h(s)}</li>`).join("")}</ul>`)
  }
  const txd = txDrivers(r)
  const txSkips = r.skipped.filter((s) => s.suite === "tx-submit" || s.suite === "tx-complete")
  if (txd.length > 0 || txSkips.length > 0)
    body.push(
      `<h2>TX: submit (request timestamp + L4 checksum) and complete (read the TX timestamp) — ${MODEL_LANE}</h2><p>ns/packet of the driver's submit (ndo_xsk_wakeup) and completion poll, the hardware's transmit excluded; hover a bar for its ratio to the raw fixed-offset floor of the same path.</p>`
    )
  for (const d of [...new Set([...txd, ...txSkips.map((s) => s.driver)])]) {
    const t = txTable(r, d)
    body.push(`<h3>${h(d)}</h3>`)
    if (t.rows.length > 0) {
      const bars: Bar[] = t.rows.map((x) => ({
        group: x.path === "tx-submit" ? "submit" : "complete",
        series: x.style,
        value: x.ns_per_packet,
        label: `${fmtNs(x.ns_per_packet)} ns/packet, ${fmtRatio(x.ratio_to_floor)} of floor, ±${x.rme.toFixed(2)}%`
      }))
      body.push(barChart(`tx, ${d}: ns per packet`, bars, "ns/packet by TX half"))
      body.push(tableHtml(["path", "style", "ns/packet", "Mpps", "ratio to floor", "rme", "samples"], t.rows.map((x) => [x.path, ...rowLine(x).filter((_, i) => i !== 1)])))
    }
    const reasons = [...new Set(txSkips.filter((s) => s.driver === d).map((s) => `${s.style}: ${s.reason}`))]
    if (reasons.length > 0) body.push(`<ul>${reasons.map((s) => `<li>${h(s)}</li>`).join("")}</ul>`)
  }
  const poly = polymorphismTable(r)
  if (poly.labels.length > 0) {
    const bars: Bar[] = poly.labels.flatMap((l) =>
      poly.styles.flatMap((s) => {
        const x = poly.get(l, s)
        return x === undefined ? [] : [{ group: l, series: s, value: x.ns_per_packet, label: `${fmtNs(x.ns_per_packet)} ns/packet, ${fmtRatio(x.ratio_to_floor)}` }]
      })
    )
    body.push("<h2>Polymorphism: three drivers interleaved vs one alone (3 hints)</h2>", barChart("rx, 3 hints: ns per packet", bars, "ns/packet by setup"))
    body.push(tableHtml(["setup", "style", "ns/packet", "ratio to floor", "rme"], poly.labels.flatMap((l) => poly.styles.flatMap((s) => {
      const x = poly.get(l, s)
      return x === undefined ? [] : [[l, s, fmtNs(x.ns_per_packet), fmtRatio(x.ratio_to_floor), `±${x.rme.toFixed(2)}%`]]
    }))))
  }
  const pl = placementTable(r)
  if (pl.rows.length > 0) {
    const md = (t: string): string => h(t).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
    body.push("<h2>Placement: store three hints, redirect, read them back</h2>", `<p>${md(PLACEMENT_TIMED_UNIT)}</p>`)
    body.push(`<ul>${pl.routes.map((n) => `<li><b>${h(n.route)}</b> (<code>${h(n.suite)}</code>): ${h(n.note)}.</li>`).join("")}</ul>`)
    const bars: Bar[] = pl.rows.map((x) => ({
      group: pl.routes.find((n) => n.suite === x.suite)?.route ?? x.suite,
      series: x.style,
      value: x.ns_per_packet,
      label: `${fmtNs(x.ns_per_packet)} ns/packet, ${fmtRatio(x.ratio_to_floor)} of data-meta, ±${x.rme.toFixed(2)}%`
    }))
    body.push(barChart("placement, sim NIC, 3 hints: ns per packet (store + redirect + read back)", bars, "ns/packet by redirect route"))
    body.push(
      tableHtml(
        ["route", "design", "ns/packet", "Mpps", "ratio to data-meta", "rme", "samples"],
        pl.rows.map((x) => [pl.routes.find((n) => n.suite === x.suite)?.route ?? x.suite, ...rowLine(x).filter((_, i) => i !== 1)])
      )
    )
    body.push(`<ul>${pl.styles.map((s) => `<li><code>${h(s)}</code>: ${h(PLACEMENT_DESIGN_NOTES[s as PlacementStyle] ?? "")}</li>`).join("")}</ul>`)
  }
  const core = rowsOf(r, (x) => x.suite === "core")
  if (core.length > 0)
    body.push("<h2>Core operations</h2>", tableHtml(["operation", "input", "ns per op", "rme", "samples"], core.map((x) => [x.style, x.floor ?? "", fmtNs(x.ns_per_packet), `±${x.rme.toFixed(2)}%`, String(x.samples)])))
  body.push(blocksHtml(vmBlocks(r)), blocksHtml(kernelBlocks(r)))
  body.push("<h2>Questions</h2>", QUESTION_SECTIONS.length === 0 ? `<p>${h(NO_QUESTIONS)}</p>` : QUESTION_SECTIONS.map((q) => q.html(r).replace(/<(\/?)h([1-5])\b/g, (_, c: string, n: string) => `<${c}h${Number(n) + 1}`)).join("\n"))
  body.push("<h2>The kernel's published figures, for context</h2>", tableHtml(["measurement", "figure", "setup", "source"], PUBLISHED_FIGURES.map((p) => [p.what, p.figure, p.setup, p.source])), `<p>${h(PUBLISHED_NOTE)}</p>`)
  body.push("<h2>Caveats: a simulation in JavaScript</h2>", `<ul>${CAVEATS.map((c) => `<li>${h(c)}</li>`).join("")}</ul>`)
  body.push(
    "<h2>Not measured</h2>",
    `<ul>${NOT_MEASURED.map((n) => `<li><b>${h(n.suite)}</b>: ${h(n.reason)}</li>`).join("")}${r.skipped
      .filter((s) => s.suite !== "rx" && s.suite !== "tx-submit" && s.suite !== "tx-complete")
      .map((s) => `<li>${h(`${s.suite} ${s.driver} ${s.style}: ${s.reason}`)}</li>`)
      .join("")}</ul>`
  )
  body.push("<h2>Checked before timing</h2>", `<ul>${r.checks.map((c) => `<li>${h(c)}</li>`).join("")}</ul>`)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>devtx benchmark report</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}th{background:#f3f3f3}code{background:#f3f3f3;padding:0 3px}svg{display:block;margin:.6em 0;max-width:100%;height:auto}.wide{overflow-x:auto;max-width:100%}li{margin:.2em 0}</style>
</head><body>
${body.join("\n")}
</body></html>
`
}
