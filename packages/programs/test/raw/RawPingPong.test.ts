/**
 * The raw ping-pong (RX through the raw hw-metadata program, TX through raw devtx descriptor
 * writes instead of AF_XDP TX metadata) against the kfunc/xsk_tx_metadata ping-pong: the same
 * frames leave with the same bytes (checksums), at the same PHC times, with the same TX and RX
 * hardware timestamps — on sim and on mlx5 (both clock formats). On ice the raw ping-pong offloads
 * the checksum through its descriptor writes (IceRawDevtx.ts) and has no TX timestamp (the raw
 * design cannot request or read one there: -EOPNOTSUPP, with the documented reason).
 */
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { ICE_RAW_TX_TS_REQUEST_UNAVAILABLE, pingPongFrames, runPingPong, runRawPingPong } from "@devtx/programs"
import type { DriverPackage } from "@devtx/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

describe("raw ping-pong == kfunc ping-pong", () => {
  for (const [name, driver, config] of [
    ["sim", simDriver, {}],
    ["mlx5 real-time", mlx5Driver, {}],
    ["mlx5 free-running", mlx5Driver, { tsFormat: "free-running", deviceFrequencyKhz: 156250 }]
  ] as const)
    it(name, async () => {
      const frames = pingPongFrames(12)
      const d = driver as DriverPackage<unknown>
      const k = await Effect.runPromise(runPingPong(d, frames, config))
      const r = await Effect.runPromise(runRawPingPong(d, frames, config))
      expect(r.pings.length).toBe(12)
      expect(r.pings.map((p) => ({ ...p, wire: [...p.wire] }))).toEqual(k.pings.map((p) => ({ ...p, wire: [...p.wire] })))
      for (const p of r.pings) {
        // the mirrored UDP checksum on the wire is the software one; TX stamp = the PHC time it left
        const w = p.wire
        const l4 = 14 + (((w[12]! << 8) | w[13]!) === 0x86dd ? 40 : 20)
        expect((w[l4 + 6]! << 8) | w[l4 + 7]!).toBe(p.want)
        expect(p.txTimestamp).toBe(p.wireTime)
        expect(p.rxTimestamp).not.toBe(null)
        expect(p.wireTime > p.rxTimestamp!).toBe(true)
      }
      expect(r.lines.filter((l) => l.startsWith("HW TX-complete-time")).length).toBe(12)
    })
})

describe("ice raw ping-pong: checksum offload through raw descriptor writes, no TX timestamp", () => {
  it("mirrored frames carry valid UDP checksums; every completion says -EOPNOTSUPP", async () => {
    const frames = pingPongFrames(12)
    const r = await Effect.runPromise(runRawPingPong(iceDriver as DriverPackage<unknown>, frames, {}))
    expect(r.pings.length).toBe(12)
    for (const p of r.pings) {
      const w = p.wire
      let l3 = 12
      while (((w[l3]! << 8) | w[l3 + 1]!) === 0x8100 || ((w[l3]! << 8) | w[l3 + 1]!) === 0x88a8) l3 += 4
      const v6 = ((w[l3]! << 8) | w[l3 + 1]!) === 0x86dd
      l3 += 2
      const l4 = l3 + (v6 ? 40 : (w[l3]! & 0x0f) * 4)
      // independent check: pseudo-header + UDP segment sums to 0xffff
      const udpLen = (w[l4 + 4]! << 8) | w[l4 + 5]!
      const sa = l3 + (v6 ? 8 : 12)
      let s = 17 + udpLen
      for (let i = sa; i < sa + (v6 ? 32 : 8); i += 2) s += (w[i]! << 8) | w[i + 1]!
      for (let i = l4; i < l4 + udpLen; i += 2) s += (w[i]! << 8) | (i + 1 < l4 + udpLen ? w[i + 1]! : 0)
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
      expect(s).toBe(0xffff)
      expect((w[l4 + 6]! << 8) | w[l4 + 7]!).toBe(p.want)
      expect(p.txTimestamp).toBe(null)
    }
    expect(r.lines.filter((l) => l === "No tx_timestamp (raw completion: -95)").length).toBe(12)
    expect(r.lines.filter((l) => l.startsWith("HW TX-complete-time")).length).toBe(0)
    expect(ICE_RAW_TX_TS_REQUEST_UNAVAILABLE).toContain("context descriptor")
  })
})
