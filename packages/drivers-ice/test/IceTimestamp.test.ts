/**
 * ice_ptp_extend_32b_ts against an independent reference in exact BigInt arithmetic, and the
 * device-level consequence of a stale cached PHC time.
 *
 * Reference (the mathematical statement, not the C steps): the result is the unique u64 value
 * R with R mod 2^32 == in32 and R - cached in [-2^31, 2^31) (taken mod 2^64). So for a true time
 * T: R == T exactly when T - cached lies in [-2^31, 2^31), and R == T - k*2^32 otherwise.
 */
import { decodeDriverConfig, builtinCorpus, bringUp, RxTimestampOut, XdpAction, attachXdp, type XdpProgramSpec } from "@devtx/core"
import { driver } from "@devtx/drivers-ice"
import { iceExtend32bTs, type IceNetDevice, U64Halves } from "@devtx/drivers-ice/internals"
import { loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const M64 = (1n << 64n) - 1n
const refExtend = (cached: bigint, in32: bigint): bigint => {
  // candidates congruent to in32 around cached; pick the one with offset in [-2^31, 2^31)
  const base = (cached & ~0xffffffffn) | in32
  for (const c of [base - (1n << 32n), base, base + (1n << 32n)]) {
    const off = c - cached
    if (off >= -(1n << 31n) && off < 1n << 31n) return c & M64
  }
  throw new Error("unreachable")
}
const run = (cached: bigint, in32: number): bigint => {
  const o = new U64Halves()
  iceExtend32bTs(Number(cached >> 32n), Number(cached & 0xffffffffn), in32, o)
  return (BigInt(o.hi) << 32n) | BigInt(o.lo)
}
const u64 = fc.bigInt({ min: 0n, max: M64 })

describe("ice_ptp_extend_32b_ts", () => {
  it("equals the exact reference for any cached time and any 32-bit timestamp", () => {
    fc.assert(fc.property(u64, fc.integer({ min: 0, max: 0xffffffff }), (cached, in32) => run(cached, in32) === refExtend(cached, BigInt(in32))), {
      numRuns: 20000
    })
  })

  it("recovers the true time when it lies within [-2^31, 2^31) of the cache", () => {
    fc.assert(
      fc.property(u64, fc.bigInt({ min: -(1n << 31n), max: (1n << 31n) - 1n }), (cached, off) => {
        const t = (cached + off) & M64
        return run(cached, Number(t & 0xffffffffn)) === t
      }),
      { numRuns: 20000 }
    )
  })

  it("beyond ±2^31 it is off by a non-zero multiple of 2^32 (the stale-cache failure)", () => {
    const beyond = fc.oneof(fc.bigInt({ min: 1n << 31n, max: 1n << 40n }), fc.bigInt({ min: -(1n << 40n), max: -(1n << 31n) - 1n }))
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 41n, max: M64 - (1n << 41n) }), beyond, (cached, off) => {
        const t = cached + off
        const r = run(cached, Number(t & 0xffffffffn))
        const err = t - r
        return err !== 0n && err % (1n << 32n) === 0n
      }),
      { numRuns: 20000 }
    )
  })

  it("edge values: delta exactly 2^31 - 1 goes forward, 2^31 goes back; wrap of both halves", () => {
    expect(run(0x1_0000_0000n, 0x7fffffff)).toBe(0x1_7fff_ffffn)
    expect(run(0x1_0000_0000n, 0x80000000)).toBe(0x0_8000_0000n)
    expect(run(0xffff_ffff_ffff_fff0n, 0x10)).toBe(0x10n) // wraps past 2^64 as u64 arithmetic does
    expect(run(0x5n, 0xfffffff0)).toBe(M64 - 0xfn) // 5 - 0x15 = -16, wrapping below 0
  })
})

const tsProbe = (seen: Array<[number, number, number]>): XdpProgramSpec => ({
  name: "ts",
  kfuncs: ["rxTimestamp"],
  instantiate: ({ kfuncs: k }) => {
    const t = new RxTimestampOut()
    return (ctx) => {
      const rc = k.rxTimestamp(ctx, t)
      seen.push([rc, t.hi, t.lo])
      return XdpAction.DROP
    }
  }
})

const receiveWith = (overrides: Record<string, unknown>, frames: number) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ...overrides })
        const dev = (yield* bringUp(driver, cfg, { ifname: "ice0", ifindex: 9 })) as IceNetDevice
        const seen: Array<[number, number, number]> = []
        yield* attachXdp(dev, yield* loadBound(tsProbe(seen), dev, { mode: "dev-bound" }))
        const f = builtinCorpus()[1]!
        const truth: bigint[] = []
        for (let i = 0; i < frames; i++) {
          dev.hwReceive(f.bytes, 0, f.bytes.length)
          const p = new RxTimestampOut()
          dev.readPhc(p)
          truth.push((BigInt(p.hi) << 32n) | BigInt(p.lo))
          while (dev.napiPoll(0, 64) > 0) {}
        }
        return { seen: seen.map(([rc, hi, lo]) => [rc, (BigInt(hi) << 32n) | BigInt(lo)] as const), truth, dev }
      })
    )
  )

describe("the cached PHC time on the device", () => {
  it("with the periodic work running every 500 ms of PHC time, 1.5 s steps are extended exactly", async () => {
    const { seen, truth, dev } = await receiveWith({ phcTickNs: 1_500_000_000 }, 6)
    expect(seen.map(([rc, v]) => [rc, v])).toEqual(truth.map((t) => [0, t]))
    expect(dev.ptpState.lateCachedPhcUpdates).toBe(0)
  })

  it("a stalled worker: after 3 s the extension is exactly 2^32 ns early, as the real driver computes", async () => {
    const { seen, truth, dev } = await receiveWith({ phcTickNs: 3_000_000_000, phcCacheIntervalNs: "0" }, 1)
    const start = 1_700_000_000_000_000_000n
    expect(truth[0]).toBe(start + 3_000_000_000n)
    // cache = start; delta = 3e9 > 2^31 - 1, so the driver goes back by 2^32 - 3e9
    expect(seen[0]).toEqual([0, truth[0]! - (1n << 32n)])
    expect(seen[0]![1]).toBe(refExtend(start, truth[0]! & 0xffffffffn))
    expect(dev.ptpState.updates).toBe(1)
  })

  it("a late worker (3 s between runs) is counted as ice_ptp_update_cached_phctime warns", async () => {
    const { seen, truth, dev } = await receiveWith({ phcTickNs: 3_000_000_000 }, 2)
    // the work runs before the poll, after the frame was stamped: cache newer than the stamp
    expect(seen.map(([, v]) => v)).toEqual(truth)
    expect(dev.ptpState.lateCachedPhcUpdates).toBe(2)
  })

  it("no PTP: cached_phctime stays 0 and the hint gives -ENODATA", async () => {
    const { seen } = await receiveWith({ ptp: false }, 3)
    expect(seen.map(([rc]) => rc)).toEqual([-61, -61, -61])
  })
})
