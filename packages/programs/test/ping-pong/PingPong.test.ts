/**
 * The TX timestamping ping-pong on every NIC: each UDP/9091 packet comes back mirrored with a
 * checksum the hardware computed (verified here against the software value and an independent
 * sum), a TX completion timestamp equal to the PHC time the hardware model put the frame on the
 * wire, and the tool's output lines. sim and mlx5 go through xsk_tx_metadata; ice (no
 * xsk_tx_metadata_ops upstream) through the devtx kfuncs, its 40-bit PHY stamp extended with the
 * cached PHC. A driver with neither reports "No tx_timestamp" (tx_timestamp null), never the
 * request's own csum_start/csum_offset bytes read back through the completion union.
 */
import { type DriverPackage, txNotImplemented } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver } from "@devtx/drivers-sim"
import { PingPongSetupError, pingPongFrames, runPingPong } from "@devtx/programs"
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"

const drivers: ReadonlyArray<readonly [string, DriverPackage<unknown>, Record<string, unknown>, "xsk-tx-metadata" | "devtx"]> = [
  ["sim", driver as DriverPackage<unknown>, {}, "xsk-tx-metadata"],
  ["mlx5", mlx5Driver as DriverPackage<unknown>, {}, "xsk-tx-metadata"],
  ["ice", iceDriver as DriverPackage<unknown>, {}, "devtx"]
]

describe("ping-pong (xdp_hw_metadata TX side)", () => {
  it.each(drivers)("%s: mirrors, checksums, timestamps (= wire time) and prints every ping", async (name, drv, config, path) => {
    const frames = pingPongFrames(12)
    const res = await Effect.runPromise(runPingPong(drv, frames, config))
    expect(res.pings.length).toBe(12)
    res.pings.forEach((p, i) => {
      const inF = frames[i]!
      const w = p.wire
      expect(w.length).toBe(inF.length - (i % 3 === 2 ? 4 : 0))
      // MACs swapped
      expect([...w.slice(0, 6)]).toEqual([...inF.slice(6, 12)])
      expect([...w.slice(6, 12)]).toEqual([...inF.slice(0, 6)])
      // UDP checksum on the wire equals the software one and verifies independently
      // the NIC stripped the 802.1Q tag on RX (rx_vlan_tag reports it); the mirror goes out untagged
      const vlan = w.length === inF.length ? 4 * Number(((w[12]! << 8) | w[13]!) === 0x8100) : 0
      const v6 = i % 2 === 1
      const l3 = 14 + vlan
      const l4 = l3 + (v6 ? 40 : 20)
      expect((w[l4 + 6]! << 8) | w[l4 + 7]!).toBe(p.want)
      const alen = v6 ? 16 : 4
      const sa = l3 + (v6 ? 8 : 12)
      let s = 17 + ((w[l4 + 4]! << 8) | w[l4 + 5]!)
      for (let k = sa; k < sa + 2 * alen; k += 2) s += (w[k]! << 8) | w[k + 1]!
      const ulen = (w[l4 + 4]! << 8) | w[l4 + 5]!
      for (let k = l4; k < l4 + ulen; k += 2) s += (w[k]! << 8) | (k + 1 < l4 + ulen ? w[k + 1]! : 0)
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
      expect(s).toBe(0xffff)
      // ports swapped
      expect((w[l4]! << 8) | w[l4 + 1]!).toBe(9091)
      // the TX completion stamp = the PHC time the hardware model put the frame on the wire; after the RX time
      expect(p.txTimestamp, `${name} ping ${i}`).toBe(p.wireTime)
      if (p.rxTimestamp !== null) expect(p.wireTime > p.rxTimestamp).toBe(true)
    })
    if (path === "devtx") expect(res.lines[0]).toBe(`xsk0: ${name} has no xsk_tx_metadata_ops: TX timestamp and checksum requested through the devtx kfuncs`)
    const text = res.lines.join("\n")
    expect(text).toMatch(/xsk0: ping-pong with csum=[0-9a-f]{4} \(want [0-9a-f]{4}\) csum_start=(34|54) csum_offset=6/)
    expect(res.lines.filter((l) => l.startsWith("HW TX-complete-time:   ")).length).toBe(12)
    expect(res.lines.filter((l) => /^HW RX-time: {3}\d+ \(sec:\d+\.\d{4}\) delta to HW TX-complete-time sec:0\.0000 \(\d+\.\d{3} usec\)$/.test(l)).length).toBe(12)
    expect(res.lines.filter((l) => l.startsWith("xsk0: complete tx idx=")).length).toBe(12)
    if (name === "sim") expect(res.lines.filter((l) => l.startsWith("rx_vlan_proto: 0x8100")).length).toBe(4)
  })

  it("a driver with neither xsk_tx_metadata_ops nor devtx timestamp kfuncs: No tx_timestamp, tx_timestamp null", async () => {
    const res = await Effect.runPromise(runPingPong(iceDriver as DriverPackage<unknown>, pingPongFrames(4), { devtxOps: [] }))
    expect(res.pings.length).toBe(4)
    for (const p of res.pings) expect(p.txTimestamp).toBe(null)
    expect(res.lines[0]).toBe("xsk0: ice has no xsk_tx_metadata_ops and no devtx TX timestamp kfuncs: no TX timestamp or checksum offload")
    expect(res.lines.filter((l) => l === "No tx_timestamp").length).toBe(4)
  })
})

describe("ping-pong on a driver without a TX half", () => {
  it("fails with a PingPongSetupError naming the driver and what it lacks", async () => {
    const noTx: DriverPackage<unknown> = {
      ...(driver as DriverPackage<unknown>),
      name: "rxonly",
      createDevice: (c, o) => Object.assign((driver as DriverPackage<unknown>).createDevice(c, o), txNotImplemented())
    }
    const exit = await Effect.runPromiseExit(runPingPong(noTx, pingPongFrames(2)))
    expect(Exit.isFailure(exit)).toBe(true)
    const err = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
    expect(err).toBeInstanceOf(PingPongSetupError)
    expect((err as PingPongSetupError).message).toBe(
      "ping-pong on driver rxonly: AF_XDP zero-copy bind: the device has no TX queues (numTxQueues 0: its TX half is not built), and the ping-pong sends every ping back through an AF_XDP socket"
    )
  })
})
