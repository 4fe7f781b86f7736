/**
 * `devtx compare portability --driver D` (John Fastabend's question): one raw program, compiled
 * once, against every layout version the driver has, next to the fixed-offset build of the same
 * program. Per (build, layout):
 *
 *   devtx loader  what devtx's raw loader says (RawLoader.ts): a CO-RE build relocates or fails
 *                 with libbpf's reason; a fixed-offset build is REFUSED when its compiled-in
 *                 offsets differ from the target's BTF — a check devtx adds and the kernel lacks
 *   kernel        what loading the same object into the kernel does: a CO-RE build as above
 *                 (libbpf fails the relocation); a fixed-offset build has no relocations, so it
 *                 always loads, and runs at its compiled-in offsets (core compileFixedOffsets)
 *   answers       every build the kernel loads is run over the built-in corpus; per hint its
 *                 records are compared with the driver's kfunc program on the same layout and
 *                 frames (the driver's own answer, which the conformance suite holds to the
 *                 ground truth): right, wrong (first packet, both values), or unavailable
 *
 * Layouts: sim descriptor v1 / v2 (SimConfig.layoutVersion); ice's context wrapper as in 6.18
 * (ice_xdp_buff.eop_desc) and as in the libeth-based ice (libeth_xdp_buff.desc,
 * include/net/libeth/xdp.h; iwl-next "ice: switch to Page Pool", ice_txrx_lib.c) —
 * IceConfig.xdpBuffLayout. mlx5 has one CQE layout in devtx: nothing to port across.
 */
import {
  bringUp,
  builtinCorpus,
  compileFixedOffsets,
  decodeDriverConfig,
  type DriverPackage,
  FixedOffsetBuildError,
  findByName,
  type LoadedXdpProgram,
  loadRawXdpProgram,
  type RawEnv,
  type RawFieldTable,
  type RawXdpProgramSpec
} from "@devtx/core"
import { iceRawHwMetadata, iceRawRodataFromConfig, runHwMetadata, simRawHwMetadata } from "@devtx/programs"
import { Data, Effect, Exit } from "effect"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as simDriver } from "@devtx/drivers-sim"
import { compareHints, type HintComparison } from "./KfuncRawQuestion.js"
import { COMPUTED_FOR_REPORT, isQuestionData, once, type ReportInput } from "./ReportInput.js"
import { type AnswerSection, sectionHtml, sectionMarkdown } from "./QuestionTables.js"

export class PortabilityError extends Data.TaggedError("PortabilityError")<{ readonly driver: string; readonly reason: string }> {
  override get message(): string {
    return `portability on ${this.driver}: ${this.reason}`
  }
}

interface Layout {
  readonly label: string
  readonly config: Readonly<Record<string, unknown>>
}
interface Build {
  readonly label: string
  readonly fixed: boolean
  readonly make: (config: Readonly<Record<string, unknown>>) => RawXdpProgramSpec | string
}

const PLAN: Readonly<Record<string, { readonly layouts: ReadonlyArray<Layout>; readonly builds: ReadonlyArray<Build> }>> = {
  sim: {
    layouts: [
      { label: "sim_rx_desc_wb v1", config: { layoutVersion: 1 } },
      { label: "sim_rx_desc_wb v2", config: { layoutVersion: 2 } }
    ],
    builds: [
      { label: "CO-RE (one object)", fixed: false, make: () => simRawHwMetadata() },
      { label: "fixed-offset, compiled for v1", fixed: true, make: () => simRawHwMetadata({ fixedLayout: true }) }
    ]
  },
  ice: {
    layouts: [
      { label: "6.18: ice_xdp_buff.eop_desc", config: { xdpBuffLayout: "ice_xdp_buff" } },
      { label: "libeth-based ice: libeth_xdp_buff.desc", config: { xdpBuffLayout: "libeth_xdp_buff" } }
    ],
    builds: [
      { label: "CO-RE, written for 6.18 (ice_xdp_buff)", fixed: false, make: (c) => iceBuild(c, { context: "ice_xdp_buff" }) },
      { label: "CO-RE, both wrappers (field-exists)", fixed: false, make: (c) => iceBuild(c, { context: "either" }) },
      { label: "fixed-offset, compiled for 6.18", fixed: true, make: (c) => iceBuild(c, { fixedLayout: true }) }
    ]
  }
}

function iceBuild(config: Readonly<Record<string, unknown>>, build: Parameters<typeof iceRawHwMetadata>[1]): RawXdpProgramSpec | string {
  const r = iceRawRodataFromConfig(config)
  return typeof r === "string" ? r : iceRawHwMetadata(r, build)
}

export const portabilityDrivers = (): ReadonlyArray<string> => Object.keys(PLAN)

export interface PortabilityCell {
  readonly build: string
  readonly fixed: boolean
  readonly program: string
  readonly layout: string
  /** null: loads; else the loader's message */
  readonly devtxLoadError: string | null
  readonly kernelLoadError: string | null
  /** per hint against the kfunc answer, when the kernel loads it */
  readonly hints: ReadonlyArray<HintComparison> | null
  readonly right: ReadonlyArray<string>
  readonly wrong: ReadonlyArray<string>
  readonly unavailable: ReadonlyArray<string>
}

export interface PortabilityData {
  readonly question: "portability"
  readonly driver: string
  readonly frames: number
  readonly layouts: ReadonlyArray<string>
  readonly cells: ReadonlyArray<PortabilityCell>
}

/** the raw programs keep no skip/fail counters (the TS hw-metadata's own) */
const NO_COUNTERS = () => ({ skip: 0, fail: 0 })

/** A fixed-offset build as the kernel runs it: no relocation, the compiled-in offsets. */
const kernelFixedLoad = (spec: RawXdpProgramSpec, fields: RawFieldTable, ifindex: number, clock: RawEnv["clock"]) => {
  const run = spec.instantiate({ fields, clock })
  const loaded: LoadedXdpProgram = { name: spec.name, spec: { name: spec.name, kfuncs: [], instantiate: () => run }, run, boundIfindex: ifindex, resolution: {} }
  return Effect.succeed(loaded)
}

export const computePortability = (driver: DriverPackage<unknown>) =>
  Effect.gen(function* () {
    const plan = PLAN[driver.name]
    if (plan === undefined)
      return yield* Effect.fail(
        new PortabilityError({
          driver: driver.name,
          reason: `devtx models one descriptor layout for ${driver.name}: nothing to port across (layouts are modelled for ${portabilityDrivers().join(", ")})`
        })
      )
    const corpus = builtinCorpus()
    const frames = corpus.map((f) => f.bytes)
    const cells: PortabilityCell[] = []
    for (const layout of plan.layouts) {
      const config = { ...layout.config }
      const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
      const btf = driver.btf?.(cfg)
      const reference = yield* runHwMetadata({ driver, config, frames, style: "kfunc", binding: "dev-bound" })
      for (const build of plan.builds) {
        const spec = build.make(cfg as Readonly<Record<string, unknown>>)
        if (typeof spec === "string") return yield* Effect.fail(new PortabilityError({ driver: driver.name, reason: spec }))
        const dev = yield* Effect.scoped(bringUp(driver, cfg, { ifname: `${driver.name}0`, ifindex: 2 }))
        const devtx = yield* Effect.exit(loadRawXdpProgram(spec, dev, btf))
        const failure = Exit.isSuccess(devtx) ? undefined : (devtx.cause.reasons[0] as { error?: { message?: string; localType?: string } } | undefined)?.error
        const missingType = failure?.localType?.replace(/___.*$/, "")
        const devtxLoadError =
          failure === undefined
            ? null
            : `${failure.message}${missingType !== undefined && btf !== undefined && findByName(btf.split, missingType) === undefined ? ` [the target's BTF has no type ${missingType}]` : ""}`
        const kernelLoadError = build.fixed ? null : devtxLoadError
        let hints: HintComparison[] | null = null
        if (kernelLoadError === null) {
          const fixed = build.fixed ? compileFixedOffsets(spec.structs) : undefined
          if (fixed instanceof FixedOffsetBuildError) return yield* Effect.fail(fixed)
          const run = yield* runHwMetadata({
            driver,
            config,
            frames,
            program: {
              load: (d, clock) => (fixed !== undefined ? kernelFixedLoad(spec, fixed, d.ifindex, clock) : loadRawXdpProgram(spec, d, btf, clock)),
              counters: NO_COUNTERS
            }
          })
          // a build that misreads is WRONG, whatever it returns; only -EOPNOTSUPP is a declared "cannot"
          hints = compareHints(reference.packets, run.packets, undefined).map((h) =>
            h.verdict === "unavailable" && h.unavailable.some((u) => u.design === "kfunc" || u.errno !== "-EOPNOTSUPP") ? { ...h, verdict: "differ" as const } : h
          )
        }
        cells.push({
          build: build.label,
          fixed: build.fixed,
          program: spec.name,
          layout: layout.label,
          devtxLoadError,
          kernelLoadError,
          hints,
          right: hints?.filter((h) => h.verdict === "equal").map((h) => h.hint) ?? [],
          wrong: hints?.filter((h) => h.verdict === "differ").map((h) => h.hint) ?? [],
          unavailable: hints?.filter((h) => h.verdict === "unavailable").map((h) => h.hint) ?? []
        })
      }
    }
    const data: PortabilityData = { question: "portability", driver: driver.name, frames: frames.length, layouts: plan.layouts.map((l) => l.label), cells }
    return data
  })

const answers = (c: PortabilityCell): string => {
  if (c.hints === null) return "not run (does not load)"
  const parts: string[] = []
  if (c.right.length > 0) parts.push(`right: ${c.right.join(", ")}`)
  for (const h of c.hints.filter((x) => x.verdict === "differ"))
    parts.push(`WRONG ${h.hint} on ${h.packets - h.equal}/${h.packets} (first #${h.firstDiff?.packet}: kfunc ${h.firstDiff?.kfunc}, this build ${h.firstDiff?.raw})`)
  for (const h of c.hints.filter((x) => x.verdict === "unavailable")) parts.push(`unavailable ${h.hint} (${h.unavailable.map((u) => `${u.errno} x${u.packets}`).join(", ")})`)
  return parts.join("; ")
}

export const portabilitySection = (d: PortabilityData): AnswerSection => ({
  title: `Portability across layout versions: ${d.driver}`,
  notes: [
    "One object per build, loaded against every layout. devtx loader: devtx's raw loader (it also refuses a fixed-offset build whose offsets differ from the target's BTF). kernel: a CO-RE build fails where libbpf's relocation fails; a fixed-offset build has no relocation and always loads, reading its compiled-in offsets.",
    `Answers: per hint against the driver's kfunc program on the same layout and the ${d.frames} built-in corpus frames.`
  ],
  tables: [
    {
      head: ["build", "layout", "devtx loader", "kernel", "answers"],
      rows: d.cells.map((c) => [c.build, c.layout, c.devtxLoadError ?? "loads", c.kernelLoadError ?? (c.fixed ? "loads (no relocations)" : "loads"), answers(c)])
    }
  ]
})

const forReport = once(() =>
  [simDriver, iceDriver].map((d) => {
    const data = Effect.runSync(computePortability(d as DriverPackage<unknown>))
    const s = portabilitySection(data)
    return { ...s, notes: [...s.notes, COMPUTED_FOR_REPORT] }
  })
)

export const renderPortabilityMarkdown = (input: ReportInput<PortabilityData>): string =>
  isQuestionData(input, "portability") ? sectionMarkdown(portabilitySection(input)) : forReport().map(sectionMarkdown).join("\n")
export const renderPortabilityHtml = (input: ReportInput<PortabilityData>): string =>
  isQuestionData(input, "portability") ? sectionHtml(portabilitySection(input)) : forReport().map(sectionHtml).join("\n")
