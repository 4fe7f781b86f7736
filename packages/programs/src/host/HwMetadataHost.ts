/**
 * The hw-metadata host: brings a device up (scoped), loads hw-metadata device-bound with the
 * chosen kfunc binding, attaches it, offers every frame to the wire, polls after each frame —
 * or, with `burst` N > 1, after every N frames, as a NAPI poll finds a burst of completions
 * (hardware batching such as mlx5 CQE compression shows only then; burst mode needs one RX
 * queue, so completions come back in arrival order and each skb is matched to the accepted frame
 * that produced it) — decodes the struct xdp_meta each XDP_PASS'd packet carries, and builds
 * per-packet records plus a summary. Control plane: Effect.
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
import { Data, Effect } from "effect"
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
  /** frames offered before each NAPI poll (default 1: poll after every frame); > 1 needs rxQueues 1 */
  readonly burst?: number
  /** run this program instead of the TypeScript hw-metadata (style and binding then belong to it) */
  readonly program?: HwMetadataProgramSource<E>
}

/** A host option the device cannot honour (burst mode over several RX queues, a burst < 1). */
export class HostOptionError extends Data.TaggedError("HostOptionError")<{ readonly option: string; readonly value: string; readonly reason: string }> {
  override get message(): string {
    return `${this.option} ${this.value}: ${this.reason}`
  }
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

/** A frame the MAC dropped (rx_dropped_by_mac went up while it was received). */
export interface MacDrop {
  /** the frame's index in the run's input */
  readonly index: number
  readonly len: number
  /** "runt": shorter than ETH_ZLEN (60, FCS stripped); "over-mtu": longer than the device's MTU lets in */
  readonly reason: "runt" | "over-mtu"
}

/** ETH_ZLEN (include/uapi/linux/if_ether.h): the shortest frame a MAC accepts, FCS stripped */
const ETH_ZLEN = 60

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
  /** "kfunc" or "raw" */
  readonly style: "kfunc" | "raw"
  /** kfunc style: how each kfunc was bound (kfunc -> driver op); empty for the raw style */
  readonly resolution: Readonly<Record<string, string>>
  /** raw style: each CO-RE field relocation (struct.field -> +offset/size); empty for the kfunc style */
  readonly coreRelocations: Readonly<Record<string, string>>
}

export interface HwMetadataRun {
  readonly packets: ReadonlyArray<PacketResult>
  /** every frame the MAC dropped, in input order */
  readonly drops: ReadonlyArray<MacDrop>
  /** the device's configured MTU (the driver configuration's mtu), undefined when it has none */
  readonly mtu: number | undefined
  /** the kfuncs the loader spliced in (binding "inlined"; empty otherwise) */
  readonly inlined: ReadonlyArray<string>
  readonly summary: HwMetadataSummary
}

export const runHwMetadata = <C, E = never>(
  options: HwMetadataRunOptions<C, E>
): Effect.Effect<
  HwMetadataRun,
  DriverConfigError | ProgramLoadError | ProgramAttachError | BindingNotBuiltError | RawLoadError | RawStyleUnavailableError | HostOptionError | E
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
      const burst = options.burst ?? 1
      if (!Number.isInteger(burst) || burst < 1)
        return yield* Effect.fail(new HostOptionError({ option: "burst", value: String(burst), reason: "expected an integer >= 1" }))
      if (burst > 1 && dev.numRxQueues !== 1)
        return yield* Effect.fail(
          new HostOptionError({
            option: "burst",
            value: String(burst),
            reason: `burst mode needs one RX queue (completions in arrival order); the configuration has ${dev.numRxQueues}`
          })
        )
      let prog: LoadedXdpProgram
      let inlined: ReadonlyArray<string> = []
      if (options.program !== undefined) prog = yield* options.program.load(dev, clock)
      else if (options.style === "raw") {
        const raw = rawHwMetadataFor(driver.name, config)
        if (raw instanceof RawStyleUnavailableError) return yield* Effect.fail(raw)
        prog = yield* loadRawXdpProgram(raw, dev, driver.btf?.(config), clock)
      } else {
        const bound = yield* loadBound(spec, dev, { mode: options.binding ?? "dev-bound", clock })
        inlined = bound.binding.inlined
        prog = bound
      }
      yield* attachXdp(dev, prog)

      const packets: PacketResult[] = []
      const userTs = new RxTimestampOut()
      let current = -1
      // burst mode: the frame indices the device accepted since the last poll, in arrival order
      const accepted: number[] = []
      let delivered = 0
      dev.stack = (skb, memory) => {
        clock.read(userTs)
        const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength)
        const meta = skb.metaLen >= XdpMeta.SIZE ? decodeXdpMeta(view, skb.dataAddr - XdpMeta.SIZE) : null
        packets.push({
          index: burst === 1 ? current : (accepted[delivered++] ?? -1),
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
      const poll = () => {
        for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        accepted.length = 0
        delivered = 0
      }
      const drops: MacDrop[] = []
      for (let i = 0; i < options.frames.length; i++) {
        current = i
        const f = options.frames[i]!
        const before = dev.rxStats.rxDroppedByMac
        if (dev.hwReceive(f, 0, f.length) === 0) accepted.push(i)
        if (dev.rxStats.rxDroppedByMac !== before) drops.push({ index: i, len: f.length, reason: f.length < ETH_ZLEN ? "runt" : "over-mtu" })
        if ((i + 1) % burst === 0 || i === options.frames.length - 1) poll()
        options.onProgress?.(i + 1, options.frames.length)
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
      const mtu = (config as { readonly mtu?: unknown }).mtu
      return {
        packets,
        drops,
        mtu: typeof mtu === "number" ? mtu : undefined,
        inlined,
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
          style: options.style === "raw" ? "raw" : "kfunc",
          resolution: options.style === "raw" ? {} : prog.resolution,
          coreRelocations: options.style === "raw" ? prog.resolution : {}
        }
      }
    })
  )

/** One text line for a frame the MAC dropped: its index, its length and why. */
export const formatMacDrop = (d: MacDrop, mtu: number | undefined, index: number = d.index): string =>
  d.reason === "runt"
    ? `packet ${index}: len=${d.len} dropped by the MAC: a runt (shorter than ETH_ZLEN 60)`
    : `packet ${index}: len=${d.len} dropped by the MAC: longer than MTU ${mtu ?? "?"} admits (raise the driver's mtu with --config FILE, e.g. {"mtu": 9000})`

/**
 * Text report: the first `first` packets' lines, then one line per frame the MAC dropped, then the
 * summary. `indexOf` maps a frame index to the input's packet index (a capture's), identity by default.
 */
export const formatHwMetadataRun = (run: HwMetadataRun, first: number, indexOf: (frame: number) => number = (i) => i): string[] => {
  const out: string[] = []
  for (const p of run.packets.slice(0, first)) {
    out.push(`packet ${indexOf(p.index)}: len=${p.len} rx_queue=${p.queue} verdict=${p.verdict}`)
    if (p.meta === null) out.push("  (no xdp_meta: skipped by the port filter or adjust_meta failed)")
    else for (const l of formatXdpMeta(p.meta, p.user)) out.push(`  ${l}`)
  }
  for (const d of run.drops) out.push(formatMacDrop(d, run.mtu, indexOf(d.index)))
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
  if (s.style === "raw") out.push(`  CO-RE relocations: ${Object.entries(s.coreRelocations).map(([k, v]) => `${k} -> ${v}`).join(", ")}`)
  else out.push(`  kfunc binding: ${Object.entries(s.resolution).map(([k, v]) => `${k} -> ${v}`).join(", ")}`)
  return out
}
