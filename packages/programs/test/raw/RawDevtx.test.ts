/**
 * The raw devtx path against the kfunc one (issue 5): the same frames go out through AF_XDP
 * zero-copy, in doorbell batches of 4, once with devtx kfunc programs (request timestamp +
 * request L4 checksum at submit, bpf_devtx_tx_timestamp at completion) and once with the raw
 * programs (relocated descriptor writes at submit, relocated completion reads). Same wire bytes,
 * same checksums (verified independently by a plain one's-complement sum over the truth's
 * offsets), same timestamps (and equal to the PHC time the batch's last frame left, on mlx5, the
 * frame's own on sim per-packet, the batch's last with per-batch completions). ice: the raw submit
 * writes the checksum fields (same wire bytes as the kfunc), the raw completion says -EOPNOTSUPP,
 * or refuses to load (IceRawDevtxSubmit.test.ts has the descriptor-level ice comparison).
 */
import {
  attachDevtx,
  builtinCorpus,
  decodeDriverConfig,
  type DevtxCtx,
  DevtxPoint,
  type DevtxProgramSpec,
  type DriverPackage,
  Errno,
  type LoadedDevtxProgram,
  loadRawDevtxProgram,
  makeXskSocket,
  type NetDevice,
  registerUmem,
  RxTimestampOut,
  xskTxProduce
} from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { iceBtf } from "@devtx/drivers-ice/internals"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { loadBoundDevtx } from "@devtx/kfuncs"
import {
  ICE_RAW_TX_TS_UNAVAILABLE,
  iceRawDevtxCompleteRequired,
  L4Location,
  l4Locate,
  RawStyleUnavailableError,
  rawDevtxFor,
  TxStampLog
} from "@devtx/programs"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"

const corpus = builtinCorpus()
const txFrames = corpus
  .filter(
    (f) =>
      (f.truth.l4 === "udp" || f.truth.l4 === "tcp") &&
      f.truth.fragment === "none" &&
      f.truth.ipv6ExtHeaders.length === 0 &&
      !f.truth.isRunt &&
      f.bytes.length <= 1500
  )
  .slice(0, 40)
const arp = corpus.find((f) => f.truth.l3 === "arp")!
const frames = [...txFrames, arp]

/** The frame as a CHECKSUM_PARTIAL sender leaves it: the L4 checksum field holds the folded pseudo-header sum. */
const seeded = (f: (typeof corpus)[number]): Uint8Array => {
  const b = f.bytes.slice()
  const t = f.truth
  if (t.l4 !== "udp" && t.l4 !== "tcp") return b
  const alen = t.l3 === "ipv4" ? 4 : 16
  const sa = t.l3Offset + (t.l3 === "ipv4" ? 12 : 8)
  let s = t.ipProto! + (t.ipTotalLen - t.l3HeaderLen)
  for (let i = sa; i < sa + 2 * alen; i += 2) s += (b[i]! << 8) | b[i + 1]!
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  const at = t.l4Offset + (t.l4 === "udp" ? 6 : 16)
  b[at] = s >>> 8
  b[at + 1] = s & 0xff
  return b
}

/** Independent check: the one's-complement sum of pseudo-header + segment on the wire is 0xffff. */
const l4Verifies = (w: Uint8Array, f: (typeof corpus)[number]): boolean => {
  const t = f.truth
  const alen = t.l3 === "ipv4" ? 4 : 16
  const sa = t.l3Offset + (t.l3 === "ipv4" ? 12 : 8)
  const end = t.l3Offset + t.ipTotalLen
  let s = t.ipProto! + (t.ipTotalLen - t.l3HeaderLen)
  for (let i = sa; i < sa + 2 * alen; i += 2) s += (w[i]! << 8) | w[i + 1]!
  for (let i = t.l4Offset; i < end; i += 2) s += (w[i]! << 8) | (i + 1 < end ? w[i + 1]! : 0)
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  return s === 0xffff
}

/** The kfunc programs with the same policy as the raw ones. */
const kfuncSubmit = (): DevtxProgramSpec => ({
  name: "devtx_submit_kfunc",
  point: DevtxPoint.SUBMIT_XDP,
  kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum"],
  instantiate: ({ kfuncs }) => {
    const loc = new L4Location()
    return (ctx: DevtxCtx) => {
      kfuncs.requestTxTimestamp(ctx)
      if (l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0) kfuncs.requestL4Checksum(ctx, loc.start, loc.offset)
    }
  }
})
const kfuncComplete = (log: TxStampLog): DevtxProgramSpec => ({
  name: "devtx_complete_kfunc",
  point: DevtxPoint.COMPLETE_XDP,
  kfuncs: ["bpf_devtx_tx_timestamp"],
  instantiate: ({ kfuncs }) => {
    const out = new RxTimestampOut()
    return (ctx: DevtxCtx) => {
      const rc = kfuncs.txTimestamp(ctx, out)
      log.push(rc, rc === 0 ? out.hi : 0, rc === 0 ? out.lo : 0, ctx.data)
    }
  }
})

interface TxRun {
  readonly wire: Array<{ bytes: Uint8Array; ts: bigint }>
  readonly log: TxStampLog
}

const txRun = <C>(
  driver: DriverPackage<C>,
  overrides: Record<string, unknown>,
  load: (dev: NetDevice, config: C, log: TxStampLog) => Effect.Effect<ReadonlyArray<LoadedDevtxProgram>, unknown>
): Promise<TxRun> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const config = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ringSize: 64, ...overrides })
      const dev = driver.createDevice(config, { ifname: "tx0", ifindex: 3 })
      const log = new TxStampLog(256)
      for (const p of yield* load(dev, config, log)) yield* attachDevtx(dev, p)
      const u = registerUmem({ len: 64 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in u)) throw u
      const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 64, comp: 64, rx: 64, tx: 64 })
      if (s instanceof RangeError) throw s
      expect(dev.xskBindZeroCopy(s)).toBe(0)
      const wire: TxRun["wire"] = []
      dev.wire = (m, o, l, hi, lo) => wire.push({ bytes: m.slice(o, o + l), ts: (BigInt(hi) << 32n) | BigInt(lo) })
      for (let i = 0; i < frames.length; i += 4) {
        for (let j = i; j < Math.min(i + 4, frames.length); j++) {
          const b = seeded(frames[j]!)
          u.area.bytes.set(b, j * 4096)
          xskTxProduce(s, j * 4096, b.length, 0)
        }
        dev.xskWakeupTx(0, 8)
        dev.hwTransmit(0, 8)
        dev.napiPollTx(0, 8)
      }
      return { wire, log }
    })
  )

const kfuncLoad = (dev: NetDevice, _c: unknown, log: TxStampLog) =>
  Effect.all([loadBoundDevtx(kfuncSubmit(), dev, "dev-bound"), loadBoundDevtx(kfuncComplete(log), dev, "dev-bound")])

const rawLoad = <C>(driver: DriverPackage<C>) => (dev: NetDevice, config: C, log: TxStampLog) => {
  const pair = rawDevtxFor(driver.name, config, { timestamp: true, checksum: true }, log)
  if (pair instanceof RawStyleUnavailableError) return Effect.fail(pair)
  const btf = driver.btf?.(config)
  return Effect.all([...(pair.submit ? [loadRawDevtxProgram(pair.submit, dev, btf)] : []), loadRawDevtxProgram(pair.complete, dev, btf)])
}

const stamps = (log: TxStampLog) => Array.from({ length: log.count }, (_, i) => [log.rc[i]!, (BigInt(log.hi[i]!) << 32n) | BigInt(log.lo[i]!), log.addr[i]!])

describe("raw devtx == kfunc devtx: same wire checksums, same TX timestamps", () => {
  for (const [name, driver, o] of [
    ["sim", simDriver, {}],
    ["sim, per-batch completions", simDriver, { txCompletion: "per-batch" }],
    ["mlx5, real-time clock", mlx5Driver, {}],
    ["mlx5, free-running clock", mlx5Driver, { tsFormat: "free-running", deviceFrequencyKhz: 156250 }]
  ] as const)
    it(name, async () => {
      const d = driver as DriverPackage<unknown>
      const overrides = o as Record<string, unknown>
      const perBatch = driver === mlx5Driver || overrides.txCompletion === "per-batch"
      const k = await txRun(d, overrides, kfuncLoad)
      const r = await txRun(d, overrides, rawLoad(d))
      expect(r.wire.length).toBe(frames.length)
      expect(r.wire.map((w) => [...w.bytes])).toEqual(k.wire.map((w) => [...w.bytes]))
      expect(stamps(r.log)).toEqual(stamps(k.log))
      expect(r.log.count).toBe(frames.length)
      // checksums the hardware computed verify independently; the ARP frame left unchanged
      txFrames.forEach((f, i) => expect([i, l4Verifies(r.wire[i]!.bytes, f)]).toEqual([i, true]))
      expect([...r.wire[frames.length - 1]!.bytes]).toEqual([...arp.bytes])
      // each completion's stamp is a PHC time a frame left at: the frame's own, or its batch's last (one completion per doorbell)
      for (let i = 0; i < frames.length; i++) {
        expect(r.log.rc[i]).toBe(0)
        const last = perBatch ? Math.min(frames.length - 1, i - (i % 4) + 3) : i
        expect([i, stamps(r.log)[i]![1]]).toEqual([i, r.wire[last]!.ts])
      }
    })
})

describe("ice: the raw design cannot read a TX timestamp, and says so", () => {
  it("the optional-field program loads with the guard false and reports -EOPNOTSUPP per completion; the kfunc reads PHY memory", async () => {
    const k = await txRun(iceDriver as DriverPackage<unknown>, {}, kfuncLoad)
    expect(k.log.count).toBe(frames.length)
    expect(Array.from(k.log.rc.subarray(0, k.log.count)).every((rc) => rc === 0)).toBe(true)
    const r = await txRun(iceDriver as DriverPackage<unknown>, {}, rawLoad(iceDriver as DriverPackage<unknown>))
    expect(r.log.count).toBe(frames.length)
    expect(Array.from(r.log.rc.subarray(0, r.log.count))).toEqual(frames.map(() => -Errno.EOPNOTSUPP))
    expect(ICE_RAW_TX_TS_UNAVAILABLE).toContain("PHY timestamp memory")
    // the raw submit program (rawDevtxFor: cmd_type_offset_bsz written as ice_tx_csum would) gives the kfunc's wire bytes
    expect(r.wire.length).toBe(frames.length)
    expect(r.wire.map((w) => [...w.bytes])).toEqual(k.wire.map((w) => [...w.bytes]))
    txFrames.forEach((f, i) => expect([i, l4Verifies(r.wire[i]!.bytes, f)]).toEqual([i, true]))
    expect([...r.wire[frames.length - 1]!.bytes]).toEqual([...arp.bytes])
  })

  it("declared as a required field, the load fails naming the program, the local type, the access and the target", async () => {
    const dev = iceDriver.createDevice(iceDriver.defaultConfig, { ifname: "i", ifindex: 4 })
    const exit = await Effect.runPromiseExit(loadRawDevtxProgram(iceRawDevtxCompleteRequired(new TxStampLog(1)), dev, iceBtf()))
    expect(exit).toMatchObject(
      Exit.fail({
        _tag: "RawLoadError",
        program: "devtx_complete_raw_ice_required",
        localType: "ice_tx_desc___devtx",
        field: "tx_timestamp",
        accessStr: "0:0",
        target: "ice"
      })
    )
    expect(JSON.stringify(exit)).toContain("no field matches in the target")
  })
})
