/**
 * ice TX timestamps: the 40-bit extension against an exact BigInt reference; skb timestamps
 * through the context descriptor (TSYN + index), PHY memory and the tracker, equal to the
 * departure time; index allocation, exhaustion (tx_hwtstamp_skipped), the 2 s timeout and the
 * stale-cache discard; E830's ready bitmap; and the DEVTX-ONLY kfuncs reading PHY memory by index
 * while the raw design's completion (the DD write-back descriptor) carries no timestamp.
 */
import { attachDevtx, builtinCorpus, DevtxPoint, type DevtxProgramSpec, Errno, makeXskSocket, NetdevTx, registerUmem, RxTimestampOut, xskTxProduce } from "@devtx/core"
import { ICE_INDEX_PER_PORT, ICE_TX_DESC_SIZE, iceCtxDescTsynIndex, iceExtend40bTs, IceTxCmd, IceTxCtxCmd, IceTxDescOff, IceTxDtype, iceTxCmd, iceTxCtxCmd, iceTxDtype, U64Halves } from "@devtx/drivers-ice/internals"
import { loadBoundDevtx } from "@devtx/kfuncs"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { captureWire, drain, iceDevice, l4ChecksumOk, newSkb, pseudoSum, stageSkb } from "./IceTxSupport.js"

const M32 = 0xffffffffn
const M64 = (1n << 64n) - 1n
/** ice_ptp_extend_40b_ts / _32b_ts, written from the kernel's C with u32/u64 wrap-around, in BigInt */
const refExtend40 = (cached: bigint, raw40: bigint): bigint => {
  const in32 = (raw40 >> 8n) & M32
  const lo = cached & M32
  const delta = (in32 - lo) & M32
  if (delta > 0x7fffffffn) return (cached - ((lo - in32) & M32)) & M64
  return (cached + delta) & M64
}

describe("ice_ptp_extend_40b_ts", () => {
  it("equals the BigInt reference for random cached PHC times and raw 40-bit values (valid and sub-ns bits included)", () => {
    const out = new U64Halves()
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), (cached, raw) => {
        iceExtend40bTs(Number(cached >> 32n), Number(cached & M32), Number(raw >> 32n), Number(raw & M32), out)
        expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(refExtend40(cached, raw))
      }),
      { numRuns: 5000, seed: 40 }
    )
  })
  it("recovers a departure time within ±2^31 ns of the cache, whatever the 7 sub-ns bits and the valid bit say", () => {
    const out = new U64Halves()
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n << 33n, max: M64 - (1n << 33n) }),
        fc.bigInt({ min: -(1n << 31n), max: (1n << 31n) - 1n }),
        fc.integer({ min: 0, max: 255 }),
        (cached, off, low8) => {
          const t = cached + off
          const raw = ((t & M32) << 8n) | BigInt(low8)
          iceExtend40bTs(Number(cached >> 32n), Number(cached & M32), Number(raw >> 32n), Number(raw & M32), out)
          expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(t)
        }
      ),
      { numRuns: 3000, seed: 41 }
    )
  })
})

const frame = builtinCorpus().find((f) => f.truth.l4 === "udp" && f.truth.l3 === "ipv4" && f.truth.vlans.length === 0 && !f.truth.isRunt && f.truth.fragment === "none")!

describe("skb TX timestamps (SKBTX_HW_TSTAMP)", () => {
  for (const mac of ["e810", "e830"] as const) {
    it(`${mac}: context descriptor DTYPE 1 + TSYN + index; PHY entry = ns << 8 | valid; completion = departure time`, () => {
      const dev = iceDevice({ mac })
      const sent = captureWire(dev)
      const done: Array<[number, bigint]> = []
      dev.skbCompletion = (c, hi, lo) => done.push([c, (BigInt(hi) << 32n) | BigInt(lo)])
      const mem = new Uint8Array(8 * 4096)
      for (let i = 0; i < 6; i++) expect(dev.xmitSkb(0, stageSkb(newSkb(), mem, i * 4096, frame, i, { tstamp: i % 2 === 0 }))).toBe(NetdevTx.OK)
      const v = dev.txRings[0]!.ring.view
      // slots: [ctx, data] [data] [ctx, data] [data] [ctx, data] [data]
      const layout = [IceTxDtype.CTX, IceTxDtype.DATA, IceTxDtype.DATA, IceTxDtype.CTX, IceTxDtype.DATA, IceTxDtype.DATA, IceTxDtype.CTX, IceTxDtype.DATA, IceTxDtype.DATA]
      expect(layout.map((_, i) => iceTxDtype(v, i * ICE_TX_DESC_SIZE))).toEqual(layout)
      expect([0, 3, 6].map((s) => iceTxCtxCmd(v, s * ICE_TX_DESC_SIZE))).toEqual([IceTxCtxCmd.TSYN, IceTxCtxCmd.TSYN, IceTxCtxCmd.TSYN])
      // the lowest free indexes, in order, at qw1 bits 47:30
      expect([0, 3, 6].map((s) => iceCtxDescTsynIndex(v, s * ICE_TX_DESC_SIZE))).toEqual([0, 1, 2])
      const q1 = v.getBigUint64(3 * ICE_TX_DESC_SIZE + IceTxDescOff.QW1_LO, true)
      expect(q1).toBe(0x1n | (0x2n << 4n) | (1n << 30n))
      expect(dev.ptpTx.inUseCount()).toBe(3)
      drain(dev)
      expect(sent.length).toBe(6)
      expect(done).toEqual(sent.map((s, i) => [i, i % 2 === 0 ? s.ts : 0n]))
      // the PHY entry of index 1 (third frame): {ns[31:0], sub-ns 0, valid}
      const ns = Number(sent[2]!.ts & M32)
      expect([dev.phyTs.hi8[1], dev.phyTs.lo32[1]]).toEqual([ns >>> 24, ((ns << 8) | 1) >>> 0])
      expect(dev.ptpTx.inUseCount()).toBe(0)
      // DD write-back on every skb's data descriptor (RS on each), none on the context descriptors
      expect(layout.map((_, i) => iceTxDtype(v, i * ICE_TX_DESC_SIZE))).toEqual(layout.map((t) => (t === IceTxDtype.DATA ? IceTxDtype.DESC_DONE : t)))
    })
  }

  it("64 indexes: the 65th request is skipped (tx_hwtstamp_skipped), sent without a context descriptor, and gets no timestamp", () => {
    const dev = iceDevice({ txRingSize: 256 })
    const sent = captureWire(dev)
    const done: bigint[] = []
    dev.skbCompletion = (_c, hi, lo) => done.push((BigInt(hi) << 32n) | BigInt(lo))
    const mem = new Uint8Array(4096)
    for (let i = 0; i < ICE_INDEX_PER_PORT + 2; i++) expect(dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, i, { tstamp: true }))).toBe(NetdevTx.OK)
    expect(dev.ptpState.txHwtstampSkipped).toBe(2)
    expect(dev.ptpTx.inUseCount()).toBe(ICE_INDEX_PER_PORT)
    expect(dev.txRings[0]!.ntu).toBe(2 * ICE_INDEX_PER_PORT + 2)
    drain(dev)
    expect(done.slice(0, ICE_INDEX_PER_PORT)).toEqual(sent.slice(0, ICE_INDEX_PER_PORT).map((s) => s.ts))
    expect(done.slice(ICE_INDEX_PER_PORT)).toEqual([0n, 0n])
    // freed indexes are handed out again, lowest first
    dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, 99, { tstamp: true }))
    expect(iceCtxDescTsynIndex(dev.txRings[0]!.ring.view, (dev.txRings[0]!.ntu - 2) % 256 * ICE_TX_DESC_SIZE)).toBe(0)
  })

  it("a request waiting more than 2 s is dropped (tx_hwtstamp_timeouts) and its index freed", () => {
    const dev = iceDevice()
    captureWire(dev)
    const done: bigint[] = []
    dev.skbCompletion = (_c, hi, lo) => done.push((BigInt(hi) << 32n) | BigInt(lo))
    const mem = new Uint8Array(4096)
    dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, 1, { tstamp: true }))
    dev.phc.advance(2_100_000_000)
    dev.napiPollTx(0, 64)
    expect(dev.ptpState.txHwtstampTimeouts).toBe(1)
    expect(dev.ptpTx.inUseCount()).toBe(0)
    drain(dev)
    expect(done).toEqual([0n])
  })

  it("a cached PHC time older than 2 s (stalled periodic work): the timestamp is discarded (tx_hwtstamp_discarded)", () => {
    const dev = iceDevice({ phcCacheIntervalNs: "0" })
    captureWire(dev)
    const done: bigint[] = []
    dev.skbCompletion = (_c, hi, lo) => done.push((BigInt(hi) << 32n) | BigInt(lo))
    const mem = new Uint8Array(4096)
    dev.phc.advance(2_500_000_000)
    dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, 1, { tstamp: true }))
    drain(dev)
    expect(dev.ptpState.txHwtstampDiscarded).toBe(1)
    expect(done).toEqual([0n])
  })

  it("PTP not initialised: no index is ever taken, no context descriptor, no timestamp", () => {
    const dev = iceDevice({ ptp: false })
    captureWire(dev)
    const mem = new Uint8Array(4096)
    dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, 1, { tstamp: true }))
    expect(iceTxDtype(dev.txRings[0]!.ring.view, 0)).toBe(IceTxDtype.DATA)
    expect(dev.ptpState.txHwtstampSkipped).toBe(1)
  })
})

const seedUdp = (b: Uint8Array, at: number): void => {
  const p = pseudoSum(b.subarray(at, at + frame.bytes.length), frame)
  b[at + frame.truth.l4Offset + 6] = p >>> 8
  b[at + frame.truth.l4Offset + 7] = p & 0xff
}

describe("DEVTX-ONLY kfuncs on ice", () => {
  const submit = (rcs: number[], point: DevtxPoint = DevtxPoint.SUBMIT_XDP): DevtxProgramSpec => ({
    name: "ice_devtx_submit",
    point,
    kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum"],
    instantiate: ({ kfuncs }) => (ctx) => {
      rcs.push(kfuncs.requestTxTimestamp(ctx))
      rcs.push(kfuncs.requestL4Checksum(ctx, frame.truth.l4Offset, 6))
    }
  })
  const complete = (stamps: Array<[number, bigint]>, raw: Uint8Array[], point: DevtxPoint = DevtxPoint.COMPLETE_XDP): DevtxProgramSpec => ({
    name: "ice_devtx_complete",
    point,
    kfuncs: ["bpf_devtx_tx_timestamp"],
    instantiate: ({ kfuncs }) => {
      const out = new RxTimestampOut()
      return (ctx) => {
        const rc = kfuncs.txTimestamp(ctx, out)
        stamps.push([rc, rc === 0 ? (BigInt(out.hi) << 32n) | BigInt(out.lo) : 0n])
        // what a raw-descriptor program can see at completion: the DD write-back descriptor
        raw.push(new Uint8Array(ctx.compl.buffer, ctx.compl.byteOffset + ctx.complOff, ICE_TX_DESC_SIZE).slice())
      }
    }
  })

  for (const mode of ["dev-bound", "generic"] as const) {
    it(`${mode}: AF_XDP frames get a PHY index in the reserved context descriptor, the completion reads PHY memory by it; checksum offloaded`, async () => {
      const dev = iceDevice()
      const rcs: number[] = []
      const stamps: Array<[number, bigint]> = []
      const raw: Uint8Array[] = []
      await Effect.runPromise(Effect.flatMap(loadBoundDevtx(submit(rcs), dev, mode), (p) => attachDevtx(dev, p)))
      await Effect.runPromise(Effect.flatMap(loadBoundDevtx(complete(stamps, raw), dev, mode), (p) => attachDevtx(dev, p)))
      const u = registerUmem({ len: 8 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in u)) throw u
      const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
      if (s instanceof RangeError) throw s
      expect(dev.xskBindZeroCopy(s)).toBe(0)
      for (let i = 0; i < 3; i++) {
        u.area.bytes.set(frame.bytes, i * 4096)
        seedUdp(u.area.bytes, i * 4096)
        xskTxProduce(s, i * 4096, frame.bytes.length, 0)
      }
      const sent = captureWire(dev)
      expect(dev.xskWakeupTx(0, 8)).toBe(3)
      expect(rcs).toEqual([0, 0, 0, 0, 0, 0])
      const v = dev.xdpRings[0]!.ring.view
      expect([0, 2, 4].map((s) => iceCtxDescTsynIndex(v, s * ICE_TX_DESC_SIZE))).toEqual([0, 1, 2])
      expect(iceTxCmd(v, ICE_TX_DESC_SIZE) & 0x360).toBe(IceTxCmd.IIPT_IPV4 | IceTxCmd.L4T_EOFT_UDP)
      dev.hwTransmit(0, 8)
      dev.napiPollTx(0, 8)
      expect(sent.length).toBe(3)
      expect(stamps).toEqual(sent.map((x) => [0, x.ts]))
      for (const x of sent) expect(l4ChecksumOk(x.bytes, frame)).toBe(true)
      // the raw view of the completion: DTYPE 0xF and the posted fields, no timestamp anywhere
      for (let i = 0; i < 3; i++) {
        const r = raw[i]!
        expect(r[8]! & 0xf).toBe(IceTxDtype.DESC_DONE)
        const lo = Number(sent[i]!.ts & M32)
        const rv = new DataView(r.buffer)
        for (let o = 0; o + 4 <= 16; o++) expect(rv.getUint32(o, true)).not.toBe(lo)
      }
      // indexes come back with the DD write-back
      expect(dev.ptpTx.inUseCount()).toBe(0)
    })
  }

  it("-EBUSY when all 64 indexes are in flight (the frame still goes, untimestamped); -EINVAL on a continuation descriptor", async () => {
    const dev = iceDevice({ txRingSize: 256 })
    const rcs: number[] = []
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(submit(rcs, DevtxPoint.SUBMIT_SKB), dev, "dev-bound"), (p) => attachDevtx(dev, p)))
    captureWire(dev)
    const mem = new Uint8Array(4096)
    mem.set(frame.bytes)
    for (let i = 0; i < ICE_INDEX_PER_PORT + 1; i++) dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, i))
    const ts = rcs.filter((_, i) => i % 2 === 0)
    expect(ts.slice(0, ICE_INDEX_PER_PORT).every((r) => r === 0)).toBe(true)
    expect(ts[ICE_INDEX_PER_PORT]).toBe(-Errno.EBUSY)
    drain(dev)
    expect(dev.ptpTx.inUseCount()).toBe(0)
    // a continuation descriptor has no context descriptor in front
    const ctx = dev.xdpRings[0]!.devtxCtx
    ctx.ctxDescOff = -1
    expect(dev.devtxOps!.xmoRequestTxTimestamp!(ctx)).toBe(-Errno.EINVAL)
  })

  it("checksum kfunc: -EINVAL unless csum_start is the transport header and csum_offset its protocol's field", async () => {
    const dev = iceDevice()
    const rcs: number[] = []
    const spec: DevtxProgramSpec = {
      name: "csum_variants",
      point: DevtxPoint.SUBMIT_SKB,
      kfuncs: ["bpf_devtx_request_l4_csum"],
      instantiate: ({ kfuncs }) => (ctx) => {
        rcs.push(kfuncs.requestL4Checksum(ctx, frame.truth.l4Offset, 16))
        rcs.push(kfuncs.requestL4Checksum(ctx, frame.truth.l4Offset + 2, 6))
        rcs.push(kfuncs.requestL4Checksum(ctx, ctx.len, 0))
        rcs.push(kfuncs.requestL4Checksum(ctx, frame.truth.l4Offset, 6))
      }
    }
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(spec, dev, "dev-bound"), (p) => attachDevtx(dev, p)))
    const sent = captureWire(dev)
    const mem = new Uint8Array(4096)
    const skb = stageSkb(newSkb(), mem, 0, frame, 1)
    seedUdp(mem, 0)
    dev.xmitSkb(0, skb)
    expect(rcs).toEqual([-Errno.EINVAL, -Errno.EINVAL, -Errno.EINVAL, 0])
    drain(dev)
    expect(l4ChecksumOk(sent[0]!.bytes, frame)).toBe(true)
  })

  it("skb path: a devtx request on an skb that already asked (SKBTX_HW_TSTAMP) reuses its index; the completion kfunc gives the tracker's value", async () => {
    const dev = iceDevice()
    const rcs: number[] = []
    const stamps: Array<[number, bigint]> = []
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(submit(rcs, DevtxPoint.SUBMIT_SKB), dev, "dev-bound"), (p) => attachDevtx(dev, p)))
    await Effect.runPromise(Effect.flatMap(loadBoundDevtx(complete(stamps, [], DevtxPoint.COMPLETE_SKB), dev, "dev-bound"), (p) => attachDevtx(dev, p)))
    const sent = captureWire(dev)
    const mem = new Uint8Array(8192)
    dev.xmitSkb(0, stageSkb(newSkb(), mem, 0, frame, 1, { tstamp: true }))
    dev.xmitSkb(0, stageSkb(newSkb(), mem, 4096, frame, 2))
    expect(dev.ptpTx.inUseCount()).toBe(2)
    drain(dev)
    expect(stamps).toEqual([
      [0, sent[0]!.ts],
      [0, sent[1]!.ts]
    ])
    expect(dev.ptpTx.inUseCount()).toBe(0)
  })
})
