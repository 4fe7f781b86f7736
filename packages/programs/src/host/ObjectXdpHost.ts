/**
 * The host of `devtx run --object`: any XDP program of a compiled object on a modelled NIC.
 * Brings the device up (scoped), prepares the object's program (@devtx/bpf-xdp), loads it
 * device-bound with the chosen kfunc binding, offers every frame and records per frame the
 * verdict the program returned and — when the program left exactly sizeof(struct xdp_meta)
 * bytes of metadata in front of the packet (devtx's 40, or the mainline selftest's 32 without
 * the checksum members) — the record, decoded as hw-metadata decodes it.
 * The summary carries the program's globals (.data/.bss/.rodata by variable name) and executed
 * instruction counts (program, per helper, per kfunc). A program that faulted on any packet
 * fails the run with the first fault (a VmRunError: program, instruction, reason) after all
 * frames were offered. Control plane: Effect; the recording wrapper is host code.
 */
import type { VmEngine, VmRunError } from "@devtx/bpf"
import {
  ObjectMaps,
  type ObjectImage,
  type ObjectProgramNotFoundError,
  type ObjectRunStats,
  prepareObjectXdp,
  type UnknownKfuncError,
  type UnsupportedMapError
} from "@devtx/bpf-xdp"
import type { VmLoadError } from "@devtx/bpf"
import {
  attachXdp,
  bringUp,
  decodeDriverConfig,
  type DriverConfigError,
  type DriverPackage,
  type KernelMemoryUnavailableError,
  type ProgramAttachError,
  type ProgramLoadError,
  SimulatedTaiClock,
  XdpActionName,
  type XdpBuff,
  xdpGetMetalen
} from "@devtx/core"
import { type BindingNotBuiltError, type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"
import { decodeXdpMeta, type HwMetadataRecord } from "../hw-metadata/HwMetadataRecord.js"
import { XDP_META_MAINLINE_SIZE, XdpMeta } from "../hw-metadata/XdpMetaLayout.js"
import { TAI_START_HI, TAI_START_LO } from "./HwMetadataHost.js"

export interface ObjectRunOptions<C> {
  readonly driver: DriverPackage<C>
  readonly config?: Record<string, unknown>
  readonly frames: ReadonlyArray<Uint8Array>
  readonly image: ObjectImage
  /** the program's function name (default: the first XDP program) */
  readonly program?: string
  readonly binding?: KfuncBindingMode
  readonly engine?: VmEngine
  readonly onProgress?: (done: number, total: number) => void
}

export interface ObjectPacketResult {
  readonly index: number
  readonly len: number
  readonly queue: number
  readonly verdict: string
  readonly meta: HwMetadataRecord | null
}

export interface ObjectInsnCounts {
  readonly program: number
  readonly helpers: Readonly<Record<string, number>>
  readonly kfuncs: Readonly<Record<string, number>>
}

export interface ObjectRunSummary {
  readonly program: string
  readonly section: string
  readonly offered: number
  readonly received: number
  readonly verdicts: Readonly<Record<string, number>>
  readonly globals: Readonly<Record<string, number | string>>
  readonly insns: ObjectInsnCounts
  readonly resolution: Readonly<Record<string, string>>
  readonly trace: ReadonlyArray<string>
}

export interface ObjectRun {
  readonly packets: ReadonlyArray<ObjectPacketResult>
  readonly summary: ObjectRunSummary
}

export type ObjectRunFailure =
  | DriverConfigError
  | ProgramLoadError
  | ProgramAttachError
  | BindingNotBuiltError
  | ObjectProgramNotFoundError
  | UnknownKfuncError
  | KernelMemoryUnavailableError
  | UnsupportedMapError
  | VmLoadError
  | VmRunError

/** Executed-instruction counts of a run, by name. */
export const objectInsnCounts = (stats: ObjectRunStats): ObjectInsnCounts => {
  const c = stats.program?.counters
  const helpers: Record<string, number> = {}
  const kfuncs: Record<string, number> = {}
  if (c !== undefined) {
    for (let id = 0; id < c.helperCalls.length; id++)
      if (c.helperCalls[id]! > 0) helpers[stats.helperNames[id] ?? `helper#${id}`] = c.helperCalls[id]!
    for (let k = 0; k < c.kfuncCalls.length; k++) kfuncs[stats.kfuncNames[k] ?? `kfunc#${k}`] = c.kfuncCalls[k]!
  }
  return { program: c?.insns ?? 0, helpers, kfuncs }
}

export const runObjectXdp = <C>(options: ObjectRunOptions<C>): Effect.Effect<ObjectRun, ObjectRunFailure> =>
  Effect.scoped(
    Effect.gen(function* () {
      const driver = options.driver
      const config = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...(options.config ?? {}) })
      const dev = yield* bringUp(driver, config, { ifname: `${driver.name}0`, ifindex: 2 })
      const clock = new SimulatedTaiClock(TAI_START_HI, TAI_START_LO, 2500)
      const maps = ObjectMaps.create(options.image)
      if (!(maps instanceof ObjectMaps)) return yield* Effect.fail(maps)
      const prepared = prepareObjectXdp(options.image, maps, dev, options.program, options.engine === undefined ? {} : { engine: options.engine })
      if (!("spec" in prepared)) return yield* Effect.fail(prepared)
      const prog = yield* loadBound(prepared.spec, dev, { mode: options.binding ?? "dev-bound", clock })
      const packets: ObjectPacketResult[] = []
      let current = -1
      const inner = prog.run
      const record = (ctx: XdpBuff): number => {
        const verdict = inner(ctx)
        const metalen = xdpGetMetalen(ctx)
        const meta =
          metalen === XdpMeta.SIZE || metalen === XDP_META_MAINLINE_SIZE
            ? decodeXdpMeta(ctx.area.view, ctx.dataMeta, metalen === XDP_META_MAINLINE_SIZE)
            : null
        packets.push({ index: current, len: ctx.dataEnd - ctx.data, queue: ctx.rxq.queueIndex, verdict: (XdpActionName as Record<number, string>)[verdict] ?? `unknown action ${verdict}`, meta })
        return verdict
      }
      yield* attachXdp(dev, { ...prog, run: record })
      dev.stack = () => {}
      for (let i = 0; i < options.frames.length; i++) {
        current = i
        const f = options.frames[i]!
        dev.hwReceive(f, 0, f.length)
        for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        options.onProgress?.(i + 1, options.frames.length)
      }
      if (prepared.stats.firstFault !== undefined) return yield* Effect.fail(prepared.stats.firstFault)
      const s = dev.rxStats
      return {
        packets,
        summary: {
          program: prepared.program.name,
          section: prepared.program.section,
          offered: options.frames.length,
          received: s.packets,
          verdicts: { XDP_ABORTED: s.xdpAborted, XDP_DROP: s.xdpDrop, XDP_PASS: s.xdpPass, XDP_TX: s.xdpTx, XDP_REDIRECT: s.xdpRedirect },
          globals: maps.globals(),
          insns: objectInsnCounts(prepared.stats),
          resolution: prog.resolution,
          trace: prepared.stats.trace.lines()
        }
      }
    })
  )
