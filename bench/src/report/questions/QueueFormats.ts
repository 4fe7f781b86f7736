/**
 * The "queue format" axis of the matrix (Jakub Kicinski: HW x queue format x program authors),
 * answered by runs, per modelled format:
 *
 *   sim   descriptor layout v1, v2                 (SimConfig.layoutVersion)
 *   ice   context wrapper ice_xdp_buff (6.18),     (IceConfig.xdpBuffLayout)
 *         libeth_xdp_buff (libeth-based ice)
 *   mlx5  CQE64, and CQE compression with 16 frames per NAPI poll (title + mini CQEs)
 *
 * For each: what the compiled raw object of record (hw_metadata_raw.bpf.o) answers — right,
 * unavailable (-EOPNOTSUPP: the object has no path for the format), wrong — against the driver's
 * kfunc program on the same format (PortabilityQuestion.ts), and for mlx5 compression whether the
 * two compiled programs still agree and how many hashes each loses against the truth
 * (KfuncRawQuestion.ts). The kfunc design absorbs every format in the driver's ops, counted in
 * the vendor table; its program is the same object everywhere.
 */
import { builtinCorpus, type DriverPackage } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice/internals"
import { driver as mlx5Driver } from "@devtx/drivers-mlx/internals"
import { driver as simDriver } from "@devtx/drivers-sim/internals"
import { Effect } from "effect"
import { SAMPLE_KFUNC_OBJECT, SAMPLE_RAW_OBJECT, sampleObject } from "./CompiledPrograms.js"
import { computeKfuncRaw } from "./KfuncRawQuestion.js"
import { computePortability } from "./PortabilityQuestion.js"

export interface QueueFormatRow {
  readonly nic: string
  readonly format: string
  /** hints the compiled raw object answers right / cannot (-EOPNOTSUPP) / answers wrong */
  readonly right: ReadonlyArray<string>
  readonly unavailable: ReadonlyArray<string>
  readonly wrong: ReadonlyArray<string>
  /** what the row means for the raw program authors */
  readonly note: string
}

const summary = (unavailable: ReadonlyArray<string>, wrong: ReadonlyArray<string>): string =>
  wrong.length > 0
    ? "the object reads this format wrong: a program change is needed"
    : unavailable.length === 4
      ? "the object has no path for this format (every hint -EOPNOTSUPP): each raw program needs one"
      : unavailable.length > 0
        ? `no code change; ${unavailable.join(", ")} unavailable in this design`
        : "no code change: the same object answers right"

export const computeQueueFormats = (nics: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const rows: QueueFormatRow[] = []
    for (const d of [simDriver, iceDriver] as ReadonlyArray<DriverPackage<unknown>>) {
      if (!nics.includes(d.name)) continue
      const p = yield* computePortability(d)
      for (const c of p.cells.filter((x) => x.program === SAMPLE_RAW_OBJECT))
        rows.push({ nic: d.name, format: c.layout, right: c.right, unavailable: c.unavailable, wrong: c.wrong, note: summary(c.unavailable, c.wrong) })
    }
    if (nics.includes("mlx5")) {
      const corpus = builtinCorpus()
      const objects = { kfunc: sampleObject(SAMPLE_KFUNC_OBJECT), raw: sampleObject(SAMPLE_RAW_OBJECT) }
      const base = { driver: mlx5Driver as DriverPackage<unknown>, frames: corpus.map((f) => f.bytes), truth: corpus, input: "builtin", objects }
      const plain = yield* computeKfuncRaw(base)
      const compressed = yield* computeKfuncRaw({ ...base, config: { cqeCompression: true }, burst: 16 })
      for (const [format, run] of [
        ["CQE64", plain],
        ["CQE compression, 16 frames per poll", compressed]
      ] as const) {
        const right = run.hints.filter((h) => h.verdict === "equal").map((h) => h.hint)
        const unavailable = run.hints.filter((h) => h.verdict === "unavailable").map((h) => h.hint)
        const wrong = run.hints.filter((h) => h.verdict === "differ").map((h) => h.hint)
        const hash = run.hints.find((h) => h.hint === "rx_hash")!
        const lost = hash.truth === null ? "" : `; rx_hash right against the truth: kfunc ${hash.truth.kfunc}/${hash.truth.checked}, raw ${hash.truth.raw}/${hash.truth.checked}`
        rows.push({ nic: "mlx5", format, right, unavailable, wrong, note: `${summary(unavailable, wrong)}${lost}` })
      }
    }
    return rows
  })
