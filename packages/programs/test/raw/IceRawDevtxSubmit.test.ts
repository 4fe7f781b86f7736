/**
 * ice raw TX submit (IceRawDevtx.ts iceRawDevtxSubmit) against the devtx-only kfunc
 * bpf_devtx_request_l4_csum on ice: every TCP/UDP/SCTP corpus frame that is not a fragment (IPv4
 * and IPv6, with VLAN tags and IPv6 extension headers) plus frames with nothing to checksum goes
 * out through AF_XDP zero-copy twice, once per design. Checked:
 *  - the data descriptors' cmd_type_offset_bsz words after each submit program are identical,
 *    and their IIPT / L4T / MACLEN / IPLEN / L4LEN fields equal what ice_tx_csum derives from the
 *    frame's truth (l3 offset / 2, L3 header length / 4, L4 header length / 4);
 *  - the wire bytes are identical, and every checksum verifies independently: TCP/UDP by a
 *    one's-complement sum over pseudo-header + segment, SCTP by a bitwise CRC32c written here
 *    (anchored on the RFC 3720 B.4 vector) — the frames leave the sender with the TCP/UDP field
 *    seeded with the pseudo-header sum and the SCTP field zeroed, so only the offload fixes them;
 *  - frames with nothing to checksum leave unchanged;
 *  - the TX timestamp request: the raw program refuses it per frame (-EOPNOTSUPP, counted) and no
 *    context descriptor gets TSYN, while the kfunc takes a PHY index; rawDevtxFor lists it as
 *    unsupported with the reason.
 */
import {
  addrRingPop,
  attachDevtx,
  builtinCorpus,
  decodeDriverConfig,
  type DevtxCtx,
  DevtxPoint,
  type DevtxProgramSpec,
  type DriverPackage,
  Errno,
  type LoadedDevtxProgram,
  loadRawDevtxProgram,
  makeXskSocket,
  type NetDevice,
  type RawDevtxProgramSpec,
  registerUmem,
  xskTxProduce
} from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { iceBtf, type IceDevtxCtx, iceCtxDescTsynIndex } from "@devtx/drivers-ice/internals"
import { loadBoundDevtx } from "@devtx/kfuncs"
import {
  ICE_RAW_TX_TS_REQUEST_UNAVAILABLE,
  IceRawSubmitStats,
  iceRawDevtxSubmit,
  RawStyleUnavailableError,
  rawDevtxFor,
  TxStampLog
} from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

type Frame = ReturnType<typeof builtinCorpus>[number]
const corpus = builtinCorpus()
const offloadable = (f: Frame): boolean =>
  (f.truth.l4 === "tcp" || f.truth.l4 === "udp" || f.truth.l4 === "sctp") && f.truth.fragment === "none" && !f.truth.ipv6ExtHeaders.includes(44)
const l4Frames = corpus.filter((f) => offloadable(f) && f.bytes.length <= 1522)
const otherFrames = corpus.filter((f) => !offloadable(f) && f.bytes.length <= 1522).slice(0, 24)
const frames = [...l4Frames, ...otherFrames]
const CHUNK = 4096

const csumField = (f: Frame): number => (f.truth.l4 === "tcp" ? 16 : f.truth.l4 === "udp" ? 6 : 8)

/** As a CHECKSUM_PARTIAL sender leaves it: TCP/UDP field = folded pseudo-header sum; SCTP field = 0. */
const seeded = (f: Frame): Uint8Array => {
  const b = f.bytes.slice()
  const t = f.truth
  if (!offloadable(f)) return b
  const at = t.l4Offset + csumField(f)
  if (t.l4 === "sctp") {
    b.fill(0, at, at + 4)
    return b
  }
  const alen = t.l3 === "ipv4" ? 4 : 16
  const sa = t.l3Offset + (t.l3 === "ipv4" ? 12 : 8)
  let s = t.ipProto! + (t.ipTotalLen - t.l3HeaderLen)
  for (let i = sa; i < sa + 2 * alen; i += 2) s += (b[i]! << 8) | b[i + 1]!
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  b[at] = s >>> 8
  b[at + 1] = s & 0xff
  return b
}

/** Bitwise CRC32c (Castagnoli, reflected polynomial 0x82F63B78), written here as the independent check. */
const crc32c = (b: Uint8Array): number => {
  let c = 0xffffffff
  for (const x of b) {
    c ^= x
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  }
  return ~c >>> 0
}

const checksumVerifies = (w: Uint8Array, f: Frame): boolean => {
  const t = f.truth
  const end = t.l3Offset + t.ipTotalLen
  if (t.l4 === "sctp") {
    const pkt = w.slice(t.l4Offset, end)
    const stored = (pkt[8]! | (pkt[9]! << 8) | (pkt[10]! << 16) | (pkt[11]! << 24)) >>> 0
    pkt.fill(0, 8, 12)
    return crc32c(pkt) === stored
  }
  const alen = t.l3 === "ipv4" ? 4 : 16
  const sa = t.l3Offset + (t.l3 === "ipv4" ? 12 : 8)
  let s = t.ipProto! + (t.ipTotalLen - t.l3HeaderLen)
  for (let i = sa; i < sa + 2 * alen; i += 2) s += (w[i]! << 8) | w[i + 1]!
  for (let i = t.l4Offset; i < end; i += 2) s += (w[i]! << 8) | (i + 1 < end ? w[i + 1]! : 0)
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  return s === 0xffff
}

/** What the submit path left in each frame's data descriptor (qw1 halves) and its context descriptor's TSYN index. */
class Snap {
  readonly lo = new Array<number>(frames.length).fill(-1)
  readonly hi = new Array<number>(frames.length).fill(-1)
  readonly tsyn = new Array<number>(frames.length).fill(-2)
  take(ctx: DevtxCtx): void {
    const j = ctx.data / CHUNK
    this.lo[j] = ctx.desc.getUint32(ctx.descOff + 8, true)
    this.hi[j] = ctx.desc.getUint32(ctx.descOff + 12, true)
    const c = (ctx as IceDevtxCtx).ctxDescOff
    this.tsyn[j] = c >= 0 ? iceCtxDescTsynIndex(ctx.desc, c) : -2
  }
}

/** kfunc side: request the checksum at the truth's csum_start / csum_offset (and a timestamp when asked). */
const kfuncSubmit = (snap: Snap, timestamp: boolean): DevtxProgramSpec => ({
  name: "devtx_submit_kfunc_ice",
  point: DevtxPoint.SUBMIT_XDP,
  kfuncs: ["bpf_devtx_request_tx_timestamp", "bpf_devtx_request_l4_csum"],
  instantiate: ({ kfuncs }) => (ctx: DevtxCtx) => {
    const f = frames[ctx.data / CHUNK]!
    if (timestamp) kfuncs.requestTxTimestamp(ctx)
    if (offloadable(f)) expect(kfuncs.requestL4Checksum(ctx, f.truth.l4Offset, csumField(f))).toBe(0)
    snap.take(ctx)
  }
})

/** raw side: the program under test, with the same snapshot after it. */
const rawSubmit = (snap: Snap, spec: RawDevtxProgramSpec): RawDevtxProgramSpec => ({
  ...spec,
  instantiate: (env) => {
    const inner = spec.instantiate(env)
    return (ctx: DevtxCtx) => {
      inner(ctx)
      snap.take(ctx)
    }
  }
})

const txRun = (load: (dev: NetDevice) => Effect.Effect<ReadonlyArray<LoadedDevtxProgram>, unknown>): Promise<Array<Uint8Array>> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const d = iceDriver as DriverPackage<unknown>
      const config = yield* decodeDriverConfig(d, { ...(d.defaultConfig as Record<string, unknown>), ringSize: 64 })
      const dev = d.createDevice(config, { ifname: "ice0", ifindex: 3 })
      for (const p of yield* load(dev)) yield* attachDevtx(dev, p)
      const u = registerUmem({ len: frames.length * CHUNK, chunkSize: CHUNK, headroom: 0, flags: 0, txMetadataLen: 0 })
      if (!("area" in u)) throw u
      const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 64, comp: 64, rx: 64, tx: 64 })
      if (s instanceof RangeError) throw s
      expect(dev.xskBindZeroCopy(s)).toBe(0)
      const wire: Uint8Array[] = []
      dev.wire = (m, o, l) => wire.push(m.slice(o, o + l))
      for (let i = 0; i < frames.length; i += 4) {
        for (let j = i; j < Math.min(i + 4, frames.length); j++) {
          const b = seeded(frames[j]!)
          u.area.bytes.set(b, j * CHUNK)
          xskTxProduce(s, j * CHUNK, b.length, 0)
        }
        dev.xskWakeupTx(0, 8)
        dev.hwTransmit(0, 8)
        dev.napiPollTx(0, 8)
        while (addrRingPop(s.comp) >= 0) {}
      }
      return wire
    })
  )

/** The qw1 fields as ice_tx_csum writes them for frame f, from its truth (BigInt only in the test). */
const expectedFields = (f: Frame): { cmd: number; offset: number } => {
  const t = f.truth
  const iipt = t.l3 === "ipv4" ? 0x040 : 0x020
  const l4t = t.l4 === "tcp" ? 0x100 : t.l4 === "sctp" ? 0x200 : 0x300
  return { cmd: iipt | l4t, offset: (t.l3Offset / 2) | ((t.l3HeaderLen / 4) << 7) | ((t.l4HeaderLen / 4) << 14) }
}
const fieldsOf = (hi: number, lo: number): { cmd: number; offset: number } => {
  const q = (BigInt(hi) << 32n) | BigInt(lo)
  return { cmd: Number((q >> 4n) & 0xfffn), offset: Number((q >> 16n) & 0x3ffffn) }
}

describe("ice raw TX submit == devtx kfunc request_l4_csum", () => {
  it("the corpus has what the comparison needs", () => {
    expect(l4Frames.filter((f) => f.truth.l4 === "sctp").length).toBeGreaterThan(10)
    expect(l4Frames.filter((f) => f.truth.ipv6ExtHeaders.length > 0).length).toBeGreaterThan(3)
    expect(l4Frames.filter((f) => f.truth.vlans.length === 2).length).toBeGreaterThan(3)
    expect(otherFrames.length).toBe(24)
  })

  it("same descriptor words, fields as ice_tx_csum, same wire bytes, checksums verify; the rest unchanged", async () => {
    const ks = new Snap()
    const rs = new Snap()
    const stats = new IceRawSubmitStats()
    const k = await txRun((dev) => Effect.all([loadBoundDevtx(kfuncSubmit(ks, false), dev, "dev-bound")]))
    const r = await txRun((dev) => Effect.all([loadRawDevtxProgram(rawSubmit(rs, iceRawDevtxSubmit({ timestamp: false, checksum: true }, stats)), dev, iceBtf())]))
    expect(r.length).toBe(frames.length)
    expect(rs.lo).toEqual(ks.lo)
    expect(rs.hi).toEqual(ks.hi)
    l4Frames.forEach((f, i) => {
      expect([i, fieldsOf(rs.hi[i]!, rs.lo[i]!)]).toEqual([i, { cmd: expectedFields(f).cmd | 0x1, offset: expectedFields(f).offset }])
    })
    otherFrames.forEach((_, n) => {
      const i = l4Frames.length + n
      expect([i, fieldsOf(rs.hi[i]!, rs.lo[i]!)]).toEqual([i, { cmd: 0x1, offset: 0 }])
    })
    expect(r.map((w) => [...w])).toEqual(k.map((w) => [...w]))
    l4Frames.forEach((f, i) => expect([i, f.truth.l4, checksumVerifies(r[i]!, f)]).toEqual([i, f.truth.l4, true]))
    // without the offload they would not verify (the seeded frames are not valid as sent)
    expect(l4Frames.filter((f) => checksumVerifies(seeded(f), f)).length).toBe(0)
    otherFrames.forEach((f, n) => expect([...r[l4Frames.length + n]!]).toEqual([...f.bytes]))
    expect([stats.csumRequested, stats.csumSkipped, stats.tsRefused, stats.tsRc]).toEqual([l4Frames.length, otherFrames.length, 0, 0])
  })

  it("timestamp request: the raw program refuses it (-EOPNOTSUPP per frame, no TSYN); the kfunc takes a PHY index", async () => {
    const ks = new Snap()
    const rs = new Snap()
    const stats = new IceRawSubmitStats()
    await txRun((dev) => Effect.all([loadBoundDevtx(kfuncSubmit(ks, true), dev, "dev-bound")]))
    await txRun((dev) => Effect.all([loadRawDevtxProgram(rawSubmit(rs, iceRawDevtxSubmit({ timestamp: true, checksum: true }, stats)), dev, iceBtf())]))
    expect([stats.tsRefused, stats.tsRc]).toEqual([frames.length, -Errno.EOPNOTSUPP])
    // every packet had a context descriptor in front (a devtx submit hook is attached): without TSYN on the raw path
    expect(rs.tsyn.every((x) => x === -1)).toBe(true)
    expect(ks.tsyn.every((x) => x >= 0)).toBe(true)
    const pair = rawDevtxFor("ice", undefined, { timestamp: true, checksum: true }, new TxStampLog(1))
    if (pair instanceof RawStyleUnavailableError) throw pair
    expect(pair.submit?.name).toBe("devtx_submit_raw_ice")
    expect(pair.unsupported).toEqual([{ request: "tx-timestamp", errno: -Errno.EOPNOTSUPP, reason: ICE_RAW_TX_TS_REQUEST_UNAVAILABLE }])
    expect(ICE_RAW_TX_TS_REQUEST_UNAVAILABLE).toContain("ice_ptp_request_ts")
    const none = rawDevtxFor("ice", undefined, { timestamp: false, checksum: false }, new TxStampLog(1))
    if (none instanceof RawStyleUnavailableError) throw none
    expect([none.submit, none.unsupported]).toEqual([undefined, []])
  })

  it("the CRC32c used as the check matches RFC 3720 B.4 (32 bytes of zeros -> 0x8A9136AA)", () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
  })
})
