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
 */
import {
  addrRingPop,
  addrRingPush,
  attachXdp,
  bringUp,
  decodeDriverConfig,
  type DriverConfigError,
  type DriverPackage,
  type ProgramAttachError,
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
  xskTxProduce,
  XskTxMetadataOff
} from "@devtx/core"
import { type BindingNotBuiltError, loadBound } from "@devtx/kfuncs"
import { Data, Effect } from "effect"
import { decodeXdpMeta, formatTstampDelta, formatXdpMeta, type TimeRef } from "../hw-metadata/HwMetadataRecord.js"
import { HwMetadataCounters, hwMetadataProgram } from "../hw-metadata/HwMetadataProgram.js"
import { XdpMeta } from "../hw-metadata/XdpMetaLayout.js"
import { PING_PONG_PORT } from "./PingPongTraffic.js"

export const UMEM_NUM = 16
export const UMEM_FRAME_SIZE = 4096

export class PingPongSetupError extends Data.TaggedError("PingPongSetupError")<{ readonly step: string; readonly reason: string }> {}

export interface PingPongResult {
  readonly lines: ReadonlyArray<string>
  /** per ping: the wire bytes that left, the tx_timestamp written back, the PHC time it left, the HW RX time */
  readonly pings: ReadonlyArray<{ readonly wire: Uint8Array; readonly txTimestamp: bigint; readonly wireTime: bigint; readonly rxTimestamp: bigint; readonly want: number }>
}

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
      if (!("area" in umem)) return yield* Effect.fail(new PingPongSetupError({ step: "XDP_UMEM_REG", reason: umem.message }))
      const xsk = makeXskSocket(umem, "zerocopy", dev.ifindex, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
      if (xsk instanceof RangeError) return yield* Effect.fail(new PingPongSetupError({ step: "rings", reason: xsk.message }))
      const rc = dev.xskBindZeroCopy(xsk)
      if (rc !== 0) return yield* Effect.fail(new PingPongSetupError({ step: "bind", reason: `xsk bind failed: ${rc}` }))
      for (let i = UMEM_NUM / 2; i < UMEM_NUM; i++) addrRingPush(xsk.fill, i * UMEM_FRAME_SIZE)
      const xsks = new XskMap(1)
      xsks.entries[0] = xsk
      const clock = new SimulatedTaiClock(395812102, 3548983808, 2500)
      const prog = yield* loadBound(hwMetadataProgram({ udpPort: PING_PONG_PORT, xsks }, new HwMetadataCounters()), dev, {
        mode: "dev-bound",
        clock
      })
      yield* attachXdp(dev, prog)

      const lines: string[] = []
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
          view.setUint32(m + XskTxMetadataOff.FLAGS, XdpTxmdFlags.TIMESTAMP | XdpTxmdFlags.CHECKSUM, true)
          view.setUint16(m + XskTxMetadataOff.CSUM_START, l4 - eth, true)
          view.setUint16(m + XskTxMetadataOff.CSUM_OFFSET, 6, true)
          lines.push(`xsk0: ping-pong with csum=${pseudo.toString(16).padStart(4, "0")} (want ${want.toString(16).padStart(4, "0")}) csum_start=${l4 - eth} csum_offset=6`)
          xskTxProduce(xsk, tx, len, XdpDescOption.TX_METADATA)
          dev.xskWakeupTx(0, 8)
          dev.hwTransmit(0, 8)
          dev.napiPollTx(0, 8)
          const done = addrRingPop(xsk.comp)
          if (done < 0) {
            lines.push("xsk0: no TX completion")
            continue
          }
          lines.push(`xsk0: complete tx idx=${xsk.comp.consumer - 1} addr=${done.toString(16)}`)
          const ts = {
            hi: view.getUint32(done - XSK_TX_METADATA_SIZE + XskTxMetadataOff.TX_TIMESTAMP + 4, true),
            lo: view.getUint32(done - XSK_TX_METADATA_SIZE + XskTxMetadataOff.TX_TIMESTAMP, true)
          }
          const hwRx = { hi: meta.rxTimestampHi, lo: meta.rxTimestampLo }
          if (ts.hi !== 0 || ts.lo !== 0) {
            clock.read(user)
            const u = { hi: user.hi, lo: user.lo }
            lines.push(formatTstampDelta("HW TX-complete-time", "User TX-complete-time", ts, u))
            lines.push(formatTstampDelta("XDP RX-time", "User TX-complete-time", { hi: meta.xdpTimestampHi, lo: meta.xdpTimestampLo }, u))
            lines.push(formatTstampDelta("HW RX-time", "HW TX-complete-time", hwRx, ts))
          } else lines.push("No tx_timestamp")
          pings.push({ wire: wireLast!.bytes, txTimestamp: big(ts), wireTime: wireLast!.time, rxTimestamp: big(hwRx), want })
          // give the RX frame back
          const chunk = addr - (addr % UMEM_FRAME_SIZE)
          addrRingPush(xsk.fill, chunk)
          lines.push(`xsk0: complete rx idx=${xsk.fill.producer - 1} addr=${chunk.toString(16)}`)
        }
      }
      return { lines, pings }
    })
  )
