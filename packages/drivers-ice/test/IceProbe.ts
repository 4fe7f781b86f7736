/**
 * Test harness: bring an ice device up with a configuration, attach a dev-bound probe calling
 * all four RX kfuncs, offer frames, poll, and return what the program and the stack saw.
 */
import {
  attachXdp,
  bringUp,
  decodeDriverConfig,
  type RxProbeRecord,
  rxKfuncProbe,
  XdpAction,
  type XdpProgramSpec
} from "@devtx/core"
import { driver } from "@devtx/drivers-ice"
import type { IceNetDevice } from "@devtx/drivers-ice/internals"
import { loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"

export interface Seen extends RxProbeRecord {
  skb?: { hash: number; hashType: number; vlanPresent: boolean; vlanProto: number; vlanTci: number; ipSummed: number; csum: number; csumLevel: number; tsHi: number; tsLo: number; bytes: number[] }
}

const probe = (seen: Seen[], verdict: number): XdpProgramSpec => rxKfuncProbe((r) => seen.push(r), verdict, "ice_probe")

export const runIce = (frames: ReadonlyArray<Uint8Array>, overrides: Record<string, unknown>, opts: { pollBetween?: boolean; verdict?: number } = {}) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ...overrides })
        const dev = (yield* bringUp(driver, cfg, { ifname: "ice0", ifindex: 4 })) as IceNetDevice
        const seen: Seen[] = []
        yield* attachXdp(dev, yield* loadBound(probe(seen, opts.verdict ?? XdpAction.PASS), dev, { mode: "dev-bound" }))
        dev.stack = (skb, mem) => {
          seen[seen.length - 1]!.skb = {
            hash: skb.hash,
            hashType: skb.hashType,
            vlanPresent: skb.vlanPresent,
            vlanProto: skb.vlanProto,
            vlanTci: skb.vlanTci,
            ipSummed: skb.ipSummed,
            csum: skb.csum,
            csumLevel: skb.csumLevel,
            tsHi: skb.hwtstampHi,
            tsLo: skb.hwtstampLo,
            bytes: [...mem.subarray(skb.dataAddr, skb.dataAddr + skb.len)]
          }
        }
        const rc: number[] = []
        const poll = () => {
          for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        }
        for (const f of frames) {
          rc.push(dev.hwReceive(f, 0, f.length))
          if (opts.pollBetween !== false) poll()
        }
        poll()
        return { seen, rc, dev }
      })
    )
  )
