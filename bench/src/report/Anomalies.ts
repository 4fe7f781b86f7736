/**
 * Anomaly flags: figures that contradict what the measurement's design implies, computed from the
 * rows with the noise rule (Significance.ts) — a flag is raised only when the contradiction is
 * larger than the combined margin, and only between figures that are not themselves noisy (rme at
 * most NOISY_RME: a noisy figure is flagged as such and compared with nothing). Each rule says what
 * it means when it fires.
 *
 *   floor-slower      a raw fixed-offset floor slower than a program style it floors (same lane,
 *                     path, driver, hint set): the floor is not the minimal program — its code
 *                     differs from the style's (a different conversion, a different helper)
 *   inlined-slower    kfunc-inlined slower than kfunc-dev-bound: splicing the driver's reads in
 *                     must not cost more than calling them
 *   generic-faster    kfunc-generic faster than kfunc-dev-bound: a per-call ops lookup cannot be
 *                     cheaper than the call it resolves to
 *   negative-marginal reading one more hint made the packet cheaper (a hint's cost alone or its
 *                     increment over the others below zero): code layout or JIT tier effects
 *   noisy             rme above NOISY_RME: the figure is too noisy for most comparisons
 */
import type { BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { type FigureOf, hintSetOf, laneOf, marginalTables, PATH_HINTS, rowIndex } from "./MarginalCost.js"
import { distinguishable, fmtMeasured, measuredOf, minus } from "./Significance.js"

export type AnomalyKind = "floor-slower" | "inlined-slower" | "generic-faster" | "negative-marginal" | "noisy"

export interface Anomaly {
  readonly kind: AnomalyKind
  readonly lane: string
  readonly path: string
  readonly driver: string
  readonly text: string
}

export const NOISY_RME = 5

export const ANOMALY_RULES: ReadonlyArray<{ readonly kind: AnomalyKind; readonly rule: string }> = [
  { kind: "floor-slower", rule: "the raw fixed-offset floor is slower than a program style of the same path, driver and hint set (the xsk-tx-metadata style runs no program and is not floored)" },
  { kind: "inlined-slower", rule: "kfunc-inlined is slower than kfunc-dev-bound on the same path, driver and hint set" },
  { kind: "generic-faster", rule: "kfunc-generic is faster than kfunc-dev-bound on the same path, driver and hint set" },
  { kind: "negative-marginal", rule: "a hint's cost alone or its increment over the other hints is negative" },
  { kind: "noisy", rule: `a figure's rme is above ${NOISY_RME}%: it is compared with nothing here, and a conclusion resting on it says so` }
]

/** styles a floor floors: programs doing the same work another way */
const FLOORED = ["raw-core", "kfunc-inlined", "kfunc-dev-bound", "kfunc-generic", "btf-id"]

const label = (x: BenchResultRow): string => {
  const set = hintSetOf(x)
  return `${x.path} ${x.driver} ${set.length === 0 ? "no hint" : set.join("+")}`
}

/** the row when its figure is not noisy */
const quiet = (x: BenchResultRow | undefined): BenchResultRow | undefined => (x !== undefined && x.rme <= NOISY_RME ? x : undefined)

const ns = (x: BenchResultRow): string => `${x.ns_per_packet.toFixed(1)} ns ±${x.rme.toFixed(1)}%`

/** ns/packet of rows that are not noisy (marginal terms over a noisy row are not flagged) */
const quietNs: FigureOf = (x) => (x.rme <= NOISY_RME ? measuredOf(x) : undefined)

export const anomalies = (r: BenchResultsFile): Anomaly[] => {
  const out: Anomaly[] = []
  // the model's RX/TX suites, and the kernel lane (its rows have suite "kernel")
  const timed = r.results.filter((x) => laneOf(x) !== "vm" && PATH_HINTS[x.path] !== undefined && (x.suite === x.path || laneOf(x) === "kernel"))
  const groups = new Map<string, BenchResultRow[]>()
  for (const x of timed) {
    const k = `${laneOf(x)}|${x.path}|${x.driver}|${x.mode ?? ""}|${x.size ?? ""}`
    groups.set(k, [...(groups.get(k) ?? []), x])
  }
  for (const rows of groups.values()) {
    const get = rowIndex(rows)
    for (const x of rows) {
      if (x.rme > NOISY_RME) {
        out.push({ kind: "noisy", lane: laneOf(x), path: x.path, driver: x.driver, text: `${label(x)} ${x.style}: ${ns(x)} (${x.samples} samples)` })
        continue
      }
      const set = hintSetOf(x)
      const lane = laneOf(x)
      const flag = (kind: AnomalyKind, text: string) => out.push({ kind, lane, path: x.path, driver: x.driver, text })
      if (FLOORED.includes(x.style)) {
        const floor = quiet(get("raw-fixed", set))
        if (floor !== undefined) {
          const d = minus(measuredOf(floor), measuredOf(x))
          if (d.value > 0 && distinguishable(d))
            flag("floor-slower", `${label(x)}: the raw-fixed floor (${ns(floor)}) is slower than ${x.style} (${ns(x)}) by ${fmtMeasured(d, "ns")}`)
        }
      }
      const db = quiet(get("kfunc-dev-bound", set))
      if (db !== undefined && x.style === "kfunc-inlined") {
        const d = minus(measuredOf(x), measuredOf(db))
        if (d.value > 0 && distinguishable(d)) flag("inlined-slower", `${label(x)}: kfunc-inlined (${ns(x)}) is slower than kfunc-dev-bound (${ns(db)}) by ${fmtMeasured(d, "ns")}`)
      }
      if (db !== undefined && x.style === "kfunc-generic") {
        const d = minus(measuredOf(db), measuredOf(x))
        if (d.value > 0 && distinguishable(d)) flag("generic-faster", `${label(x)}: kfunc-generic (${ns(x)}) is faster than kfunc-dev-bound (${ns(db)}) by ${fmtMeasured(d, "ns")}`)
      }
    }
  }
  for (const lane of ["model", "kernel"] as const)
    for (const t of marginalTables(r, lane, quietNs))
      for (const h of t.hints)
        for (const [what, m] of [
          ["alone", h.alone],
          ["increment over the others", h.increment]
        ] as const)
          if (m !== undefined && m.value < 0 && distinguishable(m))
            out.push({ kind: "negative-marginal", lane, path: t.path, driver: t.driver, text: `${t.path} ${t.driver} ${t.style}: ${h.hint} ${what} is ${fmtMeasured(m, "ns")}` })
  return out
}
