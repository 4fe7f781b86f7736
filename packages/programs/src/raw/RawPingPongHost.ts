/**
 * The TX timestamping ping-pong, raw-descriptor style. Same traffic, same mirroring and the same
 * output lines as PingPongHost.ts, but nothing goes through a kernel metadata abstraction:
 *
 *  RX  the raw hw-metadata program of the driver (RawPrograms.ts), filtered to UDP/9091 and
 *      redirected into the AF_XDP socket (withUdpFilterAndRedirect), writes struct xdp_meta.
 *  TX  AF_XDP TX metadata (struct xsk_tx_metadata + XDP_TX_METADATA + the driver's
 *      xsk_tx_metadata_ops) IS the kernel's abstraction for TX offloads — the TX twin of the RX
 *      kfuncs — so the raw version does not use it: the frames go out as plain descriptors
 *      (no tx_metadata_len, no XDP_TX_METADATA option), a raw devtx SUBMIT_XDP program writes the
 *      NIC's own request bits into the TX descriptor (sim: tstamp, l4_csum, csum_start/offset;
 *      mlx5: eth segment cs_flags), and a raw COMPLETE_XDP program reads the stamp from the
 *      completion entry into a TxStampLog keyed by umem address — the userspace side looks the
 *      stamp up there instead of in xsk_tx_metadata.completion.tx_timestamp.
 *      (ice: the checksum through the raw submit's cmd_type_offset_bsz writes; no TX timestamp — see IceRawDevtx.ts; the host reports "No tx_timestamp".)
 *
 * The sender still seeds the UDP checksum with the pseudo-header sum (CHECKSUM_PARTIAL), which
 * the sim's hardware needs and mlx5's ignores.
 */
import {
  addrRingPop,
  addrRingPush,
  attachDevtx,
  attachXdp,
  bpfRedirectMap,
  bringUp,
  decodeDriverConfig,
  type DriverConfigError,
  type DriverPackage,
  loadRawDevtxProgram,
  loadRawXdpProgram,
  makeXskSocket,
  type ProgramAttachError,
  type RawLoadError,
  type RawXdpProgramSpec,
  registerUmem,
  RxTimestampOut,
  SimulatedTaiClock,
  type XdpBuff,
  XdpAction,
  XdpDescOff,
  XskMap,
  xskTxProduce
} from "@devtx/core"
import { Effect } from "effect"
import { decodeXdpMeta, formatTstampDelta, formatXdpMeta } from "../hw-metadata/HwMetadataRecord.js"
import { XdpMeta } from "../hw-metadata/XdpMetaLayout.js"
import { bindPingPongSocket, PingPongSetupError, type PingPongResult, UMEM_FRAME_SIZE, UMEM_NUM } from "../ping-pong/PingPongHost.js"
import { PING_PONG_PORT } from "../ping-pong/PingPongTraffic.js"
import { L4Location, l4Locate } from "./FrameL4Locator.js"
import { RawStyleUnavailableError, rawDevtxFor, rawHwMetadataFor } from "./RawPrograms.js"
import { TxStampLog } from "./TxStampLog.js"

/**
 * Compose a raw hw-metadata program with the selftest's port filter and XSKMAP redirect: only
 * UDP packets to `udpPort` run it (others pass untouched); a packet it passes goes to
 * xsk[rx_queue_index], XDP_PASS as the fallback (bpf_redirect_map's flags).
 */
export const withUdpFilterAndRedirect = (spec: RawXdpProgramSpec, udpPort: number, xsks: XskMap): RawXdpProgramSpec => ({
  name: `${spec.name}_xsk`,
  structs: spec.structs,
  instantiate: (env) => {
    const inner = spec.instantiate(env)
    const loc = new L4Location()
    return (ctx: XdpBuff): number => {
      const b = ctx.area.bytes
      if (l4Locate(b, ctx.data, ctx.dataEnd - ctx.data, loc) !== 0 || loc.proto !== 17 || loc.dport !== udpPort) return XdpAction.PASS
      const act = inner(ctx)
      return act === XdpAction.PASS ? bpfRedirectMap(xsks, ctx.rxq.queueIndex, XdpAction.PASS) : act
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

export const runRawPingPong = <C>(
  driver: DriverPackage<C>,
  frames: ReadonlyArray<Uint8Array>,
  config: Record<string, unknown> = {}
): Effect.Effect<PingPongResult, DriverConfigError | RawLoadError | ProgramAttachError | RawStyleUnavailableError | PingPongSetupError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
      const dev = yield* bringUp(driver, cfg, { ifname: `${driver.name}0`, ifindex: 2 })
      const btf = driver.btf?.(cfg)
      const umem = registerUmem({ len: UMEM_NUM * UMEM_FRAME_SIZE, chunkSize: UMEM_FRAME_SIZE, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in umem)) return yield* Effect.fail(new PingPongSetupError({ driver: driver.name, step: "XDP_UMEM_REG", reason: umem.message }))
      const xsk = makeXskSocket(umem, "zerocopy", dev.ifindex, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
      if (xsk instanceof RangeError) return yield* Effect.fail(new PingPongSetupError({ driver: driver.name, step: "rings", reason: xsk.message }))
      const bindErr = bindPingPongSocket(driver.name, dev, xsk)
      if (bindErr !== undefined) return yield* Effect.fail(bindErr)
      for (let i = UMEM_NUM / 2; i < UMEM_NUM; i++) addrRingPush(xsk.fill, i * UMEM_FRAME_SIZE)
      const xsks = new XskMap(1)
      xsks.entries[0] = xsk
      const clock = new SimulatedTaiClock(395812102, 3548983808, 2500)

      const rx = rawHwMetadataFor(driver.name, cfg)
      if (rx instanceof RawStyleUnavailableError) return yield* Effect.fail(rx)
      yield* attachXdp(dev, yield* loadRawXdpProgram(withUdpFilterAndRedirect(rx, PING_PONG_PORT, xsks), dev, btf, clock))
      const log = new TxStampLog(1024)
      const tx = rawDevtxFor(driver.name, cfg, { timestamp: true, checksum: true }, log)
      if (tx instanceof RawStyleUnavailableError) return yield* Effect.fail(tx)
      if (tx.submit !== undefined) yield* attachDevtx(dev, yield* loadRawDevtxProgram(tx.submit, dev, btf))
      yield* attachDevtx(dev, yield* loadRawDevtxProgram(tx.complete, dev, btf))

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
        const r = xsk.rx
        while (r.consumer !== r.producer) {
          const o = (r.consumer & r.mask) * 16
          const addr = r.view.getUint32(o + XdpDescOff.ADDR, true)
          const len = r.view.getUint32(o + XdpDescOff.LEN, true)
          const idx = r.consumer
          r.consumer = (r.consumer + 1) >>> 0
          lines.push(`xsk0: rx_desc[${idx}]->addr=${addr.toString(16)} addr=${addr.toString(16)} comp_addr=${addr.toString(16)} EoP`)
          const meta = decodeXdpMeta(view, addr - XdpMeta.SIZE)
          clock.read(user)
          for (const l of formatXdpMeta(meta, { hi: user.hi, lo: user.lo })) lines.push(l)

          // mirror into a TX frame (first half of the UMEM): swap MACs, IPs, UDP ports
          const txAddr = (txIdx++ % (UMEM_NUM / 2)) * UMEM_FRAME_SIZE
          mem.copyWithin(txAddr, addr, addr + len)
          for (let i = 0; i < 6; i++) {
            const t = mem[txAddr + i]!
            mem[txAddr + i] = mem[txAddr + 6 + i]!
            mem[txAddr + 6 + i] = t
          }
          let l3 = txAddr + 12
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
          lines.push(
            `xsk0: ping-pong with csum=${pseudo.toString(16).padStart(4, "0")} (want ${want.toString(16).padStart(4, "0")}) csum_start=${l4 - txAddr} csum_offset=6 (raw devtx descriptor writes)`
          )
          xskTxProduce(xsk, txAddr, len, 0)
          dev.xskWakeupTx(0, 8)
          dev.hwTransmit(0, 8)
          dev.napiPollTx(0, 8)
          const done = addrRingPop(xsk.comp)
          if (done < 0) {
            lines.push("xsk0: no TX completion")
            continue
          }
          lines.push(`xsk0: complete tx idx=${xsk.comp.consumer - 1} addr=${done.toString(16)}`)
          const at = log.findLast(done)
          const ts = at >= 0 && log.rc[at] === 0 ? { hi: log.hi[at]!, lo: log.lo[at]! } : { hi: 0, lo: 0 }
          const hwRx = { hi: meta.rxTimestampHi, lo: meta.rxTimestampLo }
          if (ts.hi !== 0 || ts.lo !== 0) {
            clock.read(user)
            const u = { hi: user.hi, lo: user.lo }
            lines.push(formatTstampDelta("HW TX-complete-time", "User TX-complete-time", ts, u))
            lines.push(formatTstampDelta("XDP RX-time", "User TX-complete-time", { hi: meta.xdpTimestampHi, lo: meta.xdpTimestampLo }, u))
            lines.push(formatTstampDelta("HW RX-time", "HW TX-complete-time", hwRx, ts))
          } else lines.push(at >= 0 ? `No tx_timestamp (raw completion: ${log.rc[at]})` : "No tx_timestamp")
          pings.push({
            wire: wireLast!.bytes,
            txTimestamp: ts.hi !== 0 || ts.lo !== 0 ? (BigInt(ts.hi) << 32n) | BigInt(ts.lo) : null,
            wireTime: wireLast!.time,
            rxTimestamp: meta.rxTimestampErr === null ? (BigInt(hwRx.hi) << 32n) | BigInt(hwRx.lo) : null,
            want
          })
          const chunk = addr - (addr % UMEM_FRAME_SIZE)
          addrRingPush(xsk.fill, chunk)
          lines.push(`xsk0: complete rx idx=${xsk.fill.producer - 1} addr=${chunk.toString(16)}`)
        }
      }
      return { lines, pings }
    })
  )
