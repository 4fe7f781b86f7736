/**
 * The report's conclusions, computed from the rows by the rules in CONCLUSION_RULES — never
 * written by hand. Each conclusion has a verdict: `shown` (the difference it states is larger than
 * its combined margin, Significance.ts), `not distinguishable` (the figures exist but the noise
 * does not support a difference: the text says so and states no figure as a finding), or
 * `not measured` (a row it needs is missing from this run). Model-lane conclusions use the rows
 * with every hint of the path (or, under a filter, the largest prefix both styles have).
 */
import type { BenchLane, BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { hintSetOf, laneOf, marginalTable, PATH_HINTS, rowIndex } from "./MarginalCost.js"
import { NOISY_RME } from "./Anomalies.js"
import { distinguishable, fmtMeasured, type Measured, measuredOf, minus, percentOf, scaled } from "./Significance.js"

export type Verdict = "shown" | "not distinguishable" | "not measured"

export interface Conclusion {
  readonly rule: string
  readonly lane: BenchLane
  readonly driver: string
  readonly verdict: Verdict
  readonly text: string
}

export const CONCLUSION_RULES: ReadonlyArray<{ readonly rule: string; readonly how: string }> = [
  { rule: "dev-bound per hint", how: "RX, every hint: (kfunc-dev-bound − raw-fixed) / hints — what the kfunc abstraction as Linux binds it costs per hint over reading the descriptor at fixed offsets" },
  { rule: "inlining recovers", how: "RX, every hint: (kfunc-dev-bound − kfunc-inlined) / (kfunc-dev-bound − raw-fixed) as a percentage — stated only when dev-bound's overhead itself is distinguishable" },
  { rule: "generic lookup per hint", how: "RX, every hint: (kfunc-generic − kfunc-dev-bound) / hints — the per-call ops lookup that device binding removes" },
  { rule: "CO-RE accessor per hint", how: "RX, every hint: (raw-core − raw-fixed) / hints — devtx's relocated accessor against literal offsets (in the kernel both are one load)" },
  { rule: "costliest hint", how: "RX: per hint, dev-bound's increment over the other hints minus raw-fixed's; the largest distinguishable one is named" },
  { rule: "TX submit / complete", how: "TX: kfunc-dev-bound − raw-fixed on each half (submit: both requests; complete: the stamp read); and kfunc-dev-bound − xsk-tx-metadata, the kernel's own TX metadata path" },
  { rule: "VM instructions", how: "VM lane, every hint: instructions executed per packet, program + kfuncs, kfunc-dev-bound against raw-core (exact counts: any difference is shown)" },
  { rule: "kernel lane", how: "kernel lane (veth, per mode): each program style over the empty program, per hint it reads; kfunc-generic − kfunc-dev-bound and kfunc-dev-bound − raw-core where both read the same hints — ns/packet from bpf_stats, with xlated instructions and JIT bytes" }
]

const ns = (x: BenchResultRow): string => `${x.ns_per_packet.toFixed(1)} ns/packet ±${x.rme.toFixed(1)}%`

/** " Rests on a noisy figure …" when any row it uses has rme above NOISY_RME */
const noisyNote = (...rows: ReadonlyArray<BenchResultRow | undefined>): string => {
  const n = rows.filter((x): x is BenchResultRow => x !== undefined && x.rme > NOISY_RME)
  return n.length === 0 ? "" : ` *Rests on a noisy figure (${n.map((x) => `${x.style} ±${x.rme.toFixed(1)}%`).join(", ")}, rme above ${NOISY_RME}%): rerun before quoting it.*`
}

/** rows of one lane/path/driver, the `get(style, set)` lookup and the path's hint order */
const scope = (r: BenchResultsFile, lane: BenchLane, path: string, driver: string) => {
  const rows = r.results.filter((x) => laneOf(x) === lane && x.path === path && x.driver === driver && x.suite === path)
  return { rows, get: rowIndex(rows), order: PATH_HINTS[path] ?? [] }
}

/** the largest prefix set every style has (every hint first) */
const commonSet = (get: ReturnType<typeof rowIndex>, order: ReadonlyArray<string>, styles: ReadonlyArray<string>): ReadonlyArray<string> | undefined => {
  for (let k = order.length; k >= 1; k--) if (styles.every((s) => get(s, order.slice(0, k)) !== undefined)) return order.slice(0, k)
  return undefined
}

const verdictOf = (d: Measured): Verdict => (distinguishable(d) ? "shown" : "not distinguishable")

const hintsWord = (n: number): string => `${n} hint${n === 1 ? "" : "s"}`

/** "A − B per hint" conclusions of the RX path for one driver and lane */
const perHint = (rule: string, lane: BenchLane, driver: string, get: ReturnType<typeof rowIndex>, order: ReadonlyArray<string>, a: string, b: string, what: string): Conclusion => {
  const set = commonSet(get, order, [a, b])
  if (set === undefined) return { rule, lane, driver, verdict: "not measured", text: `**${driver}**: ${what}: no ${a} / ${b} pair with the same hints in this run.` }
  const ra = get(a, set)!
  const rb = get(b, set)!
  const d = minus(measuredOf(ra), measuredOf(rb))
  const per = scaled(d, 1 / set.length)
  const v = verdictOf(d)
  const figures = `${hintsWord(set.length)}: ${a} ${ns(ra)} vs ${b} ${ns(rb)}`
  return {
    rule,
    lane,
    driver,
    verdict: v,
    text:
      v === "shown"
        ? `**${driver}**: ${what} **${fmtMeasured(per, "ns")} per hint** (${figures}).${noisyNote(ra, rb)}`
        : `**${driver}**: ${what}: **not distinguishable from noise** (${figures}; difference ${fmtMeasured(d, "ns")}).`
  }
}

const rxConclusions = (r: BenchResultsFile, driver: string): Conclusion[] => {
  const lane: BenchLane = "model"
  const { get, order } = scope(r, lane, "rx", driver)
  const out: Conclusion[] = [
    perHint("dev-bound per hint", lane, driver, get, order, "kfunc-dev-bound", "raw-fixed", "dev-bound kfuncs cost"),
    perHint("generic lookup per hint", lane, driver, get, order, "kfunc-generic", "kfunc-dev-bound", "the generic per-call lookup adds"),
    perHint("CO-RE accessor per hint", lane, driver, get, order, "raw-core", "raw-fixed", "devtx's CO-RE accessors add")
  ]
  // inlining recovers Y% of dev-bound's overhead
  const set = commonSet(get, order, ["kfunc-dev-bound", "raw-fixed", "kfunc-inlined"])
  const rule = "inlining recovers"
  if (set === undefined) out.splice(1, 0, { rule, lane, driver, verdict: "not measured", text: `**${driver}**: inlining: no kfunc-inlined / kfunc-dev-bound / raw-fixed rows with the same hints in this run.` })
  else {
    const db = measuredOf(get("kfunc-dev-bound", set)!)
    const rf = measuredOf(get("raw-fixed", set)!)
    const inl = get("kfunc-inlined", set)!
    const note = noisyNote(get("kfunc-dev-bound", set), get("raw-fixed", set), inl)
    const over = minus(db, rf)
    const gain = minus(db, measuredOf(inl))
    let c: Conclusion
    if (!distinguishable(over))
      c = { rule, lane, driver, verdict: "not distinguishable", text: `**${driver}**: inlining: dev-bound's overhead over raw-fixed (${fmtMeasured(over, "ns")}, ${hintsWord(set.length)}) is not distinguishable from noise, so there is nothing measurable for inlining to recover (kfunc-inlined ${ns(inl)}).` }
    else if (!distinguishable(gain))
      c = { rule, lane, driver, verdict: "not distinguishable", text: `**${driver}**: inlining makes **no difference distinguishable from noise** against dev-bound (${fmtMeasured(gain, "ns")} of dev-bound's ${fmtMeasured(over, "ns")} overhead, ${hintsWord(set.length)}).` }
    else {
      const y = percentOf(gain, over)
      c = {
        rule,
        lane,
        driver,
        verdict: "shown",
        text:
          gain.value > 0
            ? `**${driver}**: inlining recovers **${y.value.toFixed(0)}% ± ${y.margin.toFixed(0)}%** of dev-bound's overhead (${fmtMeasured(gain, "ns")} of ${fmtMeasured(over, "ns")}, ${hintsWord(set.length)}; kfunc-inlined ${ns(inl)}).${note}`
            : `**${driver}**: inlining is **slower** than dev-bound by ${fmtMeasured(scaled(gain, -1), "ns")} (${hintsWord(set.length)}; kfunc-inlined ${ns(inl)}): see the anomaly flags.${note}`
      }
    }
    out.splice(1, 0, c)
  }
  // costliest hint: dev-bound's increment minus raw-fixed's, per hint
  const db = marginalTable(scope(r, lane, "rx", driver).rows, "rx", "kfunc-dev-bound", measuredOf)
  const rf = marginalTable(scope(r, lane, "rx", driver).rows, "rx", "raw-fixed", measuredOf)
  const extra = db.flatMap((h, i) => (h.increment !== undefined && rf[i]!.increment !== undefined ? [{ hint: h.hint, d: minus(h.increment, rf[i]!.increment!) }] : []))
  if (extra.length === 0) out.push({ rule: "costliest hint", lane, driver, verdict: "not measured", text: `**${driver}**: per-hint abstraction cost: the all-but-one sets were not measured in this run.` })
  else {
    const shown = extra.filter((e) => distinguishable(e.d)).sort((a, b) => b.d.value - a.d.value)
    const list = extra.map((e) => `${e.hint} ${fmtMeasured(e.d, "ns")}`).join(", ")
    out.push(
      shown.length === 0
        ? { rule: "costliest hint", lane, driver, verdict: "not distinguishable", text: `**${driver}**: no hint's dev-bound increment differs from raw-fixed's by more than the noise (${list}).` }
        : {
            rule: "costliest hint",
            lane,
            driver,
            verdict: "shown",
            text: `**${driver}**: the costliest hint through dev-bound is **${shown[0]!.hint}**: its increment over the other hints is ${fmtMeasured(shown[0]!.d, "ns")} more than raw-fixed's (all: ${list}).`
          }
    )
  }
  return out
}

const txConclusions = (r: BenchResultsFile, driver: string): Conclusion[] => {
  const out: Conclusion[] = []
  const lane: BenchLane = "model"
  for (const path of ["tx-submit", "tx-complete"] as const) {
    const { get, order } = scope(r, lane, path, driver)
    const db = get("kfunc-dev-bound", order)
    const half = path === "tx-submit" ? "submit (timestamp + checksum requests)" : "complete (stamp read)"
    if (db === undefined) continue
    for (const [other, what] of [
      ["raw-fixed", "raw fixed-offset descriptor access"],
      ["xsk-tx-metadata", "AF_XDP TX metadata (the kernel's xsk_tx_metadata_ops)"]
    ] as const) {
      const o = get(other, order)
      const rule = "TX submit / complete"
      if (o === undefined) {
        const why = r.skipped.find((s) => s.suite === path && s.driver === driver && s.style === other)
        out.push({ rule, lane, driver, verdict: "not measured", text: `**${driver}** TX ${half}: no ${other} figure${why === undefined ? "" : ` (${why.reason.split(":")[0]})`}.` })
        continue
      }
      const d = minus(measuredOf(db), measuredOf(o))
      const v = verdictOf(d)
      out.push({
        rule,
        lane,
        driver,
        verdict: v,
        text:
          v === "shown"
            ? `**${driver}** TX ${half}: devtx kfuncs (dev-bound) ${d.value >= 0 ? "cost" : "save"} **${fmtMeasured(scaled(d, Math.sign(d.value)), "ns", false)} per packet** against ${what} (${ns(db)} vs ${ns(o)}).${noisyNote(db, o)}`
            : `**${driver}** TX ${half}: devtx kfuncs (dev-bound) vs ${what}: **not distinguishable from noise** (${ns(db)} vs ${ns(o)}).`
      })
    }
  }
  return out
}

const vmConclusions = (r: BenchResultsFile): Conclusion[] => {
  const rows = r.results.filter((x) => laneOf(x) === "vm" && x.path === "rx" && x.insns_per_packet !== undefined)
  return [...new Set(rows.map((x) => x.driver))].map((driver): Conclusion => {
    const get = rowIndex(rows.filter((x) => x.driver === driver))
    const order = PATH_HINTS.rx!
    const set = commonSet(get, order, ["kfunc-dev-bound", "raw-core"])
    const rule = "VM instructions"
    if (set === undefined) return { rule, lane: "vm", driver, verdict: "not measured", text: `**${driver}** (VM): no kfunc-dev-bound / raw-core pair with the same hints.` }
    const db = get("kfunc-dev-bound", set)!
    const raw = get("raw-core", set)!
    const t = (x: BenchResultRow) => x.insns_per_packet! + (x.kfunc_insns_per_packet ?? 0)
    const d = t(db) - t(raw)
    // a row without kfunc_insns_per_packet ran kfuncs whose bodies the VM does not count (host code)
    const fmt = (x: BenchResultRow) =>
      x.kfunc_insns_per_packet === undefined
        ? `${t(x).toFixed(1)} (program only: kfunc bodies not counted)`
        : `${t(x).toFixed(1)} (program ${x.insns_per_packet!.toFixed(1)} + kfuncs ${x.kfunc_insns_per_packet.toFixed(1)})`
    return {
      rule,
      lane: "vm",
      driver,
      verdict: d === 0 ? "not distinguishable" : "shown",
      text:
        d === 0
          ? `**${driver}** (VM): dev-bound and raw-core execute the same number of BPF instructions per packet, ${hintsWord(set.length)}: ${fmt(db)}.`
          : `**${driver}** (VM): dev-bound executes **${d > 0 ? "+" : ""}${d.toFixed(1)} BPF instructions per packet** against raw-core, ${(d / set.length).toFixed(1)} per hint (${hintsWord(set.length)}: ${fmt(db)} vs ${fmt(raw)}).`
    }
  })
}

const kernelConclusions = (r: BenchResultsFile): Conclusion[] => {
  const rows = r.results.filter((x) => laneOf(x) === "kernel")
  const out: Conclusion[] = []
  const rule = "kernel lane"
  const scopes = [...new Set(rows.map((x) => `${x.driver}|${x.path}|${x.mode ?? ""}`))]
  for (const sc of scopes) {
    const [driver, path, mode] = sc.split("|") as [string, string, string]
    const these = rows.filter((x) => x.driver === driver && x.path === path && (x.mode ?? "") === mode)
    const where = `**${driver}** (kernel ${path}${mode === "" ? "" : `, ${mode}`})`
    const size = (x: BenchResultRow) => `${x.xlated_insns ?? "?"} xlated insns, ${x.jited_bytes ?? "?"} JIT bytes`
    const largest = (style: string) => these.filter((x) => x.style === style).sort((a, b) => b.hints - a.hints)[0]
    const empty = largest("empty")
    // each style over the empty program, per hint it reads
    const styles = ["raw-core", "kfunc-dev-bound", "kfunc-generic"].flatMap((s) => {
      const x = largest(s)
      return x === undefined || x.hints === 0 ? [] : [x]
    })
    if (empty !== undefined && styles.length > 0) {
      const parts = styles.map((x) => {
        const d = minus(measuredOf(x), measuredOf(empty))
        return { x, d, shown: distinguishable(d) }
      })
      out.push({
        rule,
        lane: "kernel",
        driver,
        verdict: parts.some((p) => p.shown) ? "shown" : "not distinguishable",
        text: `${where}: over the empty program (${ns(empty)}): ${parts
          .map((p) =>
            p.shown
              ? `${p.x.style} reading ${hintsWord(p.x.hints)} **${fmtMeasured(p.d, "ns")}** (${fmtMeasured(scaled(p.d, 1 / p.x.hints), "ns")} per hint; ${size(p.x)})`
              : `${p.x.style} reading ${hintsWord(p.x.hints)}: not distinguishable from noise (${fmtMeasured(p.d, "ns")}; ${size(p.x)})`
          )
          .join("; ")}.`
      })
    }
    // pairs with the same hints: dev-bound against generic and against raw-core
    const get = rowIndex(these)
    for (const [a, b, what] of [
      ["kfunc-generic", "kfunc-dev-bound", "the generic (unbound) kfuncs add"],
      ["kfunc-dev-bound", "raw-core", "dev-bound costs"]
    ] as const) {
      const ra = largest(a)
      const rb = ra === undefined ? undefined : get(b, hintSetOf(ra))
      if (ra === undefined || rb === undefined) continue
      const d = minus(measuredOf(ra), measuredOf(rb))
      const v = verdictOf(d)
      const figures = `${hintsWord(ra.hints)}: ${a} ${ns(ra)}, ${size(ra)}; ${b} ${ns(rb)}, ${size(rb)}`
      out.push({
        rule,
        lane: "kernel",
        driver,
        verdict: v,
        text: v === "shown" ? `${where}: ${what} **${fmtMeasured(d, "ns")} per packet** against ${b} (${figures}).` : `${where}: ${a} vs ${b}: **not distinguishable from noise** (${figures}).`
      })
    }
    if (out.filter((c) => c.lane === "kernel" && c.driver === driver).length === 0)
      out.push({ rule, lane: "kernel", driver, verdict: "not measured", text: `${where}: no empty-program row and no pair of styles with the same hints.` })
  }
  return out
}

/** Every conclusion the run's rows support or fail to support, model lane first. */
export const conclusions = (r: BenchResultsFile): Conclusion[] => {
  const model = r.results.filter((x) => laneOf(x) === "model")
  const rxDrivers = [...new Set(model.filter((x) => x.suite === "rx").map((x) => x.driver))]
  const txDrivers = [...new Set(model.filter((x) => x.suite === "tx-submit" || x.suite === "tx-complete").map((x) => x.driver))]
  return [...rxDrivers.flatMap((d) => rxConclusions(r, d)), ...txDrivers.flatMap((d) => txConclusions(r, d)), ...vmConclusions(r), ...kernelConclusions(r)]
}
