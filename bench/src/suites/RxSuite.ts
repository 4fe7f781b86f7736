/**
 * RX suite: per driver, per style, reading 1..4 hints per packet (ProbeRecord.ts order), and each
 * hint alone and all hints but one (RX_HINT_SETS: what the report's marginal cost per hint is
 * computed from), over a batch the hardware model filled before timing; plus the empty program
 * (the poll loop's fixed per-packet cost). btf-id is timed on the prefixes only. Styles: raw-fixed (the floor), raw-core, kfunc-inlined, kfunc-dev-bound,
 * kfunc-generic, btf-id (drivers-sim only: the driver writes a per-packet BTF-id hints struct, the
 * program switches on the id — the driver's write of all four hints is part of this style's cost
 * whatever k is). kfunc-inlined is measured for every device publishing NetDevice.xdpMetadataInline
 * (checked at run time: loadBound fails with the reason otherwise, and the style is skipped).
 *
 * Before anything is timed, for each hint set, every style's per-packet record over the whole
 * batch must equal the floor's, and the floor's record over a replayed batch must equal its record
 * over the batch the hardware model filled (DeviceReplay's contract). Then each style is timed;
 * its ratio is to the floor with the same hint set, measured in the same worker.
 */
import { attachXdp, type DriverPackage, type LoadedXdpProgram, loadRawXdpProgram, type NetDevice } from "@devtx/core"
import { SimBtfIdHintsMode, type SimNetDevice, simHintsBtf } from "@devtx/drivers-sim"
import { type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import { Effect, Exit } from "effect"
import { benchMode, MODE_VERDICT } from "../harness/BenchInput.js"
import { makeRxRig, type RxRig } from "../harness/RxRig.js"
import { marginalPlan, timeTask } from "../harness/Timing.js"
import { btfIdLayouts, btfIdProbe } from "../probes/BtfIdProbe.js"
import { emptyProbeSpec, kfuncProbeSpec } from "../probes/KfuncProbe.js"
import { describeRecord, firstRecordDifference, type HintMask, hintCount, hintNames, ProbeSink, RX_HINT_SETS } from "../probes/ProbeRecord.js"
import { type RawProbeKind, rawProbeSpec } from "../probes/RawProbe.js"
import { rawHintTemplateFor } from "../probes/RawHintTemplates.js"
import { BenchCheckError, type SuiteContext, selected, taskId } from "./BenchContext.js"

/**
 * btf-id: the driver must write the hints struct (drivers-sim only), in per-packet mode (v2 when
 * the packet has a timestamp, v1 otherwise: the program really switches on the id). The mode is
 * device state, which the replay resets to what it was at fill time (off), so `armRxStyle` sets it
 * again after every restore for this style — the driver's write cost is part of the style.
 */
export const BTF_ID_NOT_ON = (driver: string): string =>
  `the per-packet BTF-id hints design is modelled on drivers-sim only (SimBtfIdHints.ts: the driver writes the hints struct); ${driver} writes none`

const loadBtfIdProbe = (driver: string, config: unknown, dev: NetDevice, hints: HintMask, sink: ProbeSink): LoadOutcome => {
  if (driver !== "sim") return { ok: false, reason: BTF_ID_NOT_ON(driver) }
  const width = (config as { readonly btfIdWidth?: number }).btfIdWidth === 8 ? 8 : 4
  if (width !== 4) return { ok: false, reason: "the bench's btf-id probe reads the RFC v1 u32 id (btfIdWidth 4)" }
  const layouts = btfIdLayouts(simHintsBtf(width).split)
  if (typeof layouts === "string") return { ok: false, reason: layouts }
  const run = btfIdProbe(layouts, hints, sink, MODE_VERDICT[benchMode()])
  const name = `probe_btf_id_m${hints}`
  return {
    ok: true,
    prog: {
      name,
      spec: { name, kfuncs: [], instantiate: () => run },
      run,
      boundIfindex: dev.ifindex,
      resolution: { xdp_hints_sim_v1: `type_id=${layouts.v1.typeId} size=${layouts.v1.size}`, xdp_hints_sim_v2: `type_id=${layouts.v2.typeId} size=${layouts.v2.size}` }
    }
  }
}

/** After a restore: put the device in the mode the style needs (btf-id: the driver writes per-packet hints). */
export const armRxStyle = (dev: NetDevice, style: string): void => {
  const hints = (dev as Partial<SimNetDevice>).btfIdHints
  if (hints !== undefined) hints.mode = style === "btf-id" ? SimBtfIdHintsMode.PER_PACKET : SimBtfIdHintsMode.OFF
}

export const RX_STYLES = ["raw-fixed", "raw-core", "kfunc-inlined", "kfunc-dev-bound", "kfunc-generic", "btf-id"] as const
export type RxStyle = (typeof RX_STYLES)[number]

export type LoadOutcome = { readonly ok: true; readonly prog: LoadedXdpProgram } | { readonly ok: false; readonly reason: string }

const outcome = <E extends { readonly message: string }>(eff: Effect.Effect<LoadedXdpProgram, E>): LoadOutcome => {
  const exit = Effect.runSyncExit(eff)
  if (Exit.isSuccess(exit)) return { ok: true, prog: exit.value }
  const err = Exit.findErrorOption(exit)
  return { ok: false, reason: err._tag === "Some" ? err.value.message : String(exit.cause) }
}

/** Load the probe of `style` reading the hint set `hints` for `dev`; a style the driver cannot offer comes back with its reason. */
export const loadRxProbe = <C>(
  driver: DriverPackage<C>,
  config: C,
  dev: NetDevice,
  style: RxStyle,
  hints: HintMask,
  sink: ProbeSink
): LoadOutcome => {
  if (style === "btf-id") return loadBtfIdProbe(driver.name, config, dev, hints, sink)
  if (style === "raw-fixed" || style === "raw-core") {
    const template = rawHintTemplateFor(driver.name)
    if (template === undefined) return { ok: false, reason: `no raw hint template for driver ${driver.name} in bench/src/probes` }
    return outcome(loadRawXdpProgram(rawProbeSpec(template, style as RawProbeKind, hints, sink, MODE_VERDICT[benchMode()]), dev, driver.btf?.(config)))
  }
  const mode = style.slice("kfunc-".length) as KfuncBindingMode
  return outcome(loadBound(kfuncProbeSpec(hints, style.replace(/-/g, "_"), sink, MODE_VERDICT[benchMode()]), dev, { mode }))
}

const attach = (dev: NetDevice, prog: LoadedXdpProgram): void => {
  Effect.runSync(attachXdp(dev, prog))
}

/** Run the attached program over a replayed batch; returns a copy of the records. */
export const recordBatch = (rig: RxRig, sink: ProbeSink, what: string, style = ""): Int32Array => {
  rig.restore()
  armRxStyle(rig.dev, style)
  sink.reset()
  const n = rig.poll()
  if (n !== rig.batch) throw new BenchCheckError(what, `polled ${n} packets, the ring held ${rig.batch}`)
  return sink.rec.slice()
}

export const runRxSuite = async <C>(ctx: SuiteContext, driver: DriverPackage<C>): Promise<void> => {
  const suite = "rx"
  const stylesOf = (set: (typeof RX_HINT_SETS)[number]) => RX_STYLES.filter((s) => (s !== "btf-id" || set.kind === "prefix") && selected(ctx, taskId(suite, driver.name, s, set.id)))
  const anySelected = RX_HINT_SETS.some((set) => stylesOf(set).length > 0) || selected(ctx, taskId(suite, driver.name, "empty", 0))
  if (!anySelected) return
  const rig = makeRxRig(driver, ctx.batch)
  const config = rig.config as C
  const dev = rig.dev
  const sink = new ProbeSink(ctx.batch)

  // phase 1: load every program and check every style against the floor (nothing is timed yet,
  // and by the end the poll loop's call of the program has seen every program it will run)
  interface Timed {
    readonly style: RxStyle | "empty"
    readonly set: string
    readonly mask: HintMask
    readonly prog: LoadedXdpProgram
  }
  const timed: Timed[] = []
  const emptyId = taskId(suite, driver.name, "empty", 0)
  if (selected(ctx, emptyId)) {
    const prog = Effect.runSync(loadBound(emptyProbeSpec(sink, MODE_VERDICT[benchMode()]), dev, { mode: "dev-bound" }))
    attach(dev, prog)
    recordBatch(rig, sink, emptyId)
    timed.push({ style: "empty", set: "0", mask: 0, prog })
  }
  for (const set of RX_HINT_SETS) {
    const styles = stylesOf(set)
    if (styles.length === 0) continue
    const hints = set.mask
    const hintsLabel = `hints=${set.id}`
    // the floor is always loaded, checked and timed when any style of this hint set is selected
    const floorId = taskId(suite, driver.name, "raw-fixed", set.id)
    const floorLoad = loadRxProbe(driver, config, dev, "raw-fixed", hints, sink)
    if (!floorLoad.ok) {
      for (const s of styles) ctx.skip({ suite, driver: driver.name, style: s, reason: `${hintsLabel}: the raw-fixed floor does not load: ${floorLoad.reason}` })
      continue
    }
    attach(dev, floorLoad.prog)
    // the replay contract: what the hardware model wrote == what the replay puts back (checked on
    // the prefixes: prefix 4 reads every field the other sets read)
    const floorRec = recordBatch(rig, sink, floorId)
    if (set.kind === "prefix") {
      const fresh = makeRxRig(driver, ctx.batch, 3)
      const freshLoad = loadRxProbe(driver, fresh.config as C, fresh.dev, "raw-fixed", hints, sink)
      if (!freshLoad.ok) throw new BenchCheckError(floorId, freshLoad.reason)
      attach(fresh.dev, freshLoad.prog)
      sink.reset()
      const n0 = fresh.poll()
      if (n0 !== ctx.batch) throw new BenchCheckError(floorId, `fresh ring polled ${n0} of ${ctx.batch}`)
      const hwRec = sink.rec.slice()
      const dHw = firstRecordDifference(hwRec, floorRec, ctx.batch)
      if (dHw >= 0) throw new BenchCheckError(floorId, `replayed batch differs from the hardware-filled batch at packet ${dHw}: ${describeRecord(floorRec, dHw)} vs ${describeRecord(hwRec, dHw)}`)
    }
    const floorAgain = recordBatch(rig, sink, floorId)
    const dRe = firstRecordDifference(floorRec, floorAgain, ctx.batch)
    if (dRe >= 0) throw new BenchCheckError(floorId, `two replays differ at packet ${dRe}`)

    const passed: RxStyle[] = ["raw-fixed"]
    timed.push({ style: "raw-fixed", set: set.id, mask: hints, prog: floorLoad.prog })
    for (const style of styles) {
      if (style === "raw-fixed") continue
      const l = loadRxProbe(driver, config, dev, style, hints, sink)
      if (!l.ok) {
        ctx.skip({ suite, driver: driver.name, style, reason: `${hintsLabel}: ${l.reason}` })
        continue
      }
      attach(dev, l.prog)
      const rec = recordBatch(rig, sink, taskId(suite, driver.name, style, set.id), style)
      const d = firstRecordDifference(floorRec, rec, ctx.batch)
      if (d >= 0)
        throw new BenchCheckError(
          taskId(suite, driver.name, style, set.id),
          `packet ${d}: ${style} recorded [${describeRecord(rec, d)}], raw-fixed [${describeRecord(floorRec, d)}]`
        )
      passed.push(style)
      timed.push({ style, set: set.id, mask: hints, prog: l.prog })
    }
    ctx.check(`rx ${driver.name} ${hintsLabel}: ${passed.join(" == ")} over ${ctx.batch} packets (and ${set.kind === "prefix" ? "replay == hardware fill" : "replay == replay"})`)
  }

  // phase 2: time; each hint set's floor is timed before its styles
  const floors = new Map<number, number>()
  for (const { style, set, mask, prog } of timed) {
    const plan = set === "0" || /^\d$/.test(set) ? ctx.plan : marginalPlan(ctx.plan)
    const id = taskId(suite, driver.name, style, set)
    attach(dev, prog)
    ctx.progress(id)
    const before =
      style === "btf-id"
        ? () => {
            rig.restore()
            armRxStyle(dev, style)
          }
        : rig.restore
    const f = await timeTask(id, plan, rig.batch, rig.poll, before)
    if (style === "raw-fixed") floors.set(mask, f.ns_per_packet)
    const floor = floors.get(mask)
    ctx.row({
      suite,
      path: "rx",
      driver: driver.name,
      style,
      hints: hintCount(mask),
      hint_set: hintNames(mask),
      ...f,
      ratio_to_floor: style === "empty" || floor === undefined ? null : f.ns_per_packet / floor,
      batch: rig.batch,
      unit: "packet"
    })
  }
}
