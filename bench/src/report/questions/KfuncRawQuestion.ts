/**
 * `devtx compare kfunc-raw`: both designs and the ground truth on the same frames. The kfunc
 * hw-metadata program (dev-bound) and the driver's raw-descriptor hw-metadata program each run
 * over the frames on a fresh device with the same configuration; per hint (rx_hash + RSS type,
 * timestamp, vlan, checksum) the records are compared packet by packet:
 *
 *   equal        every packet: same value, or the same errno
 *   differ       some packet has two values, or two errnos, that differ (the first is shown)
 *   unavailable  one design returns an errno where the other has a value (errno and count shown)
 *
 * Ground truth (core's expectedRx over the generator's FrameTruth and the driver's declared
 * RxSemantics) exists only for the built-in corpus: a capture carries no truth. Timestamps are
 * judged by their rc only (the value is the PHC at arrival, known at run time); their values are
 * compared between the designs. The programs are the TypeScript sources in packages/programs
 * (HwMetadataProgram.ts, raw/<Nic>RawHwMetadata.ts).
 */
import { builtinCorpus, type CorpusFrame, decodeDriverConfig, type DriverPackage, errnoName, expectedRx } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { type HwMetadataRecord, type PacketResult, runHwMetadata } from "@devtx/programs"
import { Effect } from "effect"
import { type AnswerSection, sectionHtml, sectionMarkdown } from "./QuestionTables.js"
import { COMPUTED_FOR_REPORT, isQuestionData, once, type ReportInput } from "./ReportInput.js"

export const HINTS = ["rx_hash", "timestamp", "vlan", "checksum"] as const
export type HintName = (typeof HINTS)[number]

export interface HintComparison {
  readonly hint: HintName
  readonly packets: number
  readonly equal: number
  readonly verdict: "equal" | "differ" | "unavailable"
  /** the first packet (frame index) whose two results differ, with both */
  readonly firstDiff: { readonly packet: number; readonly kfunc: string; readonly raw: string } | null
  /** packets where one design gave an errno and the other a value, per design and errno */
  readonly unavailable: ReadonlyArray<{ readonly design: "kfunc" | "raw"; readonly errno: string; readonly packets: number }>
  /** against the ground truth: packets matching, per design (null without truth) */
  readonly truth: { readonly checked: number; readonly kfunc: number; readonly raw: number } | null
  readonly firstTruthMiss: { readonly design: "kfunc" | "raw"; readonly packet: number; readonly got: string; readonly truth: string } | null
}

export interface KfuncRawData {
  readonly question: "kfunc-raw"
  readonly driver: string
  readonly config: Readonly<Record<string, unknown>>
  readonly input: string
  readonly frames: number
  readonly burst: number
  readonly received: { readonly kfunc: number; readonly raw: number }
  readonly programs: { readonly kfunc: string; readonly raw: string }
  readonly hints: ReadonlyArray<HintComparison>
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`
const err = (e: number | null): string => `-${errnoName(e ?? 0)}`

/** One hint of one record as text; `rc` 0 when a value. */
export const hintOf = (m: HwMetadataRecord | null, hint: HintName): { readonly rc: number; readonly text: string } => {
  if (m === null) return { rc: 1, text: "no record" }
  switch (hint) {
    case "rx_hash":
      return m.rxHash === null ? { rc: m.rxHashErr ?? 0, text: err(m.rxHashErr) } : { rc: 0, text: `hash ${hex(m.rxHash)} type ${hex(m.rxHashType ?? 0)}` }
    case "timestamp":
      return m.rxTimestamp === null ? { rc: m.rxTimestampErr ?? 0, text: err(m.rxTimestampErr) } : { rc: 0, text: `${m.rxTimestamp} ns` }
    case "vlan":
      return m.vlanProto === null ? { rc: m.vlanErr ?? 0, text: err(m.vlanErr) } : { rc: 0, text: `proto ${hex(m.vlanProto)} tci ${hex(m.vlanTci ?? 0)}` }
    case "checksum":
      return m.ipSummed === null
        ? { rc: m.cksumErr ?? 0, text: err(m.cksumErr) }
        : { rc: 0, text: `ip_summed ${m.ipSummed} csum ${hex(m.cksum ?? 0)} level ${m.cksumLevel ?? 0}` }
  }
}

type Expected = ReturnType<typeof expectedRx>
const truthOf = (e: Expected, hint: HintName): { readonly rc: number; readonly text: string } => {
  switch (hint) {
    case "rx_hash":
      return e.hash.rc === 0 ? { rc: 0, text: `hash ${hex(e.hash.hash)} type ${hex(e.hash.type)}` } : { rc: e.hash.rc, text: err(-e.hash.rc) }
    case "timestamp":
      return e.tsRc === 0 ? { rc: 0, text: "a timestamp" } : { rc: e.tsRc, text: err(-e.tsRc) }
    case "vlan":
      return e.vlan.rc === 0 ? { rc: 0, text: `proto ${hex(e.vlan.proto)} tci ${hex(e.vlan.tci)}` } : { rc: e.vlan.rc, text: err(-e.vlan.rc) }
    case "checksum":
      return e.csum.rc === 0
        ? { rc: 0, text: `ip_summed ${e.csum.ipSummed} csum ${hex(e.csum.cksum)} level ${e.csum.level}` }
        : { rc: e.csum.rc, text: err(-e.csum.rc) }
  }
}

const matchesTruth = (got: { rc: number; text: string }, t: { rc: number; text: string }, hint: HintName): boolean =>
  hint === "timestamp" ? (got.rc === 0) === (t.rc === 0) && (got.rc === 0 || got.rc === t.rc) : got.text === t.text

export interface KfuncRawInput<C> {
  readonly driver: DriverPackage<C>
  readonly config?: Record<string, unknown>
  readonly frames: ReadonlyArray<Uint8Array>
  /** the corpus frames, when the frames are the built-in corpus (ground truth) */
  readonly truth?: ReadonlyArray<CorpusFrame>
  /** label of the input ("builtin" or a capture path) */
  readonly input: string
  /** frames per NAPI poll for both runs (runHwMetadata's burst; default 1) */
  readonly burst?: number
}

/** Compare per hint over two runs' packets (exported for the unit tests). */
export const compareHints = (
  kfunc: ReadonlyArray<PacketResult>,
  raw: ReadonlyArray<PacketResult>,
  truth: ((frame: number, hint: HintName) => { rc: number; text: string } | undefined) | undefined
): HintComparison[] => {
  const rawByFrame = new Map(raw.map((p) => [p.index, p]))
  return HINTS.map((hint) => {
    let packets = 0
    let equal = 0
    let differs = 0
    let firstDiff: HintComparison["firstDiff"] = null
    const unavailable = new Map<string, { design: "kfunc" | "raw"; errno: string; packets: number }>()
    let checked = 0
    let tk = 0
    let tr = 0
    let firstTruthMiss: HintComparison["firstTruthMiss"] = null
    for (const pk of kfunc) {
      const pr = rawByFrame.get(pk.index)
      if (pr === undefined) continue
      packets++
      const a = hintOf(pk.meta, hint)
      const b = hintOf(pr.meta, hint)
      if (a.text === b.text) equal++
      else if ((a.rc === 0) !== (b.rc === 0)) {
        const design = a.rc === 0 ? "raw" : "kfunc"
        const errno = a.rc === 0 ? b.text : a.text
        const key = `${design}${errno}`
        const u = unavailable.get(key) ?? { design, errno, packets: 0 }
        u.packets++
        unavailable.set(key, u)
        if (firstDiff === null) firstDiff = { packet: pk.index, kfunc: a.text, raw: b.text }
      } else {
        differs++
        if (firstDiff === null) firstDiff = { packet: pk.index, kfunc: a.text, raw: b.text }
      }
      const t = truth?.(pk.index, hint)
      if (t !== undefined) {
        checked++
        if (matchesTruth(a, t, hint)) tk++
        else if (firstTruthMiss === null) firstTruthMiss = { design: "kfunc", packet: pk.index, got: a.text, truth: t.text }
        if (matchesTruth(b, t, hint)) tr++
        else if (firstTruthMiss === null) firstTruthMiss = { design: "raw", packet: pk.index, got: b.text, truth: t.text }
      }
    }
    const verdict: HintComparison["verdict"] = equal === packets ? "equal" : differs > 0 ? "differ" : "unavailable"
    return {
      hint,
      packets,
      equal,
      verdict,
      firstDiff,
      unavailable: [...unavailable.values()],
      truth: truth === undefined ? null : { checked, kfunc: tk, raw: tr },
      firstTruthMiss
    }
  })
}

export const computeKfuncRaw = <C>(input: KfuncRawInput<C>) =>
  Effect.gen(function* () {
    const { driver, frames } = input
    const config = input.config ?? {}
    const burst = input.burst ?? 1
    const kfunc = yield* runHwMetadata({ driver, config, frames, style: "kfunc", binding: "dev-bound", burst })
    const raw = yield* runHwMetadata({ driver, config, frames, style: "raw", burst })
    const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
    const sem = driver.rxSemantics(cfg)
    const corpus = input.truth
    const truth =
      corpus === undefined
        ? undefined
        : (frame: number, hint: HintName) => {
            const f = corpus[frame]
            return f === undefined ? undefined : truthOf(expectedRx(f.truth, f.bytes, sem), hint)
          }
    const data: KfuncRawData = {
      question: "kfunc-raw",
      driver: driver.name,
      config,
      input: input.input,
      frames: frames.length,
      burst,
      received: { kfunc: kfunc.packets.length, raw: raw.packets.length },
      programs: { kfunc: "packages/programs/src/hw-metadata/HwMetadataProgram.ts (dev-bound)", raw: `packages/programs/src/raw/ (${driver.name} raw hw-metadata)` },
      hints: compareHints(kfunc.packets, raw.packets, truth)
    }
    return data
  })

const outcome = (h: HintComparison): string =>
  h.verdict === "equal"
    ? `equal (${h.equal}/${h.packets})`
    : h.verdict === "unavailable"
      ? `unavailable in ${h.unavailable.map((u) => `${u.design} (${u.errno} x${u.packets})`).join(", ")}`
      : `differ (${h.packets - h.equal}/${h.packets})`

export const kfuncRawSection = (d: KfuncRawData): AnswerSection => ({
  title: `kfunc vs raw vs ground truth: ${d.driver}`,
  notes: [
    `Input ${d.input}, ${d.frames} frames, ${d.burst} per NAPI poll, configuration ${JSON.stringify(d.config)}; packets received: kfunc ${d.received.kfunc}, raw ${d.received.raw}.`,
    `Programs: kfunc ${d.programs.kfunc}; raw ${d.programs.raw}.`,
    "Per hint: equal = same value or same errno on every packet; differ = two values or two errnos differ; unavailable = one design returns an errno where the other has a value.",
    d.hints[0]?.truth === null
      ? "Ground truth: none (a capture carries no generator truth; only the built-in corpus has it)."
      : "Ground truth: core's expectedRx (generator truth + the driver's declared semantics); timestamps by rc only."
  ],
  tables: [
    {
      head: ["hint", "kfunc vs raw", "first packet that differs (kfunc | raw)", "truth: kfunc ok", "truth: raw ok", "first truth miss"],
      rows: d.hints.map((h) => [
        h.hint,
        outcome(h),
        h.firstDiff === null ? "-" : `#${h.firstDiff.packet}: ${h.firstDiff.kfunc} | ${h.firstDiff.raw}`,
        h.truth === null ? "n/a" : `${h.truth.kfunc}/${h.truth.checked}`,
        h.truth === null ? "n/a" : `${h.truth.raw}/${h.truth.checked}`,
        h.firstTruthMiss === null ? "-" : `${h.firstTruthMiss.design} #${h.firstTruthMiss.packet}: ${h.firstTruthMiss.got}, truth ${h.firstTruthMiss.truth}`
      ])
    }
  ]
})

const forReport = once(() => {
  const corpus = builtinCorpus()
  return [simDriver, mlx5Driver, iceDriver].map((d) => {
    const data = Effect.runSync(computeKfuncRaw({ driver: d as DriverPackage<unknown>, frames: corpus.map((f) => f.bytes), truth: corpus, input: "builtin" }))
    const s = kfuncRawSection(data)
    return { ...s, notes: [...s.notes, COMPUTED_FOR_REPORT] }
  })
})

export const renderKfuncRawMarkdown = (input: ReportInput<KfuncRawData>): string =>
  isQuestionData(input, "kfunc-raw") ? sectionMarkdown(kfuncRawSection(input)) : forReport().map(sectionMarkdown).join("\n")
export const renderKfuncRawHtml = (input: ReportInput<KfuncRawData>): string =>
  isQuestionData(input, "kfunc-raw") ? sectionHtml(kfuncRawSection(input)) : forReport().map(sectionHtml).join("\n")
