/**
 * Program load/attach rules (kfunc series v8; net/core/dev.c): metadata kfuncs need a
 * device-bound program ("metadata kfuncs require device-bound program", -EINVAL); dev-bound load
 * resolves each kfunc once to the driver's op, or to the -EOPNOTSUPP default; a dev-bound program
 * attaches only to its device.
 */
import {
  attachXdp,
  BPF_F_XDP_DEV_BOUND_ONLY,
  Errno,
  loadXdpProgram,
  makeFrameArea,
  type NetDevice,
  RxHashOut,
  RxStats,
  RxTimestampOut,
  XdpAction,
  XdpBuff,
  type XdpMetadataOps,
  type XdpProgramSpec,
  txNotImplemented,
  xdpRxMetadataFeaturesOf
} from "@devtx/core"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"

const device = (ifindex: number, ops: XdpMetadataOps): NetDevice => ({
  driver: "fake",
  ifname: `fake${ifindex}`,
  ifindex,
  numRxQueues: 1,
  xdpMetadataOps: ops,
  xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
  xskFeatures: 0,
  rxStats: new RxStats(),
  xdpProg: undefined,
  stack: () => {},
  hwReceive: () => 0,
  napiPoll: () => 0,
  rxPending: () => 0,
  readPhc: () => {},
  ...txNotImplemented()
})

const hashOnly: XdpMetadataOps = {
  xmoRxHash: (_ctx, out) => {
    out.hash = 0xdeadbeef
    out.rssType = 25
    return 0
  }
}

/** A program that records what its kfuncs return. */
const probe = (results: number[], kfuncs: string[] = ["bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_timestamp"]): XdpProgramSpec => ({
  name: "probe",
  kfuncs,
  instantiate: ({ kfuncs: k }) => {
    const h = new RxHashOut()
    const t = new RxTimestampOut()
    return (ctx) => {
      results.push(k.rxHash(ctx, h), h.hash, k.rxTimestamp(ctx, t))
      return XdpAction.PASS
    }
  }
})

const ctx = () => new XdpBuff(makeFrameArea({ frameCount: 1 }), { ifindex: 3, queueIndex: 0 })

describe("loadXdpProgram", () => {
  it("refuses metadata kfuncs in a program that is not device-bound, with the kernel's reason", async () => {
    const exit = await Effect.runPromiseExit(loadXdpProgram(probe([])))
    expect(exit).toMatchObject(
      Exit.fail({ _tag: "ProgramLoadError", errno: -Errno.EINVAL, reason: "metadata kfuncs require device-bound program" })
    )
  })

  it("refuses prog_ifindex without BPF_F_XDP_DEV_BOUND_ONLY (offload) for metadata kfuncs", async () => {
    const exit = await Effect.runPromiseExit(loadXdpProgram(probe([]), { ifindex: 3, devices: [device(3, hashOnly)] }))
    expect(exit).toMatchObject(Exit.fail({ _tag: "ProgramLoadError", reason: "metadata kfuncs can't be offloaded" }))
  })

  it("refuses an ifindex with no device", async () => {
    const exit = await Effect.runPromiseExit(loadXdpProgram(probe([]), { ifindex: 9, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [] }))
    expect(exit).toMatchObject(Exit.fail({ _tag: "ProgramLoadError", errno: -Errno.EINVAL }))
  })

  it("refuses a kfunc that is not in the metadata table", async () => {
    const exit = await Effect.runPromiseExit(loadXdpProgram(probe([], ["bpf_xdp_store_rx_hash"])))
    expect(exit).toMatchObject(Exit.fail({ _tag: "ProgramLoadError", reason: "calling kernel function bpf_xdp_store_rx_hash is not allowed" }))
  })

  it("loads a program without metadata kfuncs unbound", async () => {
    const loaded = await Effect.runPromise(loadXdpProgram({ name: "pass", kfuncs: [], instantiate: () => () => XdpAction.PASS }))
    expect(loaded.boundIfindex).toBe(0)
  })

  it("dev-bound: resolves once to the driver op; a missing op resolves to -EOPNOTSUPP", async () => {
    const results: number[] = []
    const dev = device(3, hashOnly)
    const loaded = await Effect.runPromise(
      loadXdpProgram(probe(results), { ifindex: 3, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [dev] })
    )
    expect(loaded.resolution).toEqual({
      bpf_xdp_metadata_rx_hash: "fake:xmo_rx_hash",
      bpf_xdp_metadata_rx_timestamp: "default:-EOPNOTSUPP"
    })
    expect(loaded.run(ctx())).toBe(XdpAction.PASS)
    expect(results).toEqual([0, 0xdeadbeef, -Errno.EOPNOTSUPP])
  })

  it("attach: only to the device the program is bound to", async () => {
    const a = device(3, hashOnly)
    const b = device(4, hashOnly)
    const loaded = await Effect.runPromise(
      loadXdpProgram(probe([]), { ifindex: 3, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [a, b] })
    )
    const bad = await Effect.runPromiseExit(attachXdp(b, loaded))
    expect(bad).toMatchObject(Exit.fail({ _tag: "ProgramAttachError", reason: "Program bound to different device", errno: -Errno.EINVAL }))
    expect(b.xdpProg).toBeUndefined()
    await Effect.runPromise(attachXdp(a, loaded))
    expect(a.xdpProg).toBe(loaded)
  })
})
