/**
 * The TX timestamping ping-pong on the reference NIC: each UDP/9091 packet comes back mirrored
 * with a checksum the hardware computed from the seeded pseudo-header sum (verified here against
 * the software value and an independent sum), a tx_timestamp equal to the PHC time it left, and
 * the tool's output lines.
 */
import { driver } from "@devtx/drivers-sim"
import { pingPongFrames, runPingPong } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

describe("ping-pong (xdp_hw_metadata TX side)", () => {
  it("mirrors, checksums, timestamps and prints every ping", async () => {
    const frames = pingPongFrames(12)
    const res = await Effect.runPromise(runPingPong(driver, frames))
    expect(res.pings.length).toBe(12)
    res.pings.forEach((p, i) => {
      const inF = frames[i]!
      const w = p.wire
      expect(w.length).toBe(inF.length - (i % 3 === 2 ? 4 : 0))
      // MACs swapped
      expect([...w.slice(0, 6)]).toEqual([...inF.slice(6, 12)])
      expect([...w.slice(6, 12)]).toEqual([...inF.slice(0, 6)])
      // UDP checksum on the wire equals the software one and verifies independently
      const vlan = 0 // the NIC stripped the 802.1Q tag on RX (rx_vlan_tag reports it); the mirror goes out untagged
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
      // tx_timestamp written back = PHC time the frame left; after the RX time
      expect(p.txTimestamp).toBe(p.wireTime)
      expect(p.txTimestamp > p.rxTimestamp).toBe(true)
    })
    const text = res.lines.join("\n")
    expect(text).toMatch(/xsk0: ping-pong with csum=[0-9a-f]{4} \(want [0-9a-f]{4}\) csum_start=(34|54) csum_offset=6/)
    expect(res.lines.filter((l) => l.startsWith("HW TX-complete-time:   ")).length).toBe(12)
    expect(res.lines.filter((l) => /^HW RX-time: {3}\d+ \(sec:\d+\.\d{4}\) delta to HW TX-complete-time sec:0\.0000 \(\d+\.\d{3} usec\)$/.test(l)).length).toBe(12)
    expect(res.lines.filter((l) => l.startsWith("xsk0: complete tx idx=")).length).toBe(12)
    expect(res.lines.filter((l) => l.startsWith("rx_vlan_proto: 0x8100")).length).toBe(4)
  })
})
