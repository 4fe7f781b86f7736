/**
 * The marginal cost of each hint, per lane, path, driver and style, computed from the rows of one
 * run (pure functions over the rows):
 *
 *   alone(h)       = v({h}) − v(∅)              what reading h costs on top of the empty program
 *   increment(h)   = v(all) − v(all ∖ {h})      what h adds when every other hint is read too
 *   cumulative(k)  = v(first k) − v(first k−1)  the prefix steps the suites have always timed
 *
 * where v(S) is the figure of the row reading set S (model and kernel lanes: ns/packet with its
 * margin; VM lane: instructions per packet, program and kfuncs separately, exact) and ∅ is the
 * path's empty program (style `empty`). A term whose rows are missing is absent, never guessed.
 * Hint vocabularies: RX hash, timestamp, vlan-tag, checksum (ProbeRecord.ts order); TX submit
 * tx-timestamp, l4-checksum; TX complete tx-timestamp.
 */
import type { BenchLane, BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { HINT_ORDER } from "../probes/ProbeRecord.js"
import { exact, type Measured, measuredOf, minus } from "./Significance.js"

export const PATH_HINTS: Readonly<Record<string, ReadonlyArray<string>>> = {
  rx: HINT_ORDER,
  "tx-submit": ["tx-timestamp", "l4-checksum"],
  "tx-complete": ["tx-timestamp"]
}

export const laneOf = (row: BenchResultRow): BenchLane => row.lane ?? "model"

/** The hints a row reads, in the path's order (rows without hint_set read the first `hints`). */
export const hintSetOf = (row: BenchResultRow): ReadonlyArray<string> => {
  const order = PATH_HINTS[row.path] ?? []
  if (row.hint_set !== undefined) return order.filter((h) => row.hint_set!.includes(h)).concat(row.hint_set.filter((h) => !order.includes(h)))
  return order.slice(0, row.hints)
}

export const setKey = (names: ReadonlyArray<string>): string => (names.length === 0 ? "∅" : names.join("+"))

/** Is the row one of the path's prefixes (the classic k = 1..n figures)? */
export const isPrefixRow = (row: BenchResultRow): boolean => {
  const order = PATH_HINTS[row.path]
  if (order === undefined) return true
  return setKey(hintSetOf(row)) === setKey(order.slice(0, hintSetOf(row).length))
}

/** Does the row read every hint of its path (the TX suites' main figures)? */
export const isFullSetRow = (row: BenchResultRow): boolean => setKey(hintSetOf(row)) === setKey(PATH_HINTS[row.path] ?? hintSetOf(row))

/** A row's identity across runs: the same figure of another run has the same key. */
export const figureKey = (row: BenchResultRow): string =>
  [laneOf(row), row.suite, row.path, row.driver, row.style, setKey(hintSetOf(row)), row.mode ?? "drop", row.size ?? ""].join("|")

/** What a lane's figure of a row is. */
export type FigureOf = (row: BenchResultRow) => Measured | undefined
export const nsFigure: FigureOf = (row) => measuredOf(row)
export const programInsnsFigure: FigureOf = (row) => (row.insns_per_packet === undefined ? undefined : exact(row.insns_per_packet))
export const kfuncInsnsFigure: FigureOf = (row) => (row.kfunc_insns_per_packet === undefined ? undefined : exact(row.kfunc_insns_per_packet))
export const totalInsnsFigure: FigureOf = (row) =>
  row.insns_per_packet === undefined ? undefined : exact(row.insns_per_packet + (row.kfunc_insns_per_packet ?? 0))

export interface HintCost {
  readonly hint: string
  readonly alone: Measured | undefined
  readonly increment: Measured | undefined
  /** the step from the prefix without h to the prefix ending with h */
  readonly cumulative: Measured | undefined
}

export interface MarginalTable {
  readonly lane: BenchLane
  readonly path: string
  readonly driver: string
  readonly style: string
  readonly hints: ReadonlyArray<HintCost>
}

/** Rows of one lane/path/driver (one mode and size), by style and set key. */
export const rowIndex = (rows: ReadonlyArray<BenchResultRow>) => {
  const m = new Map<string, BenchResultRow>()
  for (const x of rows) {
    const k = `${x.style}|${setKey(hintSetOf(x))}`
    if (!m.has(k)) m.set(k, x)
  }
  return (style: string, names: ReadonlyArray<string>): BenchResultRow | undefined => m.get(`${style}|${setKey(names)}`)
}

const fig = (f: FigureOf, r: BenchResultRow | undefined): Measured | undefined => (r === undefined ? undefined : f(r))
const diff = (a: Measured | undefined, b: Measured | undefined): Measured | undefined => (a === undefined || b === undefined ? undefined : minus(a, b))

/** The marginal table of one style over rows of one lane/path/driver. */
export const marginalTable = (rows: ReadonlyArray<BenchResultRow>, path: string, style: string, f: FigureOf): ReadonlyArray<HintCost> => {
  const order = PATH_HINTS[path] ?? []
  const get = rowIndex(rows)
  const empty = fig(f, get("empty", []))
  const all = fig(f, get(style, order))
  return order.map((h, i) => {
    const without = order.filter((x) => x !== h)
    const prev = i === 0 ? empty : fig(f, get(style, order.slice(0, i)))
    return {
      hint: h,
      alone: diff(fig(f, get(style, [h])), empty),
      increment: diff(all, without.length === 0 ? empty : fig(f, get(style, without))),
      cumulative: diff(fig(f, get(style, order.slice(0, i + 1))), prev)
    }
  })
}

export const MARGINAL_STYLES = ["raw-fixed", "raw-core", "kfunc-inlined", "kfunc-dev-bound", "kfunc-generic", "btf-id"]

/** Every marginal table a lane's rows support (a style needs at least one term). */
export const marginalTables = (r: BenchResultsFile, lane: BenchLane, f: FigureOf = nsFigure): MarginalTable[] => {
  const rows = r.results.filter((x) => laneOf(x) === lane && PATH_HINTS[x.path] !== undefined && x.suite === x.path)
  const out: MarginalTable[] = []
  for (const path of Object.keys(PATH_HINTS))
    for (const driver of [...new Set(rows.filter((x) => x.path === path).map((x) => x.driver))]) {
      const these = rows.filter((x) => x.path === path && x.driver === driver)
      for (const style of MARGINAL_STYLES) {
        if (!these.some((x) => x.style === style)) continue
        const hints = marginalTable(these, path, style, f)
        if (hints.some((h) => h.alone !== undefined || h.increment !== undefined || h.cumulative !== undefined)) out.push({ lane, path, driver, style, hints })
      }
    }
  return out
}
