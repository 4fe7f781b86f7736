/**
 * The VM lane (issues 14 and 16): the clang-compiled hw-metadata objects
 * (packages/programs/bpf/hw_metadata_kfunc.bpf.o, hw_metadata_raw.bpf.o) run by devtx's eBPF VM
 * over one modelled NIC, through the same driver NAPI poll as today's TypeScript hw-metadata
 * program, which is timed in the same worker as the baseline.
 *
 * Styles (one object each, the TypeScript program of the same design beside it):
 *   kfunc-dev-bound / kfunc-inlined / kfunc-generic  hw_metadata_kfunc.bpf.o with the kfunc
 *       binding of that name (@devtx/kfuncs; inlined only on a device publishing
 *       xdpMetadataInline, otherwise skipped with loadBound's reason) against HwMetadataProgram.ts
 *       bound the same way;
 *   raw-core  hw_metadata_raw.bpf.o (bpf_cast_to_kern_ctx + CO-RE against the driver's BTF, its
 *       .rodata cfg from the driver configuration, RawObjectConfig.ts) against the TypeScript raw
 *       program of the driver (RawPrograms.ts).
 * Engines: "ts" (the TypeScript program), "jit" and "interp" (the VM's two engines). The row's
 * suite is `vm-<engine>` so every figure has its own key (report MarginalCost.ts figureKey).
 *
 * Before anything is timed, over the whole batch the hardware model filled, per packet: the
 * verdict and the 40-byte struct xdp_meta in front of the packet (poisoned before each run, so a
 * record a program did not write cannot pass) of every engine equal the TypeScript program's of
 * the same style — except the ice raw object's RX timestamp, which it extends from
 * pkt_ctx->cached_phctime and which therefore equals the kfunc program's where the TS raw program
 * reports -EOPNOTSUPP; on sim, hash and VLAN tag equal the frame's ground truth (core expectedRx);
 * the VM reported no fault; and the kfunc objects' per-packet counts are those of a batch replayed
 * twice (the counters are exact). The counters come from the VM (VmCounters) over that one checked
 * batch: program instructions, helper calls, kfunc calls, and the instructions kfunc calls stood
 * for where the program type fills VmCounters.kfuncInsns (none of today's bindings does: the
 * bound getters are TypeScript, not BPF — the row then carries no kfunc_insns_per_packet and the
 * check line says so).
 *
 * Known cost (profiled with node --cpu-prof): the JIT emits one JS function per program, and
 * hw_metadata_raw.bpf.o (654 slots: the readers of every driver, the foreign ones CO-RE-poisoned
 * but still compiled) gives a function beyond V8's --max-optimized-bytecode-size (61440), which
 * therefore never leaves the baseline tiers: its JIT figure is close to the interpreter's.
 */
import {
  attachXdp,
  type CorpusFrame,
  type DriverPackage,
  expectedRx,
  type LoadedXdpProgram,
  loadRawXdpProgram,
  type NetDevice,
  SimulatedTaiClock,
  type XdpBuff,
  xdpGetMetalen
} from "@devtx/core"
import { type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import {
  decodeXdpMeta,
  hwMetadataProgram,
  type ObjectProgramHandle,
  objectProgramSource,
  RawStyleUnavailableError,
  rawHwMetadataFor,
  rawObjectCfg,
  readObjectImage,
  samplePath,
  TAI_START_HI,
  TAI_START_LO,
  XdpMeta,
  XdpMetaField
} from "@devtx/programs"
import { Effect, Exit } from "effect"
import type { BenchResultRow } from "../BenchResult.js"
import { benchCorpusFrames } from "../harness/BenchInput.js"
import { makeRxRig, type RxRig } from "../harness/RxRig.js"
import { marginalPlan, timeTask } from "../harness/Timing.js"
import { BenchCheckError, type SuiteContext, selected, taskId } from "./BenchContext.js"

export const VM_STYLES = ["kfunc-dev-bound", "kfunc-inlined", "kfunc-generic", "raw-core"] as const
export type VmStyle = (typeof VM_STYLES)[number]
export const VM_ENGINES = ["ts", "jit", "interp"] as const
export type VmEngineName = (typeof VM_ENGINES)[number]

/** hw-metadata reads all four RX hints (hash, timestamp, vlan-tag, checksum) */
export const VM_HINTS = 4

const objectOf = (style: VmStyle): string => (style === "raw-core" ? "hw_metadata_raw.bpf.o" : "hw_metadata_kfunc.bpf.o")

export const vmSuiteName = (engine: VmEngineName): string => `vm-${engine}`

/** Bytes recorded per packet: the verdict (u32) then the 40-byte struct xdp_meta (zero when the program left another metadata size). */
const REC = 4 + XdpMeta.SIZE
const POISON = 0xa5

/**
 * A recording wrapper (untimed check phase only): poisons the 40 bytes in front of the packet,
 * runs the program, stores verdict + struct xdp_meta of packet `i` in `rec`.
 */
const recording = (inner: (ctx: XdpBuff) => number, rec: Uint8Array): { run: (ctx: XdpBuff) => number; reset: () => void } => {
  let i = 0
  const dv = new DataView(rec.buffer)
  return {
    reset: () => {
      i = 0
      rec.fill(0)
    },
    run: (ctx: XdpBuff): number => {
      if (ctx.data >= XdpMeta.SIZE) ctx.area.bytes.fill(POISON, ctx.data - XdpMeta.SIZE, ctx.data)
      const verdict = inner(ctx)
      const at = i * REC
      if (at + REC <= rec.length) {
        dv.setUint32(at, verdict, true)
        if (xdpGetMetalen(ctx) === XdpMeta.SIZE) rec.set(ctx.area.bytes.subarray(ctx.dataMeta, ctx.dataMeta + XdpMeta.SIZE), at + 4)
      }
      i++
      return verdict
    }
  }
}

interface Candidate {
  readonly style: VmStyle
  readonly engine: VmEngineName
  readonly prog: LoadedXdpProgram
  /** the VM program's handle (object engines) */
  readonly handle: ObjectProgramHandle | undefined
}

interface Counted {
  readonly insns: number
  readonly helperCalls: number
  readonly kfuncCalls: number
  readonly kfuncInsns: number
}

const runOutcome = <A, E extends { readonly message: string }>(eff: Effect.Effect<A, E>): { ok: true; value: A } | { ok: false; reason: string } => {
  const exit = Effect.runSyncExit(eff)
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const err = Exit.findErrorOption(exit)
  return { ok: false, reason: err._tag === "Some" ? err.value.message : String(exit.cause) }
}

const sum = (a: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

const snapshot = (h: ObjectProgramHandle | undefined): Counted => {
  const c = h?.stats?.program?.counters
  if (c === undefined) return { insns: 0, helperCalls: 0, kfuncCalls: 0, kfuncInsns: 0 }
  return { insns: c.insns, helperCalls: sum(c.helperCalls), kfuncCalls: sum(c.kfuncCalls), kfuncInsns: sum(c.kfuncInsns) }
}

const delta = (a: Counted, b: Counted): Counted => ({
  insns: b.insns - a.insns,
  helperCalls: b.helperCalls - a.helperCalls,
  kfuncCalls: b.kfuncCalls - a.kfuncCalls,
  kfuncInsns: b.kfuncInsns - a.kfuncInsns
})

/** The first packet whose record differs (the ice raw-core timestamp exception applied), or -1. */
const firstDifference = (expected: Uint8Array, tsKfunc: Uint8Array | undefined, got: Uint8Array, n: number): number => {
  const e = new DataView(expected.buffer)
  const g = new DataView(got.buffer)
  for (let p = 0; p < n; p++) {
    const at = p * REC
    for (let b = 0; b < REC; b++) {
      const off = b - 4
      if (tsKfunc !== undefined && off >= XdpMeta.RX_TIMESTAMP && off < XdpMeta.RX_TIMESTAMP + 8) continue
      if (tsKfunc !== undefined && off >= XdpMeta.HINT_VALID && off < XdpMeta.HINT_VALID + 4) continue
      if (expected[at + b] !== got[at + b]) return p
    }
    if (tsKfunc !== undefined) {
      const k = new DataView(tsKfunc.buffer)
      for (let b = 0; b < 8; b++) if (tsKfunc[at + 4 + XdpMeta.RX_TIMESTAMP + b] !== got[at + 4 + XdpMeta.RX_TIMESTAMP + b]) return p
      const want = (e.getUint32(at + 4 + XdpMeta.HINT_VALID, true) & ~XdpMetaField.TS) | (k.getUint32(at + 4 + XdpMeta.HINT_VALID, true) & XdpMetaField.TS)
      if (g.getUint32(at + 4 + XdpMeta.HINT_VALID, true) !== want) return p
    }
  }
  return -1
}

const describeVmRecord = (rec: Uint8Array, p: number): string => {
  const at = p * REC
  const v = new DataView(rec.buffer)
  const m = decodeXdpMeta(v, at + 4)
  return `verdict=${v.getUint32(at, true)} ${JSON.stringify(m)}`
}

/** On sim: each record's hash and VLAN tag == the frame's ground truth (core expectedRx). */
const checkTruth = <C>(driver: DriverPackage<C>, config: C, rig: RxRig, rec: Uint8Array, what: string, corpus: ReadonlyArray<CorpusFrame>): void => {
  const sem = driver.rxSemantics(config)
  const v = new DataView(rec.buffer)
  for (let p = 0; p < rig.batch; p++) {
    const f = corpus[rig.frameIndex[p]!]!
    const exp = expectedRx(f.truth, f.bytes, sem)
    const m = decodeXdpMeta(v, p * REC + 4)
    const hash = m.rxHash === null ? m.rxHashErr : `${m.rxHash}/${m.rxHashType}`
    const wantHash = exp.hash.rc === 0 ? `${exp.hash.hash}/${exp.hash.type}` : exp.hash.rc
    const vlan = m.vlanProto === null ? m.vlanErr : `${m.vlanProto}/${m.vlanTci}`
    const wantVlan = exp.vlan.rc === 0 ? `${exp.vlan.proto}/${exp.vlan.tci}` : exp.vlan.rc
    if (hash !== wantHash || vlan !== wantVlan)
      throw new BenchCheckError(what, `packet ${p} (corpus frame ${rig.frameIndex[p]}): hash ${hash} vlan ${vlan}, the truth is hash ${wantHash} vlan ${wantVlan}`)
  }
}

export const runVmSuite = async <C>(ctx: SuiteContext, driver: DriverPackage<C>): Promise<void> => {
  const id = (style: string, engine: VmEngineName) => taskId(vmSuiteName(engine), driver.name, style, VM_HINTS)
  const styles = VM_STYLES.filter((s) => VM_ENGINES.some((e) => selected(ctx, id(s, e))))
  if (styles.length === 0) return
  const rig = makeRxRig(driver, ctx.batch)
  if (rig.frameIndex.length !== rig.batch) throw new BenchCheckError(id(styles[0]!, "ts"), `the ring holds ${rig.batch} packets but ${rig.frameIndex.length} frames were accepted`)
  const config = rig.config as C
  const dev: NetDevice = rig.dev
  const clockFor = () => new SimulatedTaiClock(TAI_START_HI, TAI_START_LO, 2500)
  const imageFor = new Map<string, ReturnType<typeof readObjectImage>>()
  const rec = new Uint8Array(rig.batch * REC)
  // truth on sim, over the corpus (frames of a capture or padded to a size have no truth)
  const corpus = benchCorpusFrames()
  const truth = driver.name === "sim" && corpus !== undefined

  // one batch through `prog` (fresh clock: every engine sees the same xdp_timestamp sequence)
  const record = (prog: LoadedXdpProgram, what: string, handle?: ObjectProgramHandle): { rec: Uint8Array; counted: Counted } => {
    const w = recording(prog.run, rec)
    Effect.runSync(attachXdp(dev, { ...prog, run: w.run }))
    rig.restore()
    w.reset()
    const before = snapshot(handle)
    const n = rig.poll()
    const counted = delta(before, snapshot(handle))
    if (n !== rig.batch) throw new BenchCheckError(what, `polled ${n} packets, the ring held ${rig.batch}`)
    const faults = handle?.stats?.faults ?? 0
    if (faults > 0) throw new BenchCheckError(what, `the VM faulted on ${faults} packets: ${handle?.stats?.firstFault?.message ?? "?"}`)
    return { rec: rec.slice(), counted }
  }

  const loadTs = (style: VmStyle): { ok: true; value: LoadedXdpProgram } | { ok: false; reason: string } => {
    if (style === "raw-core") {
      const raw = rawHwMetadataFor(driver.name, config)
      if (raw instanceof RawStyleUnavailableError) return { ok: false, reason: raw.message }
      return runOutcome(loadRawXdpProgram(raw, dev, driver.btf?.(config), clockFor()))
    }
    const mode = style.slice("kfunc-".length) as KfuncBindingMode
    return runOutcome(loadBound(hwMetadataProgram(), dev, { mode, clock: clockFor() }))
  }

  const loadVm = (style: VmStyle, engine: "jit" | "interp", handle: ObjectProgramHandle) => {
    const file = objectOf(style)
    let image = imageFor.get(file)
    if (image === undefined) {
      image = readObjectImage(samplePath(file), driver, config)
      imageFor.set(file, image)
    }
    const vars: Record<string, Uint8Array> = {}
    if (style === "raw-core") {
      const c = rawObjectCfg(driver.name, config as Record<string, unknown>)
      if (typeof c === "string") return { ok: false as const, reason: c }
      vars.cfg = c
    }
    const binding: KfuncBindingMode = style === "raw-core" ? "dev-bound" : (style.slice("kfunc-".length) as KfuncBindingMode)
    return runOutcome(
      Effect.flatMap(image, (img) =>
        objectProgramSource(img, { engine: engine === "jit" ? "jit" : "interpreter", binding, vars }, handle).load(dev, clockFor())
      )
    )
  }

  // the replay contract: the TypeScript program's records over a batch the hardware model just
  // filled (a fresh rig, never restored) == over the replayed batch of this rig
  {
    const what = id(styles[0]!, "ts")
    const fresh = makeRxRig(driver, ctx.batch, 3)
    const load = (d: NetDevice) => runOutcome(loadBound(hwMetadataProgram(), d, { mode: "dev-bound", clock: clockFor() }))
    const a = load(fresh.dev)
    const b = load(dev)
    if (!a.ok || !b.ok) throw new BenchCheckError(what, `HwMetadataProgram.ts does not load dev-bound: ${a.ok ? "" : a.reason}${b.ok ? "" : b.reason}`)
    const w = recording(a.value.run, rec)
    Effect.runSync(attachXdp(fresh.dev, { ...a.value, run: w.run }))
    w.reset()
    const n0 = fresh.poll()
    if (n0 !== rig.batch) throw new BenchCheckError(what, `fresh ring polled ${n0} of ${rig.batch}`)
    const hwRec = rec.slice()
    const replayed = record(b.value, what).rec
    const d = firstDifference(hwRec, undefined, replayed, rig.batch)
    if (d >= 0) throw new BenchCheckError(what, `replayed batch differs from the hardware-filled batch at packet ${d}: ${describeVmRecord(replayed, d)} vs ${describeVmRecord(hwRec, d)}`)
    ctx.check(`vm ${driver.name}: replayed batch == hardware-filled batch (HwMetadataProgram.ts dev-bound, ${rig.batch} packets)`)
  }

  // phase 1: load and check everything (nothing timed yet)
  const timed: Candidate[] = []
  const counts = new Map<string, Counted>()
  let tsKfuncRec: Uint8Array | undefined
  for (const style of styles) {
    const tsId = id(style, "ts")
    const ts = loadTs(style)
    if (!ts.ok) {
      for (const e of VM_ENGINES) ctx.skip({ suite: vmSuiteName(e), driver: driver.name, style, reason: `hints=${VM_HINTS}: ${ts.reason}` })
      continue
    }
    const tsRec = record(ts.value, tsId).rec
    if (truth) checkTruth(driver, config, rig, tsRec, tsId, corpus!)
    // the ice raw object's timestamp is the kfunc's (see the module comment)
    let tsStamp: Uint8Array | undefined
    if (style === "raw-core" && driver.name === "ice") {
      if (tsKfuncRec === undefined) {
        const k = loadTs("kfunc-dev-bound")
        if (!k.ok) throw new BenchCheckError(tsId, `the kfunc reference for the ice timestamp does not load: ${k.reason}`)
        tsKfuncRec = record(k.value, tsId).rec
      }
      tsStamp = tsKfuncRec
    }
    if (style === "kfunc-dev-bound") tsKfuncRec = tsRec
    const passed: string[] = ["ts"]
    const here: Candidate[] = [{ style, engine: "ts", prog: ts.value, handle: undefined }]
    for (const engine of ["jit", "interp"] as const) {
      const what = id(style, engine)
      const handle: ObjectProgramHandle = { maps: undefined, stats: undefined }
      const l = loadVm(style, engine, handle)
      if (!l.ok) {
        ctx.skip({ suite: vmSuiteName(engine), driver: driver.name, style, reason: `hints=${VM_HINTS}: ${l.reason}` })
        continue
      }
      const first = record(l.value, what, handle)
      const d = firstDifference(tsRec, tsStamp, first.rec, rig.batch)
      if (d >= 0) throw new BenchCheckError(what, `packet ${d}: ${engine} recorded [${describeVmRecord(first.rec, d)}], the TypeScript program [${describeVmRecord(tsRec, d)}]`)
      const again = record(l.value, what, handle).counted
      if (again.insns !== first.counted.insns || again.kfuncCalls !== first.counted.kfuncCalls || again.helperCalls !== first.counted.helperCalls)
        throw new BenchCheckError(what, `two replays of the batch executed different counts (${first.counted.insns} vs ${again.insns} instructions)`)
      if (first.counted.insns <= 0) throw new BenchCheckError(what, "the VM counted no instruction over the batch")
      counts.set(what, first.counted)
      passed.push(engine)
      here.push({ style, engine, prog: l.value, handle })
    }
    const jit = counts.get(id(style, "jit"))
    const interp = counts.get(id(style, "interp"))
    if (jit !== undefined && interp !== undefined && (jit.insns !== interp.insns || jit.kfuncCalls !== interp.kfuncCalls))
      throw new BenchCheckError(id(style, "interp"), `the interpreter executed ${interp.insns} instructions over the batch, the JIT ${jit.insns}`)
    const kinsns = jit ?? interp
    ctx.check(
      `vm ${driver.name} ${style} (${objectOf(style)}): ${passed.join(" == ")} over ${rig.batch} packets (verdict + struct xdp_meta${style === "raw-core" && driver.name === "ice" ? "; the timestamp == the kfunc program's" : ""}${truth ? "; hash and vlan == truth" : ""})${kinsns !== undefined && kinsns.kfuncCalls > 0 && kinsns.kfuncInsns === 0 ? `; kfunc instructions not counted (VmCounters.kfuncInsns stays 0: ${style === "raw-core" ? "bpf_cast_to_kern_ctx / bpf_rdonly_cast are" : "the bound RX metadata kfuncs are"} host code, not BPF)` : ""}`
    )
    timed.push(...here)
  }

  // phase 2: time; each style's TypeScript program first, then the JIT, then the interpreter
  const ns = new Map<string, number>()
  for (const c of timed) {
    const task = id(c.style, c.engine)
    if (!selected(ctx, task) && !(c.engine !== "interp" && VM_ENGINES.some((e) => selected(ctx, id(c.style, e))))) continue
    Effect.runSync(attachXdp(dev, c.prog))
    ctx.progress(task)
    // quick mode: the headline figures (TS and JIT of kfunc-dev-bound and raw-core) keep the plan,
    // the interpreter and the other bindings get the marginal sets' shorter one (their rme says so)
    const headline = c.engine !== "interp" && (c.style === "kfunc-dev-bound" || c.style === "raw-core")
    const f = await timeTask(task, ctx.quick && !headline ? marginalPlan(ctx.plan) : ctx.plan, rig.batch, rig.poll, rig.restore)
    ns.set(task, f.ns_per_packet)
    const tsNs = ns.get(id(c.style, "ts"))
    const jitNs = ns.get(id(c.style, "jit"))
    const k = counts.get(task)
    const per = (x: number) => x / rig.batch
    const row: BenchResultRow = {
      suite: vmSuiteName(c.engine),
      path: "rx",
      driver: driver.name,
      style: c.style,
      hints: VM_HINTS,
      ...f,
      ratio_to_floor: null,
      batch: rig.batch,
      unit: "packet",
      // hw-metadata passes every packet (the kfunc object: bpf_redirect_map's XDP_PASS fallback, no XSK bound)
      mode: "pass",
      lane: "vm",
      engine: c.engine,
      program: c.engine === "ts" ? (c.style === "raw-core" ? `TypeScript raw hw-metadata (${driver.name})` : "HwMetadataProgram.ts") : objectOf(c.style),
      ratio_to_ts: c.engine === "ts" || tsNs === undefined ? null : f.ns_per_packet / tsNs,
      ratio_to_jit: c.engine !== "interp" || jitNs === undefined ? null : f.ns_per_packet / jitNs,
      ...(k === undefined
        ? {}
        : {
            insns_per_packet: per(k.insns),
            helper_calls_per_packet: per(k.helperCalls),
            kfunc_calls_per_packet: per(k.kfuncCalls),
            ...(k.kfuncInsns > 0 ? { kfunc_insns_per_packet: per(k.kfuncInsns) } : {})
          })
    }
    if (selected(ctx, task)) ctx.row(row)
  }
}
