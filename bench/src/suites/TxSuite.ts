/**
 * TX suite: the cost of asking the NIC for a TX timestamp and an L4 checksum at submit
 * (path tx-submit, 2 requests per packet) and of reading the TX timestamp at completion
 * (path tx-complete, 1 read per packet), per driver, in each style the driver offers:
 *
 *   raw-fixed        bench probe writing / reading the descriptor at compiled-in offsets (the floor)
 *   raw-core         the programs package's raw devtx programs (CO-RE relocated accessors)
 *   kfunc-inlined    devtx kfuncs spliced from the device's NetDevice.devtxInline description
 *   kfunc-dev-bound  devtx kfuncs bound to the driver's functions at load
 *   kfunc-generic    devtx kfuncs looking the driver's op up through the context at every call
 *   xsk-tx-metadata  no program: AF_XDP TX metadata (struct xsk_tx_metadata, XDP_TX_METADATA),
 *                    the driver's xsk_tx_metadata_ops called by xsk_tx_metadata_request /
 *                    xsk_tx_metadata_complete — the kernel's own TX metadata abstraction
 *
 * Each style gets its own rig (device + socket, TxRig.ts) with the same frames and descriptors.
 * Before timing, every style runs the whole path once (submit, the hardware's transmit, complete)
 * and must put the same frames on the wire (byte for byte: the checksum the hardware computed) and
 * report the same TX stamps as the floor (or, where a driver has no raw floor, as the first style
 * that loads); the floor's outputs from a replayed batch must equal those from the freshly
 * produced one. Every style's stamps are also checked against the hardware model's wire times
 * (checkStampsAgainstWire), so styles that agree on a wrong stamp do not pass. The timed regions exclude the hardware: submit is timed from S0, complete from S1.
 * The xsk-tx-metadata style's stamps are read back from each frame's xsk_tx_metadata.completion.
 *
 * Then the marginal cost of each request: every program style's submit with the timestamp request
 * alone and the checksum request alone (checked per set against the floor with the same request,
 * then timed; `only-tx-timestamp`, `only-l4-checksum`), and the empty submit and completion programs
 * (style `empty`: no request, no read — what both paths cost without any metadata work).
 */
import { attachDevtx, type DriverPackage, type LoadedDevtxProgram, loadRawDevtxProgram, type NetDevice, XSK_TX_METADATA_SIZE, XskTxMetadataOff } from "@devtx/core"
import { type KfuncBindingMode, loadBoundDevtx } from "@devtx/kfuncs"
import { type Mlx5RawRodata, mlx5RawRodataFromConfig, RawStyleUnavailableError, rawDevtxFor, TxStampLog } from "@devtx/programs"
import { Effect, Exit } from "effect"
import { makeTxRig, type TxRig } from "../harness/TxRig.js"
import { marginalPlan, timeTask } from "../harness/Timing.js"
import {
  emptyTxCompleteSpec,
  emptyTxSubmitSpec,
  kfuncTxCompleteSpec,
  kfuncTxSubmitSpec,
  rawFixedTxFor,
  TX_BOTH,
  type TxRequests,
  txRequestNames
} from "../probes/TxProbes.js"
import { BenchCheckError, type SuiteContext, selected, taskId } from "./BenchContext.js"

export const TX_STYLES = ["raw-fixed", "raw-core", "kfunc-inlined", "kfunc-dev-bound", "kfunc-generic", "xsk-tx-metadata"] as const
export type TxStyle = (typeof TX_STYLES)[number]

/** requests per packet at submit (timestamp + checksum) and reads at completion (timestamp) */
export const TX_SUBMIT_HINTS = 2
export const TX_COMPLETE_HINTS = 1

interface Loaded {
  readonly submit: LoadedDevtxProgram | undefined
  readonly complete: LoadedDevtxProgram | undefined
}
type LoadResult = { readonly ok: true; readonly progs: Loaded } | { readonly ok: false; readonly reason: string }

const run = <A, E extends { readonly message: string }>(eff: Effect.Effect<A, E>): { ok: true; value: A } | { ok: false; reason: string } => {
  const exit = Effect.runSyncExit(eff)
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const err = Exit.findErrorOption(exit)
  return { ok: false, reason: err._tag === "Some" ? err.value.message : String(exit.cause) }
}

const mlx5Rodata = (driver: string, config: unknown): Mlx5RawRodata | undefined => {
  if (driver !== "mlx5") return undefined
  const r = mlx5RawRodataFromConfig(config as Readonly<Record<string, unknown>>)
  return typeof r === "string" ? undefined : r
}

/** Load the style's submit and completion programs for the rig's device (nothing for xsk-tx-metadata). */
export const loadTxStyle = <C>(driver: DriverPackage<C>, rig: TxRig, style: TxStyle, log: TxStampLog, req: TxRequests = TX_BOTH): LoadResult => {
  const dev = rig.dev
  const btf = driver.btf?.(rig.config as C)
  if (style === "xsk-tx-metadata") {
    if (dev.xskTxMetadataOps === undefined)
      return { ok: false, reason: `driver ${driver.name} has no xsk_tx_metadata_ops (xsk-features 0): AF_XDP TX metadata is not offered` }
    return { ok: true, progs: { submit: undefined, complete: undefined } }
  }
  if (style === "raw-fixed") {
    const f = rawFixedTxFor(driver.name, mlx5Rodata(driver.name, rig.config), log, req)
    if ("reason" in f) return { ok: false, reason: f.reason }
    const s = run(loadRawDevtxProgram(f.submit, dev, btf))
    if (!s.ok) return s
    const c = run(loadRawDevtxProgram(f.complete, dev, btf))
    if (!c.ok) return c
    return { ok: true, progs: { submit: s.value, complete: c.value } }
  }
  if (style === "raw-core") {
    const r = rawDevtxFor(driver.name, rig.config, { timestamp: req.timestamp, checksum: req.checksum }, log)
    if (r instanceof RawStyleUnavailableError) return { ok: false, reason: r.message }
    const unsupported = (r as { readonly unsupported?: ReadonlyArray<{ readonly request: string; readonly reason: string }> }).unsupported ?? []
    if (unsupported.length > 0)
      return {
        ok: false,
        reason: `the programs package's raw ${driver.name} devtx programs cannot make every request the other styles make (${unsupported.map((u) => `${u.request}: ${u.reason}`).join("; ")}), so their outputs are not comparable`
      }
    if (r.submit === undefined)
      return { ok: false, reason: `the programs package has no raw submit program for ${driver.name} (its requests cannot be written through a descriptor view)` }
    const s = run(loadRawDevtxProgram(r.submit, dev, btf))
    if (!s.ok) return s
    const c = run(loadRawDevtxProgram(r.complete, dev, btf))
    if (!c.ok) return c
    return { ok: true, progs: { submit: s.value, complete: c.value } }
  }
  const mode = style.slice("kfunc-".length) as KfuncBindingMode
  const tag = `${style.replace(/-/g, "_")}_${driver.name}`
  const s = run(loadBoundDevtx(kfuncTxSubmitSpec(tag, req), dev, mode))
  if (!s.ok) return s
  const c = run(loadBoundDevtx(kfuncTxCompleteSpec(tag, log), dev, mode))
  if (!c.ok) return c
  return { ok: true, progs: { submit: s.value, complete: c.value } }
}

const attach = (dev: NetDevice, p: Loaded): void => {
  if (p.submit !== undefined) Effect.runSync(attachDevtx(dev, p.submit))
  if (p.complete !== undefined) Effect.runSync(attachDevtx(dev, p.complete))
}

/** What one pass of the whole path produced: per packet, the wire frame's hash and length, and (rc, hi, lo) of its stamp. */
export interface TxOutcome {
  readonly wire: Int32Array
  /** per packet, the PHC time (hi, lo) the hardware model put it on the wire */
  readonly wireTime: Uint32Array
  readonly stamps: Int32Array
}

/**
 * A stamp (rc 0, or any non-zero stamp of the xsk-tx-metadata style) must be the wire time of the
 * frame that closed its completion: its own frame's, or — on a device writing one completion per
 * batch (mlx5: one send CQE per doorbell) — that of a later frame j carrying the same stamp, which
 * must be j's own wire time. Returns the first packet violating it, -1 when none does.
 */
export const checkStampsAgainstWire = (o: TxOutcome, xskMetadata: boolean): number => {
  const n = o.wireTime.length / 2
  for (let i = 0; i < n; i++) {
    const rc = o.stamps[i * 3]!
    const hi = o.stamps[i * 3 + 1]! >>> 0
    const lo = o.stamps[i * 3 + 2]! >>> 0
    const stamped = xskMetadata ? hi !== 0 || lo !== 0 : rc === 0
    if (!stamped) continue
    let ok = false
    for (let j = i; j < n && !ok; j++)
      ok =
        o.wireTime[j * 2] === hi &&
        o.wireTime[j * 2 + 1] === lo &&
        o.stamps[j * 3 + 1]! >>> 0 === hi &&
        o.stamps[j * 3 + 2]! >>> 0 === lo
    if (!ok) return i
  }
  return -1
}

const fnv1a = (b: Uint8Array, off: number, len: number): number => {
  let h = 0x811c9dc5
  for (let i = off; i < off + len; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
  return h | 0
}

/** One untimed pass from S0: submit, transmit, complete; captures S1 on the way. */
const passFromS0 = (rig: TxRig, style: TxStyle, log: TxStampLog, id: string): TxOutcome => {
  const n = rig.batch
  const wire = new Int32Array(n * 2)
  const wireTime = new Uint32Array(n * 2)
  let w = 0
  rig.dev.wire = (mem, off, len, hi, lo) => {
    if (w < n) {
      wire[w * 2] = fnv1a(mem, off, len)
      wire[w * 2 + 1] = len
      wireTime[w * 2] = hi
      wireTime[w * 2 + 1] = lo
    }
    w++
  }
  rig.restoreSubmit()
  const posted = rig.submit()
  if (posted !== n) throw new BenchCheckError(id, `submit posted ${posted} of ${n} descriptors`)
  const sent = rig.transmit()
  rig.dev.wire = () => {}
  if (sent !== n || w !== n) throw new BenchCheckError(id, `the hardware sent ${sent} frames (${w} on the wire) of ${n}`)
  rig.captureComplete()
  const outcome = { wire, wireTime, stamps: completeStamps(rig, style, log, id) }
  const bad = checkStampsAgainstWire(outcome, style === "xsk-tx-metadata")
  if (bad >= 0)
    throw new BenchCheckError(
      id,
      `frame ${bad}: TX stamp [${Array.from(outcome.stamps.subarray(bad * 3, bad * 3 + 3))}] is not the wire time of the frame that closed its completion (its own: [${wireTime[bad * 2]}, ${wireTime[bad * 2 + 1]}])`
    )
  return outcome
}

/** From S1: reap the batch and collect the stamps (from the log, or from xsk_tx_metadata.completion). */
const completeStamps = (rig: TxRig, style: TxStyle, log: TxStampLog, id: string): Int32Array => {
  const n = rig.batch
  rig.restoreComplete()
  log.count = 0
  const view = rig.umem.area.view
  // clear completion.tx_timestamp first, so a stamp the driver did not write cannot pass as one from an earlier pass
  if (style === "xsk-tx-metadata")
    for (let i = 0; i < n; i++) {
      const m = rig.addrs[i]! - XSK_TX_METADATA_SIZE + XskTxMetadataOff.TX_TIMESTAMP
      view.setUint32(m, 0, true)
      view.setUint32(m + 4, 0, true)
    }
  const done = rig.complete()
  if (done < n) throw new BenchCheckError(id, `completion reaped ${done} descriptors for ${n} frames`)
  const out = new Int32Array(n * 3)
  if (style === "xsk-tx-metadata") {
    for (let i = 0; i < n; i++) {
      const m = rig.addrs[i]! - XSK_TX_METADATA_SIZE + XskTxMetadataOff.TX_TIMESTAMP
      out[i * 3 + 1] = view.getUint32(m + 4, true)
      out[i * 3 + 2] = view.getUint32(m, true)
    }
    return out
  }
  if (log.count !== n) throw new BenchCheckError(id, `the completion program logged ${log.count} stamps for ${n} frames`)
  for (let i = 0; i < n; i++) {
    if (log.addr[i] !== rig.addrs[i]) throw new BenchCheckError(id, `completion ${i} is for frame 0x${log.addr[i]!.toString(16)}, submitted 0x${rig.addrs[i]!.toString(16)}`)
    out[i * 3] = log.rc[i]!
    out[i * 3 + 1] = log.hi[i]!
    out[i * 3 + 2] = log.lo[i]!
  }
  return out
}

const firstDiff = (a: Int32Array, b: Int32Array, words: number): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return Math.floor(i / words)
  return -1
}

export const runTxSuite = async <C>(ctx: SuiteContext, driver: DriverPackage<C>): Promise<void> => {
  const d = driver.name
  const subId = (s: string) => taskId("tx-submit", d, s, TX_SUBMIT_HINTS)
  const comId = (s: string) => taskId("tx-complete", d, s, TX_COMPLETE_HINTS)
  const anyTask = (s: string): boolean => [subId(s), comId(s), ...TX_ALONE.map((q) => taskId("tx-submit", d, s, `only-${txRequestNames(q)[0]}`))].some((id) => selected(ctx, id))
  const styles = TX_STYLES.filter(anyTask)
  if (styles.length === 0 && !anyTask("empty")) return
  // the floor is always loaded and checked when any style is selected
  const order: TxStyle[] = ["raw-fixed", ...styles.filter((s) => s !== "raw-fixed")]

  const ready: ReadyStyle[] = []
  let ref: { style: TxStyle; outcome: TxOutcome } | undefined
  let floorLoaded = false
  for (const style of order) {
    const rig = makeTxRig(driver, ctx.batch, style === "xsk-tx-metadata", 20 + ready.length)
    const log = new TxStampLog(ctx.batch)
    const l = loadTxStyle(driver, rig, style, log)
    if (!l.ok) {
      for (const path of ["tx-submit", "tx-complete"]) ctx.skip({ suite: path, driver: d, style, reason: l.reason })
      continue
    }
    attach(rig.dev, l.progs)
    const id = subId(style)
    const outcome = passFromS0(rig, style, log, id)
    if (style === "raw-fixed") {
      floorLoaded = true
      // the replay contract: a second pass from the replayed S0 gives the same wire and stamps
      const again = passFromS0(rig, style, log, id)
      const dw = firstDiff(outcome.wire, again.wire, 2)
      const ds = firstDiff(outcome.stamps, again.stamps, 3)
      if (dw >= 0 || ds >= 0) throw new BenchCheckError(id, `a replayed batch differs from the first pass at packet ${dw >= 0 ? dw : ds}`)
    }
    if (ref === undefined) ref = { style, outcome }
    else {
      const dw = firstDiff(ref.outcome.wire, outcome.wire, 2)
      if (dw >= 0)
        throw new BenchCheckError(id, `frame ${dw} left the wire as hash ${outcome.wire[dw * 2]} len ${outcome.wire[dw * 2 + 1]}, ${ref.style}: hash ${ref.outcome.wire[dw * 2]} len ${ref.outcome.wire[dw * 2 + 1]}`)
      const ds = firstDiff(ref.outcome.stamps, outcome.stamps, 3)
      if (ds >= 0)
        throw new BenchCheckError(
          comId(style),
          `frame ${ds}: stamp [${Array.from(outcome.stamps.subarray(ds * 3, ds * 3 + 3))}], ${ref.style} [${Array.from(ref.outcome.stamps.subarray(ds * 3, ds * 3 + 3))}]`
        )
    }
    ready.push({ style, rig, log, progs: l.progs })
  }
  if (ref === undefined) return
  const stampsOk = Array.from({ length: ctx.batch }, (_, i) => ref!.outcome.stamps[i * 3]).filter((rc) => rc === 0).length
  ctx.check(
    `tx ${d}: ${ready.map((r) => r.style).join(" == ")}: same ${ctx.batch} frames on the wire and the same TX stamps (${stampsOk} with a stamp, each the wire time of the frame closing its completion)${floorLoaded ? " (and replay == first pass)" : ", no raw floor"}`
  )

  // untimed warm-up of every style's two halves, so the first style timed (the floor) is not the
  // one that pays for V8's tier-up of the shared driver code
  for (let round = 0; round < 4; round++)
    for (const r of ready) {
      r.rig.restoreSubmit()
      r.rig.submit()
      r.rig.restoreComplete()
      r.log.count = 0
      r.rig.complete()
    }

  // phase 2: time submit (from S0) then complete (from S1) for every style; floors first
  const floorNs = new Map<string, number>()
  for (const path of ["tx-submit", "tx-complete"] as const) {
    for (const r of ready) {
      const id = path === "tx-submit" ? subId(r.style) : comId(r.style)
      if (r.style !== "raw-fixed" && !selected(ctx, id)) continue
      ctx.progress(id)
      const f =
        path === "tx-submit"
          ? await timeTask(id, ctx.plan, ctx.batch, r.rig.submit, r.rig.restoreSubmit)
          : await timeTask(id, ctx.plan, ctx.batch, r.rig.complete, () => {
              r.rig.restoreComplete()
              r.log.count = 0
            })
      if (r.style === "raw-fixed") floorNs.set(path, f.ns_per_packet)
      const floor = floorNs.get(path)
      ctx.row({
        suite: path,
        path,
        driver: d,
        style: r.style,
        hints: path === "tx-submit" ? TX_SUBMIT_HINTS : TX_COMPLETE_HINTS,
        ...f,
        ratio_to_floor: floor === undefined ? null : f.ns_per_packet / floor,
        batch: ctx.batch,
        unit: "packet",
        hint_set: path === "tx-submit" ? txRequestNames(TX_BOTH) : ["tx-timestamp"],
        ...(floor === undefined ? { floor: "none: no raw fixed-offset TX path on this driver" } : {})
      })
    }
  }

  await timeTxMarginal(ctx, driver, ready, floorLoaded)
}

/** The submit requests timed alone (the full set is both). */
const TX_ALONE: ReadonlyArray<TxRequests> = [
  { timestamp: true, checksum: false },
  { timestamp: false, checksum: true }
]

interface ReadyStyle {
  readonly style: TxStyle
  readonly rig: TxRig
  readonly log: TxStampLog
  readonly progs: Loaded
}

/**
 * Phase 3 (after every full-set figure is timed, so re-capturing a rig's completion state cannot
 * disturb one): per request alone, every ready program style is loaded with that request only,
 * checked against the first style of the set (the floor when it loads), then timed; then the empty
 * programs on a rig of their own.
 */
const timeTxMarginal = async <C>(ctx: SuiteContext, driver: DriverPackage<C>, ready: ReadonlyArray<ReadyStyle>, floorLoaded: boolean): Promise<void> => {
  const d = driver.name
  for (const req of TX_ALONE) {
    const names = txRequestNames(req)
    const setId = `only-${names[0]}`
    const checked: { r: ReadyStyle; id: string }[] = []
    let ref: { style: TxStyle; outcome: TxOutcome } | undefined
    for (const r of ready) {
      if (r.style === "xsk-tx-metadata") continue
      const id = taskId("tx-submit", d, r.style, setId)
      if (!selected(ctx, id) && !(r.style === "raw-fixed" && ready.some((x) => selected(ctx, taskId("tx-submit", d, x.style, setId))))) continue
      const l = loadTxStyle(driver, r.rig, r.style, r.log, req)
      if (!l.ok) {
        ctx.skip({ suite: "tx-submit", driver: d, style: r.style, reason: `${setId}: ${l.reason}` })
        continue
      }
      // this request's submit program, the style's own completion program
      attach(r.rig.dev, { submit: l.progs.submit, complete: r.progs.complete })
      const outcome = passFromS0(r.rig, r.style, r.log, id)
      if (ref === undefined) ref = { style: r.style, outcome }
      else {
        const dw = firstDiff(ref.outcome.wire, outcome.wire, 2)
        if (dw >= 0) throw new BenchCheckError(id, `frame ${dw} left the wire as hash ${outcome.wire[dw * 2]}, ${ref.style}: hash ${ref.outcome.wire[dw * 2]}`)
        const ds = firstDiff(ref.outcome.stamps, outcome.stamps, 3)
        if (ds >= 0) throw new BenchCheckError(id, `frame ${ds}: stamp [${Array.from(outcome.stamps.subarray(ds * 3, ds * 3 + 3))}], ${ref.style} [${Array.from(ref.outcome.stamps.subarray(ds * 3, ds * 3 + 3))}]`)
      }
      checked.push({ r, id })
    }
    if (checked.length === 0) continue
    ctx.check(`tx ${d} ${setId}: ${checked.map((c) => c.r.style).join(" == ")}: same ${ctx.batch} frames on the wire and the same TX stamps`)
    let floor: number | undefined
    for (const { r, id } of checked) {
      ctx.progress(id)
      const f = await timeTask(id, marginalPlan(ctx.plan), ctx.batch, r.rig.submit, r.rig.restoreSubmit)
      if (r.style === "raw-fixed") floor = f.ns_per_packet
      ctx.row({
        suite: "tx-submit",
        path: "tx-submit",
        driver: d,
        style: r.style,
        hints: names.length,
        hint_set: names,
        ...f,
        ratio_to_floor: floor === undefined ? null : f.ns_per_packet / floor,
        batch: ctx.batch,
        unit: "packet",
        ...(floor === undefined ? { floor: floorLoaded ? `none: the raw fixed-offset floor does not load with ${setId}` : "none: no raw fixed-offset TX path on this driver" } : {})
      })
    }
  }

  // the empty programs: both paths' fixed cost
  const subId = taskId("tx-submit", d, "empty", 0)
  const comId = taskId("tx-complete", d, "empty", 0)
  if (!selected(ctx, subId) && !selected(ctx, comId)) return
  const rig = makeTxRig(driver, ctx.batch, false, 20 + ready.length)
  const sub = run(loadBoundDevtx(emptyTxSubmitSpec(), rig.dev, "dev-bound"))
  const com = run(loadBoundDevtx(emptyTxCompleteSpec(), rig.dev, "dev-bound"))
  if (!sub.ok || !com.ok) throw new BenchCheckError(subId, `the empty devtx programs do not load: ${!sub.ok ? sub.reason : ""} ${!com.ok ? com.reason : ""}`)
  attach(rig.dev, { submit: sub.value, complete: com.value })
  rig.dev.wire = () => {}
  rig.restoreSubmit()
  const posted = rig.submit()
  const sent = rig.transmit()
  rig.captureComplete()
  rig.restoreComplete()
  const done = rig.complete()
  if (posted !== ctx.batch || sent !== ctx.batch || done < ctx.batch)
    throw new BenchCheckError(subId, `the empty programs' pass posted ${posted}, sent ${sent}, reaped ${done} of ${ctx.batch}`)
  ctx.check(`tx ${d} empty: the empty submit and completion programs post, send and reap all ${ctx.batch} frames`)
  for (const [path, id] of [
    ["tx-submit", subId],
    ["tx-complete", comId]
  ] as const) {
    if (!selected(ctx, id)) continue
    ctx.progress(id)
    const f = path === "tx-submit" ? await timeTask(id, ctx.plan, ctx.batch, rig.submit, rig.restoreSubmit) : await timeTask(id, ctx.plan, ctx.batch, rig.complete, rig.restoreComplete)
    ctx.row({ suite: path, path, driver: d, style: "empty", hints: 0, hint_set: [], ...f, ratio_to_floor: null, batch: ctx.batch, unit: "packet" })
  }
}
