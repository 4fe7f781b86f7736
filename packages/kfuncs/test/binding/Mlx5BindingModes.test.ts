/**
 * mlx5: the three kfunc binding modes give identical outputs over the whole corpus — generic
 * (per-call lookup), dev-bound (mlx5e's functions), inlined (code generated from mlx5InlineOps,
 * Mlx5InlineOps.ts) — on several configurations: real-time and free-running clocks (the latter
 * with the overflow watchdog moving the timecounter between polls, and the 41-bit counter
 * wrapping), CQE compression, features off. A property test drives the generated bodies and the
 * driver's functions with random CQEs and random RQ state, reaching every branch the corpus may
 * not (the timecounter's backwards branch, rss_hash_type bytes the hardware never writes).
 */
import { Errno, RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut, type XdpMetadataOpMember } from "@devtx/core"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { createMlx5Device, MLX5_XDP_RSS_TYPE, mlx5eXdpRxChecksum, mlx5eXdpRxHash, mlx5eXdpRxTimestamp, mlx5eXdpRxVlanTag, mlx5InlineOps, type Mlx5Config, Mlx5RqState, Mlx5Timecounter, Mlx5TsFormat } from "@devtx/drivers-mlx/internals"
import { compileInlineOp, inlineOpSource, KfuncBindingModes } from "@devtx/kfuncs"
import { decodeDriverConfig } from "@devtx/core"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { countRc, runCorpus } from "./BindingProbe.js"

const mlx5 = (o: Partial<Mlx5Config>) => {
  const cfg = Effect.runSync(decodeDriverConfig(mlx5Driver, { ...mlx5Driver.defaultConfig, ringSize: 64, ...o }))
  return createMlx5Device(cfg, { ifname: "mlx0", ifindex: 7 })
}

const configs: ReadonlyArray<[string, Partial<Mlx5Config>]> = [
  ["defaults (real-time clock)", {}],
  ["CQE compression", { cqeCompression: true, ptpRx: true }],
  ["free-running clock, 1 MHz, overflow watchdog firing, 41-bit counter wrapping", {
    tsFormat: "free-running", deviceFrequencyKhz: 1000, tickCycles: 1_000_000_000, startCycles: "2199000000000"
  }],
  ["free-running clock, 1 GHz, counter near 2^64", { tsFormat: "free-running", startCycles: "18446744073709000000" }],
  ["compression + free-running", { cqeCompression: true, ptpRx: true, tsFormat: "free-running" }],
  ["RXHASH, RXCSUM, rxvlan off, rx_filter NONE", { rxhash: false, rxcsum: false, rxvlan: false, rxTimestamp: "none" }],
  ["no checksum op (mainline ops only)", { xdpRxChecksum: false }]
]

describe("mlx5: generic == dev-bound == inlined over the corpus", () => {
  for (const [name, o] of configs) {
    it(name, () => {
      const devs = KfuncBindingModes.map(() => mlx5(o))
      const results = KfuncBindingModes.map((m, i) => runCorpus(devs[i]!, m, 16))
      const [generic, devBound, inlined] = results
      expect(devBound!.rows.length).toBeGreaterThan(300)
      expect(generic!.rows).toEqual(devBound!.rows)
      expect(inlined!.rows).toEqual(devBound!.rows)
      // every op the device publishes was spliced
      expect([...inlined!.inlined].sort()).toEqual(
        [
          "bpf_xdp_metadata_rx_hash",
          "bpf_xdp_metadata_rx_timestamp",
          "bpf_xdp_metadata_rx_vlan_tag",
          ...(o.xdpRxChecksum === false ? [] : ["bpf_xdp_metadata_rx_checksum"])
        ].sort()
      )
      if (o.cqeCompression) expect(devs[2]!.cqeCompression).toBe(true)
      if (o.tickCycles !== undefined) {
        // the watchdog moved cycle_last away from the bring-up value: the state is live, not a constant
        expect(devs[2]!.timecounter.cycleLastLo).not.toBe(Number(BigInt(o.startCycles!) & 0xffffffffn))
      }
      // the configurations reach the branches they are for
      if (o.rxTimestamp === "none") expect(countRc(devBound!.rows, 0, -Errno.ENODATA)).toBe(devBound!.rows.length)
      else expect(countRc(devBound!.rows, 0, 0)).toBe(devBound!.rows.length)
      if (o.xdpRxChecksum === false) expect(countRc(devBound!.rows, 9, -Errno.EOPNOTSUPP)).toBe(devBound!.rows.length)
    })
  }

  it("negative control: the 16-entry table indexed by the raw byte (a plausible slip) is caught", () => {
    const good = mlx5InlineOps({ tsFormat: "real-time" })
    const hash = good.xmoRxHash!
    const wrong = {
      ...good,
      xmoRxHash: {
        cases: [
          hash.cases[0]!,
          {
            ...hash.cases[1]!,
            writes: { ...hash.cases[1]!.writes, rssType: { field: { offset: 16, width: 1, bigEndian: false, mask: 0x0f, table: MLX5_XDP_RSS_TYPE } } }
          }
        ]
      }
    } as const
    const a = mlx5({})
    Object.assign(a, { xdpMetadataInline: wrong })
    expect(runCorpus(a, "inlined", 16).rows).not.toEqual(runCorpus(mlx5({}), "dev-bound", 16).rows)
  })

  it("the generated timestamp body reads big-endian CQE words at constant offsets and calls the declared conversion", () => {
    const rt = inlineOpSource(mlx5InlineOps({ tsFormat: "real-time" }), "xmoRxTimestamp")!
    expect(rt).toContain("(ctx.rq?.rxFilterAll >>> 0)")
    expect(rt).toContain("Ksec(S, v.getUint32(o + 48, false), v.getUint32(o + 52, false))")
    const fr = inlineOpSource(mlx5InlineOps({ tsFormat: "free-running" }), "xmoRxTimestamp")!
    expect(fr).toContain("Ktc(S, 41, v.getUint32(o + 48, false), v.getUint32(o + 52, false), (ctx.rq?.tc?.mult >>> 0)")
    expect(inlineOpSource(mlx5InlineOps({ tsFormat: "real-time" }), "xmoRxVlanTag")).toContain("out.vlanProto = 129;")
  })
})

// ---- property: random CQEs and RQ state, generated body vs the driver's function -------------

const u32 = fc.integer({ min: 0, max: 0xffffffff })
const rqArb = fc.record({
  featRxhash: fc.boolean(),
  featRxcsum: fc.boolean(),
  rxFilterAll: fc.boolean(),
  noCsumComplete: fc.boolean(),
  mult: u32,
  shift: fc.integer({ min: 0, max: 32 }),
  fracBits: u32,
  cycleLastHi: u32,
  cycleLastLo: u32,
  nsecHi: u32,
  nsecLo: u32
})
const cqeArb = fc.uint8Array({ minLength: 64, maxLength: 64 })

const makeCtx = (cqe: Uint8Array, s: typeof rqArb extends fc.Arbitrary<infer T> ? T : never, tsFormat: number) => {
  const tc = new Mlx5Timecounter()
  tc.mult = s.mult
  tc.shift = s.shift
  tc.frac = s.shift === 0 ? 0 : s.shift === 32 ? s.fracBits : s.fracBits % 2 ** s.shift // frac < 2^shift
  tc.cycleLastHi = s.cycleLastHi
  tc.cycleLastLo = s.cycleLastLo
  tc.nsecHi = s.nsecHi
  tc.nsecLo = s.nsecLo
  const rq = new Mlx5RqState(tc)
  rq.featRxhash = s.featRxhash
  rq.featRxcsum = s.featRxcsum
  rq.rxFilterAll = s.rxFilterAll
  rq.noCsumComplete = s.noCsumComplete
  rq.tsFormat = tsFormat
  // the CHECKSUM_COMPLETE branch (delegated) reads the packet: give it a 60-byte IPv4 UDP frame
  const bytes = new Uint8Array(128)
  bytes.set([0x08, 0x00], 12)
  bytes[14] = 0x45
  bytes.set([0x00, 0x2e], 16)
  bytes[23] = 17
  return { cqe: new DataView(cqe.buffer, cqe.byteOffset, 64), cqeOff: 0, rq, area: { bytes }, data: 0, dataEnd: 60 }
}

const outsOf = () => [new RxTimestampOut(), new RxHashOut(), new RxVlanTagOut(), new RxChecksumOut()] as const
const snapshot = (rc: number, o: object): unknown => ({ rc, ...o })

describe("mlx5: generated bodies == driver functions on random CQEs and RQ state", () => {
  for (const tsFormat of ["real-time", "free-running"] as const) {
    it(`every op, ${tsFormat} clock`, () => {
      const inline = mlx5InlineOps({ tsFormat })
      const fns: Record<XdpMetadataOpMember, (ctx: never, out: never) => number> = {
        xmoRxTimestamp: mlx5eXdpRxTimestamp as never,
        xmoRxHash: mlx5eXdpRxHash as never,
        xmoRxVlanTag: mlx5eXdpRxVlanTag as never,
        xmoRxChecksum: mlx5eXdpRxChecksum as never
      }
      const ops = ["xmoRxTimestamp", "xmoRxHash", "xmoRxVlanTag", "xmoRxChecksum"] as const
      const compiled = ops.map((op) => {
        const r = compileInlineOp(inline, op, inline[op]!, fns[op])
        if (Result.isFailure(r)) throw r.failure
        return r.success
      })
      const fmt = tsFormat === "real-time" ? Mlx5TsFormat.REAL_TIME : Mlx5TsFormat.FREE_RUNNING
      fc.assert(
        fc.property(cqeArb, rqArb, (cqe, s) => {
          const ctx = makeCtx(cqe, s, fmt)
          const a = outsOf()
          const b = outsOf()
          ops.forEach((op, i) => {
            const ra = fns[op](ctx as never, a[i] as never)
            const rb = compiled[i]!(ctx as never, b[i] as never)
            expect(snapshot(rb, b[i]!)).toEqual(snapshot(ra, a[i]!))
          })
        }),
        { numRuns: 3000 }
      )
    })
  }
})
