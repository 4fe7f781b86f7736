/**
 * Crafted results files for the report tests: a run is described by its figures (ns/packet and
 * rme per lane, path, driver, style and hint set) and built into a BenchResultsFile of the shape
 * `devtx bench` writes, so a test can change one figure and watch a conclusion or flag change.
 */
import type { BenchLane, BenchResultRow, BenchResultsFile } from "@devtx/bench"

export interface Figure {
  readonly style: string
  readonly hints: ReadonlyArray<string>
  readonly ns: number
  readonly rme?: number
  readonly path?: "rx" | "tx-submit" | "tx-complete"
  readonly driver?: string
  readonly lane?: BenchLane
  readonly insns?: number
  readonly kfuncInsns?: number
  readonly xlated?: number
  readonly jited?: number
}

export const row = (f: Figure): BenchResultRow => {
  const path = f.path ?? "rx"
  return {
    suite: path,
    path,
    driver: f.driver ?? "mlx5",
    style: f.style,
    hints: f.hints.length,
    hint_set: f.hints,
    ns_per_packet: f.ns,
    mpps: 1000 / f.ns,
    rme: f.rme ?? 1,
    samples: 100,
    ratio_to_floor: null,
    batch: 4096,
    unit: "packet",
    ...(f.lane === undefined ? {} : { lane: f.lane }),
    ...(f.insns === undefined ? {} : { insns_per_packet: f.insns }),
    ...(f.kfuncInsns === undefined ? {} : { kfunc_insns_per_packet: f.kfuncInsns }),
    ...(f.xlated === undefined ? {} : { xlated_insns: f.xlated }),
    ...(f.jited === undefined ? {} : { jited_bytes: f.jited })
  }
}

export const ALL4 = ["hash", "timestamp", "vlan-tag", "checksum"]

export const results = (figures: ReadonlyArray<Figure>, revision = "fixture"): BenchResultsFile => ({
  meta: {
    node: "v20.0.0",
    v8: "11.3",
    cpu: "fixture CPU",
    revision,
    date: "2026-01-01T00:00:00.000Z",
    quick: true,
    cores: 2,
    memoryGiB: 8,
    os: "Linux fixture",
    batch: 4096,
    filter: null,
    durationS: 1
  },
  results: figures.map(row),
  skipped: [],
  checks: ["fixture"]
})

/** An RX run on one driver: the four styles with every hint, at the given ns (rme 1%). */
export const rxRun = (ns: { rf: number; db: number; inl?: number; gen?: number; core?: number }, rme = 1): Figure[] => [
  { style: "raw-fixed", hints: ALL4, ns: ns.rf, rme },
  { style: "kfunc-dev-bound", hints: ALL4, ns: ns.db, rme },
  ...(ns.inl === undefined ? [] : [{ style: "kfunc-inlined", hints: ALL4, ns: ns.inl, rme }]),
  ...(ns.gen === undefined ? [] : [{ style: "kfunc-generic", hints: ALL4, ns: ns.gen, rme }]),
  ...(ns.core === undefined ? [] : [{ style: "raw-core", hints: ALL4, ns: ns.core, rme }])
]
