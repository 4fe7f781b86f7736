/**
 * What both renderings (Markdown, HTML) show, computed once from a results file: the machine,
 * the targets of issue 9 checked against the rows (met / missed by how much), per-suite tables,
 * and what was not measured. Pure functions over BenchResultsFile.
 */
import type { BenchResultRow, BenchResultsFile } from "../BenchResult.js"
import { isFullSetRow, isPrefixRow, laneOf } from "./MarginalCost.js"

export const STYLE_ORDER = ["empty", "raw-fixed", "raw-core", "kfunc-inlined", "kfunc-dev-bound", "kfunc-generic", "btf-id", "xsk-tx-metadata"]

/** Suites of issue 9 this bench does not measure yet, and why (shown in every report). */
export const NOT_MEASURED: ReadonlyArray<{ readonly suite: string; readonly reason: string }> = [
  {
    suite: "placement on mlx5 and ice",
    reason:
      "the placement designs are timed behind the sim NIC only: after the first program's three kfunc reads (measured per driver in the RX suite) nothing on the routes depends on the NIC"
  },
  {
    suite: "placement to an AF_XDP socket, and deletion / deregistration",
    reason:
      "the AF_XDP route (the second device writes struct xdp_meta for the socket), trait and TLV deletion and registry deregistration (holes / reshuffle) are checked by packages/kfuncs/test/placement and core's placement tests, not timed"
  },
  {
    suite: "btf-id on mlx5 and ice",
    reason: "the per-packet BTF-id hints design (the driver writes a hints struct with its BTF id before data) is modelled on drivers-sim only"
  },
  {
    suite: "marginal sets of btf-id and xsk-tx-metadata",
    reason:
      "btf-id is timed on the prefixes only (its driver writes every hint whatever the program reads); xsk-tx-metadata's requests are flags the application writes into each frame's struct xsk_tx_metadata, timed with both requests only"
  },
  {
    suite: "xdp-bench redirect modes (cpumap, devmap, xsk) in the RX suite",
    reason: "the RX suite's modes are drop, pass and tx; the CPUMAP and DEVMAP routes are timed by the placement suite on the sim NIC, the XSKMAP route is checked by core's placement tests"
  },
  {
    suite: "btf-id with k < 4 on the driver side",
    reason: "the sim's driver writes every hint it has (all four) into the hints struct whatever the program reads, as the RFC's drivers did; btf-id rows for k = 1..4 vary only the program's reads"
  }
]

/** Placement routes in report order, with what each one's far end is. */
export const PLACEMENT_ROUTE_NOTES: ReadonlyArray<{ readonly suite: string; readonly route: string; readonly note: string }> = [
  { suite: "placement-devmap-xdp", route: "DEVMAP -> XDP", note: "DEVMAP redirect to a veth-like second device whose XDP program reads the design back (xdp_rx_meta through its xmo ops = the series' load-from-buff functions)" },
  { suite: "placement-devmap-skb", route: "DEVMAP -> skb", note: "the same redirect; the veth-like device passes the frame and builds the skb from it (placement-aware __xdp_build_skb_from_frame); a reader reads the skb" },
  { suite: "placement-cpumap-skb", route: "CPUMAP -> skb", note: "CPUMAP redirect; after each NAPI budget of 64 the cpumap kthread builds the skbs with the same builder; a reader reads the skb" }
]

export const PLACEMENT_STYLE_ORDER = ["redirect-only", "data-meta", "xdp-rx-meta-v2", "xdp-rx-meta-ts", "registry", "traits-v1", "traits-v2", "tlv"]

/** Placement rows: per style (design), the figure of each route. */
export const placementTable = (r: BenchResultsFile) => {
  const rows = rowsOf(r, (x) => x.path === "placement")
  const routes = PLACEMENT_ROUTE_NOTES.filter((n) => rows.some((x) => x.suite === n.suite))
  const styles = PLACEMENT_STYLE_ORDER.filter((s) => rows.some((x) => x.style === s))
  return { rows, routes, styles, get: (suite: string, style: string) => rows.find((x) => x.suite === suite && x.style === style) }
}

/** What the placement section says the timed unit is. */
export const PLACEMENT_TIMED_UNIT =
  "Per packet: **store + redirect + read back**. The timed region is the sim NIC's NAPI poll of a batch the hardware model filled (budgets of 64), in which the first program reads hash, timestamp and VLAN tag through the dev-bound RX kfuncs, stores them in the design and returns XDP_REDIRECT; xdp_do_redirect hands the frame on; the far end reads the three values back (and, on the skb routes, the skb is built from the frame first). Ratios are to the data-meta floor of the same route (bpf_xdp_adjust_meta + struct xdp_meta, what mainline offers). redirect-only reads the hints and redirects without storing or reading back: the route's fixed cost, which every figure of the route includes. Each design's values read back were checked equal to the floor's, and the floor's to the NIC's kfunc reads, before timing."

/** TX rows of one driver: per style, the submit and the complete figure. */
export const txTable = (r: BenchResultsFile, driver: string) => {
  const rows = rowsOf(r, (x) => (x.path === "tx-submit" || x.path === "tx-complete") && x.driver === driver && x.style !== "empty" && isFullSetRow(x))
  const styles = STYLE_ORDER.filter((s) => rows.some((x) => x.style === s))
  return {
    styles,
    rows,
    get: (style: string, path: "tx-submit" | "tx-complete") => rows.find((x) => x.style === style && x.path === path)
  }
}

export const txDrivers = (r: BenchResultsFile): string[] => [...new Set(rowsOf(r, (x) => x.path === "tx-submit" || x.path === "tx-complete").map((x) => x.driver))]

/** The model lane's rows (devtx's JS model on V8) passing `f`; the VM and kernel lanes have their own sections. */
export const rowsOf = (r: BenchResultsFile, f: (x: BenchResultRow) => boolean): BenchResultRow[] => r.results.filter((x) => laneOf(x) === "model" && f(x))

/** The model-lane row of the first `hints` hints (a prefix set) of a suite, driver and style. */
export const find = (r: BenchResultsFile, suite: string, driver: string, style: string, hints: number): BenchResultRow | undefined =>
  r.results.find((x) => laneOf(x) === "model" && x.suite === suite && x.driver === driver && x.style === style && x.hints === hints && isPrefixRow(x))

export const fmtNs = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
export const fmtRatio = (x: number | null): string => (x === null || !Number.isFinite(x) ? "-" : `${x.toFixed(2)}x`)
export const fmtMpps = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1))

export interface TargetLine {
  readonly target: string
  readonly measured: string
  readonly verdict: "met" | "missed" | "not measured"
  readonly detail: string
}

/** The targets issue 9 asks the report to state, against this run's rows. */
export const targets = (r: BenchResultsFile): TargetLine[] => {
  const out: TargetLine[] = []
  const drivers = [...new Set(rowsOf(r, (x) => x.suite === "rx").map((x) => x.driver))]
  for (const d of drivers) {
    const core = find(r, "rx", d, "raw-core", 3)
    for (const [style, limit] of [
      ["kfunc-dev-bound", 1.1],
      ["kfunc-inlined", 1.02]
    ] as const) {
      const k = find(r, "rx", d, style, 3)
      const target = `${style} within ${limit.toFixed(2)}x of raw-core, 3 hints, ${d}`
      if (k === undefined || core === undefined) {
        const why = r.skipped.find((s) => s.suite === "rx" && s.driver === d && s.style === style)
        out.push({ target, measured: "-", verdict: "not measured", detail: why?.reason ?? "no row in this run" })
        continue
      }
      const ratio = k.ns_per_packet / core.ns_per_packet
      out.push({
        target,
        measured: `${ratio.toFixed(3)}x (${fmtNs(k.ns_per_packet)} vs ${fmtNs(core.ns_per_packet)} ns/packet)`,
        verdict: ratio <= limit ? "met" : "missed",
        detail: ratio <= limit ? "" : `over by ${((ratio / limit - 1) * 100).toFixed(1)}%`
      })
    }
  }
  const sim = find(r, "rx", "sim", "kfunc-dev-bound", 3)
  out.push(
    sim === undefined
      ? { target: "RX poll loop, 3 hints, sim, kfunc-dev-bound >= 20 Mpps", measured: "-", verdict: "not measured", detail: "no row in this run" }
      : {
          target: "RX poll loop, 3 hints, sim, kfunc-dev-bound >= 20 Mpps",
          measured: `${fmtMpps(sim.mpps)} Mpps (${fmtNs(sim.ns_per_packet)} ns/packet)`,
          verdict: sim.mpps >= 20 ? "met" : "missed",
          detail: sim.mpps >= 20 ? "" : `short by ${((1 - sim.mpps / 20) * 100).toFixed(1)}%`
        }
  )
  return out
}

/** Interleaved vs alone for the polymorphism suite: per style, the alone figure of each driver and the interleaved one. */
export const polymorphismTable = (r: BenchResultsFile) => {
  const rows = rowsOf(r, (x) => x.suite === "polymorphism")
  const styles = STYLE_ORDER.filter((s) => rows.some((x) => x.style === s))
  const labels = [...new Set(rows.map((x) => x.driver))].sort((a, b) => a.split("+").length - b.split("+").length || a.localeCompare(b))
  return { styles, labels, get: (label: string, style: string) => rows.find((x) => x.driver === label && x.style === style) }
}
