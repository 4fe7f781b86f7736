/**
 * Polymorphism suite: the same per-packet work (3 hints: hash, timestamp, VLAN) on one host with
 * all three drivers receiving interleaved traffic — NAPI polls of 64 packets taken round-robin
 * from the sim, mlx5 and ice rings — against one driver alone, polled the same way. In the
 * interleaved case the code every driver shares (core's runXdp call of the program, xdpPrepareBuff
 * on three context classes, the generic getters' ops lookups) sees three shapes and three targets:
 * the megamorphic case a kernel with several NICs has. Each alone case runs in its own worker, so
 * its isolate never saw the other drivers.
 *
 * Rings: one per device, each of `batch` descriptors, filled by the hardware model before timing
 * and replayed between iterations. Styles: raw-fixed (each device gets its own NIC's probe, the
 * floor), kfunc-dev-bound (one program per device, as dev-bound programs are), kfunc-generic.
 * Every style's records equal the floor's on every device before timing.
 */
import { attachXdp, type DriverPackage, type LoadedXdpProgram } from "@devtx/core"
import { Effect } from "effect"
import { makeRxRig, type RxRig } from "../harness/RxRig.js"
import { timeTask } from "../harness/Timing.js"
import { describeRecord, firstRecordDifference, ProbeSink, prefixMask } from "../probes/ProbeRecord.js"
import { BenchCheckError, type SuiteContext, selected, taskId } from "./BenchContext.js"
import { loadRxProbe, type RxStyle } from "./RxSuite.js"

const HINTS = 3
const NAPI_BUDGET = 64
const STYLES: ReadonlyArray<RxStyle> = ["raw-fixed", "kfunc-dev-bound", "kfunc-generic"]

// biome-ignore lint/suspicious/noExplicitAny: drivers of different configuration types
export const runPolymorphismSuite = async (ctx: SuiteContext, drivers: ReadonlyArray<DriverPackage<any>>): Promise<void> => {
  const suite = "polymorphism"
  const label = drivers.map((d) => d.name).join("+")
  const ids = STYLES.map((s) => taskId(suite, label, s, HINTS))
  if (!ids.some((id) => selected(ctx, id))) return
  const rigs: RxRig[] = drivers.map((d, i) => makeRxRig(d, ctx.batch, 10 + i, i * 97))
  const sinks = rigs.map(() => new ProbeSink(ctx.batch))
  const total = ctx.batch * rigs.length
  const devs = rigs.map((r) => r.dev)
  const restore = (): void => {
    for (const r of rigs) r.restore()
  }
  const run = (): number => {
    let done = 0
    let progress = true
    while (progress) {
      progress = false
      for (let i = 0; i < devs.length; i++) {
        const n = devs[i]!.napiPoll(0, NAPI_BUDGET)
        if (n > 0) progress = true
        done += n
      }
    }
    return done
  }
  const loadAll = (style: RxStyle): LoadedXdpProgram[] | string => {
    const out: LoadedXdpProgram[] = []
    for (let i = 0; i < rigs.length; i++) {
      const l = loadRxProbe(drivers[i]!, rigs[i]!.config, devs[i]!, style, prefixMask(HINTS), sinks[i]!)
      if (!l.ok) return `${drivers[i]!.name}: ${l.reason}`
      out.push(l.prog)
    }
    return out
  }
  const attachAll = (progs: ReadonlyArray<LoadedXdpProgram>): void => {
    progs.forEach((p, i) => Effect.runSync(attachXdp(devs[i]!, p)))
  }
  const records = (what: string): Int32Array[] => {
    restore()
    for (const s of sinks) s.reset()
    const n = run()
    if (n !== total) throw new BenchCheckError(what, `polled ${n} of ${total}`)
    return sinks.map((s) => s.rec.slice())
  }

  const loaded: { style: RxStyle; progs: LoadedXdpProgram[] }[] = []
  let floorRecs: Int32Array[] | undefined
  for (const style of STYLES) {
    const id = taskId(suite, label, style, HINTS)
    const progs = loadAll(style)
    if (typeof progs === "string") {
      ctx.skip({ suite, driver: label, style, reason: progs })
      continue
    }
    attachAll(progs)
    const recs = records(id)
    if (floorRecs === undefined) floorRecs = recs
    else
      for (let i = 0; i < recs.length; i++) {
        const d = firstRecordDifference(floorRecs[i]!, recs[i]!, ctx.batch)
        if (d >= 0) throw new BenchCheckError(id, `${drivers[i]!.name} packet ${d}: [${describeRecord(recs[i]!, d)}] vs raw-fixed [${describeRecord(floorRecs[i]!, d)}]`)
      }
    loaded.push({ style, progs })
  }
  if (loaded[0]?.style !== "raw-fixed") {
    ctx.skip({ suite, driver: label, style: "*", reason: "the raw-fixed floor did not load" })
    return
  }
  ctx.check(`polymorphism ${label} hints=${HINTS}: ${loaded.map((l) => l.style).join(" == ")} on every device over ${total} packets`)
  let floorNs = 0
  for (const { style, progs } of loaded) {
    const id = taskId(suite, label, style, HINTS)
    if (style !== "raw-fixed" && !selected(ctx, id)) continue
    attachAll(progs)
    ctx.progress(id)
    const f = await timeTask(id, ctx.plan, total, run, restore)
    if (style === "raw-fixed") floorNs = f.ns_per_packet
    ctx.row({ suite, path: "rx", driver: label, style, hints: HINTS, ...f, ratio_to_floor: f.ns_per_packet / floorNs, batch: total, unit: "packet" })
  }
}
