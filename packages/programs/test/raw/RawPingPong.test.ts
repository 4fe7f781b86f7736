/**
 * The raw ping-pong (RX through the raw hw-metadata program, TX through raw devtx descriptor
 * writes instead of AF_XDP TX metadata) against the kfunc/xsk_tx_metadata ping-pong: the same
 * frames leave with the same bytes (checksums), at the same PHC times, with the same TX and RX
 * hardware timestamps — on sim and on mlx5 (both clock formats).
 */
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { pingPongFrames, runPingPong, runRawPingPong } from "@devtx/programs"
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
        expect(p.txTimestamp > p.rxTimestamp).toBe(true)
      }
      expect(r.lines.filter((l) => l.startsWith("HW TX-complete-time")).length).toBe(12)
    })
})
