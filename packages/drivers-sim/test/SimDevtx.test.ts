/**
 * devtx on the reference NIC: programs at the four hook points run for AF_XDP (xdp) and skb
 * submissions; submit-side kfuncs change what the hardware does (timestamp, checksum), the
 * completion-side kfunc reads the completion entry; the load rules (device-bound, hook side) hold.
 */
import {
  attachDevtx,
  builtinCorpus,
  decodeDriverConfig,
  DevtxPoint,
  type DevtxProgramSpec,
  Errno,
  loadDevtxProgram,
  makeXskSocket,
  registerUmem,
  RxTimestampOut,
  TxSkb,
  xskTxProduce
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { createSimDevice, type SimConfig } from "@devtx/drivers-sim/internals"
import { loadBoundDevtx } from "@devtx/kfuncs"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"

const dev = (o: Partial<SimConfig> = {}) =>
  createSimDevice(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, ...o })), { ifname: "sim0", ifindex: 3 })

const udp = builtinCorpus().find((f) => f.truth.l4 === "udp" && f.truth.fragment === "none" && f.truth.vlans.length === 0 && f.truth.l3 === "ipv4" && !f.truth.isRunt)!

const submitProg = (results: number[], point: DevtxPoint = DevtxPoint.SUBMIT_XDP): DevtxProgramSpec => ({
  name: "devtx_submit",
  point,
  kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum"],
  instantiate: ({ kfuncs }) => (ctx) => {
    results.push(kfuncs.requestTxTimestamp(ctx))
    results.push(kfuncs.requestL4Checksum(ctx, udp.truth.l4Offset, 6))
  }
})

const completeProg = (stamps: Array<[number, bigint]>, point: DevtxPoint = DevtxPoint.COMPLETE_XDP): DevtxProgramSpec => ({
  name: "devtx_complete",
  point,
  kfuncs: ["bpf_devtx_tx_timestamp"],
  instantiate: ({ kfuncs }) => {
    const out = new RxTimestampOut()
    return (ctx) => {
      const rc = kfuncs.txTimestamp(ctx, out)
      stamps.push([rc, rc === 0 ? (BigInt(out.hi) << 32n) | BigInt(out.lo) : 0n])
    }
  }
})

describe("devtx hooks and kfuncs on the reference NIC", () => {
  it("xdp path (AF_XDP zero-copy): submit requests timestamp + checksum, complete reads the timestamp", async () => {
    for (const mode of ["dev-bound", "generic"] as const) {
      const d = dev()
      const subs: number[] = []
      const stamps: Array<[number, bigint]> = []
      await Effect.runPromise(Effect.flatMap(loadBoundDevtx(submitProg(subs), d, mode), (p) => attachDevtx(d, p)))
      await Effect.runPromise(Effect.flatMap(loadBoundDevtx(completeProg(stamps), d, mode), (p) => attachDevtx(d, p)))
      const u = registerUmem({ len: 8 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in u)) throw u
      const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
      if (s instanceof RangeError) throw s
      expect(d.xskBindZeroCopy(s)).toBe(0)
      u.area.bytes.set(udp.bytes, 0)
      // the app seeds the UDP checksum with the folded pseudo-header sum (as for CHECKSUM_PARTIAL)
      const b = u.area.bytes
      const t = udp.truth
      let sum = 0
      for (let i = 0; i < 8; i += 2) sum += (b[t.l3Offset + 12 + i]! << 8) | b[t.l3Offset + 13 + i]!
      sum += 17 + (t.ipTotalLen - t.l3HeaderLen)
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
      u.area.view.setUint16(t.l4Offset + 6, sum, false)
      xskTxProduce(s, 0, udp.bytes.length, 0)
      const wire: Array<{ bytes: Uint8Array; ts: bigint }> = []
      d.wire = (m, o, l, hi, lo) => wire.push({ bytes: m.slice(o, o + l), ts: (BigInt(hi) << 32n) | BigInt(lo) })
      d.xskWakeupTx(0, 8)
      d.hwTransmit(0, 8)
      d.napiPollTx(0, 8)
      expect(subs).toEqual([0, 0])
      expect(stamps).toEqual([[0, wire[0]!.ts]])
      // the checksum the hardware wrote verifies
      const w = wire[0]!.bytes
      let v = 0
      for (let i = 0; i < 8; i += 2) v += (w[t.l3Offset + 12 + i]! << 8) | w[t.l3Offset + 13 + i]!
      v += 17 + (t.ipTotalLen - t.l3HeaderLen)
      for (let i = t.l4Offset; i < t.l3Offset + t.ipTotalLen; i += 2) v += (w[i]! << 8) | (i + 1 < t.l3Offset + t.ipTotalLen ? w[i + 1]! : 0)
      while (v > 0xffff) v = (v & 0xffff) + (v >>> 16)
      expect(v).toBe(0xffff)
    }
  })

  it("skb path: the skb hooks run; without a timestamp request the completion kfunc gives -ENODATA", async () => {
    const d = dev()
    const subs: number[] = []
    const stamps: Array<[number, bigint]> = []
    const onlyCsum: DevtxProgramSpec = {
      name: "csum_only",
      point: DevtxPoint.SUBMIT_SKB,
      kfuncs: ["bpf_devtx_request_l4_csum"],
      instantiate: ({ kfuncs }) => (ctx) => {
        subs.push(kfuncs.requestL4Checksum(ctx, ctx.len, 0))
      }
    }
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(onlyCsum, d, "dev-bound"), (p) => attachDevtx(d, p)))
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(completeProg(stamps, DevtxPoint.COMPLETE_SKB), d, "dev-bound"), (p) => attachDevtx(d, p)))
    const skb = new TxSkb()
    skb.mem = udp.bytes.slice()
    skb.len = udp.bytes.length
    expect(d.xmitSkb(0, skb)).toBe(0)
    d.hwTransmit(0, 8)
    d.napiPollTx(0, 8)
    expect(subs).toEqual([-Errno.EINVAL]) // csum field past the frame
    expect(stamps).toEqual([[-Errno.ENODATA, 0n]])
  })

  it("a devtx op the driver lacks resolves to -EOPNOTSUPP", async () => {
    const d = dev({ devtxOps: ["timestamp"] })
    const subs: number[] = []
    const loaded = await Effect.runPromise(loadBoundDevtx(submitProg(subs, DevtxPoint.SUBMIT_SKB), d, "dev-bound"))
    expect(loaded.resolution).toEqual({ bpf_devtx_request_tx_timestamp: "default:-EOPNOTSUPP", bpf_devtx_request_l4_csum: "default:-EOPNOTSUPP" })
    await Effect.runPromise(attachDevtx(d, loaded))
    const skb = new TxSkb()
    skb.mem = udp.bytes.slice()
    skb.len = udp.bytes.length
    d.xmitSkb(0, skb)
    expect(subs).toEqual([-Errno.EOPNOTSUPP, -Errno.EOPNOTSUPP])
  })

  it("load rules: not device-bound fails with the kernel's reason; a completion kfunc at submit is not allowed", async () => {
    const notBound = await Effect.runPromiseExit(loadDevtxProgram(submitProg([])))
    expect(notBound).toMatchObject(Exit.fail({ _tag: "ProgramLoadError", errno: -Errno.EINVAL, reason: "metadata kfuncs require device-bound program" }))
    const d = dev()
    const wrongSide: DevtxProgramSpec = { ...completeProg([]), point: DevtxPoint.SUBMIT_XDP }
    const bad = await Effect.runPromiseExit(loadBoundDevtx(wrongSide, d, "dev-bound"))
    expect(bad).toMatchObject(Exit.fail({ _tag: "ProgramLoadError", errno: -Errno.EACCES, reason: "calling kernel function bpf_devtx_tx_timestamp is not allowed" }))
    const other = dev()
    const loaded = await Effect.runPromise(loadBoundDevtx(submitProg([]), d, "dev-bound"))
    const attach = await Effect.runPromiseExit(attachDevtx({ ...other, ifindex: 9 }, loaded))
    expect(attach).toMatchObject(Exit.fail({ _tag: "ProgramAttachError", reason: "Program bound to different device" }))
  })
})
