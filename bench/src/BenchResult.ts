/**
 * The shape of a benchmark run as written to `results.json` (issue 9 names these keys; scripts
 * read them — do not rename): `{ meta: {node, v8, cpu, revision, date, quick}, results: [...] }`.
 *
 * Invariants: `ns_per_packet` is the mean time of one timed iteration divided by the packets (or
 * operations, for the core suite) it processed; `mpps` = 1000 / ns_per_packet; `rme` is tinybench's
 * relative margin of error in percent; `samples` the timed iterations; `ratio_to_floor` is
 * ns_per_packet over the raw fixed-offset floor measured in the same worker (same driver, same
 * hint count), or null where a floor does not apply (core suite) or was not measured.
 */
export type BenchPath = "rx" | "tx-submit" | "tx-complete" | "placement" | "core"

export type BenchStyle =
  | "raw-fixed"
  | "raw-core"
  | "kfunc-inlined"
  | "kfunc-dev-bound"
  | "kfunc-generic"
  | "btf-id"
  | "empty"
  | (string & {})

export interface BenchResultRow {
  readonly suite: string
  readonly path: BenchPath
  readonly driver: string
  readonly style: BenchStyle
  /** hints read per packet (0 for the empty program and the core suite) */
  readonly hints: number
  readonly ns_per_packet: number
  readonly mpps: number
  readonly rme: number
  readonly samples: number
  readonly ratio_to_floor: number | null
  /** packets (or operations) per timed iteration */
  readonly batch: number
  /** "packet" or "op" (core suite: one BTF decode, one relocation, one hash) */
  readonly unit: "packet" | "op"
  /** what the floor of this row is, when it is not the raw-fixed probe with the same hints */
  readonly floor?: string
}

/** A style/driver/suite combination that was not measured, and why. */
export interface BenchSkip {
  readonly suite: string
  readonly driver: string
  readonly style: string
  readonly reason: string
}

export interface BenchMeta {
  readonly node: string
  readonly v8: string
  readonly cpu: string
  readonly revision: string
  readonly date: string
  readonly quick: boolean
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly batch: number
  readonly filter: string | null
  readonly durationS: number
}

export interface BenchResultsFile {
  readonly meta: BenchMeta
  readonly results: ReadonlyArray<BenchResultRow>
  readonly skipped: ReadonlyArray<BenchSkip>
  /** equality checks that passed before timing, one line per group */
  readonly checks: ReadonlyArray<string>
}
