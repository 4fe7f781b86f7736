/**
 * Two runs side by side (`devtx report --compare A B`): every figure matched by its identity
 * (MarginalCost.ts figureKey: lane, suite, path, driver, style, hint set, mode, size), with the
 * per-row delta B − A, its combined margin and a verdict by the report's noise rule
 * (Significance.ts): `slower` / `faster` when the delta exceeds the margin, else
 * `not distinguishable`; rows of one run only are listed as such. The conclusions of both runs are
 * put side by side where their verdict or text changed. Figures: ns/packet (model and kernel
 * lanes) or BPF instructions per packet, program + kfuncs (VM lane: exact).
 */
import type { BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { conclusions } from "./Conclusions.js"
import { figureKey, hintSetOf, laneOf } from "./MarginalCost.js"
import { distinguishable, exact, fmtMeasured, type Measured, measuredOf, minus, NOISE_RULE } from "./Significance.js"

export type CompareVerdict = "slower" | "faster" | "not distinguishable" | "only in A" | "only in B"

export interface RowDelta {
  readonly label: string
  readonly unit: string
  readonly a: Measured | undefined
  readonly b: Measured | undefined
  readonly delta: Measured | undefined
  /** delta / a in percent */
  readonly percent: number | undefined
  readonly verdict: CompareVerdict
}

export interface Comparison {
  readonly rows: ReadonlyArray<RowDelta>
  readonly counts: Readonly<Record<CompareVerdict, number>>
  readonly conclusions: ReadonlyArray<{ readonly a: string; readonly b: string }>
  /** what differs between the runs' machines or settings, one line each */
  readonly setup: ReadonlyArray<string>
}

const labelOf = (x: BenchResultRow): string => {
  const set = hintSetOf(x)
  const lane = laneOf(x)
  return [lane === "model" ? "" : `[${lane}]`, x.suite, x.driver, x.style, set.length === 0 ? "no hint" : set.join("+"), x.mode ?? "", x.size === undefined ? "" : `${x.size} B`]
    .filter((s) => s !== "")
    .join(" ")
}

const figure = (x: BenchResultRow): { m: Measured; unit: string } =>
  laneOf(x) === "vm" && x.insns_per_packet !== undefined ? { m: exact(x.insns_per_packet + (x.kfunc_insns_per_packet ?? 0)), unit: "insns" } : { m: measuredOf(x), unit: "ns" }

export const compareResults = (a: BenchResultsFile, b: BenchResultsFile): Comparison => {
  const ia = new Map(a.results.map((x) => [figureKey(x), x] as const))
  const ib = new Map(b.results.map((x) => [figureKey(x), x] as const))
  const keys = [...new Set([...ia.keys(), ...ib.keys()])]
  const rows: RowDelta[] = keys.map((k) => {
    const ra = ia.get(k)
    const rb = ib.get(k)
    const fa = ra === undefined ? undefined : figure(ra)
    const fb = rb === undefined ? undefined : figure(rb)
    const label = labelOf((ra ?? rb)!)
    const unit = (fa ?? fb)!.unit
    if (fa === undefined || fb === undefined)
      return { label, unit, a: fa?.m, b: fb?.m, delta: undefined, percent: undefined, verdict: fa === undefined ? "only in B" : "only in A" }
    const delta = minus(fb.m, fa.m)
    const verdict: CompareVerdict = !distinguishable(delta) ? "not distinguishable" : delta.value > 0 ? "slower" : "faster"
    return { label, unit, a: fa.m, b: fb.m, delta, percent: fa.m.value === 0 ? undefined : (100 * delta.value) / fa.m.value, verdict }
  })
  const rank = (r: RowDelta): number => (r.verdict === "slower" || r.verdict === "faster" ? 0 : r.verdict === "not distinguishable" ? 1 : 2)
  rows.sort((x, y) => rank(x) - rank(y) || Math.abs(y.percent ?? 0) - Math.abs(x.percent ?? 0) || x.label.localeCompare(y.label))
  const counts = { slower: 0, faster: 0, "not distinguishable": 0, "only in A": 0, "only in B": 0 }
  for (const r of rows) counts[r.verdict]++
  const ca = conclusions(a)
  const cb = conclusions(b)
  const ckey = (c: { rule: string; lane: string; driver: string }, i: number, all: ReadonlyArray<{ rule: string; lane: string; driver: string }>) =>
    `${c.rule}|${c.lane}|${c.driver}|${all.slice(0, i).filter((x) => x.rule === c.rule && x.lane === c.lane && x.driver === c.driver).length}`
  const mb = new Map(cb.map((c, i) => [ckey(c, i, cb), c] as const))
  const ma = new Map(ca.map((c, i) => [ckey(c, i, ca), c] as const))
  const changed = [...new Set([...ma.keys(), ...mb.keys()])].flatMap((k) => {
    const x = ma.get(k)
    const y = mb.get(k)
    const tx = x === undefined ? "(none)" : `${x.text} [${x.verdict}]`
    const ty = y === undefined ? "(none)" : `${y.text} [${y.verdict}]`
    return tx === ty ? [] : [{ a: tx, b: ty }]
  })
  const setup: string[] = []
  for (const f of ["cpu", "node", "v8", "os", "quick", "batch", "filter", "mode", "size", "pcap", "config"] as const) {
    const va = JSON.stringify(a.meta[f] ?? null)
    const vb = JSON.stringify(b.meta[f] ?? null)
    if (va !== vb) setup.push(`${f}: ${va} in A, ${vb} in B`)
  }
  return { rows, counts, conclusions: changed, setup }
}

const cellOf = (m: Measured | undefined, unit: string): string => (m === undefined ? "-" : `${fmtMeasured(m, unit, false)}`)

/** The comparison as neutral table rows (shared by both renderings). */
export const comparisonTable = (c: Comparison): { head: string[]; rows: string[][] } => ({
  head: ["figure", "A", "B", "B − A", "change", "verdict"],
  rows: c.rows.map((r) => [
    r.label,
    cellOf(r.a, r.unit),
    cellOf(r.b, r.unit),
    r.delta === undefined ? "-" : fmtMeasured(r.delta, r.unit),
    r.percent === undefined ? "-" : `${r.percent >= 0 ? "+" : ""}${r.percent.toFixed(1)}%`,
    r.verdict === "slower" || r.verdict === "faster" ? `**${r.verdict}**` : r.verdict
  ])
})

const runLine = (name: string, r: BenchResultsFile, where: string): string =>
  `${name}: \`${where}\` — revision \`${r.meta.revision}\`, ${r.meta.date}, ${r.meta.quick ? "quick" : "full"} mode, ${r.results.length} rows`

export const summaryLine = (c: Comparison): string =>
  `${c.rows.length} figures: **${c.counts.slower} slower**, **${c.counts.faster} faster**, ${c.counts["not distinguishable"]} not distinguishable from noise, ${c.counts["only in A"]} only in A, ${c.counts["only in B"]} only in B.`

export const renderCompareMarkdown = (a: BenchResultsFile, b: BenchResultsFile, whereA: string, whereB: string): string => {
  const c = compareResults(a, b)
  const t = comparisonTable(c)
  const esc = (s: string) => s.replace(/\|/g, "\\|")
  const out: string[] = ["# devtx: two benchmark runs compared", "", `* ${runLine("A", a, whereA)}`, `* ${runLine("B", b, whereB)}`, ""]
  if (c.setup.length > 0) out.push("The runs differ in setup (figures may not be comparable):", "", ...c.setup.map((s) => `* ${s}`), "")
  out.push(summaryLine(c), "", NOISE_RULE, "")
  out.push("## Conclusions that changed", "")
  if (c.conclusions.length === 0) out.push("None: every conclusion and verdict is the same in both runs.", "")
  else out.push("| A | B |", "|---|---|", ...c.conclusions.map((x) => `| ${esc(x.a)} | ${esc(x.b)} |`), "")
  out.push("## Every figure", "", `| ${t.head.join(" | ")} |`, `|${t.head.map(() => "---").join("|")}|`, ...t.rows.map((r) => `| ${r.map(esc).join(" | ")} |`), "")
  return out.join("\n")
}

const h = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const inline = (t: string): string => h(t).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>").replace(/`([^`]+)`/g, "<code>$1</code>")

export const renderCompareHtml = (a: BenchResultsFile, b: BenchResultsFile, whereA: string, whereB: string): string => {
  const c = compareResults(a, b)
  const t = comparisonTable(c)
  const color = (v: string) => (v.includes("slower") ? ' class="slower"' : v.includes("faster") ? ' class="faster"' : "")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>devtx: two benchmark runs compared</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}th{background:#f3f3f3}code{background:#f3f3f3;padding:0 3px}.slower{background:#fde0dc}.faster{background:#dcedc8}.wide{overflow-x:auto;max-width:100%}</style>
</head><body>
<h1>devtx: two benchmark runs compared</h1>
<ul><li>${inline(runLine("A", a, whereA))}</li><li>${inline(runLine("B", b, whereB))}</li></ul>
${c.setup.length > 0 ? `<p>The runs differ in setup (figures may not be comparable):</p><ul>${c.setup.map((s) => `<li>${h(s)}</li>`).join("")}</ul>` : ""}
<p>${inline(summaryLine(c))}</p><p>${inline(NOISE_RULE)}</p>
<h2>Conclusions that changed</h2>
${c.conclusions.length === 0 ? "<p>None: every conclusion and verdict is the same in both runs.</p>" : `<div class="wide"><table><thead><tr><th>A</th><th>B</th></tr></thead><tbody>${c.conclusions.map((x) => `<tr><td>${inline(x.a)}</td><td>${inline(x.b)}</td></tr>`).join("")}</tbody></table></div>`}
<h2>Every figure</h2>
<div class="wide"><table><thead><tr>${t.head.map((x) => `<th>${h(x)}</th>`).join("")}</tr></thead><tbody>${t.rows.map((r) => `<tr${color(r[5]!)}>${r.map((x) => `<td>${inline(x)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>
</body></html>
`
}
