/**
 * The hw-metadata host: brings a device up (scoped), loads hw-metadata device-bound with the
 * chosen kfunc binding, attaches it, offers every frame to the wire, polls after each frame
 * (so each skb is matched to the frame that produced it), decodes the struct xdp_meta each
 * XDP_PASS'd packet carries, and builds per-packet records plus a summary. Control plane: Effect.
 */
import {
  attachXdp,
  bringUp,
  decodeDriverConfig,
  type DriverConfigError,
  type DriverPackage,
  errnoName,
  type LoadedXdpProgram,
  type NetDevice,
  type TaiClock,
  loadRawXdpProgram,
  type RawLoadError,
  type ProgramAttachError,
  u64ToDecimal,
  type ProgramLoadError,
  RxTimestampOut,
  SimulatedTaiClock,
  XdpActionName
} from "@devtx/core"
import { type BindingNotBuiltError, type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"
import { decodeXdpMeta, formatXdpMeta, type HwMetadataRecord } from "../hw-metadata/HwMetadataRecord.js"
import { HwMetadataCounters, hwMetadataProgram } from "../hw-metadata/HwMetadataProgram.js"
import { XdpMeta } from "../hw-metadata/XdpMetaLayout.js"
import { rawHwMetadataFor, RawStyleUnavailableError } from "../raw/RawPrograms.js"

/**
 * CLOCK_TAI at start: the drivers' default PHC epoch (1_700_000_000_000_000_000 ns) plus 37 s,
 * the offset an unsynchronised PHC shows against TAI (reference/kernel-apis.md §5.3, igc).
 * 1_700_000_037_000_000_000 = 395812102 * 2^32 + 3548983808.
 */
export const TAI_START_HI = 395812102
export const TAI_START_LO = 3548983808

/**
 * A program the host loads instead of its own (a compiled object through @devtx/bpf-xdp): given
 * the device and the host's CLOCK_TAI, the loaded program and where its pkts_skip / pkts_fail
 * counters are read after the run.
 */
export interface HwMetadataProgramSource<E> {
  readonly load: (dev: NetDevice, clock: TaiClock) => Effect.Effect<LoadedXdpProgram, E>
  readonly counters: () => { readonly skip: number; readonly fail: number }
}

export interface HwMetadataRunOptions<C, E = never> {
  readonly driver: DriverPackage<C>
  /** partial configuration over the driver's defaults (decoded with its schema) */
  readonly config?: Record<string, unknown>
  readonly frames: ReadonlyArray<Uint8Array>
  readonly binding?: KfuncBindingMode
  readonly udpPort?: number
  /** "kfunc" (default) or "raw": the raw-descriptor version of the program for this driver */
  readonly style?: "kfunc" | "raw"
  /** called after every frame with (frames done, total) — a host's progress display */
  readonly onProgress?: (done: number, total: number) => void
  /** frames offered before each poll (default 1); more lets mlx5 compress CQE sessions; packets then carry the burst's first index */
  readonly burst?: number
  /** run this program instead of the TypeScript hw-metadata (style and binding then belong to it) */
  readonly program?: HwMetadataProgramSource<E>
}

export interface PacketResult {
  readonly index: number
  readonly len: number
  readonly queue: number
  readonly verdict: string
  /** null when the program stored no record (filtered, or adjust_meta failed) */
  readonly meta: HwMetadataRecord | null
  /** CLOCK_TAI when the "user" side received it, u64 halves */
  readonly user: { readonly hi: number; readonly lo: number }
  /** the skb fields the driver's skb path set */
  readonly skb: { readonly hash: number; readonly hashType: number; readonly vlanTci: number | null; readonly ipSummed: number; readonly hwtstamp: string }
}

export interface HwMetadataSummary {
  readonly offered: number
  readonly received: number
  readonly droppedByMac: number
  readonly missed: number
  readonly verdicts: Readonly<Record<string, number>>
  /** hints found, per kind */
  readonly found: Readonly<Record<"timestamp" | "hash" | "vlan-tag" | "checksum", number>>
  /** errors per kind per errno name */
  readonly errors: Readonly<Record<string, Readonly<Record<string, number>>>>
  readonly skip: number
  readonly fail: number
  readonly resolution: Readonly<Record<string, string>>
}

export interface HwMetadataRun {
  readonly packets: ReadonlyArray<PacketResult>
  readonly summary: HwMetadataSummary
}

export const runHwMetadata = <C, E = never>(
  options: HwMetadataRunOptions<C, E>
): Effect.Effect<
  HwMetadataRun,
  DriverConfigError | ProgramLoadError | ProgramAttachError | BindingNotBuiltError | RawLoadError | RawStyleUnavailableError | E
> =>
  Effect.scoped(
    Effect.gen(function* () {
      const driver = options.driver
      const input = { ...(driver.defaultConfig as Record<string, unknown>), ...(options.config ?? {}) }
      const config = yield* decodeDriverConfig(driver, input)
      const dev = yield* bringUp(driver, config, { ifname: `${driver.name}0`, ifindex: 2 })
      // CLOCK_TAI for the program and the "user" side: simulated and deterministic, started at
      // the PHC epoch devtx drivers default to (1.7e18 ns), 2.5 us per read
      const clock = new SimulatedTaiClock(TAI_START_HI, TAI_START_LO, 2500)
      const counters = new HwMetadataCounters()
      const spec = hwMetadataProgram(options.udpPort === undefined ? {} : { udpPort: options.udpPort }, counters)
      let prog: LoadedXdpProgram
      if (options.program !== undefined) prog = yield* options.program.load(dev, clock)
      else if (options.style === "raw") {
        const raw = rawHwMetadataFor(driver.name, config)
        if (raw instanceof RawStyleUnavailableError) return yield* Effect.fail(raw)
        prog = yield* loadRawXdpProgram(raw, dev, driver.btf?.(config), clock)
      } else prog = yield* loadBound(spec, dev, { mode: options.binding ?? "dev-bound", clock })
      yield* attachXdp(dev, prog)

      const packets: PacketResult[] = []
      const userTs = new RxTimestampOut()
      let current = -1
      dev.stack = (skb, memory) => {
        clock.read(userTs)
        const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength)
        const meta = skb.metaLen >= XdpMeta.SIZE ? decodeXdpMeta(view, skb.dataAddr - XdpMeta.SIZE) : null
        packets.push({
          index: current,
          len: skb.len,
          queue: skb.queue,
          verdict: XdpActionName[2],
          meta,
          user: { hi: userTs.hi, lo: userTs.lo },
          skb: {
            hash: skb.hash,
            hashType: skb.hashType,
            vlanTci: skb.vlanPresent ? skb.vlanTci : null,
            ipSummed: skb.ipSummed,
            hwtstamp: u64ToDecimal(skb.hwtstampHi, skb.hwtstampLo)
          }
        })
      }
      const burst = Math.max(1, options.burst ?? 1)
      for (let i = 0; i < options.frames.length; i += burst) {
        current = i
        const end = Math.min(options.frames.length, i + burst)
        for (let j = i; j < end; j++) dev.hwReceive(options.frames[j]!, 0, options.frames[j]!.length)
        for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        options.onProgress?.(end, options.frames.length)
      }

      const found = { timestamp: 0, hash: 0, "vlan-tag": 0, checksum: 0 }
      const errors: Record<string, Record<string, number>> = {}
      const bump = (kind: string, err: number) => {
        const e = errors[kind] ?? {}
        errors[kind] = e
        const key = `-${errnoName(err)}`
        e[key] = (e[key] ?? 0) + 1
      }
      for (const p of packets) {
        const m = p.meta
        if (m === null) continue
        if (m.rxTimestamp !== null) found.timestamp++
        else bump("timestamp", m.rxTimestampErr!)
        if (m.rxHash !== null) found.hash++
        else bump("hash", m.rxHashErr!)
        if (m.vlanProto !== null) found["vlan-tag"]++
        else bump("vlan-tag", m.vlanErr!)
        if (m.ipSummed !== null) found.checksum++
        else bump("checksum", m.cksumErr!)
      }
      const s = dev.rxStats
      const verdicts: Record<string, number> = {
        XDP_ABORTED: s.xdpAborted,
        XDP_DROP: s.xdpDrop,
        XDP_PASS: s.xdpPass,
        XDP_TX: s.xdpTx,
        XDP_REDIRECT: s.xdpRedirect
      }
      return {
        packets,
        summary: {
          offered: options.frames.length,
          received: s.packets,
          droppedByMac: s.rxDroppedByMac,
          missed: s.rxMissed,
          verdicts,
          found,
          errors,
          skip: options.program?.counters().skip ?? counters.skip,
          fail: options.program?.counters().fail ?? counters.fail,
          resolution: prog.resolution
        }
      }
    })
  )

/** Text report: the first `first` packets' lines, then the summary. */
export const formatHwMetadataRun = (run: HwMetadataRun, first: number): string[] => {
  const out: string[] = []
  for (const p of run.packets.slice(0, first)) {
    out.push(`packet ${p.index}: len=${p.len} rx_queue=${p.queue} verdict=${p.verdict}`)
    if (p.meta === null) out.push("  (no xdp_meta: skipped by the port filter or adjust_meta failed)")
    else for (const l of formatXdpMeta(p.meta, p.user)) out.push(`  ${l}`)
  }
  const s = run.summary
  out.push("summary:")
  out.push(`  packets: offered=${s.offered} received=${s.received} dropped_by_mac=${s.droppedByMac} rx_missed=${s.missed}`)
  out.push(`  verdicts: ${Object.entries(s.verdicts).map(([k, v]) => `${k}=${v}`).join(" ")}`)
  out.push(`  hints found: ${Object.entries(s.found).map(([k, v]) => `${k}=${v}`).join(" ")}`)
  for (const kind of ["timestamp", "hash", "vlan-tag", "checksum"]) {
    const e = s.errors[kind]
    out.push(`  errors ${kind}: ${e === undefined ? "none" : Object.entries(e).map(([k, v]) => `${k}=${v}`).join(" ")}`)
  }
  out.push(`  program: skip=${s.skip} fail=${s.fail}`)
  out.push(`  kfunc binding: ${Object.entries(s.resolution).map(([k, v]) => `${k} -> ${v}`).join(", ")}`)
  return out
}
