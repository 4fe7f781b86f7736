/**
 * The TX timestamping ping-pong of xdp_hw_metadata.c (userspace side), on a devtx device:
 * hw-metadata redirects each UDP/9091 packet into an AF_XDP socket; the host prints its metadata,
 * mirrors it (swap MACs, IPs, UDP ports), seeds the UDP checksum with the pseudo-header sum,
 * requests XDP_TXMD_FLAGS_TIMESTAMP | XDP_TXMD_FLAGS_CHECKSUM (csum_start = L2 + L3 header length,
 * csum_offset = offsetof(struct udphdr, check) = 6), transmits, and on completion prints
 * `HW TX-complete-time` and the RX-to-TX turnaround in the tool's shape.
 *
 * UMEM as the selftest: UMEM_NUM = 16 frames of 4096, the first half for TX, the second half for
 * RX/fill; tx_metadata_len = sizeof(struct xsk_tx_metadata) = 24. The socket TX runs zero-copy
 * (the driver's xsk_tx_metadata_ops); devtx delivers RX into the socket by copy (the driver's RX
 * ring is not UMEM-backed in the model).
 *
 * Where the TX timestamp and checksum come from (txMetadataPath):
 *   xsk-tx-metadata  the driver has xsk_tx_metadata_ops: the request goes in xsk_tx_metadata and
 *                    the stamp is read back from completion.tx_timestamp (sim, mlx5).
 *   devtx            no xsk_tx_metadata_ops but the driver publishes the devtx timestamp kfuncs
 *                    (ice: upstream has no xsk_tx_metadata_ops; its TX stamp is a 40-bit PHY
 *                    value the devtx op extends with the cached PHC, ice_ptp_extend_40b_ts): a
 *                    SUBMIT_XDP program calls bpf_devtx_request_tx_timestamp and
 *                    bpf_devtx_request_l4_csum, a COMPLETE_XDP program reads
 *                    bpf_devtx_tx_timestamp into a TxStampLog keyed by umem address. The frames
 *                    go out without XDP_TX_METADATA (nothing would read it).
 *   none             neither: no request is made and "No tx_timestamp" is reported — the
 *                    completion area is never written by such a driver, so reading it would
 *                    report the request's own csum_start/csum_offset bytes (the union's other
 *                    half) as a timestamp.
 */
import {
  addrRingPop,
  addrRingPush,
  attachDevtx,
  attachXdp,
  bringUp,
  decodeDriverConfig,
  DevtxPoint,
  errnoName,
  type DevtxProgramSpec,
  type DriverConfigError,
  type DriverPackage,
  type ProgramAttachError,
  type NetDevice,
  type ProgramLoadError,
  registerUmem,
  RxTimestampOut,
  SimulatedTaiClock,
  XdpDescOff,
  XdpDescOption,
  XdpTxmdFlags,
  XdpUmemFlag,
  XSK_TX_METADATA_SIZE,
  XskMap,
  makeXskSocket,
  type XskSocket,
  xskTxProduce,
  XskTxMetadataOff
} from "@devtx/core"
import { type BindingNotBuiltError, loadBound, loadBoundDevtx } from "@devtx/kfuncs"
import { Data, Effect } from "effect"
import { decodeXdpMeta, formatTstampDelta, formatXdpMeta, type TimeRef } from "../hw-metadata/HwMetadataRecord.js"
import { HwMetadataCounters, hwMetadataProgram } from "../hw-metadata/HwMetadataProgram.js"
import { XdpMeta } from "../hw-metadata/XdpMetaLayout.js"
import { L4Location, l4Locate } from "../raw/FrameL4Locator.js"
import { TxStampLog } from "../raw/TxStampLog.js"
import { PING_PONG_PORT } from "./PingPongTraffic.js"

export const UMEM_NUM = 16
export const UMEM_FRAME_SIZE = 4096

/** The ping-pong cannot be set up on this driver: which driver, which step, and why. */
export class PingPongSetupError extends Data.TaggedError("PingPongSetupError")<{ readonly driver: string; readonly step: string; readonly reason: string }> {
  override get message(): string {
    return `ping-pong on driver ${this.driver}: ${this.step}: ${this.reason}`
  }
}

/**
 * Bind `xsk` zero-copy to queue 0 of `dev` for the ping-pong; a PingPongSetupError naming the
 * driver and what it lacks when the device cannot transmit through AF_XDP.
 */
export const bindPingPongSocket = (driver: string, dev: NetDevice, xsk: XskSocket): PingPongSetupError | undefined => {
  if (dev.numTxQueues === 0)
    return new PingPongSetupError({
      driver,
      step: "AF_XDP zero-copy bind",
      reason: "the device has no TX queues (numTxQueues 0: its TX half is not built), and the ping-pong sends every ping back through an AF_XDP socket"
    })
  const rc = dev.xskBindZeroCopy(xsk)
  if (rc === 0) return undefined
  return new PingPongSetupError({
    driver,
    step: "AF_XDP zero-copy bind",
    reason: `xsk bind of queue 0 returned -${errnoName(-rc)} (${rc}): the driver does not take an AF_XDP socket in zero-copy mode on that queue`
  })
}

export interface PingPongResult {
  readonly lines: ReadonlyArray<string>
  /**
   * per ping: the wire bytes that left, the HW TX completion time (null: the device gave none),
   * the PHC time it left, the HW RX time (null: the RX timestamp kfunc / read failed)
   */
  readonly pings: ReadonlyArray<{
    readonly wire: Uint8Array
    readonly txTimestamp: bigint | null
    readonly wireTime: bigint
    readonly rxTimestamp: bigint | null
    readonly want: number
  }>
}

export type TxMetadataPath = "xsk-tx-metadata" | "devtx" | "none"

/** How the ping-pong asks `dev` for a TX timestamp and checksum (see the module comment). */
export const txMetadataPath = (dev: NetDevice): TxMetadataPath =>
  dev.xskTxMetadataOps !== undefined
    ? "xsk-tx-metadata"
    : dev.devtxOps?.xmoRequestTxTimestamp !== undefined && dev.devtxOps.xmoTxTimestamp !== undefined
      ? "devtx"
      : "none"

/** The devtx submit program: a TX timestamp and the frame's L4 checksum, for every frame. */
const devtxSubmit: DevtxProgramSpec = {
  name: "ping_pong_submit",
  point: DevtxPoint.SUBMIT_XDP,
  kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum"],
  instantiate: ({ kfuncs }) => {
    const loc = new L4Location()
    return (ctx) => {
      kfuncs.requestTxTimestamp(ctx)
      if (l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0) kfuncs.requestL4Checksum(ctx, loc.start, loc.offset)
    }
  }
}

/** The devtx completion program: the TX timestamp of every completed frame into `log`. */
const devtxComplete = (log: TxStampLog): DevtxProgramSpec => ({
  name: "ping_pong_complete",
  point: DevtxPoint.COMPLETE_XDP,
  kfuncs: ["bpf_devtx_tx_timestamp"],
  instantiate: ({ kfuncs }) => {
    const out = new RxTimestampOut()
    return (ctx) => {
      out.hi = 0
      out.lo = 0
      const rc = kfuncs.txTimestamp(ctx, out)
      log.push(rc, out.hi, out.lo, ctx.data)
    }
  }
})

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
const big = (t: TimeRef): bigint => (BigInt(t.hi) << 32n) | BigInt(t.lo)

export const runPingPong = <C>(
  driver: DriverPackage<C>,
  frames: ReadonlyArray<Uint8Array>,
  config: Record<string, unknown> = {}
): Effect.Effect<PingPongResult, DriverConfigError | ProgramLoadError | ProgramAttachError | BindingNotBuiltError | PingPongSetupError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
      const dev = yield* bringUp(driver, cfg, { ifname: `${driver.name}0`, ifindex: 2 })
      const umem = registerUmem({
        len: UMEM_NUM * UMEM_FRAME_SIZE,
        chunkSize: UMEM_FRAME_SIZE,
        headroom: 0,
        flags: XdpUmemFlag.TX_METADATA_LEN,
        txMetadataLen: XSK_TX_METADATA_SIZE
      })
      if (!("area" in umem)) return yield* Effect.fail(new PingPongSetupError({ driver: driver.name, step: "XDP_UMEM_REG", reason: umem.message }))
      const xsk = makeXskSocket(umem, "zerocopy", dev.ifindex, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
      if (xsk instanceof RangeError) return yield* Effect.fail(new PingPongSetupError({ driver: driver.name, step: "rings", reason: xsk.message }))
      const bindErr = bindPingPongSocket(driver.name, dev, xsk)
      if (bindErr !== undefined) return yield* Effect.fail(bindErr)
      for (let i = UMEM_NUM / 2; i < UMEM_NUM; i++) addrRingPush(xsk.fill, i * UMEM_FRAME_SIZE)
      const xsks = new XskMap(1)
      xsks.entries[0] = xsk
      const clock = new SimulatedTaiClock(395812102, 3548983808, 2500)
      const prog = yield* loadBound(hwMetadataProgram({ udpPort: PING_PONG_PORT, xsks }, new HwMetadataCounters()), dev, {
        mode: "dev-bound",
        clock
      })
      yield* attachXdp(dev, prog)
      const path = txMetadataPath(dev)
      const log = new TxStampLog(1024)
      if (path === "devtx") {
        yield* attachDevtx(dev, yield* loadBoundDevtx(devtxSubmit, dev, "dev-bound"))
        yield* attachDevtx(dev, yield* loadBoundDevtx(devtxComplete(log), dev, "dev-bound"))
      }

      const lines: string[] = []
      if (path === "devtx") lines.push(`xsk0: ${driver.name} has no xsk_tx_metadata_ops: TX timestamp and checksum requested through the devtx kfuncs`)
      else if (path === "none") lines.push(`xsk0: ${driver.name} has no xsk_tx_metadata_ops and no devtx TX timestamp kfuncs: no TX timestamp or checksum offload`)
      const pings: Array<PingPongResult["pings"][number]> = []
      let wireLast: { bytes: Uint8Array; time: bigint } | undefined
      dev.wire = (m, o, l, hi, lo) => {
        wireLast = { bytes: m.slice(o, o + l), time: (BigInt(hi) << 32n) | BigInt(lo) }
      }
      const mem = umem.area.bytes
      const view = umem.area.view
      const user = new RxTimestampOut()
      let txIdx = 0
      for (const f of frames) {
        dev.hwReceive(f, 0, f.length)
        while (dev.napiPoll(0, 64) > 0) {}
        const rx = xsk.rx
        while (rx.consumer !== rx.producer) {
          const o = (rx.consumer & rx.mask) * 16
          const addr = rx.view.getUint32(o + XdpDescOff.ADDR, true)
          const len = rx.view.getUint32(o + XdpDescOff.LEN, true)
          const idx = rx.consumer
          rx.consumer = (rx.consumer + 1) >>> 0
          lines.push(`xsk0: rx_desc[${idx}]->addr=${addr.toString(16)} addr=${addr.toString(16)} comp_addr=${addr.toString(16)} EoP`)
          const meta = decodeXdpMeta(view, addr - XdpMeta.SIZE)
          clock.read(user)
          for (const l of formatXdpMeta(meta, { hi: user.hi, lo: user.lo })) lines.push(l)

          // ping-pong: mirror into a TX frame (first half of the UMEM)
          const tx = (txIdx++ % (UMEM_NUM / 2)) * UMEM_FRAME_SIZE + XSK_TX_METADATA_SIZE
          mem.copyWithin(tx, addr, addr + len)
          const eth = tx
          for (let i = 0; i < 6; i++) {
            const t = mem[eth + i]!
            mem[eth + i] = mem[eth + 6 + i]!
            mem[eth + 6 + i] = t
          }
          let l3 = eth + 12
          while (((mem[l3]! << 8) | mem[l3 + 1]!) === 0x8100 || ((mem[l3]! << 8) | mem[l3 + 1]!) === 0x88a8) l3 += 4
          const v6 = ((mem[l3]! << 8) | mem[l3 + 1]!) === 0x86dd
          l3 += 2
          const alen = v6 ? 16 : 4
          const saddr = l3 + (v6 ? 8 : 12)
          const tmp = mem.slice(saddr, saddr + alen)
          mem.copyWithin(saddr, saddr + alen, saddr + 2 * alen)
          mem.set(tmp, saddr + alen)
          const l4 = l3 + (v6 ? 40 : (mem[l3]! & 0x0f) * 4)
          const sp = (mem[l4]! << 8) | mem[l4 + 1]!
          mem.copyWithin(l4, l4 + 2, l4 + 4)
          mem[l4 + 2] = sp >>> 8
          mem[l4 + 3] = sp & 0xff
          const udpLen = (mem[l4 + 4]! << 8) | mem[l4 + 5]!
          const pseudo = fold(sum16(mem, saddr, saddr + 2 * alen, 17 + udpLen))
          view.setUint16(l4 + 6, 0, false)
          const want = ~fold(sum16(mem, l4, l4 + udpLen, pseudo)) & 0xffff
          view.setUint16(l4 + 6, pseudo, false)
          const m = tx - XSK_TX_METADATA_SIZE
          mem.fill(0, m, tx)
          if (path === "xsk-tx-metadata") {
            view.setUint32(m + XskTxMetadataOff.FLAGS, XdpTxmdFlags.TIMESTAMP | XdpTxmdFlags.CHECKSUM, true)
            view.setUint16(m + XskTxMetadataOff.CSUM_START, l4 - eth, true)
            view.setUint16(m + XskTxMetadataOff.CSUM_OFFSET, 6, true)
          }
          lines.push(`xsk0: ping-pong with csum=${pseudo.toString(16).padStart(4, "0")} (want ${want.toString(16).padStart(4, "0")}) csum_start=${l4 - eth} csum_offset=6`)
          xskTxProduce(xsk, tx, len, path === "xsk-tx-metadata" ? XdpDescOption.TX_METADATA : 0)
          dev.xskWakeupTx(0, 8)
          dev.hwTransmit(0, 8)
          dev.napiPollTx(0, 8)
          const done = addrRingPop(xsk.comp)
          if (done < 0) {
            lines.push("xsk0: no TX completion")
            continue
          }
          lines.push(`xsk0: complete tx idx=${xsk.comp.consumer - 1} addr=${done.toString(16)}`)
          let ts = { hi: 0, lo: 0 }
          let noStamp = "No tx_timestamp"
          if (path === "xsk-tx-metadata")
            ts = {
              hi: view.getUint32(done - XSK_TX_METADATA_SIZE + XskTxMetadataOff.TX_TIMESTAMP + 4, true),
              lo: view.getUint32(done - XSK_TX_METADATA_SIZE + XskTxMetadataOff.TX_TIMESTAMP, true)
            }
          else if (path === "devtx") {
            const at = log.findLast(done)
            if (at >= 0 && log.rc[at] === 0) ts = { hi: log.hi[at]!, lo: log.lo[at]! }
            else noStamp = at >= 0 ? `No tx_timestamp, err=${log.rc[at]}` : "No tx_timestamp (no devtx completion)"
          }
          const hwRx = { hi: meta.rxTimestampHi, lo: meta.rxTimestampLo }
          const stamped = ts.hi !== 0 || ts.lo !== 0
          if (stamped) {
            clock.read(user)
            const u = { hi: user.hi, lo: user.lo }
            lines.push(formatTstampDelta("HW TX-complete-time", "User TX-complete-time", ts, u))
            lines.push(formatTstampDelta("XDP RX-time", "User TX-complete-time", { hi: meta.xdpTimestampHi, lo: meta.xdpTimestampLo }, u))
            lines.push(formatTstampDelta("HW RX-time", "HW TX-complete-time", hwRx, ts))
          } else lines.push(noStamp)
          pings.push({
            wire: wireLast!.bytes,
            txTimestamp: stamped ? big(ts) : null,
            wireTime: wireLast!.time,
            rxTimestamp: meta.rxTimestampErr === null ? big(hwRx) : null,
            want
          })
          // give the RX frame back
          const chunk = addr - (addr % UMEM_FRAME_SIZE)
          addrRingPush(xsk.fill, chunk)
          lines.push(`xsk0: complete rx idx=${xsk.fill.producer - 1} addr=${chunk.toString(16)}`)
        }
      }
      return { lines, pings }
    })
  )
