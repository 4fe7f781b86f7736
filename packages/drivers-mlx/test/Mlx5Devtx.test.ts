/**
 * devtx on mlx5: programs at the four hook points run at the driver's call sites for AF_XDP (xdp)
 * and skb submissions; the submit-side checksum kfunc sets the eth segment's L3|L4 cs_flags (the
 * wire bytes then verify, checked by a plain sum loop), the timestamp request needs nothing (a
 * send CQE always has one), the completion kfunc reads the send CQE of the packet's batch, and
 * launch time is -EOPNOTSUPP (mlx5 has none). The raw design sees the eth segment at desc and
 * the CQE at compl.
 */
import {
  attachDevtx,
  builtinCorpus,
  decodeDriverConfig,
  DevtxPoint,
  type DevtxProgramSpec,
  Errno,
  makeXskSocket,
  registerUmem,
  RxTimestampOut,
  TxSkb,
  xskTxProduce
} from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import { createMlx5Device, Cqe64, type Mlx5Config, WqeEth } from "@devtx/drivers-mlx/internals"
import { loadBoundDevtx } from "@devtx/kfuncs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const dev = (o: Partial<Mlx5Config> = {}) =>
  createMlx5Device(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, txRingSize: 64, ...o })), {
    ifname: "mlx0",
    ifindex: 3
  })

const udp = builtinCorpus().find((f) => f.truth.l4 === "udp" && f.truth.fragment === "none" && f.truth.vlans.length === 0 && f.truth.l3 === "ipv4" && !f.truth.isRunt)!

const submitProg = (results: number[], csFlags: number[], point: DevtxPoint = DevtxPoint.SUBMIT_XDP): DevtxProgramSpec => ({
  name: "devtx_submit",
  point,
  kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum", "bpf_devtx_request_launch_time"],
  instantiate: ({ kfuncs }) => (ctx) => {
    results.push(kfuncs.requestTxTimestamp(ctx))
    results.push(kfuncs.requestL4Checksum(ctx, udp.truth.l4Offset, 6))
    results.push(kfuncs.requestLaunchTime(ctx, 0, 1))
    csFlags.push(ctx.desc.getUint8(ctx.descOff + WqeEth.CS_FLAGS)) // raw: the eth segment
  }
})

const completeProg = (stamps: Array<[number, bigint, number]>, point: DevtxPoint = DevtxPoint.COMPLETE_XDP): DevtxProgramSpec => ({
  name: "devtx_complete",
  point,
  kfuncs: ["bpf_devtx_tx_timestamp"],
  instantiate: ({ kfuncs }) => {
    const out = new RxTimestampOut()
    return (ctx) => {
      const rc = kfuncs.txTimestamp(ctx, out)
      // raw: the send CQE's opcode (op_own bits 7:4) is MLX5_CQE_REQ
      stamps.push([rc, rc === 0 ? (BigInt(out.hi) << 32n) | BigInt(out.lo) : 0n, ctx.compl.getUint8(ctx.complOff + Cqe64.OP_OWN) >> 4])
    }
  }
})

const udpOk = (w: Uint8Array): boolean => {
  const t = udp.truth
  let v = 0
  for (let i = 0; i < 8; i += 2) v += (w[t.l3Offset + 12 + i]! << 8) | w[t.l3Offset + 13 + i]!
  v += 17 + (t.ipTotalLen - t.l3HeaderLen)
  const end = t.l3Offset + t.ipTotalLen
  for (let i = t.l4Offset; i < end; i += 2) v += (w[i]! << 8) | (i + 1 < end ? w[i + 1]! : 0)
  while (v > 0xffff) v = (v & 0xffff) + (v >>> 16)
  return v === 0xffff
}

describe("devtx hooks and kfuncs on mlx5", () => {
  it("xdp path (AF_XDP zero-copy): submit requests timestamp + checksum, complete reads the send CQE's stamp", async () => {
    for (const mode of ["dev-bound", "generic"] as const) {
      const d = dev()
      const subs: number[] = []
      const cs: number[] = []
      const stamps: Array<[number, bigint, number]> = []
      const loaded = await Effect.runPromise(loadBoundDevtx(submitProg(subs, cs), d, mode))
      await Effect.runPromise(attachDevtx(d, loaded))
      await Effect.runPromise(Effect.flatMap(loadBoundDevtx(completeProg(stamps), d, mode), (p) => attachDevtx(d, p)))
      const u = registerUmem({ len: 8 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in u)) throw u
      const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
      if (s instanceof RangeError) throw s
      expect(d.xskBindZeroCopy(s)).toBe(0)
      u.area.bytes.set(udp.bytes, 0)
      u.area.view.setUint16(udp.truth.l4Offset + 6, 0x5555, false) // garbage: the NIC computes it
      xskTxProduce(s, 0, udp.bytes.length, 0)
      xskTxProduce(s, 4096, 60, 0) // second packet of the same doorbell batch
      u.area.bytes.set(udp.bytes.subarray(0, 60), 4096)
      const wire: Array<{ bytes: Uint8Array; ts: bigint }> = []
      d.wire = (m, o, l, hi, lo) => wire.push({ bytes: m.slice(o, o + l), ts: (BigInt(hi) << 32n) | BigInt(lo) })
      expect(d.xskWakeupTx(0, 8)).toBe(2)
      d.hwTransmit(0, 8)
      expect(d.napiPollTx(0, 8)).toBe(2)
      expect(subs).toEqual([0, 0, -Errno.EOPNOTSUPP, 0, 0, -Errno.EOPNOTSUPP])
      expect(cs).toEqual([0xc0, 0xc0])
      // one CQE for the batch: both completions read the stamp of the LAST frame
      expect(stamps).toEqual([
        [0, wire[1]!.ts, 0],
        [0, wire[1]!.ts, 0]
      ])
      expect(udpOk(wire[0]!.bytes)).toBe(true)
      expect(loaded.resolution).toMatchObject({ bpf_devtx_request_launch_time: "default:-EOPNOTSUPP" })
    }
  })

  it("skb path: the skb hooks run at submit and completion", async () => {
    const d = dev()
    const subs: number[] = []
    const cs: number[] = []
    const stamps: Array<[number, bigint, number]> = []
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(submitProg(subs, cs, DevtxPoint.SUBMIT_SKB), d, "dev-bound"), (p) => attachDevtx(d, p)))
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(completeProg(stamps, DevtxPoint.COMPLETE_SKB), d, "dev-bound"), (p) => attachDevtx(d, p)))
    const wire: bigint[] = []
    d.wire = (_m, _o, _l, hi, lo) => wire.push((BigInt(hi) << 32n) | BigInt(lo))
    const skb = new TxSkb()
    skb.mem = udp.bytes.slice()
    skb.len = udp.bytes.length
    expect(d.xmitSkb(0, skb)).toBe(0)
    d.hwTransmit(0, 8)
    expect(d.napiPollTx(0, 8)).toBe(1)
    expect(subs).toEqual([0, 0, -Errno.EOPNOTSUPP])
    expect(stamps).toEqual([[0, wire[0]!, 0]])
  })
})
