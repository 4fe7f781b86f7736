/**
 * AF_XDP TX on the reference NIC: checksums on the wire verified by an independent routine,
 * tx_timestamp written back equal to the PHC time the frame left, launch time FIFO semantics,
 * the kernel's metadata validation in zero-copy and copy mode, and — over 10 000 random
 * schedules — every valid submission completed exactly once, in order, never lost.
 */
import {
  DMA_REGIONS_U8,
  addrRingPop,
  type CorpusFrame,
  builtinCorpus,
  decodeDriverConfig,
  Errno,
  makeXskSocket,
  registerUmem,
  SimulatedTaiClock,
  XdpDescOption,
  XdpTxmdFlags,
  XdpUmemFlag,
  XskCopyState,
  xskCopyModeCompleted,
  xskGenericXmit,
  type XskSocket,
  xskTxProduce,
  XskTxMetadataOff,
  type XskUmem
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { createSimDevice, type SimConfig, type SimNetDevice } from "@devtx/drivers-sim/internals"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fullTable, manySocketsManyUmems, socketsOnEveryQueue } from "../../core/test/support/DmaRegionScenario.js"

const CHUNK = 4096
const META = 24

const simDevice = (overrides: Partial<SimConfig> = {}): SimNetDevice => {
  const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, ...overrides }))
  return createSimDevice(cfg, { ifname: "sim0", ifindex: 3 })
}

const umemOf = (chunks: number, flags = XdpUmemFlag.TX_METADATA_LEN, txMetadataLen = META): XskUmem => {
  const u = registerUmem({ len: chunks * CHUNK, chunkSize: CHUNK, headroom: 0, flags, txMetadataLen })
  if (!("area" in u)) throw u
  return u
}

const socketOf = (u: XskUmem, mode: "zerocopy" | "copy", sizes = { fill: 64, comp: 64, rx: 64, tx: 64 }): XskSocket => {
  const s = makeXskSocket(u, mode, 3, 0, sizes)
  if (s instanceof RangeError) throw s
  return s
}

/** Independent L4 checksum check: one's-complement sum of pseudo-header + segment must be 0xffff. */
const l4ChecksumOk = (b: Uint8Array, f: CorpusFrame): boolean => {
  const t = f.truth
  const v4 = t.l3 === "ipv4"
  const alen = v4 ? 4 : 16
  const addrOff = t.l3Offset + (v4 ? 12 : 8)
  const l4Len = t.ipTotalLen - t.l3HeaderLen
  let sum = 0
  for (let i = 0; i < alen * 2; i += 2) sum += (b[addrOff + i]! << 8) | b[addrOff + i + 1]!
  sum += t.ipProto! + l4Len
  for (let i = 0; i < l4Len; i += 2) sum += (b[t.l4Offset + i]! << 8) | (i + 1 < l4Len ? b[t.l4Offset + i + 1]! : 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return sum === 0xffff
}

/** Pseudo-header sum, folded, not complemented (what the app seeds into the checksum field). */
const pseudoSeed = (b: Uint8Array, f: CorpusFrame): number => {
  const t = f.truth
  const v4 = t.l3 === "ipv4"
  const alen = v4 ? 4 : 16
  const addrOff = t.l3Offset + (v4 ? 12 : 8)
  let sum = 0
  for (let i = 0; i < alen * 2; i += 2) sum += (b[addrOff + i]! << 8) | b[addrOff + i + 1]!
  sum += t.ipProto! + (t.ipTotalLen - t.l3HeaderLen)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return sum
}

const csumFieldOffset = (f: CorpusFrame): number => (f.truth.l4 === "tcp" ? 16 : 6)

/** Put a frame in chunk `i` after the metadata area, with metadata `flags`; returns the descriptor address. */
const stage = (u: XskUmem, i: number, f: CorpusFrame, flags: number, launch?: bigint): number => {
  const addr = i * CHUNK + META
  const mem = u.area.bytes
  mem.set(f.bytes, addr)
  const v = u.area.view
  const m = addr - META
  mem.fill(0, m, addr)
  v.setUint32(m + XskTxMetadataOff.FLAGS, flags, true)
  if (flags & XdpTxmdFlags.CHECKSUM) {
    const at = addr + f.truth.l4Offset + csumFieldOffset(f)
    v.setUint16(at, 0, false)
    v.setUint16(at, pseudoSeed(mem.subarray(addr, addr + f.bytes.length), f), false)
    v.setUint16(m + XskTxMetadataOff.CSUM_START, f.truth.l4Offset, true)
    v.setUint16(m + XskTxMetadataOff.CSUM_OFFSET, csumFieldOffset(f), true)
  }
  if (launch !== undefined) {
    v.setUint32(m + XskTxMetadataOff.LAUNCH_TIME, Number(launch & 0xffffffffn), true)
    v.setUint32(m + XskTxMetadataOff.LAUNCH_TIME + 4, Number(launch >> 32n), true)
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
    f.truth.l4Checksum !== "absent"
)

interface Sent {
  bytes: Uint8Array
  ts: bigint
}

const drainAll = (dev: SimNetDevice, s: XskSocket): void => {
  for (let i = 0; i < 10000 && (s.tx.consumer !== s.tx.producer || dev.txInFlight(0) > 0); i++) {
    dev.xskWakeupTx(0, 64)
    dev.hwTransmit(0, 64)
    dev.napiPollTx(0, 64)
  }
}

describe("AF_XDP zero-copy TX on the reference NIC", () => {
  it("hardware checksum offload: every TCP/UDP corpus frame (v4/v6, VLAN or not) leaves with a valid checksum", () => {
    const dev = simDevice()
    const u = umemOf(64)
    const s = socketOf(u, "zerocopy")
    expect(dev.xskBindZeroCopy(s)).toBe(0)
    const sent: Sent[] = []
    dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
    let checked = 0
    const kinds = new Set<string>()
    for (let base = 0; base < l4Frames.length; base += 32) {
      const batch = l4Frames.slice(base, base + 32)
      sent.length = 0
      batch.forEach((f, i) => expect(xskTxProduce(s, stage(u, i, f, XdpTxmdFlags.CHECKSUM), f.bytes.length, XdpDescOption.TX_METADATA)).toBe(true))
      drainAll(dev, s)
      expect(sent.length).toBe(batch.length)
      batch.forEach((f, i) => {
        expect([f.index, l4ChecksumOk(sent[i]!.bytes, f)]).toEqual([f.index, true])
        kinds.add(`${f.truth.l3}/${f.truth.l4}/${f.truth.vlans.length}`)
        checked++
      })
      for (let i = 0; i < batch.length; i++) expect(addrRingPop(s.comp)).toBe(i * CHUNK + META)
    }
    expect(checked).toBe(l4Frames.length)
    expect(checked).toBeGreaterThan(150)
    for (const k of ["ipv4/tcp/0", "ipv4/udp/0", "ipv6/tcp/0", "ipv6/udp/0", "ipv4/tcp/1", "ipv6/udp/2"]) expect(kinds).toContain(k)
  })

  it("per-packet completion: tx_timestamp in the UMEM equals the PHC time each frame left", () => {
    const dev = simDevice()
    const u = umemOf(32)
    const s = socketOf(u, "zerocopy")
    dev.xskBindZeroCopy(s)
    const sent: Sent[] = []
    dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
    const frames = l4Frames.slice(0, 20)
    const addrs = frames.map((f, i) => stage(u, i, f, i % 3 === 0 ? 0 : XdpTxmdFlags.TIMESTAMP))
    frames.forEach((f, i) => xskTxProduce(s, addrs[i]!, f.bytes.length, XdpDescOption.TX_METADATA))
    drainAll(dev, s)
    frames.forEach((_, i) => {
      if (i % 3 === 0) expect(readTs(u, addrs[i]!)).toBe(0n)
      else expect(readTs(u, addrs[i]!)).toBe(sent[i]!.ts)
    })
    expect(new Set(sent.map((x) => x.ts)).size).toBe(20)
  })

  it("per-batch completion: every frame of a doorbell batch gets the batch's (last frame's) timestamp", () => {
    const dev = simDevice({ txCompletion: "per-batch" })
    const u = umemOf(32)
    const s = socketOf(u, "zerocopy")
    dev.xskBindZeroCopy(s)
    const sent: Sent[] = []
    dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
    const frames = l4Frames.slice(0, 12)
    const addrs = frames.map((f, i) => stage(u, i, f, XdpTxmdFlags.TIMESTAMP))
    frames.forEach((f, i) => xskTxProduce(s, addrs[i]!, f.bytes.length, XdpDescOption.TX_METADATA))
    expect(dev.xskWakeupTx(0, 5)).toBe(5) // first doorbell batch: 5 frames
    expect(dev.xskWakeupTx(0, 64)).toBe(7) // second: 7
    dev.hwTransmit(0, 64)
    expect(dev.napiPollTx(0, 64)).toBe(12)
    for (let i = 0; i < 5; i++) expect(readTs(u, addrs[i]!)).toBe(sent[4]!.ts)
    for (let i = 5; i < 12; i++) expect(readTs(u, addrs[i]!)).toBe(sent[11]!.ts)
    expect(sent[4]!.ts).not.toBe(sent[11]!.ts)
  })

  it("launch time: no frame leaves before its time, and it blocks the frames behind it (FIFO)", () => {
    const dev = simDevice()
    const u = umemOf(16)
    const s = socketOf(u, "zerocopy")
    dev.xskBindZeroCopy(s)
    const sent: Sent[] = []
    dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
    const now = BigInt(dev.phc.toDecimal())
    const launch = now + 1_000_000n
    const frames = l4Frames.slice(0, 4)
    xskTxProduce(s, stage(u, 0, frames[0]!, 0), frames[0]!.bytes.length, 0)
    xskTxProduce(s, stage(u, 1, frames[1]!, XdpTxmdFlags.LAUNCH_TIME, launch), frames[1]!.bytes.length, XdpDescOption.TX_METADATA)
    xskTxProduce(s, stage(u, 2, frames[2]!, 0), frames[2]!.bytes.length, 0)
    xskTxProduce(s, stage(u, 3, frames[3]!, XdpTxmdFlags.LAUNCH_TIME, now + 10n), frames[3]!.bytes.length, XdpDescOption.TX_METADATA)
    drainAll(dev, s)
    expect(sent.length).toBe(4)
    expect(sent[0]!.ts).toBeLessThan(launch)
    expect(sent[1]!.ts).toBeGreaterThanOrEqual(launch)
    expect(sent[2]!.ts).toBeGreaterThan(sent[1]!.ts)
    expect(sent[3]!.ts).toBeGreaterThan(sent[2]!.ts) // its (past) launch time does not let it overtake
  })

  it("metadata with an unknown flag is ignored in zero-copy (the frame still goes, no timestamp)", () => {
    const dev = simDevice()
    const u = umemOf(4)
    const s = socketOf(u, "zerocopy")
    dev.xskBindZeroCopy(s)
    const f = l4Frames[0]!
    const addr = stage(u, 0, f, XdpTxmdFlags.TIMESTAMP | (1 << 5))
    xskTxProduce(s, addr, f.bytes.length, XdpDescOption.TX_METADATA)
    let sent = 0
    dev.wire = () => sent++
    drainAll(dev, s)
    expect(sent).toBe(1)
    expect(s.stats.txMetadataIgnored).toBe(1)
    expect(readTs(u, addr)).toBe(0n)
    expect(addrRingPop(s.comp)).toBe(addr)
  })

  it("XDP_TX_METADATA on a continuation descriptor is ignored; invalid descriptors are dropped and counted", () => {
    const dev = simDevice()
    const u = umemOf(8)
    const s = socketOf(u, "zerocopy")
    dev.xskBindZeroCopy(s)
    const f = l4Frames[0]!
    const a0 = stage(u, 0, f, 0)
    const a1 = stage(u, 1, f, XdpTxmdFlags.TIMESTAMP)
    xskTxProduce(s, a0, 100, XdpDescOption.PKT_CONTD)
    xskTxProduce(s, a1, 100, XdpDescOption.TX_METADATA) // continuation of the first packet
    xskTxProduce(s, 2 * CHUNK + META, 0, 0) // len 0: invalid
    xskTxProduce(s, 3 * CHUNK + META, 100, 1 << 7) // unknown option: invalid
    xskTxProduce(s, 4 * CHUNK + 8, 100, 0) // below tx_metadata_len in the chunk: crosses into the previous chunk
    drainAll(dev, s)
    expect(readTs(u, a1)).toBe(0n)
    expect(s.stats.txInvalidDescs).toBe(3)
    expect([addrRingPop(s.comp), addrRingPop(s.comp), addrRingPop(s.comp)]).toEqual([a0, a1, -1])
  })

  it("xsk-features follow the ops the driver fills", () => {
    expect(simDevice().xskFeatures).toBe(7)
    expect(simDevice({ xskTxOps: ["timestamp"] }).xskFeatures).toBe(1)
    expect(simDevice({ xskTxOps: [] }).xskFeatures).toBe(0)
  })
})

describe("UMEM registration (XDP_UMEM_REG)", () => {
  const reg = (txMetadataLen: number, flags: number = XdpUmemFlag.TX_METADATA_LEN) =>
    registerUmem({ len: 4 * CHUNK, chunkSize: CHUNK, headroom: 0, flags, txMetadataLen })
  it("rejects tx_metadata_len not a multiple of 8 or >= 256 with -EINVAL naming the field", () => {
    for (const bad of [12, 256, 300]) expect(reg(bad)).toMatchObject({ _tag: "XskUmemError", field: "txMetadataLen", value: bad, errno: -Errno.EINVAL })
    expect(reg(248)).toMatchObject({ txMetadataLen: 248 })
  })
  it("ignores tx_metadata_len without XDP_UMEM_TX_METADATA_LEN; rejects unknown flags, bad chunk sizes and headroom", () => {
    expect(reg(12, 0)).toMatchObject({ txMetadataLen: 0 })
    expect(reg(0, 1 << 3)).toMatchObject({ field: "flags" })
    expect(registerUmem({ len: 4096, chunkSize: 1024, headroom: 0, flags: 0, txMetadataLen: 0 })).toMatchObject({ field: "chunkSize" })
    expect(registerUmem({ len: 4096 * 3, chunkSize: 3072, headroom: 0, flags: 0, txMetadataLen: 0 })).toMatchObject({ field: "chunkSize" })
    expect(registerUmem({ len: 4096, chunkSize: 4096, headroom: 3840, flags: 0, txMetadataLen: 0 })).toMatchObject({ field: "headroom" })
  })
})

describe("AF_XDP copy mode TX", () => {
  const setup = (flags: number = XdpUmemFlag.TX_METADATA_LEN) => {
    const dev = simDevice()
    const u = umemOf(16, flags)
    const s = socketOf(u, "copy")
    const st = new XskCopyState(s)
    const clock = new SimulatedTaiClock(0, 1000, 10)
    dev.skbCompletion = () => xskCopyModeCompleted(st, clock)
    const sent: Sent[] = []
    dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
    const pump = () => {
      dev.hwTransmit(0, 64)
      dev.napiPollTx(0, 64)
    }
    return { dev, u, s, st, sent, pump }
  }

  it("CHECKSUM_PARTIAL through the driver, and XDP_UMEM_TX_SW_CSUM in software, both verify", () => {
    for (const flags of [XdpUmemFlag.TX_METADATA_LEN, XdpUmemFlag.TX_METADATA_LEN | XdpUmemFlag.TX_SW_CSUM]) {
      const { dev, u, s, st, sent, pump } = setup(flags)
      const frames = l4Frames.slice(0, 10)
      frames.forEach((f, i) => xskTxProduce(s, stage(u, i, f, XdpTxmdFlags.CHECKSUM | XdpTxmdFlags.TIMESTAMP), f.bytes.length, XdpDescOption.TX_METADATA))
      expect(xskGenericXmit(st, dev, 64)).toBe(10)
      pump()
      frames.forEach((f, i) => expect(l4ChecksumOk(sent[i]!.bytes, f)).toBe(true))
      // copy mode's completion timestamp is a software CLOCK_TAI one (xsk_destruct_skb)
      frames.forEach((_, i) => expect(readTs(u, i * CHUNK + META)).toBe(1000n + 10n * BigInt(i + 1)))
    }
  })

  it("an unknown metadata flag, or a checksum field past the frame, fails with -EINVAL and leaves the descriptor for a retry", () => {
    const { dev, u, s, st, sent, pump } = setup()
    const f = l4Frames[0]!
    xskTxProduce(s, stage(u, 0, f, 1 << 4), f.bytes.length, XdpDescOption.TX_METADATA)
    expect(xskGenericXmit(st, dev, 64)).toBe(-Errno.EINVAL)
    expect(s.tx.consumer).toBe(0)
    expect(s.comp.reserved).toBe(0)
    // the application fixes the metadata and retries
    stage(u, 0, f, 0)
    expect(xskGenericXmit(st, dev, 64)).toBe(1)
    const a = stage(u, 1, f, XdpTxmdFlags.CHECKSUM)
    u.area.view.setUint16(a - META + XskTxMetadataOff.CSUM_START, f.bytes.length - 1, true)
    xskTxProduce(s, a, f.bytes.length, XdpDescOption.TX_METADATA)
    expect(xskGenericXmit(st, dev, 64)).toBe(-Errno.EINVAL)
    pump()
    expect(sent.length).toBe(1)
  })

  it("a full completion ring stops TX with -EAGAIN; nothing is dropped", () => {
    const { dev, u, st, pump } = setup()
    const s2 = socketOf(u, "copy", { fill: 64, comp: 64, rx: 64, tx: 64 })
    const st2 = new XskCopyState(s2)
    void st
    const clock = new SimulatedTaiClock(0, 0, 1)
    dev.skbCompletion = () => xskCopyModeCompleted(st2, clock)
    const f = l4Frames[0]!
    for (let i = 0; i < 64; i++) xskTxProduce(s2, stage(u, i % 16, f, 0), f.bytes.length, XdpDescOption.TX_METADATA)
    expect(xskGenericXmit(st2, dev, 100)).toBe(64)
    pump()
    for (let i = 0; i < 10; i++) xskTxProduce(s2, stage(u, 0, f, 0), f.bytes.length, 0)
    expect(xskGenericXmit(st2, dev, 100)).toBe(-Errno.EAGAIN)
    for (let i = 0; i < 10; i++) addrRingPop(s2.comp)
    expect(xskGenericXmit(st2, dev, 100)).toBe(10)
  })
})

describe("no TX completion is lost or duplicated (10 000 random schedules)", () => {
  it("submitted == completed + in flight, completions in submit order, each exactly once", () => {
    const configs = [64, 128].flatMap((txRingSize) =>
      (["per-packet", "per-batch"] as const).map((txCompletion) => ({ txRingSize, txCompletion }))
    )
    const devices = configs.map((c) => simDevice(c))
    let runs = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: devices.length - 1 }),
        fc.constantFrom(8, 16, 32, 64),
        fc.constantFrom(8, 16, 32, 64),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 40 })), { minLength: 5, maxLength: 40 }),
        (di, txSize, compSize, ops) => {
          runs++
          const dev = devices[di]!
          const u = umemOf(16)
          const s = socketOf(u, "zerocopy", { fill: 8, comp: compSize, rx: 8, tx: txSize })
          dev.txQueues[0]!.socket = undefined
          expect(dev.xskBindZeroCopy(s)).toBe(0)
          dev.wire = () => {}
          let next = 0
          const submitted: number[] = []
          const completed: number[] = []
          const step = (op: number, n: number) => {
            if (op === 0) {
              for (let i = 0; i < n; i++) {
                const addr = (next % 16) * CHUNK + META
                if (!xskTxProduce(s, addr + (next & 7) * 8, 60, 0)) break
                submitted.push(addr + (next & 7) * 8)
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
            const inFlight = (s.comp.reserved - s.comp.consumer) >>> 0
            expect(submitted.length).toBe(completed.length + inFlight + inTxRing)
          }
          for (const [op, n] of ops) step(op, n)
          // drain
          for (let i = 0; i < 1000 && completed.length < submitted.length; i++) for (const op of [1, 2, 3, 4]) step(op, 64)
          expect(completed).toEqual(submitted)
          expect(dev.txInFlight(0)).toBe(0)
        }
      ),
      { numRuns: 10_000, seed: 0x5eed }
    )
    expect(runs).toBe(10_000)
  })
})

describe("DMA regions (the descriptor's u8 region field)", () => {
  it("300 sockets on 300 UMEMs, one after another: every frame leaves with its own UMEM's bytes", () => {
    const dev = simDevice()
    const f = l4Frames[0]!
    let wire: Uint8Array | undefined
    dev.wire = (mem, off, len) => {
      wire = mem.slice(off, off + len)
    }
    for (let n = 0; n < 300; n++) {
      const u = umemOf(2)
      const s = socketOf(u, "zerocopy")
      dev.txQueues[0]!.socket = undefined
      expect(dev.xskBindZeroCopy(s)).toBe(0)
      const addr = stage(u, 0, f, 0)
      // a marker only this UMEM holds: the last payload byte
      u.area.bytes[addr + f.bytes.length - 1] = n & 0xff
      u.area.bytes[addr + f.bytes.length - 2] = n >>> 8
      wire = undefined
      expect(xskTxProduce(s, addr, f.bytes.length, XdpDescOption.TX_METADATA)).toBe(true)
      drainAll(dev, s)
      expect([n, wire?.[f.bytes.length - 2], wire?.[f.bytes.length - 1]]).toEqual([n, n >>> 8, n & 0xff])
      expect(addrRingPop(s.comp)).toBe(addr)
    }
  })
})

describe("DMA regions: the shared scenario (core/test/support/DmaRegionScenario.ts)", () => {
  const frame = l4Frames[0]!.bytes
  const rig = () => {
    const dev = simDevice()
    const unbind = () => {
      dev.txQueues[0]!.socket = undefined
    }
    return { dev, dma: dev.dma, unbind }
  }
  it("the table is the u8 width; 300 sockets on 300 UMEMs reuse slots", () => {
    const r = rig()
    expect(r.dma.capacity).toBe(DMA_REGIONS_U8)
    expect(manySocketsManyUmems(r, frame, 300)).toBeLessThan(16)
  })
  it("sockets on all 4 queues at once, each on its own UMEM, interleaved: every frame carries its own UMEM's marker", () =>
    socketsOnEveryQueue(simDevice({ rxQueues: 4 }), frame, 20))
  it("a full table: -ENOMEM at bind, NETDEV_TX_BUSY at xmit, nothing lost once slots free up", () => fullTable(rig(), frame))
})
