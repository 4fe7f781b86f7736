/**
 * The TX conformance suite every driver runs: AF_XDP zero-copy transmission with TX metadata, the
 * generic expectation being the full UAPI contract (Documentation/networking/xsk-tx-metadata.rst):
 *   tx.completion  every submitted frame (MTU-sized) is transmitted and completes exactly once, in order
 *   tx.checksum    CHECKSUM (csum_start = L4 header, csum_offset = the TCP/UDP check field, the
 *                  field seeded with the pseudo-header sum) leaves a valid L4 checksum on the wire
 *   tx.timestamp   TIMESTAMP writes completion.tx_timestamp = the PHC time the frame left (one
 *                  frame per doorbell, so per-batch devices give the same answer)
 *   tx.launch      LAUNCH_TIME in the future: the frame does not leave before it
 *   tx.devtx-timestamp  on a driver publishing the devtx timestamp kfuncs (DEVTX-ONLY): frames
 *                  sent without TX metadata, a SUBMIT_XDP program calling
 *                  bpf_devtx_request_tx_timestamp and a COMPLETE_XDP program reading
 *                  bpf_devtx_tx_timestamp; the stamp must be 0 (rc) and equal the PHC time the
 *                  hardware model put that frame on the wire (ice: its 40-bit PHY stamp extended
 *                  with the cached PHC). A driver without those ops is not checked here.
 * Checks use independent arithmetic (a plain one's-complement loop), not the drivers' code. A
 * driver's deviations (mlx5: no launch time; ice: no AF_XDP TX metadata at all) go in a checked-in
 * list of KnownGap-like entries, judged by checkTxConformance exactly like the RX suite's.
 */
import { Effect } from "effect"
import { DevtxPoint } from "../devtx/DevtxContext.js"
import { attachDevtx, loadDevtxProgram } from "../devtx/DevtxLoader.js"
import type { DriverConfigError, DriverPackage } from "../driver/DriverPackage.js"
import { bringUp, decodeDriverConfig } from "../driver/DriverPackage.js"
import { BPF_F_XDP_DEV_BOUND_ONLY, type ProgramAttachError, type ProgramLoadError } from "../program/ProgramLoader.js"
import type { CorpusFrame } from "../net/TrafficCorpus.js"
import { RxTimestampOut } from "../metadata/RxMetadataOut.js"
import { addrRingPop } from "../ring/AddrRing.js"
import { XdpDescOption } from "../xsk/XdpDesc.js"
import { makeXskSocket, xskTxProduce } from "../xsk/XskSocket.js"
import { XdpTxmdFlags, XSK_TX_METADATA_SIZE, XskTxMetadataOff } from "../xsk/XskTxMetadata.js"
import { registerUmem, XdpUmemFlag } from "../xsk/XskUmem.js"

export type TxCheck = "tx.bind" | "tx.completion" | "tx.checksum" | "tx.timestamp" | "tx.launch" | "tx.devtx-timestamp"

export interface TxMismatch {
  readonly frame: number
  readonly kind: string
  readonly check: TxCheck
  readonly expected: unknown
  readonly actual: unknown
}

export interface TxConformanceReport {
  readonly driver: string
  readonly submitted: number
  readonly completed: number
  /** frames whose devtx completion stamp was compared with the wire time (0: no devtx timestamp ops) */
  readonly devtxChecked: number
  readonly mismatches: ReadonlyArray<TxMismatch>
}

export interface TxKnownGap {
  readonly check: TxCheck
  readonly reason: string
}

const CHUNK = 4096

const sum16 = (b: Uint8Array, from: number, to: number, acc: number): number => {
  let s = acc
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0)
  return s
}
const fold = (s: number): number => {
  let x = s
  while (x > 0xffff) x = (x & 0xffff) + (x >>> 16)
  return x
}

/** Pseudo-header + segment sum of a frame laid out as `f` (truth offsets): 0xffff when the checksum is valid. */
const l4Sum = (b: Uint8Array, f: CorpusFrame): number => {
  const t = f.truth
  const v4 = t.l3 === "ipv4"
  const addr = t.l3Offset + (v4 ? 12 : 8)
  const l4Len = t.ipTotalLen - t.l3HeaderLen
  return fold(sum16(b, t.l4Offset, t.l4Offset + l4Len, sum16(b, addr, addr + (v4 ? 8 : 32), t.ipProto! + l4Len)))
}

/** Frames the suite transmits: unfragmented TCP/UDP with a checksum, within a 1500-byte MTU. */
export const txConformanceFrames = (frames: ReadonlyArray<CorpusFrame>): CorpusFrame[] =>
  frames.filter(
    (f) =>
      (f.truth.l4 === "tcp" || f.truth.l4 === "udp") &&
      f.truth.fragment === "none" &&
      !f.truth.isRunt &&
      f.truth.l4Checksum !== "absent" &&
      f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= 1500
  )

export const runTxConformance = <C>(
  driver: DriverPackage<C>,
  corpus: ReadonlyArray<CorpusFrame>,
  config: Record<string, unknown> = {}
): Effect.Effect<TxConformanceReport, DriverConfigError | ProgramLoadError | ProgramAttachError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
      const dev = yield* bringUp(driver, cfg, { ifname: `${driver.name}0`, ifindex: 6 })
      const frames = txConformanceFrames(corpus)
      const mismatches: TxMismatch[] = []
      const umem = registerUmem({ len: 16 * CHUNK, chunkSize: CHUNK, headroom: 0, flags: XdpUmemFlag.TX_METADATA_LEN, txMetadataLen: XSK_TX_METADATA_SIZE })
      if (!("area" in umem)) throw new Error(umem.message) // unreachable: constant, valid registration
      const s = makeXskSocket(umem, "zerocopy", dev.ifindex, 0, { fill: 16, comp: 16, rx: 16, tx: 16 })
      if (s instanceof RangeError) throw s // unreachable: powers of two
      const bind = dev.xskBindZeroCopy(s)
      if (bind !== 0) {
        mismatches.push({ frame: -1, kind: "-", check: "tx.bind", expected: 0, actual: bind })
        return { driver: driver.name, submitted: 0, completed: 0, devtxChecked: 0, mismatches }
      }
      let wire: { bytes: Uint8Array; hi: number; lo: number } | undefined
      dev.wire = (m, o, l, hi, lo) => {
        wire = { bytes: m.slice(o, o + l), hi, lo }
      }
      const mem = umem.area.bytes
      const view = umem.area.view
      const phcNow = new RxTimestampOut()
      let completed = 0
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!
        const t = f.truth
        const addr = (i % 16) * CHUNK + 256
        const meta = addr - XSK_TX_METADATA_SIZE
        mem.set(f.bytes, addr)
        mem.fill(0, meta, addr)
        const field = addr + t.l4Offset + (t.l4 === "tcp" ? 16 : 6)
        view.setUint16(field, 0, false)
        const v4 = t.l3 === "ipv4"
        const a = addr + t.l3Offset + (v4 ? 12 : 8)
        view.setUint16(field, fold(sum16(mem, a, a + (v4 ? 8 : 32), t.ipProto! + (t.ipTotalLen - t.l3HeaderLen))), false)
        // every 4th frame asks for a launch time 1 ms ahead of the device clock
        const launch = i % 4 === 3
        dev.readPhc(phcNow)
        let flags = XdpTxmdFlags.CHECKSUM | XdpTxmdFlags.TIMESTAMP
        // launch time = PHC + 1 ms, as exact u64 halves
        const carry = phcNow.lo + 1_000_000 >= 4294967296
        const launchLo = carry ? phcNow.lo + 1_000_000 - 4294967296 : phcNow.lo + 1_000_000
        const launchHi = carry ? (phcNow.hi + 1) >>> 0 : phcNow.hi
        if (launch) {
          flags |= XdpTxmdFlags.LAUNCH_TIME
          view.setUint32(meta + XskTxMetadataOff.LAUNCH_TIME, launchLo, true)
          view.setUint32(meta + XskTxMetadataOff.LAUNCH_TIME + 4, launchHi, true)
        }
        view.setUint32(meta + XskTxMetadataOff.FLAGS, flags, true)
        view.setUint16(meta + XskTxMetadataOff.CSUM_START, t.l4Offset, true)
        view.setUint16(meta + XskTxMetadataOff.CSUM_OFFSET, t.l4 === "tcp" ? 16 : 6, true)
        wire = undefined
        xskTxProduce(s, addr, f.bytes.length, XdpDescOption.TX_METADATA)
        for (let k = 0; k < 8 && s.comp.producer === s.comp.consumer; k++) {
          dev.xskWakeupTx(0, 16)
          dev.hwTransmit(0, 16)
          dev.napiPollTx(0, 16)
        }
        const done = addrRingPop(s.comp)
        const check = (c: TxCheck, expected: unknown, actual: unknown) => {
          if (JSON.stringify(expected) !== JSON.stringify(actual)) mismatches.push({ frame: f.index, kind: f.kind, check: c, expected, actual })
        }
        check("tx.completion", addr, done)
        if (done === addr && wire === undefined) check("tx.completion", "transmitted", "completed without transmission")
        if (done !== addr || wire === undefined) continue
        completed++
        const w: { bytes: Uint8Array; hi: number; lo: number } = wire
        check("tx.checksum", 0xffff, l4Sum(w.bytes, f))
        const ts = [view.getUint32(meta + XskTxMetadataOff.TX_TIMESTAMP + 4, true), view.getUint32(meta + XskTxMetadataOff.TX_TIMESTAMP, true)]
        check("tx.timestamp", [w.hi, w.lo], ts)
        if (launch) check("tx.launch", true, w.hi > launchHi || (w.hi === launchHi && w.lo >= launchLo))
      }

      // tx.devtx-timestamp: the devtx completion kfunc's stamp against the wire time
      const ops = dev.devtxOps
      let devtxChecked = 0
      if (ops?.xmoRequestTxTimestamp !== undefined && ops.xmoTxTimestamp !== undefined) {
        const bound = { ifindex: dev.ifindex, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [dev] }
        const stamp = { addr: -1, rc: 0, hi: 0, lo: 0 }
        const submit = yield* loadDevtxProgram(
          {
            name: "txconf_request_ts",
            point: DevtxPoint.SUBMIT_XDP,
            kfuncs: ["bpf_devtx_request_tx_timestamp"],
            instantiate: ({ kfuncs }) => (ctx) => void kfuncs.requestTxTimestamp(ctx)
          },
          bound
        )
        const complete = yield* loadDevtxProgram(
          {
            name: "txconf_read_ts",
            point: DevtxPoint.COMPLETE_XDP,
            kfuncs: ["bpf_devtx_tx_timestamp"],
            instantiate: ({ kfuncs }) => {
              const out = new RxTimestampOut()
              return (ctx) => {
                out.hi = 0
                out.lo = 0
                stamp.rc = kfuncs.txTimestamp(ctx, out)
                stamp.addr = ctx.data
                stamp.hi = out.hi
                stamp.lo = out.lo
              }
            }
          },
          bound
        )
        yield* attachDevtx(dev, submit)
        yield* attachDevtx(dev, complete)
        for (let i = 0; i < Math.min(frames.length, 64); i++) {
          const f = frames[i]!
          const addr = (i % 16) * CHUNK + 256
          mem.set(f.bytes, addr)
          wire = undefined
          stamp.addr = -1
          xskTxProduce(s, addr, f.bytes.length, 0)
          for (let k = 0; k < 8 && s.comp.producer === s.comp.consumer; k++) {
            dev.xskWakeupTx(0, 16)
            dev.hwTransmit(0, 16)
            dev.napiPollTx(0, 16)
          }
          const done = addrRingPop(s.comp)
          const w = wire as { bytes: Uint8Array; hi: number; lo: number } | undefined
          const got = stamp.addr === addr ? [stamp.rc, stamp.hi, stamp.lo] : ["no devtx completion"]
          const want = done === addr && w !== undefined ? [0, w.hi, w.lo] : ["transmitted and completed"]
          devtxChecked++
          if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push({ frame: f.index, kind: f.kind, check: "tx.devtx-timestamp", expected: want, actual: got })
        }
      }
      return { driver: driver.name, submitted: frames.length, completed, devtxChecked, mismatches }
    })
  )

export const checkTxConformance = (
  report: TxConformanceReport,
  gaps: ReadonlyArray<TxKnownGap>
): { readonly unexplained: ReadonlyArray<TxMismatch>; readonly stale: ReadonlyArray<TxKnownGap> } => ({
  unexplained: report.mismatches.filter((m) => !gaps.some((g) => g.check === m.check)),
  stale: gaps.filter((g) => !report.mismatches.some((m) => m.check === g.check))
})
