/**
 * The compiled devtx hook programs (ping_pong_devtx_kfunc.bpf.o, ping_pong_devtx_raw.bpf.o) at
 * the drivers' devtx call sites, against the TypeScript programs (the kfunc pair of
 * RawDevtx.test.ts's policy and the TS raw programs SimRawDevtx.ts / Mlx5RawDevtx.ts): the same
 * frames go out through AF_XDP zero-copy in doorbell batches of 4; same wire bytes (so the same
 * L4 checksum offload), and the completion programs' .bss tx_log holds the TS TxStampLog's
 * status codes and timestamps, frame for frame. JIT and interpreter.
 */
import type { VmEngine } from "@devtx/bpf"
import { ObjectMaps, prepareObjectDevtx, type PreparedObjectDevtx } from "@devtx/bpf-xdp"
import {
  attachDevtx,
  builtinCorpus,
  decodeDriverConfig,
  type DriverPackage,
  type LoadedDevtxProgram,
  loadRawDevtxProgram,
  makeXskSocket,
  type NetDevice,
  registerUmem,
  xskTxProduce
} from "@devtx/core"
import { driver as mlx5 } from "@devtx/drivers-mlx"
import { driver as sim } from "@devtx/drivers-sim"
import { loadBoundDevtx } from "@devtx/kfuncs"
import { RawStyleUnavailableError, rawDevtxFor, readObjectImage, samplePath, TxStampLog } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const corpus = builtinCorpus()
const frames = [
  ...corpus
    .filter((f) => (f.truth.l4 === "udp" || f.truth.l4 === "tcp") && f.truth.fragment === "none" && f.truth.ipv6ExtHeaders.length === 0 && !f.truth.isRunt && f.bytes.length <= 1500)
    .slice(0, 24),
  corpus.find((f) => f.truth.l3 === "arp")!
].map((f) => f.bytes)

type Loader = (dev: NetDevice, config: unknown, log: TxStampLog) => Effect.Effect<ReadonlyArray<LoadedDevtxProgram>, unknown>

const txRun = (driver: DriverPackage<unknown>, load: Loader) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const config = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ringSize: 64 })
      const dev = driver.createDevice(config, { ifname: "tx0", ifindex: 3 })
      const log = new TxStampLog(256)
      for (const p of yield* load(dev, config, log)) yield* attachDevtx(dev, p)
      const u = registerUmem({ len: 64 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in u)) throw u
      const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 64, comp: 64, rx: 64, tx: 64 })
      if (s instanceof RangeError) throw s
      expect(dev.xskBindZeroCopy(s)).toBe(0)
      const wire: number[][] = []
      dev.wire = (m, o, l) => wire.push([...m.subarray(o, o + l)])
      for (let i = 0; i < frames.length; i += 4) {
        for (let j = i; j < Math.min(i + 4, frames.length); j++) {
          u.area.bytes.set(frames[j]!, j * 4096)
          xskTxProduce(s, j * 4096, frames[j]!.length, 0)
        }
        dev.xskWakeupTx(0, 8)
        dev.hwTransmit(0, 8)
        dev.napiPollTx(0, 8)
      }
      return { wire, log }
    })
  )

/** The object's pair plus its shared maps; the .bss tx_log read back as [rc, ts] per completion. */
const objectLoader = (file: string, engine: VmEngine, driver: DriverPackage<unknown>) => {
  let maps: ObjectMaps | undefined
  const load: Loader = (dev, config) =>
    Effect.gen(function* () {
      const image = yield* readObjectImage(samplePath(file), driver, config)
      const m = ObjectMaps.create(image)
      if (!(m instanceof ObjectMaps)) return yield* Effect.fail(m)
      maps = m
      const out: LoadedDevtxProgram[] = []
      for (const section of ["devtx/xdp/submit", "devtx/xdp/complete"]) {
        const p = prepareObjectDevtx(image, m, section, undefined, { engine })
        if (!("spec" in p)) return yield* Effect.fail(p)
        out.push(yield* loadBoundDevtx((p as PreparedObjectDevtx).spec, dev, "dev-bound"))
      }
      return out
    })
  const stamps = (): Array<[number, bigint]> => {
    const bss = maps!.byName("bss")!
    if (bss.kind !== "array") throw new Error("no .bss")
    const v = new DataView(bss.store.bytes.buffer)
    const at = (n: string) => bss.def.vars.find((x) => x.name === n)!.offset
    const count = v.getUint32(at("tx_log_count"), true)
    return Array.from({ length: count }, (_, i): [number, bigint] => [
      v.getInt32(at("tx_log") + 16 * i, true),
      v.getBigUint64(at("tx_log") + 16 * i + 8, true)
    ])
  }
  return { load, stamps }
}

const logStamps = (log: TxStampLog): Array<[number, bigint]> =>
  Array.from({ length: log.count }, (_, i): [number, bigint] => [log.rc[i]!, (BigInt(log.hi[i]!) << 32n) | BigInt(log.lo[i]!)])

const rawLoad: Loader = (dev, config, log) => {
  const pair = rawDevtxFor(dev.driver, config, { timestamp: true, checksum: true }, log)
  if (pair instanceof RawStyleUnavailableError) return Effect.fail(pair)
  const btf = (dev.driver === "sim" ? sim : mlx5).btf?.(config as never)
  return Effect.all([...(pair.submit ? [loadRawDevtxProgram(pair.submit, dev, btf)] : []), loadRawDevtxProgram(pair.complete, dev, btf)])
}

describe("compiled devtx programs == the TypeScript ones", () => {
  for (const [name, driver] of [
    ["sim", sim as DriverPackage<unknown>],
    ["mlx5 (real-time clock)", mlx5 as DriverPackage<unknown>]
  ] as const) {
    for (const engine of ["jit", "interpreter"] as const) {
      it(`raw: ${name} (${engine})`, async () => {
        const ref = await txRun(driver, rawLoad)
        const obj = objectLoader("ping_pong_devtx_raw.bpf.o", engine, driver)
        const got = await txRun(driver, obj.load)
        expect(got.wire.length).toBe(frames.length)
        expect(got.wire).toEqual(ref.wire)
        expect(obj.stamps()).toEqual(logStamps(ref.log))
        expect(obj.stamps().length).toBe(frames.length)
      })
      it(`kfunc: ${name} (${engine}) — same wire and stamps as the raw design`, async () => {
        const ref = await txRun(driver, rawLoad)
        const obj = objectLoader("ping_pong_devtx_kfunc.bpf.o", engine, driver)
        const got = await txRun(driver, obj.load)
        expect(got.wire).toEqual(ref.wire)
        expect(obj.stamps()).toEqual(logStamps(ref.log))
      })
    }
  }
})
