/**
 * Placement suite (path "placement"): per design, store the three mainline hints (hash, timestamp,
 * VLAN tag) in the first program on the NIC, XDP_REDIRECT, and read them back at the far end —
 * suite `placement-devmap-xdp` (a veth-like second device's XDP program reads them), suite
 * `placement-devmap-skb` (the veth-like device passes the frame and builds the skb with the
 * placement-aware builder; a reader reads the skb) and suite `placement-cpumap-skb` (the full
 * redirect-to-skb path through a cpumap kthread). Designs and routes: PlacementProbes.ts,
 * PlacementRig.ts. NIC: drivers-sim, the first program's kfuncs bound dev-bound.
 *
 * Timed unit: per packet, store + redirect + read back (PlacementRig `run`: the replayed batch in
 * NAPI budgets of 64, the kthread drained after each budget). Ratios are to the `data-meta` floor
 * of the same route (mainline's only placement), measured in the same worker; `redirect-only`
 * (no store, no read) is the route's fixed cost, ratio null.
 *
 * Before anything is timed: (1) the RX kfunc probe with 3 hints over a replayed batch equals its
 * output over the batch the hardware model filled (DeviceReplay's contract) — that record is the
 * truth; (2) per route, the data-meta floor's read-back equals the truth (presence normalised:
 * designs carry different errnos, or none); (3) every design's read-back equals the floor's (the
 * skb projection for xdp_rx_meta on the skb routes: the skb keeps only its own fields); (4) on
 * the cpumap route, the bench's kthread delivers what core's cpuMapRunPlaced delivers; no redirect
 * error, no queue drop, no lost timestamp, one record per packet.
 */
import { attachXdp, cpuMapRunPlaced, CpuMapPlacedStats, type DriverPackage, type NetDevice } from "@devtx/core"
import { loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"
import { makePlacementSetup, PLACEMENT_ROUTES, type PlacementRoute, type PlacementSetup } from "../harness/PlacementRig.js"
import { makeRxRig, type RxRig } from "../harness/RxRig.js"
import { type TimingPlan, timeTask } from "../harness/Timing.js"
import { kfuncProbeSpec } from "../probes/KfuncProbe.js"
import { normalizePresence, PLACEMENT_DESIGNS, type PlacementStyle, SKB_PROJECTION } from "../probes/PlacementProbes.js"
import { describeRecord, firstRecordDifference, ProbeSink, prefixMask, REC_WORDS } from "../probes/ProbeRecord.js"
import { BenchCheckError, type SuiteContext, selected, taskId } from "./BenchContext.js"

export const PLACEMENT_HINTS = 3
export const PLACEMENT_STYLES: ReadonlyArray<PlacementStyle> = ["redirect-only", ...PLACEMENT_DESIGNS]
export const placementSuiteName = (route: PlacementRoute): string => `placement-${route}`

/**
 * Quick mode keeps the placement group small: 24 tasks at a fifth of the quick time budget each
 * (about 10 s for the group); the full mode uses the plan it is given.
 */
export const placementPlan = (ctx: SuiteContext): TimingPlan =>
  ctx.quick
    ? {
        timeMs: Math.min(ctx.plan.timeMs, 50),
        iterations: Math.min(ctx.plan.iterations, 8),
        warmupTimeMs: Math.min(ctx.plan.warmupTimeMs, 15),
        warmupIterations: Math.min(ctx.plan.warmupIterations, 4)
      }
    : ctx.plan

const attach = (dev: NetDevice, s: PlacementSetup): void => {
  Effect.runSync(attachXdp(dev, s.first))
}

/** Only the 9 slots of the three mainline hints. */
const threeHints = (r: Int32Array, packets: number): Int32Array => {
  for (let p = 0; p < packets; p++) r.fill(0, p * REC_WORDS + 9, (p + 1) * REC_WORDS)
  return r
}

/** Run one replayed batch through a setup; the records (a copy), after the route's own checks. */
const runChecked = (rig: RxRig, s: PlacementSetup, sink: ProbeSink, id: string): Int32Array => {
  rig.restore()
  sink.reset()
  const n = s.run()
  if (n !== rig.batch) throw new BenchCheckError(id, `polled ${n} packets, the ring held ${rig.batch}`)
  if (sink.cursor[0] !== rig.batch) throw new BenchCheckError(id, `the far end read ${sink.cursor[0]} packets of ${rig.batch}`)
  const errors = rig.dev.rxStats.xdpRedirectErrors + (s.veth?.rxStats.xdpRedirectErrors ?? 0) + (s.queue?.dropped ?? 0)
  if (errors !== 0) throw new BenchCheckError(id, `${errors} redirect errors / queue drops`)
  if ((s.kthread?.tsLost ?? 0) + (s.veth?.tsLost ?? 0) !== 0) throw new BenchCheckError(id, "a stored timestamp did not reach the skb")
  return threeHints(sink.rec.slice(), rig.batch)
}

/** The same batch through core's cpuMapRunPlaced instead of the bench's kthread. */
const runThroughCore = (rig: RxRig, s: PlacementSetup, sink: ProbeSink, id: string): Int32Array => {
  const q = s.queue
  const read = s.reader
  if (q === undefined || read === undefined) throw new BenchCheckError(id, "not a cpumap setup")
  rig.restore()
  sink.reset()
  const stats = new CpuMapPlacedStats()
  const deliver = (skb: Parameters<typeof read>[0], ext: Parameters<typeof read>[1], mem: Uint8Array) => read(skb, ext, mem, new DataView(mem.buffer, mem.byteOffset, mem.byteLength))
  let n = 0
  for (;;) {
    const k = rig.dev.napiPoll(0, 64)
    if (k <= 0) break
    n += k
    cpuMapRunPlaced(q, s.pc.layout, s.pc.registry, deliver, stats)
  }
  if (n !== rig.batch || stats.delivered !== rig.batch || stats.tsLost !== 0) throw new BenchCheckError(id, `cpuMapRunPlaced delivered ${stats.delivered} of ${rig.batch} (${stats.tsLost} timestamps lost)`)
  return threeHints(sink.rec.slice(), rig.batch)
}

export const runPlacementSuite = async <C>(ctx: SuiteContext, driver: DriverPackage<C>): Promise<void> => {
  const routes = PLACEMENT_ROUTES.filter((r) => PLACEMENT_STYLES.some((s) => selected(ctx, taskId(placementSuiteName(r), driver.name, s, PLACEMENT_HINTS))))
  if (routes.length === 0) return
  const rig = makeRxRig(driver, ctx.batch)
  const dev = rig.dev
  const sink = new ProbeSink(ctx.batch)

  // (1) the truth: the 3-hint RX kfunc probe on the NIC, replay == hardware fill
  const truthId = `${placementSuiteName(routes[0]!)}/${driver.name}/truth/${PLACEMENT_HINTS}`
  const truthProg = Effect.runSync(loadBound(kfuncProbeSpec(prefixMask(PLACEMENT_HINTS), "placement_truth", sink), dev, { mode: "dev-bound" }))
  const fresh = makeRxRig(driver, ctx.batch, 3)
  Effect.runSync(attachXdp(fresh.dev, Effect.runSync(loadBound(kfuncProbeSpec(prefixMask(PLACEMENT_HINTS), "placement_truth_fresh", sink), fresh.dev, { mode: "dev-bound" }))))
  sink.reset()
  if (fresh.poll() !== ctx.batch) throw new BenchCheckError(truthId, "the fresh ring did not poll the whole batch")
  const hwRec = threeHints(sink.rec.slice(), ctx.batch)
  Effect.runSync(attachXdp(dev, truthProg))
  rig.restore()
  sink.reset()
  if (rig.poll() !== ctx.batch) throw new BenchCheckError(truthId, "the replayed ring did not poll the whole batch")
  const truth = threeHints(sink.rec.slice(), ctx.batch)
  const dHw = firstRecordDifference(hwRec, truth, ctx.batch)
  if (dHw >= 0) throw new BenchCheckError(truthId, `replayed batch differs from the hardware-filled batch at packet ${dHw}`)
  normalizePresence(truth, ctx.batch)

  let ifindex = 10
  for (const route of routes) {
    const suite = placementSuiteName(route)
    const wanted = PLACEMENT_STYLES.filter((s) => selected(ctx, taskId(suite, driver.name, s, PLACEMENT_HINTS)))
    // the floor is always checked and timed when any style of the route is selected
    const styles: PlacementStyle[] = ["data-meta", ...wanted.filter((s) => s !== "data-meta")]
    const setups = styles.map((s) => makePlacementSetup(rig, s, route, sink, ifindex++))
    const floorSetup = setups[0]!
    const floorId = taskId(suite, driver.name, "data-meta", PLACEMENT_HINTS)
    attach(dev, floorSetup)
    const floorRec = runChecked(rig, floorSetup, sink, floorId)
    const dT = firstRecordDifference(truth, floorRec, ctx.batch)
    if (dT >= 0) throw new BenchCheckError(floorId, `packet ${dT}: read back [${describeRecord(floorRec, dT)}], the NIC's kfuncs read [${describeRecord(truth, dT)}]`)
    const skbFloor = SKB_PROJECTION(floorRec.slice(), ctx.batch)
    const passed: string[] = ["data-meta"]
    for (const s of setups) {
      const id = taskId(suite, driver.name, s.style, PLACEMENT_HINTS)
      attach(dev, s)
      const rec = runChecked(rig, s, sink, id)
      if (route === "cpumap-skb") {
        const viaCore = runThroughCore(rig, s, sink, id)
        const dc = firstRecordDifference(rec, viaCore, ctx.batch)
        if (dc >= 0 && s.style !== "redirect-only") throw new BenchCheckError(id, `packet ${dc}: the bench's kthread read [${describeRecord(rec, dc)}], cpuMapRunPlaced [${describeRecord(viaCore, dc)}]`)
      }
      if (s.style === "data-meta" || s.style === "redirect-only") continue
      const projected = route !== "devmap-xdp" && s.style.startsWith("xdp-rx-meta")
      const want = projected ? skbFloor : floorRec
      const d = firstRecordDifference(want, rec, ctx.batch)
      if (d >= 0) throw new BenchCheckError(id, `packet ${d}: ${s.style} read back [${describeRecord(rec, d)}], data-meta [${describeRecord(want, d)}]${projected ? " (skb projection)" : ""}`)
      passed.push(projected ? `${s.style} (skb fields)` : s.style)
    }
    ctx.check(
      `${suite} ${driver.name} hints=${PLACEMENT_HINTS}: ${passed.join(" == ")} read back after the redirect over ${ctx.batch} packets; data-meta == the NIC's kfunc reads${route === "cpumap-skb" ? "; the bench's kthread == cpuMapRunPlaced" : ""}`
    )

    // time: the floor first, then the rest in order
    const plan = placementPlan(ctx)
    let floorNs: number | undefined
    for (const s of setups) {
      const id = taskId(suite, driver.name, s.style, PLACEMENT_HINTS)
      attach(dev, s)
      ctx.progress(id)
      const f = await timeTask(id, plan, rig.batch, s.run, rig.restore)
      if (s.style === "data-meta") floorNs = f.ns_per_packet
      ctx.row({
        suite,
        path: "placement",
        driver: driver.name,
        style: s.style,
        hints: PLACEMENT_HINTS,
        ...f,
        ratio_to_floor: s.style === "redirect-only" || floorNs === undefined ? null : f.ns_per_packet / floorNs,
        batch: rig.batch,
        unit: "packet",
        floor: `data-meta, ${route} route`
      })
    }
  }
}
