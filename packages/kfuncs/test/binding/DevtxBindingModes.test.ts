/**
 * devtx kfuncs on the reference NIC in the three binding modes — generic (the device's op looked
 * up per call), dev-bound (the driver's functions, SimDevtxOps.ts), inlined (code generated from
 * simDevtxInlineOps, SimDevtxInlineOps.ts) — give identical results: the same submit return
 * codes, the same TX descriptors (hence the same bytes on the wire, checksums filled in by the
 * hardware, launch times honoured), the same completion return codes and timestamps. Run over
 * the corpus on the skb path and the AF_XDP zero-copy path, with per-packet and per-batch
 * completions and with a device publishing only some ops; and on mlx5 (mlx5DevtxInlineOps: the
 * eth segment's cs_flags, the send CQE's stamp through either clock converter). Plus negative
 * controls and refusals.
 */
import {
  attachDevtx,
  decodeDriverConfig,
  DevtxPoint,
  type DevtxProgramSpec,
  Errno,
  makeXskSocket,
  type NetDevice,
  registerUmem,
  RxTimestampOut,
  TxSkb,
  xskTxProduce
} from "@devtx/core"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { createMlx5Device, type Mlx5Config, mlx5DevtxInlineOps } from "@devtx/drivers-mlx/internals"
import { driver } from "@devtx/drivers-sim"
import { createSimDevice, type SimConfig } from "@devtx/drivers-sim/internals"
import { BindingNotBuiltError, devtxInlineOpSource, InlineDescriptionError, type KfuncBindingMode, KfuncBindingModes, loadBoundDevtx } from "@devtx/kfuncs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { simDevtxInlineOps } from "@devtx/drivers-sim/internals"
import { corpus } from "./BindingProbe.js"

const dev = (o: Partial<SimConfig> = {}): NetDevice =>
  createSimDevice(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, txRingSize: 64, ...o })), { ifname: "sim0", ifindex: 3 })

interface Trace {
  readonly submits: number[]
  readonly completes: number[]
  readonly wire: Array<[number[], number, number]>
}

/** frames with an L4 header; a few checksum requests aim past the frame to reach -EINVAL */
const frames = corpus.filter((f) => !f.truth.isRunt && f.bytes.length <= 1514).slice(0, 160)

const submitProg = (t: Trace, point: DevtxPoint, phcBase: () => [number, number]): DevtxProgramSpec => ({
  name: "devtx_submit_all",
  point,
  kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum", "bpf_devtx_request_launch_time"],
  instantiate: ({ kfuncs }) => {
    let n = 0
    return (ctx) => {
      n++
      // every third frame asks for a timestamp; checksum offsets vary, some out of the frame
      if (n % 3 !== 0) t.submits.push(kfuncs.requestTxTimestamp(ctx))
      const start = n % 7 === 0 ? ctx.len - 1 : Math.min(34, ctx.len - 2)
      t.submits.push(kfuncs.requestL4Checksum(ctx, start, n % 5 === 0 ? 6 : 0))
      if (n % 4 === 0) {
        const [hi, lo] = phcBase()
        t.submits.push(kfuncs.requestLaunchTime(ctx, hi, (lo + n * 7919) >>> 0))
      }
    }
  }
})

const completeProg = (t: Trace, point: DevtxPoint): DevtxProgramSpec => ({
  name: "devtx_complete_ts",
  point,
  kfuncs: ["bpf_devtx_tx_timestamp"],
  instantiate: ({ kfuncs }) => {
    const out = new RxTimestampOut()
    return (ctx) => {
      out.hi = out.lo = 0xdead
      const rc = kfuncs.txTimestamp(ctx, out)
      t.completes.push(rc, out.hi, out.lo)
    }
  }
})

const load = (d: NetDevice, mode: KfuncBindingMode, t: Trace, xdp: boolean) => {
  const phc = new RxTimestampOut()
  const base = (): [number, number] => {
    d.readPhc(phc)
    return [phc.hi, phc.lo]
  }
  const s = Effect.runSync(loadBoundDevtx(submitProg(t, xdp ? DevtxPoint.SUBMIT_XDP : DevtxPoint.SUBMIT_SKB, base), d, mode))
  const c = Effect.runSync(loadBoundDevtx(completeProg(t, xdp ? DevtxPoint.COMPLETE_XDP : DevtxPoint.COMPLETE_SKB), d, mode))
  Effect.runSync(attachDevtx(d, s))
  Effect.runSync(attachDevtx(d, c))
  return [...s.binding.inlined, ...c.binding.inlined]
}

const runSkb = (mode: KfuncBindingMode, o: Partial<SimConfig>, d: NetDevice = dev(o)): { trace: Trace; inlined: string[] } => {
  const t: Trace = { submits: [], completes: [], wire: [] }
  const inlined = load(d, mode, t, false)
  d.wire = (m, off, l, hi, lo) => t.wire.push([Array.from(m.subarray(off, off + l)), hi, lo])
  frames.forEach((f, i) => {
    const skb = new TxSkb()
    skb.mem = f.bytes.slice()
    skb.len = f.bytes.length
    expect(d.xmitSkb(0, skb)).toBe(0)
    if (i % 8 === 7) {
      d.hwTransmit(0, 64)
      d.napiPollTx(0, 64)
    }
  })
  d.hwTransmit(0, 64)
  d.napiPollTx(0, 64)
  return { trace: t, inlined }
}

const runXsk = (mode: KfuncBindingMode): Trace => {
  const d = dev()
  const t: Trace = { submits: [], completes: [], wire: [] }
  load(d, mode, t, true)
  const u = registerUmem({ len: 64 * 2048, chunkSize: 2048, headroom: 0, flags: 0, txMetadataLen: 0 })
  if (!("area" in u)) throw new Error("umem")
  const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 64, comp: 64, rx: 64, tx: 64 })
  if (s instanceof RangeError) throw s
  expect(d.xskBindZeroCopy(s)).toBe(0)
  d.wire = (m, off, l, hi, lo) => t.wire.push([Array.from(m.subarray(off, off + l)), hi, lo])
  const batch = frames.slice(0, 48)
  batch.forEach((f, i) => {
    u.area.bytes.set(f.bytes, i * 2048)
    xskTxProduce(s, i * 2048, f.bytes.length, 0)
  })
  for (let k = 0; k < 8; k++) {
    d.xskWakeupTx(0, 8)
    d.hwTransmit(0, 8)
    d.napiPollTx(0, 8)
  }
  expect(t.wire.length).toBe(batch.length)
  return t
}

const skbConfigs: ReadonlyArray<[string, Partial<SimConfig>]> = [
  ["per-packet completions", {}],
  ["per-batch completions", { txCompletion: "per-batch" }],
  ["only the timestamp and checksum ops published", { devtxOps: ["timestamp", "request-checksum"] }]
]

describe("devtx: generic == dev-bound == inlined on the reference NIC", () => {
  for (const [name, o] of skbConfigs) {
    it(`skb path over the corpus: ${name}`, () => {
      const [g, b, i] = KfuncBindingModes.map((m) => runSkb(m, o))
      expect(b!.trace.wire.length).toBe(frames.length)
      expect(g!.trace).toEqual(b!.trace)
      expect(i!.trace).toEqual(b!.trace)
      const published = o.devtxOps ?? driver.defaultConfig.devtxOps
      expect(i!.inlined.length).toBe(published.length)
      expect(g!.inlined).toEqual([])
      // the run reaches every return code it is for
      const subs = b!.trace.submits
      expect(subs.filter((r) => r === -Errno.EINVAL).length).toBeGreaterThan(5)
      if (o.devtxOps === undefined) {
        expect(subs.filter((r) => r === 0).length).toBeGreaterThan(200)
        const rcs = b!.trace.completes.filter((_, k) => k % 3 === 0)
        expect(rcs.filter((r) => r === 0).length).toBeGreaterThan(10)
        if (o.txCompletion === undefined) expect(rcs.filter((r) => r === -Errno.ENODATA).length).toBeGreaterThan(10)
      } else expect(subs.filter((r) => r === -Errno.EOPNOTSUPP).length).toBeGreaterThan(50)
    })
  }

  it("AF_XDP zero-copy path", () => {
    const [g, b, i] = KfuncBindingModes.map((m) => runXsk(m))
    expect(g).toEqual(b)
    expect(i).toEqual(b)
    expect(b!.completes.filter((_, k) => k % 3 === 0 && b!.completes[k] === 0).length).toBeGreaterThan(10)
  })

  it("negative control: csum_start and csum_offset swapped in the description changes the wire bytes", () => {
    const wrong = {
      ...simDevtxInlineOps,
      xmoRequestL4Checksum: {
        ...simDevtxInlineOps.xmoRequestL4Checksum!,
        stores: [
          { offset: 8, width: 2, bigEndian: false, value: { arg: 1 }, mode: "set" },
          { offset: 10, width: 2, bigEndian: false, value: { arg: 0 }, mode: "set" },
          simDevtxInlineOps.xmoRequestL4Checksum!.stores[2]!
        ]
      }
    } as const
    const d = dev()
    Object.assign(d, { devtxInline: wrong })
    const t: Trace = { submits: [], completes: [], wire: [] }
    load(d, "inlined", t, false)
    d.wire = (m, off, l, hi, lo) => t.wire.push([Array.from(m.subarray(off, off + l)), hi, lo])
    for (const f of frames.slice(0, 10)) {
      const skb = new TxSkb()
      skb.mem = f.bytes.slice()
      skb.len = f.bytes.length
      d.xmitSkb(0, skb)
    }
    d.hwTransmit(0, 64)
    const ref = runSkb("dev-bound", {}).trace.wire.slice(0, 10)
    expect(t.wire.map((w) => w[0])).not.toEqual(ref.map((w) => w[0]))
  })

  it("the generated bodies are straight-line stores and reads at constant offsets", () => {
    const csum = devtxInlineOpSource(simDevtxInlineOps, "xmoRequestL4Checksum")!
    expect(csum).toContain("if (a0 + a1 + (2) > (ctx.len >>> 0)) { return -22; }")
    expect(csum).toContain("v.setUint16(o + 8, a0, true);")
    expect(csum).toContain("v.setUint8(o + 7, v.getUint8(o + 7) | (4));")
    expect(devtxInlineOpSource(simDevtxInlineOps, "xmoRequestLaunchTime")).toContain("v.setUint32(o + 20, a0, true);")
    const ts = devtxInlineOpSource(simDevtxInlineOps, "xmoTxTimestamp")!
    expect(ts).toContain("const v = ctx.compl, o = ctx.complOff;")
    expect(ts).toContain("out.hi = v.getUint32(o + 12, true)")
  })
})

const mlx5 = (o: Partial<Mlx5Config>): NetDevice => {
  const cfg = Effect.runSync(decodeDriverConfig(mlx5Driver, { ...mlx5Driver.defaultConfig, ringSize: 64, txRingSize: 64, ...o }))
  const d = createMlx5Device(cfg, { ifname: "mlx0", ifindex: 3 })
  // until Mlx5Device carries it: devtxInline: mlx5DevtxInlineOps(config)
  if (d.devtxInline === undefined) Object.assign(d, { devtxInline: mlx5DevtxInlineOps(cfg) })
  return d
}

describe("devtx: generic == dev-bound == inlined on mlx5", () => {
  for (const [name, o] of [
    ["real-time clock", {}],
    ["free-running clock, 1 MHz, counter near the 41-bit wrap", { tsFormat: "free-running", deviceFrequencyKhz: 1000, tickCycles: 1_000_000_000, startCycles: "2199000000000" }]
  ] as ReadonlyArray<[string, Partial<Mlx5Config>]>) {
    it(`skb path over the corpus: ${name}`, () => {
      const [g, b, i] = KfuncBindingModes.map((m) => runSkb(m, {}, mlx5(o)))
      expect(b!.trace.wire.length).toBe(frames.length)
      expect(g!.trace).toEqual(b!.trace)
      expect(i!.trace).toEqual(b!.trace)
      // three ops published and spliced; launch time stays -EOPNOTSUPP in every mode
      expect([...i!.inlined].sort()).toEqual(["bpf_devtx_request_l4_csum", "bpf_devtx_request_tx_timestamp", "bpf_devtx_tx_timestamp"])
      expect(b!.trace.submits.filter((r) => r === -Errno.EOPNOTSUPP).length).toBe(Math.floor(frames.length / 4))
      expect(b!.trace.completes.filter((_, k) => k % 3 === 0).every((r) => r === 0)).toBe(true)
    })
  }
})

describe("devtx inlined binding: refusals", () => {
  const spec: DevtxProgramSpec = {
    name: "s",
    point: DevtxPoint.SUBMIT_SKB,
    kfuncs: ["bpf_devtx_request_l4_csum"],
    instantiate: () => () => {}
  }

  it("a device without a devtx description cannot be bound inlined", () => {
    const d = dev()
    Object.assign(d, { devtxInline: undefined })
    const e = Effect.runSync(Effect.flip(loadBoundDevtx(spec, d, "inlined")))
    expect(e).toBeInstanceOf(BindingNotBuiltError)
    expect(e.message).toContain("publishes no inline description of its devtx ops")
  })

  const bad = (patch: object) => {
    const d = dev()
    Object.assign(d, { devtxInline: { ...simDevtxInlineOps, ...patch } })
    const e = Effect.runSync(Effect.flip(loadBoundDevtx(spec, d, "inlined")))
    expect(e).toBeInstanceOf(BindingNotBuiltError)
    return (e as BindingNotBuiltError).cause
  }

  it("rejects an argument the kfunc does not have, a bad width, a non-errno rc, an injected identifier", () => {
    const csum = simDevtxInlineOps.xmoRequestL4Checksum!
    expect(bad({ xmoRequestL4Checksum: { ...csum, stores: [{ ...csum.stores[0]!, value: { arg: 2 } }] } })).toMatchObject({
      reason: "arg must be 0..1 for this kfunc",
      value: 2,
      offset: 1
    })
    expect(bad({ xmoRequestL4Checksum: { ...csum, stores: [{ ...csum.stores[0]!, width: 8 }] } })).toMatchObject({ reason: "store width must be 1, 2 or 4" })
    expect(bad({ xmoRequestL4Checksum: { ...csum, checks: [{ ...csum.checks[0]!, rc: 0 }] } })).toMatchObject({ reason: "a check's rc must be a negative errno" })
    const e = bad({ xmoRequestL4Checksum: { ...csum, checks: [{ ...csum.checks[0]!, limit: { context: ["len; globalThis.pwned2 = 1"] } }] } })
    expect(e).toBeInstanceOf(InlineDescriptionError)
    expect(e).toMatchObject({ reason: "a context path is 1..4 member names" })
    expect((globalThis as Record<string, unknown>)["pwned2"]).toBeUndefined()
  })
})
