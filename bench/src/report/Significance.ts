/**
 * The noise rule every computed statement of the report follows. A figure is a mean with
 * tinybench's relative margin of error `rme` (percent, 95%); its absolute margin is
 * `value * rme / 100`. A difference of two figures measured independently has the combined
 * margin sqrt(ma² + mb²) (the margins added in quadrature); the difference is *distinguishable*
 * when its magnitude exceeds that margin, and otherwise the report says "not distinguishable from
 * noise" instead of stating it. Sums and scaled values carry their margins the same way.
 * Deterministic figures (instruction counts) have margin 0.
 */
import type { BenchResultRow } from "../BenchResult.js"

/** A value with its 95% margin, in the unit of the value. */
export interface Measured {
  readonly value: number
  readonly margin: number
}

export const NOISE_RULE =
  "A figure is a mean ± its 95% margin (tinybench's rme). A difference of two figures carries the combined margin √(m₁² + m₂²); a difference no larger than that margin is reported as **not distinguishable from noise**, never as a figure. Scaling a difference (per hint, as a percentage) scales its margin."

export const measuredOf = (row: BenchResultRow): Measured => ({ value: row.ns_per_packet, margin: (row.ns_per_packet * row.rme) / 100 })

export const exact = (value: number): Measured => ({ value, margin: 0 })

export const minus = (a: Measured, b: Measured): Measured => ({ value: a.value - b.value, margin: Math.hypot(a.margin, b.margin) })

export const plus = (a: Measured, b: Measured): Measured => ({ value: a.value + b.value, margin: Math.hypot(a.margin, b.margin) })

export const scaled = (a: Measured, k: number): Measured => ({ value: a.value * k, margin: Math.abs(a.margin * k) })

/** |value| > margin: the noise supports the difference. */
export const distinguishable = (d: Measured): boolean => Math.abs(d.value) > d.margin

/**
 * ratio a / b as a percentage with its margin (first-order propagation of both margins), used for
 * "inlining recovers Y%": Y = 100 * a / b.
 */
export const percentOf = (a: Measured, b: Measured): Measured => {
  const y = (100 * a.value) / b.value
  const rel = Math.hypot(a.value === 0 ? 0 : a.margin / a.value, b.margin / b.value)
  return { value: y, margin: a.value === 0 ? (100 * a.margin) / Math.abs(b.value) : Math.abs(y * rel) }
}

const num = (x: number): string => {
  const a = Math.abs(x)
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2)
}

/** "+3.21 ± 0.40 ns" */
export const fmtMeasured = (m: Measured, unit: string, signed = true): string =>
  `${signed && m.value >= 0 ? "+" : ""}${num(m.value)}${m.margin > 0 ? ` ± ${num(m.margin)}` : ""}${unit === "" ? "" : ` ${unit}`}`
