/**
 * The DMA region scenario every driver with a DmaRegionTable runs (sim, ice, mlx5 tests):
 *  1. many AF_XDP sockets on many UMEMs, one after another on queue 0: every frame leaves with its
 *     own UMEM's marker bytes, completes at its address, and the table stays small (slots are
 *     reused once nothing names them, not kept forever);
 *  1b. sockets on every queue at once, each on its own UMEM, transmitting interleaved: each frame
 *     carries its own UMEM's marker;
 *  2. a full table (every slot held by a memory some other user still needs): a new bind is
 *     -ENOMEM and an skb from a new memory is NETDEV_TX_BUSY with nothing posted; once slots are
 *     free again the same bind and the same skb go through and nothing is lost.
 */
import {
  addrRingPop,
  type DmaRegionTable,
  makeXskSocket,
  type NetDevice,
  NetdevTx,
  registerUmem,
  TxSkb,
  type XskSocket,
  type XskUmem,
  xskTxProduce
} from "@devtx/core"
import { expect } from "vitest"

const CHUNK = 4096
const umemOf = (): XskUmem => {
  const u = registerUmem({ len: 2 * CHUNK, chunkSize: CHUNK, headroom: 0, flags: 0, txMetadataLen: 0 })
  if (!("area" in u)) throw new Error(u.message)
  return u
}
const socketOf = (u: XskUmem, ifindex: number, queue = 0): XskSocket => {
  const s = makeXskSocket(u, "zerocopy", ifindex, queue, { fill: 4, comp: 4, rx: 4, tx: 4 })
  if (s instanceof RangeError) throw s
  return s
}

export interface DmaRegionDevice {
  readonly dev: NetDevice
  readonly dma: DmaRegionTable
  /** forget the socket bound to queue 0 (the driver's pool teardown) */
  readonly unbind: () => void
}

const drain = (dev: NetDevice, s: XskSocket): void => {
  for (let i = 0; i < 64 && (s.tx.consumer !== s.tx.producer || dev.txInFlight(0) > 0); i++) {
    dev.xskWakeupTx(0, 16)
    dev.hwTransmit(0, 16)
    dev.napiPollTx(0, 16)
  }
}

/** Scenario 1 over `n` sockets; returns the largest number of mapped slots seen. */
export const manySocketsManyUmems = (d: DmaRegionDevice, frame: Uint8Array, n: number): number => {
  const { dev } = d
  const seen: { wire: Uint8Array | undefined } = { wire: undefined }
  dev.wire = (mem, off, len) => {
    seen.wire = mem.slice(off, off + len)
  }
  let most = 0
  for (let k = 0; k < n; k++) {
    d.unbind()
    const u = umemOf()
    const s = socketOf(u, dev.ifindex)
    expect(dev.xskBindZeroCopy(s), `bind ${k}`).toBe(0)
    const addr = 256
    u.area.bytes.set(frame, addr)
    // a marker only this UMEM holds: the last two payload bytes
    u.area.bytes[addr + frame.length - 2] = k >>> 8
    u.area.bytes[addr + frame.length - 1] = k & 0xff
    seen.wire = undefined
    expect(xskTxProduce(s, addr, frame.length, 0)).toBe(true)
    drain(dev, s)
    const w = seen.wire as Uint8Array | undefined
    expect([k, w?.length, w?.[frame.length - 2], w?.[frame.length - 1]]).toEqual([k, frame.length, k >>> 8, k & 0xff])
    expect(addrRingPop(s.comp), `completion ${k}`).toBe(addr)
    most = Math.max(most, d.dma.mapped)
  }
  return most
}

/** Scenario 1b over every TX queue of `dev` (nothing bound yet), `rounds` frames per socket. */
export const socketsOnEveryQueue = (dev: NetDevice, frame: Uint8Array, rounds: number): void => {
  const queues = dev.numTxQueues
  expect(queues).toBeGreaterThan(1)
  const sockets: XskSocket[] = []
  for (let q = 0; q < queues; q++) {
    const u = umemOf()
    const s = socketOf(u, dev.ifindex, q)
    expect(dev.xskBindZeroCopy(s), `bind queue ${q}`).toBe(0)
    sockets.push(s)
  }
  const sent: number[][] = []
  dev.wire = (mem, off, len) => sent.push([mem[off + len - 3]!, mem[off + len - 2]!, mem[off + len - 1]!])
  const want: number[][] = []
  for (let r = 0; r < rounds; r++)
    for (let q = 0; q < queues; q++) {
      const s = sockets[q]!
      const addr = 256 + (r % 2) * CHUNK
      const b = s.umem.area.bytes
      b.set(frame, addr)
      // marker: queue, round
      b[addr + frame.length - 3] = q
      b[addr + frame.length - 2] = r >>> 8
      b[addr + frame.length - 1] = r & 0xff
      want.push([q, r >>> 8, r & 0xff])
      expect(xskTxProduce(s, addr, frame.length, 0)).toBe(true)
      for (let i = 0; i < 8 && s.tx.consumer !== s.tx.producer; i++) dev.xskWakeupTx(q, 16)
      for (let i = 0; i < 8 && dev.txInFlight(q) > 0; i++) {
        dev.hwTransmit(q, 16)
        dev.napiPollTx(q, 16)
      }
      expect(addrRingPop(s.comp), `queue ${q} round ${r}`).toBe(addr)
    }
  expect(sent).toEqual(want)
}

/** Scenario 2: fill the table with memories held elsewhere, check the refusals, free them, check nothing was lost. */
export const fullTable = (d: DmaRegionDevice, frame: Uint8Array): void => {
  const { dev, dma } = d
  d.unbind()
  const held = new Set<number>()
  const driverInUse = dma.inUse
  dma.inUse = (s) => held.has(s) || driverInUse(s)
  while (dma.mapped < dma.capacity) {
    const s = dma.map(new Uint8Array(1))
    expect(s).toBeGreaterThanOrEqual(0)
    held.add(s)
  }
  const sent: Uint8Array[] = []
  dev.wire = (mem, off, len) => sent.push(mem.slice(off, off + len))
  const done: number[] = []
  dev.skbCompletion = (cookie) => done.push(cookie)

  // bind: -ENOMEM, nothing bound
  const u = umemOf()
  u.area.bytes.set(frame, 256)
  const s = socketOf(u, dev.ifindex)
  expect(dev.xskBindZeroCopy(s)).toBe(-12)
  // ndo_start_xmit from a memory with no slot: NETDEV_TX_BUSY, nothing posted
  const skb = new TxSkb()
  skb.mem = frame.slice()
  skb.data = 0
  skb.len = frame.length
  skb.cookie = 77
  expect(dev.xmitSkb(0, skb)).toBe(NetdevTx.BUSY)
  expect(dev.txInFlight(0)).toBe(0)
  dev.hwTransmit(0, 16)
  dev.napiPollTx(0, 16)
  expect([sent.length, done.length]).toEqual([0, 0])

  // the other users let go: the same submissions go through, each frame once on the wire
  held.clear()
  dma.inUse = driverInUse
  expect(dev.xskBindZeroCopy(s)).toBe(0)
  expect(dev.xmitSkb(0, skb)).toBe(NetdevTx.OK)
  for (let i = 0; i < 8 && done.length === 0; i++) {
    dev.hwTransmit(0, 16)
    dev.napiPollTx(0, 16)
  }
  expect(done).toEqual([77])
  expect(xskTxProduce(s, 256, frame.length, 0)).toBe(true)
  drain(dev, s)
  expect(addrRingPop(s.comp)).toBe(256)
  expect(sent.length).toBe(2)
  for (const w of sent) expect([...w.subarray(0, 12)]).toEqual([...frame.subarray(0, 12)])
  expect(dma.mapped).toBeLessThan(dma.capacity)
}
