/**
 * The RX conformance suite every driver package runs (docs/driver-contract.md "Conformance"): the
 * driver's device receives frames with a probe program attached that calls all four RX kfuncs;
 * each result, and the skb the driver builds on XDP_PASS, is compared with the expectation from
 * the frame's ground truth and the driver's declared RxSemantics. A driver's known gaps are a
 * checked-in list: `checkConformance` fails on a mismatch no gap explains AND on a gap that no
 * longer occurs, so a gap opening or closing shows in a diff.
 *
 * Control plane (allocates freely); the probe itself allocates nothing per packet.
 */
import { Data, Effect } from "effect"
import type { DriverConfigError, DriverPackage } from "../driver/DriverPackage.js"
import { bringUp, decodeDriverConfig } from "../driver/DriverPackage.js"
import { PktHashType } from "../hook/SkbRecord.js"
import { Errno } from "../kernel/Errno.js"
import { SkbChecksum, XdpChecksum } from "../kernel/XdpChecksum.js"
import { XdpRssHashType } from "../kernel/XdpRssHashType.js"
import { RxTimestampOut } from "../metadata/RxMetadataOut.js"
import type { CorpusFrame } from "../net/TrafficCorpus.js"
import { attachXdp, BPF_F_XDP_DEV_BOUND_ONLY, loadXdpProgram, type ProgramAttachError, type ProgramLoadError } from "../program/ProgramLoader.js"
import { expectedRx } from "./RxExpectation.js"
import { type RxProbeRecord, rxKfuncProbe } from "./RxProbe.js"

export type RxCheck =
  | "received"
  | "timestamp"
  | "hash"
  | "vlan"
  | "checksum"
  | "skb.hash"
  | "skb.vlan"
  | "skb.checksum"
  | "skb.hwtstamp"

export interface RxMismatch {
  readonly frame: number
  readonly kind: string
  readonly check: RxCheck
  readonly expected: unknown
  readonly actual: unknown
}

export interface RxConformanceReport {
  readonly driver: string
  readonly frames: number
  readonly received: number
  /** how many frames each check compared */
  readonly compared: Readonly<Record<RxCheck, number>>
  readonly mismatches: ReadonlyArray<RxMismatch>
}

/** A documented divergence from the generic expectation: which check, on which corpus kinds, and why. */
export interface KnownGap {
  readonly check: RxCheck
  /** corpus frame kinds it applies to (all when absent) */
  readonly kinds?: ReadonlyArray<string>
  readonly reason: string
}

interface Probe extends RxProbeRecord {
  skb?: { hash: number; hashType: number; vlanPresent: boolean; vlanTci: number; ipSummed: number; csum: number; tsHi: number; tsLo: number }
}

const skbSummed = (x: number): number =>
  x === XdpChecksum.COMPLETE ? SkbChecksum.COMPLETE : x === XdpChecksum.UNNECESSARY ? SkbChecksum.UNNECESSARY : SkbChecksum.NONE

export interface RxConformanceOptions {
  /**
   * Frames received before each NAPI poll (default 1: poll after every frame). A larger burst lets
   * hardware batching show (mlx5 CQE compression forms sessions only over several completions).
   * Burst mode needs a single RX queue, so completions come back in arrival order.
   */
  readonly burst?: number
}

export class ConformanceSetupError extends Data.TaggedError("ConformanceSetupError")<{ readonly reason: string }> {}

/** Run `frames` through a device of `driver` configured with `config` (partial, over the defaults). */
export const runRxConformance = <C>(
  driver: DriverPackage<C>,
  frames: ReadonlyArray<CorpusFrame>,
  config: Record<string, unknown> = {},
  options: RxConformanceOptions = {}
): Effect.Effect<RxConformanceReport, DriverConfigError | ProgramLoadError | ProgramAttachError | ConformanceSetupError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
      const sem = driver.rxSemantics(cfg)
      const dev = yield* bringUp(driver, cfg, { ifname: `${driver.name}0`, ifindex: 5 })
      const burst = options.burst ?? 1
      if (burst > 1 && dev.numRxQueues !== 1)
        return yield* Effect.fail(new ConformanceSetupError({ reason: `burst mode needs one RX queue; the configuration has ${dev.numRxQueues}` }))
      // the probe's records, in poll order (a box: the closure writes it, the loop reads it)
      const box: { last: Probe | undefined; records: Probe[] } = { last: undefined, records: [] }
      const prog = yield* loadXdpProgram(
        rxKfuncProbe((p) => {
          box.last = p
          box.records.push(p)
        }),
        { ifindex: dev.ifindex, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [dev] }
      )
      yield* attachXdp(dev, prog)
      dev.stack = (skb) => {
        if (box.last !== undefined)
          box.last.skb = {
            hash: skb.hash,
            hashType: skb.hashType,
            vlanPresent: skb.vlanPresent,
            vlanTci: skb.vlanTci,
            ipSummed: skb.ipSummed,
            csum: skb.csum,
            tsHi: skb.hwtstampHi,
            tsLo: skb.hwtstampLo
          }
      }
      const ops = dev.xdpMetadataOps
      const mismatches: RxMismatch[] = []
      const compared: Record<RxCheck, number> = {
        received: 0,
        timestamp: 0,
        hash: 0,
        vlan: 0,
        checksum: 0,
        "skb.hash": 0,
        "skb.vlan": 0,
        "skb.checksum": 0,
        "skb.hwtstamp": 0
      }
      const phc = new RxTimestampOut()
      let received = 0
      // receive a burst (remembering each accepted frame's arrival PHC), poll, then judge each frame
      const pending: Array<{ f: CorpusFrame; hi: number; lo: number; accepted: boolean }> = []
      const results: Array<{ f: CorpusFrame; hi: number; lo: number; p: Probe | undefined }> = []
      const flush = () => {
        box.records = []
        for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        let k = 0
        for (const e of pending) results.push({ f: e.f, hi: e.hi, lo: e.lo, p: e.accepted ? box.records[k++] : undefined })
        pending.length = 0
      }
      for (const f of frames) {
        const rc = dev.hwReceive(f.bytes, 0, f.bytes.length)
        dev.readPhc(phc)
        pending.push({ f, hi: phc.hi, lo: phc.lo, accepted: rc === 0 })
        if (pending.length >= burst) flush()
      }
      flush()
      for (const { f, hi, lo, p } of results) {
        const exp = expectedRx(f.truth, f.bytes, sem)
        phc.hi = hi
        phc.lo = lo
        const check = (c: RxCheck, expected: unknown, actual: unknown) => {
          compared[c]++
          if (JSON.stringify(expected) !== JSON.stringify(actual)) mismatches.push({ frame: f.index, kind: f.kind, check: c, expected, actual })
        }
        check("received", exp.received, p !== undefined)
        if (p === undefined) continue
        received++
        const rc = (op: keyof typeof ops, want: number) => (ops[op] === undefined ? -Errno.EOPNOTSUPP : want)
        const tsRc = rc("xmoRxTimestamp", exp.tsRc)
        check("timestamp", tsRc === 0 ? [0, phc.hi, phc.lo] : [tsRc], p.ts === 0 ? [0, p.tsHi, p.tsLo] : [p.ts])
        const hRc = rc("xmoRxHash", exp.hash.rc)
        check("hash", hRc === 0 ? [0, exp.hash.hash, exp.hash.type] : [hRc], p.hash === 0 ? [0, p.hashVal, p.hashType] : [p.hash])
        const vRc = rc("xmoRxVlanTag", exp.vlan.rc)
        check("vlan", vRc === 0 ? [0, exp.vlan.proto, exp.vlan.tci] : [vRc], p.vlan === 0 ? [0, p.vlanProto, p.vlanTci] : [p.vlan])
        const cRc = rc("xmoRxChecksum", exp.csum.rc)
        check(
          "checksum",
          cRc === 0 ? [0, exp.csum.ipSummed, exp.csum.cksum, exp.csum.level] : [cRc],
          p.csum === 0 ? [0, p.ipSummed, p.cksum, p.cksumLevel] : [p.csum]
        )
        const s = p.skb
        if (s === undefined) continue
        // the skb path must agree with the truth too (it reads the same descriptor)
        const skbHash = exp.hash.rc === 0 && sem.skb?.rss !== false
        check(
          "skb.hash",
          skbHash ? [exp.hash.hash, exp.hash.type & XdpRssHashType.L4 ? PktHashType.L4 : PktHashType.L3] : [0, PktHashType.NONE],
          [s.hash, s.hashType]
        )
        check("skb.vlan", exp.vlan.rc === 0 ? [true, exp.vlan.tci] : [false], s.vlanPresent ? [true, s.vlanTci] : [false])
        check("skb.checksum", exp.csum.rc === 0 ? skbSummed(exp.csum.ipSummed) : SkbChecksum.NONE, s.ipSummed)
        check("skb.hwtstamp", exp.tsRc === 0 && sem.skb?.timestamps !== false ? [phc.hi, phc.lo] : [0, 0], [s.tsHi, s.tsLo])
      }
      return { driver: driver.name, frames: frames.length, received, compared, mismatches }
    })
  )

export interface ConformanceVerdict {
  /** mismatches no known gap explains */
  readonly unexplained: ReadonlyArray<RxMismatch>
  /** known gaps that no mismatch exhibits any more */
  readonly stale: ReadonlyArray<KnownGap>
}

export const checkConformance = (report: RxConformanceReport, gaps: ReadonlyArray<KnownGap>): ConformanceVerdict => {
  const explains = (g: KnownGap, m: RxMismatch) => g.check === m.check && (g.kinds === undefined || g.kinds.includes(m.kind))
  return {
    unexplained: report.mismatches.filter((m) => !gaps.some((g) => explains(g, m))),
    stale: gaps.filter((g) => !report.mismatches.some((m) => explains(g, m)))
  }
}
