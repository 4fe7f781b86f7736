/**
 * mlx5 TX against independent truth: checksums on the wire bytes verified by plain sum loops
 * (IPv4 header and TCP/UDP with pseudo-header, v4/v6, with and without VLAN tags) for AF_XDP
 * (tmo_request_checksum), the skb path (CHECKSUM_PARTIAL) and whatever the sender seeded; the
 * doorbell-batch completion semantics (one send CQE per doorbell, CQ_UPDATE on the doorbell WQE
 * only, every packet of the batch stamped with the time the LAST WQE left); the MPWQE quirk (only
 * the first packet's checksum request applies to the session); XDP_TX batching per NAPI poll;
 * ndo_xdp_xmit; the skb timestamp; xsk-features; and, over random schedules, no completion lost
 * or duplicated across SQ/CQ wraps.
 */
import {
  addrRingPop,
  builtinCorpus,
  type CorpusFrame,
  decodeDriverConfig,
  makeXskSocket,
  NetdevTx,
  registerUmem,
  TxSkb,
  XdpAction,
  XdpDescOption,
  XdpTxmdFlags,
  XdpUmemFlag,
  type XskSocket,
  XskTxMetadataOff,
  type XskUmem,
  xskTxProduce
} from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import { ctrlDsCount, ctrlFmCeSe, ctrlOpcode, ctrlWqeIndex, createMlx5Device, type Mlx5Config, type Mlx5NetDevice, mlx5XskTxMetadataOps } from "@devtx/drivers-mlx/internals"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const CHUNK = 4096
const META = 24

const mlxDevice = (overrides: Partial<Mlx5Config> = {}): Mlx5NetDevice => {
  const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, txRingSize: 64, ...overrides }))
  return createMlx5Device(cfg, { ifname: "mlx0", ifindex: 3 })
}

const umemOf = (chunks: number): XskUmem => {
  const u = registerUmem({ len: chunks * CHUNK, chunkSize: CHUNK, headroom: 0, flags: XdpUmemFlag.TX_METADATA_LEN, txMetadataLen: META })
  if (!("area" in u)) throw u
  return u
}

const socketOf = (u: XskUmem, sizes = { fill: 64, comp: 64, rx: 64, tx: 64 }): XskSocket => {
  const s = makeXskSocket(u, "zerocopy", 3, 0, sizes)
  if (s instanceof RangeError) throw s
  return s
}

/** plain 16-bit big-endian ones' complement sum, folded */
const sum16 = (b: Uint8Array, from: number, to: number, init = 0): number => {
  let s = init
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0)
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
  return s
}

/** Independent L4 check: pseudo-header + segment sums to 0xffff. */
const l4ChecksumOk = (b: Uint8Array, f: CorpusFrame): boolean => {
  const t = f.truth
  const v4 = t.l3 === "ipv4"
  const addrOff = t.l3Offset + (v4 ? 12 : 8)
  const l4Len = t.ipTotalLen - t.l3HeaderLen
  const pseudo = sum16(b, addrOff, addrOff + (v4 ? 8 : 32)) + t.ipProto! + l4Len
  return sum16(b, t.l4Offset, t.l4Offset + l4Len, pseudo) === 0xffff
}
const ipv4HeaderOk = (b: Uint8Array, f: CorpusFrame): boolean => sum16(b, f.truth.l3Offset, f.truth.l3Offset + f.truth.l3HeaderLen) === 0xffff
const csumFieldOffset = (f: CorpusFrame): number => (f.truth.l4 === "tcp" ? 16 : 6)

/** Stage a frame in chunk i after the metadata area, with garbage in its checksum fields when asked. */
const stage = (u: XskUmem, i: number, f: CorpusFrame, flags: number, garbage = (flags & XdpTxmdFlags.CHECKSUM) !== 0): number => {
  const addr = i * CHUNK + META
  const mem = u.area.bytes
  mem.set(f.bytes, addr)
  const v = u.area.view
  mem.fill(0, addr - META, addr)
  v.setUint32(addr - META + XskTxMetadataOff.FLAGS, flags, true)
  if (garbage) {
    // the NIC parses the headers itself: start/offset point nowhere useful, the seeds are garbage
    v.setUint16(addr - META + XskTxMetadataOff.CSUM_START, 1, true)
    v.setUint16(addr - META + XskTxMetadataOff.CSUM_OFFSET, 3, true)
    v.setUint16(addr + f.truth.l4Offset + csumFieldOffset(f), 0xdead, false)
    if (f.truth.l3 === "ipv4") v.setUint16(addr + f.truth.l3Offset + 10, 0xbeef, false)
  }
  return addr
}

const readTs = (u: XskUmem, addr: number): bigint => {
  const v = u.area.view
  const at = addr - META + XskTxMetadataOff.TX_TIMESTAMP
  return (BigInt(v.getUint32(at + 4, true)) << 32n) | BigInt(v.getUint32(at, true))
}

const l4Frames = builtinCorpus().filter(
  (f) =>
    (f.truth.l4 === "tcp" || f.truth.l4 === "udp") &&
    f.truth.fragment === "none" &&
    !f.truth.isRunt &&
    f.bytes.length + META <= CHUNK &&
    f.bytes.length <= 1500 + 22 &&
    f.truth.l4Checksum !== "absent"
)

interface Sent {
  bytes: Uint8Array
  ts: bigint
}
const capture = (dev: Mlx5NetDevice): Sent[] => {
  const sent: Sent[] = []
  dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
  return sent
}

const drainAll = (dev: Mlx5NetDevice, s: XskSocket): void => {
  for (let i = 0; i < 10000 && (s.tx.consumer !== s.tx.producer || dev.txInFlight(0) > 0); i++) {
    dev.xskWakeupTx(0, 64)
    dev.hwTransmit(0, 64)
    dev.napiPollTx(0, 64)
  }
}

describe("mlx5 TX checksum offload on the wire bytes", () => {
  for (const [name, cfg] of [
    ["regular WQEs, L2 inline (ConnectX-4)", {}],
    ["regular WQEs, no inline (ConnectX-5+)", { txMinInline: "none" }]
  ] as const) {
    it(`AF_XDP tmo_request_checksum: every TCP/UDP corpus frame leaves with valid IPv4 and L4 checksums (${name})`, () => {
      const dev = mlxDevice(cfg)
      const u = umemOf(64)
      const s = socketOf(u)
      expect(dev.xskBindZeroCopy(s)).toBe(0)
      const sent = capture(dev)
      const kinds = new Set<string>()
      let checked = 0
      for (let base = 0; base < l4Frames.length; base += 32) {
        const batch = l4Frames.slice(base, base + 32)
        sent.length = 0
        batch.forEach((f, i) => expect(xskTxProduce(s, stage(u, i, f, XdpTxmdFlags.CHECKSUM), f.bytes.length, XdpDescOption.TX_METADATA)).toBe(true))
        drainAll(dev, s)
        expect(sent.length).toBe(batch.length)
        batch.forEach((f, i) => {
          const w = sent[i]!.bytes
          expect([f.index, w.length, l4ChecksumOk(w, f)]).toEqual([f.index, f.bytes.length, true])
          if (f.truth.l3 === "ipv4") expect([f.index, ipv4HeaderOk(w, f)]).toEqual([f.index, true])
          kinds.add(`${f.truth.l3}/${f.truth.l4}/${f.truth.vlans.length}`)
          checked++
        })
        for (let i = 0; i < batch.length; i++) expect(addrRingPop(s.comp)).toBe(i * CHUNK + META)
      }
      expect(checked).toBe(l4Frames.length)
      expect(checked).toBeGreaterThan(150)
      for (const k of ["ipv4/tcp/0", "ipv4/udp/0", "ipv6/tcp/0", "ipv6/udp/0", "ipv4/tcp/1", "ipv6/udp/2"]) expect(kinds).toContain(k)
    })
  }

  it("without a checksum request the bytes leave unchanged (garbage stays garbage)", () => {
    const dev = mlxDevice()
    const u = umemOf(4)
    const s = socketOf(u)
    dev.xskBindZeroCopy(s)
    const sent = capture(dev)
    const f = l4Frames.find((x) => x.truth.l3 === "ipv4")!
    const a = stage(u, 0, f, XdpTxmdFlags.CHECKSUM)
    u.area.view.setUint32(a - META, 0, true) // flags: none
    xskTxProduce(s, a, f.bytes.length, XdpDescOption.TX_METADATA)
    drainAll(dev, s)
    expect(Buffer.from(sent[0]!.bytes).equals(Buffer.from(u.area.bytes.subarray(a, a + f.bytes.length)))).toBe(true)
    expect(l4ChecksumOk(sent[0]!.bytes, f)).toBe(false)
  })

  it("skb path: CHECKSUM_PARTIAL sets L3|L4 cs_flags; the NIC ignores csum_start/offset and the seed", () => {
    const dev = mlxDevice()
    const sent = capture(dev)
    const done: Array<[number, bigint]> = []
    dev.skbCompletion = (cookie, hi, lo) => done.push([cookie, (BigInt(hi) << 32n) | BigInt(lo)])
    const frames = l4Frames.slice(0, 40)
    const skb = new TxSkb()
    frames.forEach((f, i) => {
      skb.reset()
      skb.mem = f.bytes.slice()
      new DataView(skb.mem.buffer).setUint16(f.truth.l4Offset + csumFieldOffset(f), 0x1234, false)
      skb.len = f.bytes.length
      skb.csumStart = 0 // deliberately wrong: mlx5 does not pass it to the NIC
      skb.csumOffset = 0
      skb.hwTstamp = i % 2 === 0
      skb.cookie = 100 + i
      expect(dev.xmitSkb(0, skb)).toBe(NetdevTx.OK)
      dev.hwTransmit(0, 64)
      dev.napiPollTx(0, 64)
    })
    expect(sent.length).toBe(frames.length)
    frames.forEach((f, i) => expect([i, l4ChecksumOk(sent[i]!.bytes, f)]).toEqual([i, true]))
    // no xmit_more: one doorbell (one CQE) per skb; a requested HW stamp is the time it left
    expect(done.map(([c]) => c)).toEqual(frames.map((_, i) => 100 + i))
    done.forEach(([, ts], i) => expect(ts).toBe(i % 2 === 0 ? sent[i]!.ts : 0n))
    expect(dev.channels[0]!.txqsq.stats.csumPartial).toBe(frames.length)
  })
})

describe("doorbell batching: one send CQE per batch", () => {
  for (const tsFormat of ["real-time", "free-running"] as const) {
    it(`every packet of a doorbell batch gets the CQE's timestamp = when its LAST WQE left (${tsFormat})`, () => {
      const dev = mlxDevice({ tsFormat, deviceFrequencyKhz: 156250 })
      const u = umemOf(32)
      const s = socketOf(u)
      dev.xskBindZeroCopy(s)
      const sent = capture(dev)
      const frames = l4Frames.slice(0, 12)
      const addrs = frames.map((f, i) => stage(u, i, f, XdpTxmdFlags.TIMESTAMP))
      frames.forEach((f, i) => xskTxProduce(s, addrs[i]!, f.bytes.length, XdpDescOption.TX_METADATA))
      const sq = dev.channels[0]!.xsksq
      expect(dev.xskWakeupTx(0, 5)).toBe(5) // first doorbell batch: WQEs 0..4
      expect(dev.xskWakeupTx(0, 64)).toBe(7) // second: WQEs 5..11
      // CQ_UPDATE only on the two doorbell WQEs; the doorbell record is the producer counter
      const v = sq.mem.sqView
      const ce = Array.from({ length: 12 }, (_, i) => ctrlFmCeSe(v, i * 64))
      expect(ce).toEqual([0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 8])
      expect(Array.from({ length: 12 }, (_, i) => ctrlWqeIndex(v, i * 64))).toEqual([...Array(12).keys()])
      expect(sq.mem.sqDbrec.getUint32(0, false)).toBe(12)
      expect(dev.hwTransmit(0, 64)).toBe(12)
      expect(dev.napiPollTx(0, 64)).toBe(12)
      expect(sq.stats.cqes).toBe(2)
      // the two send CQEs: opcode REQ, wqe_counter of the batch's last WQE
      expect([sq.mem.cq[63]! >> 4, sq.mem.cqView.getUint16(60, false), sq.mem.cq[64 + 63]! >> 4, sq.mem.cqView.getUint16(64 + 60, false)]).toEqual([0, 4, 0, 11])
      for (let i = 0; i < 5; i++) expect(readTs(u, addrs[i]!)).toBe(sent[4]!.ts)
      for (let i = 5; i < 12; i++) expect(readTs(u, addrs[i]!)).toBe(sent[11]!.ts)
      expect(new Set(sent.map((x) => x.ts)).size).toBe(12) // each frame really left at its own time
      for (let i = 0; i < 12; i++) expect(addrRingPop(s.comp)).toBe(addrs[i])
    })
  }

  it("XDP_TX: the frames of one NAPI poll are one doorbell batch (one CQE)", () => {
    const dev = mlxDevice({ rxvlan: false })
    dev.xdpProg = { name: "tx", run: () => XdpAction.TX, boundIfindex: 0 }
    const sent = capture(dev)
    const frames = l4Frames.filter((f) => f.truth.vlans.length === 0).slice(0, 6)
    for (const f of frames) expect(dev.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
    expect(dev.napiPoll(0, 64)).toBe(6)
    const sq = dev.channels[0]!.xdpsq
    expect(sq.mem.sqDbrec.getUint32(0, false)).toBe(6)
    expect(dev.hwTransmit(0, 64)).toBe(6)
    expect(dev.napiPollTx(0, 64)).toBe(6)
    expect(sq.stats.cqes).toBe(1)
    expect(sent.map((x) => Buffer.from(x.bytes).toString("hex"))).toEqual(frames.map((f) => Buffer.from(f.bytes).toString("hex")))
    expect(dev.rxStats.xdpTx).toBe(6)
    expect(dev.txInFlight(0)).toBe(0)
  })

  it("ndo_xdp_xmit: each call is flushed (its own doorbell and CQE); the frame leaves unchanged", () => {
    const dev = mlxDevice()
    const sent = capture(dev)
    const f = l4Frames[0]!
    const mem = new Uint8Array(4096)
    const v = new DataView(mem.buffer)
    mem.set(f.bytes, 256)
    v.setUint32(0, 256, true) // xdp_frame.data
    v.setUint32(8, f.bytes.length, true) // len
    expect(dev.xdpXmit(mem, 0)).toBe(1)
    expect(dev.xdpXmit(mem, 0)).toBe(1)
    expect(dev.hwTransmit(0, 64)).toBe(2)
    expect(dev.napiPollTx(0, 64)).toBe(2)
    expect(dev.channels[0]!.redirectSq.stats.cqes).toBe(2)
    expect(Buffer.from(sent[1]!.bytes).equals(Buffer.from(f.bytes))).toBe(true)
  })
})

describe("MPWQE (priv flag xdp_tx_mpwqe): one eth segment per session", () => {
  const run = (firstFlags: number, secondFlags: number) => {
    const dev = mlxDevice({ xdpTxMpwqe: true, txMinInline: "none" })
    const u = umemOf(4)
    const s = socketOf(u)
    dev.xskBindZeroCopy(s)
    const sent = capture(dev)
    const f = l4Frames.find((x) => x.truth.l3 === "ipv4" && x.truth.l4 === "udp" && x.truth.vlans.length === 0)!
    xskTxProduce(s, stage(u, 0, f, firstFlags, true), f.bytes.length, XdpDescOption.TX_METADATA)
    xskTxProduce(s, stage(u, 1, f, secondFlags, true), f.bytes.length, XdpDescOption.TX_METADATA)
    expect(dev.xskWakeupTx(0, 64)).toBe(2)
    const v = dev.channels[0]!.xsksq.mem.sqView
    expect([ctrlOpcode(v, 0), ctrlDsCount(v, 0), ctrlFmCeSe(v, 0)]).toEqual([0x29, 4, 8])
    drainAll(dev, s)
    return { sent, f }
  }
  it("only the first packet's checksum request counts: a later request is ignored", () => {
    const { sent, f } = run(0, XdpTxmdFlags.CHECKSUM)
    expect(sent.length).toBe(2)
    expect([l4ChecksumOk(sent[0]!.bytes, f), l4ChecksumOk(sent[1]!.bytes, f)]).toEqual([false, false])
  })
  it("the first packet's request applies to every packet of the session", () => {
    const { sent, f } = run(XdpTxmdFlags.CHECKSUM, 0)
    // the second packet asked for nothing and carries garbage too: the session's cs_flags fix both
    expect(l4ChecksumOk(sent[0]!.bytes, f)).toBe(true)
    expect(l4ChecksumOk(sent[1]!.bytes, f)).toBe(true)
  })
})

describe("AF_XDP TX metadata ops and xsk-features as mlx5 reports them", () => {
  it("mlx5e_xsk_tx_metadata_ops has fill_timestamp and request_checksum only: xsk-features = tx-timestamp | tx-checksum", () => {
    expect(Object.keys(mlx5XskTxMetadataOps).sort()).toEqual(["tmoFillTimestamp", "tmoRequestChecksum"])
    expect(mlxDevice().xskFeatures).toBe(1 | 2)
  })
  it("a frame the xmit refuses (shorter than MLX5E_XDP_MIN_INLINE) is completed through a NOP, never lost", () => {
    const dev = mlxDevice()
    const u = umemOf(4)
    const s = socketOf(u)
    dev.xskBindZeroCopy(s)
    const sent = capture(dev)
    xskTxProduce(s, META, 10, 0)
    xskTxProduce(s, CHUNK + META, 60, 0)
    drainAll(dev, s)
    expect(sent.length).toBe(1)
    expect(dev.channels[0]!.xsksq.stats.err).toBe(1)
    expect([addrRingPop(s.comp), addrRingPop(s.comp), addrRingPop(s.comp)]).toEqual([META, CHUNK + META, -1])
  })
})

describe("no TX completion is lost or duplicated (random schedules across SQ/CQ wraps)", () => {
  it("submitted == completed + in flight; completions in submit order, each exactly once", () => {
    const configs: Array<Partial<Mlx5Config>> = [
      {},
      { txMinInline: "none" },
      { xdpTxMpwqe: true, txMinInline: "none" },
      { xdpTxMpwqe: true, txRingSize: 128 }
    ]
    const devices = configs.map((c) => mlxDevice(c))
    const f = l4Frames[0]!
    let runs = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: devices.length - 1 }),
        fc.constantFrom(8, 16, 64),
        fc.constantFrom(8, 16, 64),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 40 })), { minLength: 5, maxLength: 30 }),
        (di, txSize, compSize, ops) => {
          runs++
          const dev = devices[di]!
          const u = umemOf(16)
          for (let i = 0; i < 16; i++) u.area.bytes.set(f.bytes, i * CHUNK + META)
          const s = socketOf(u, { fill: 8, comp: compSize, rx: 8, tx: txSize })
          dev.channels[0]!.xsksq.socket = undefined
          if (dev.xskBindZeroCopy(s) !== 0) return false
          dev.wire = () => {}
          let next = 0
          const submitted: number[] = []
          const completed: number[] = []
          const step = (op: number, n: number): void => {
            if (op === 0) {
              for (let i = 0; i < n; i++) {
                const addr = (next % 16) * CHUNK + META
                // every 7th frame is too short for the inline header: completed through a NOP
                if (!xskTxProduce(s, addr, next % 7 === 6 ? 12 : 60, 0)) break
                submitted.push(addr)
                next++
              }
            } else if (op === 1) dev.xskWakeupTx(0, n)
            else if (op === 2) dev.hwTransmit(0, n)
            else if (op === 3) dev.napiPollTx(0, n)
            else
              for (let i = 0; i < n; i++) {
                const a = addrRingPop(s.comp)
                if (a < 0) break
                completed.push(a)
              }
            const inTxRing = (s.tx.producer - s.tx.consumer) >>> 0
            const reserved = (s.comp.reserved - s.comp.consumer) >>> 0
            if (submitted.length !== completed.length + reserved + inTxRing) throw new Error("lost or duplicated")
          }
          for (const [op, n] of ops) step(op, n)
          for (let i = 0; i < 1000 && completed.length < submitted.length; i++) for (const op of [1, 2, 3, 4]) step(op, 64)
          expect(completed).toEqual(submitted)
          expect(dev.txInFlight(0)).toBe(0)
          return true
        }
      ),
      { numRuns: 2500, seed: 0x6d6c78 }
    )
    expect(runs).toBe(2500)
  })
})
