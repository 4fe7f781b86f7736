/**
 * Shared helpers of the ice TX tests: a device from a partial config, an skb submission of a
 * corpus frame with CHECKSUM_PARTIAL seeding, and independent checksum checks on wire bytes
 * (RFC 1071 / RFC 4960 computed here, not with the driver's or core's helpers).
 */
import { type CorpusFrame, decodeDriverConfig, TxSkb } from "@devtx/core"
import { driver } from "@devtx/drivers-ice"
import type { IceConfig, IceNetDevice } from "@devtx/drivers-ice/internals"
import { Effect } from "effect"

export const iceDevice = (overrides: Partial<IceConfig> = {}): IceNetDevice =>
  driver.createDevice(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, txRingSize: 64, ...overrides })), {
    ifname: "ice0",
    ifindex: 3
  }) as IceNetDevice

export interface Sent {
  bytes: Uint8Array
  ts: bigint
}

export const captureWire = (dev: IceNetDevice): Sent[] => {
  const sent: Sent[] = []
  dev.wire = (mem, off, len, hi, lo) => sent.push({ bytes: mem.slice(off, off + len), ts: (BigInt(hi) << 32n) | BigInt(lo) })
  return sent
}

const sum16 = (b: Uint8Array, off: number, len: number, init: number): number => {
  let s = init
  for (let i = 0; i < len; i += 2) s += (b[off + i]! << 8) | (i + 1 < len ? b[off + i + 1]! : 0)
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  return s
}

/** The pseudo-header sum (folded, not complemented) at the frame's L3 header, with an L3 offset shift. */
export const pseudoSum = (b: Uint8Array, f: CorpusFrame, shift = 0): number => {
  const t = f.truth
  const v4 = t.l3 === "ipv4"
  const addrOff = t.l3Offset + shift + (v4 ? 12 : 8)
  return sum16(b, addrOff, v4 ? 8 : 32, t.ipProto! + (t.ipTotalLen - t.l3HeaderLen))
}

/** TCP/UDP: pseudo-header + segment sums to 0xFFFF. `shift`: bytes inserted before L3 on the wire. */
export const l4ChecksumOk = (b: Uint8Array, f: CorpusFrame, shift = 0): boolean => {
  const t = f.truth
  const l4Len = t.ipTotalLen - t.l3HeaderLen
  return sum16(b, t.l4Offset + shift, l4Len, pseudoSum(b, f, shift)) === 0xffff
}

/** CRC32c (Castagnoli, reflected 0x82F63B78), bitwise. */
const crc32cBitwise = (b: Uint8Array, off: number, len: number): number => {
  let c = 0xffffffff
  for (let i = 0; i < len; i++) {
    c ^= b[off + i]!
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  }
  return ~c >>> 0
}

export const sctpChecksumOk = (b: Uint8Array, f: CorpusFrame, shift = 0): boolean => {
  const t = f.truth
  const o = t.l4Offset + shift
  const len = t.ipTotalLen - t.l3HeaderLen
  const stored = (b[o + 8]! | (b[o + 9]! << 8) | (b[o + 10]! << 16) | (b[o + 11]! << 24)) >>> 0
  const copy = b.slice(o, o + len)
  copy.fill(0, 8, 12)
  return crc32cBitwise(copy, 0, len) === stored
}

export const csumFieldOffset = (f: CorpusFrame): number => (f.truth.l4 === "tcp" ? 16 : f.truth.l4 === "udp" ? 6 : 8)

/**
 * An skb of frame `f` at `at` in `mem`, CHECKSUM_PARTIAL: the L4 checksum field seeded with the
 * pseudo-header sum (TCP/UDP) or zero (SCTP), as the stack leaves it for the driver.
 */
export const stageSkb = (skb: TxSkb, mem: Uint8Array, at: number, f: CorpusFrame, cookie: number, opts: { csum?: boolean; tstamp?: boolean } = {}): TxSkb => {
  skb.reset()
  mem.set(f.bytes, at)
  skb.mem = mem
  skb.data = at
  skb.len = f.bytes.length
  skb.cookie = cookie
  skb.hwTstamp = opts.tstamp === true
  if (opts.csum === true) {
    const field = at + f.truth.l4Offset + csumFieldOffset(f)
    if (f.truth.l4 === "sctp") mem.fill(0, field, field + 4)
    else {
      mem[field] = 0
      mem[field + 1] = 0
      const p = pseudoSum(mem.subarray(at, at + f.bytes.length), f)
      mem[field] = p >>> 8
      mem[field + 1] = p & 0xff
    }
    skb.csumStart = f.truth.l4Offset
    skb.csumOffset = csumFieldOffset(f)
  }
  return skb
}

export const newSkb = (): TxSkb => new TxSkb()

export const drain = (dev: IceNetDevice, queue = 0): void => {
  for (let i = 0; i < 10000 && dev.txInFlight(queue) > 0; i++) {
    dev.hwTransmit(queue, 64)
    dev.napiPollTx(queue, 64)
  }
}
