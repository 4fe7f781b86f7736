/**
 * The mlx5e driver half against hand-written kernel values and frame truth: the 16-entry RSS
 * type table, every -ENODATA condition of the metadata ops, owner-bit parity over many CQ wraps
 * (no completion lost or duplicated, with and without CQE compression), -ENOBUFS without
 * overwriting, the compressed-session quirks (hash 0 / NONE after the first CQE, the title's
 * timestamp), the skb CHECKSUM_COMPLETE value, the clock converters, and typed config errors.
 */
import {
  bringUp,
  buildFrame,
  builtinCorpus,
  decodeDriverConfig,
  expectedHash,
  truthOf,
  XdpRssHashType,
  Errno,
  type FrameSpec,
  RxChecksumOut,
  RxHashOut,
  RxTimestampOut,
  RxVlanTagOut,
  SkbChecksum,
  XdpAction,
  XdpChecksum,
  type XdpProgramSpec,
  attachXdp,
  makeFrameArea,
  U64
} from "@devtx/core"
import {
  clocksourceKhz2mult,
  CqeHdsIpExt,
  driver,
  initMlx5Timecounter,
  type Mlx5Config,
  Mlx5eXdpBuff,
  type Mlx5NetDevice,
  Mlx5RqState,
  Mlx5Timecounter,
  MLX5_XDP_RSS_TYPE,
  mlx5eHandleCsum,
  mlx5eXdpRxHash,
  mlx5eXdpRxTimestamp,
  mlx5eXdpRxVlanTag,
  mlx5OverflowCycles,
  mlx5PtpShiftConstant,
  realTimeCyc2time,
  VLAN_MAX_DEPTH
} from "@devtx/drivers-mlx"
import { loadBound } from "@devtx/kfuncs"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"

const cqe = (bytes: Record<number, number>): DataView => {
  const b = new Uint8Array(64)
  for (const [k, v] of Object.entries(bytes)) b[Number(k)] = v
  return new DataView(b.buffer)
}
const ctxOf = (v: DataView, setup: (rq: Mlx5RqState) => void = () => {}): Mlx5eXdpBuff => {
  const rq = new Mlx5RqState(new Mlx5Timecounter())
  setup(rq)
  const ctx = new Mlx5eXdpBuff(makeFrameArea({ frameCount: 1, frameSize: 4096 }), { ifindex: 1, queueIndex: 0 })
  ctx.rq = rq
  ctx.cqe = v
  ctx.cqeOff = 0
  return ctx
}
const u64 = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo)

describe("mlx5e_xdp_rx_hash: the 16-entry mlx5_xdp_rss_type table (en/xdp.c)", () => {
  // by hand from enum xdp_rss_hash_type (include/net/xdp.h)
  const expected = [0, 0, 0, 0, 0x01, 0x19, 0x29, 0x89, 0x02, 0x1a, 0x2a, 0x8a, 0, 0, 0, 0]
  it("the table is the kernel's", () => expect([...MLX5_XDP_RSS_TYPE]).toEqual(expected))
  for (let i = 0; i < 16; i++) {
    it(`lookup ${i}: IP type ${i >> 2}, L4 type ${i & 3} -> 0x${expected[i]!.toString(16)}`, () => {
      // rss_hash_type byte: IP type in bits 3:2, L4 type in bits 7:6; other bits set to show they are ignored
      const t = ((i >> 2) << 2) | ((i & 3) << 6) | 0x33
      const out = new RxHashOut()
      expect(mlx5eXdpRxHash(ctxOf(cqe({ 12: 0xde, 13: 0xad, 14: 0xbe, 15: 0xef, 16: t })), out)).toBe(0)
      expect([out.hash, out.rssType]).toEqual([0xdeadbeef, expected[i]])
    })
  }
  it("-ENODATA without NETIF_F_RXHASH; 0 with hash 0 when the CQE has none", () => {
    expect(mlx5eXdpRxHash(ctxOf(cqe({ 16: 0x44 }), (rq) => { rq.featRxhash = false }), new RxHashOut())).toBe(-Errno.ENODATA)
    const out = new RxHashOut()
    expect(mlx5eXdpRxHash(ctxOf(cqe({})), out)).toBe(0)
    expect([out.hash, out.rssType]).toEqual([0, 0])
  })
})

describe("timestamp and VLAN ops", () => {
  it("timestamp: -ENODATA unless rx_filter == HWTSTAMP_FILTER_ALL, even with a stamp in the CQE", () => {
    const v = cqe({ 48: 0x65, 49: 0x53, 50: 0xf1, 51: 0x00, 55: 7 })
    expect(mlx5eXdpRxTimestamp(ctxOf(v), new RxTimestampOut())).toBe(-Errno.ENODATA)
    const out = new RxTimestampOut()
    expect(mlx5eXdpRxTimestamp(ctxOf(v, (rq) => { rq.rxFilterAll = true; rq.tsFormat = 1 }), out)).toBe(0)
    expect(u64(out.hi, out.lo)).toBe(1_700_000_000_000_000_007n)
  })
  it("vlan: -ENODATA without the l4_l3_hdr_type bit 0; proto always 802.1Q", () => {
    expect(mlx5eXdpRxVlanTag(ctxOf(cqe({ 29: 0x48, 30: 0x20, 31: 0x01 })), new RxVlanTagOut())).toBe(-Errno.ENODATA)
    const out = new RxVlanTagOut()
    expect(mlx5eXdpRxVlanTag(ctxOf(cqe({ 29: 0x01, 30: 0xef, 31: 0xff })), out)).toBe(0)
    expect([out.vlanProto, out.vlanTci]).toEqual([0x0081, 0xefff]) // htons(0x8100) as an LE host loads it
  })
})

describe("clock converters (lib/clock.h, timecounter)", () => {
  it("shift and mult from device_frequency_khz", () => {
    // 156.25 MHz: min(ilog2(156250) + 16 = 33, ilog2(4294 * 156250 = 670937500) = 29) = 29
    expect(mlx5PtpShiftConstant(156250)).toBe(29)
    // (1e6 << 29 + 78125) / 156250 = 3435973836.8 + 0.5 -> 3435973837
    expect(clocksourceKhz2mult(156250, 29)).toBe(3435973837)
    // 1 GHz: min(19 + 16, ilog2(4294e6) = 31) = 31, mult = 2^31
    expect(mlx5PtpShiftConstant(1_000_000)).toBe(31)
    expect(clocksourceKhz2mult(1_000_000, 31)).toBe(2 ** 31)
    // overflow_cycles = min((2^63 - 1) / 2^31, (2^41 - 1) / 3) = 2^32 - 1
    expect(mlx5OverflowCycles(2 ** 31)).toBe(2n ** 32n - 1n)
  })
  it("timecounter_cyc2time forwards, backwards, and across the overflow watchdog", () => {
    const tc = new Mlx5Timecounter()
    const start = 1_700_000_000_000_000_000n
    initMlx5Timecounter(tc, 156250, start, 10_000_000_000n)
    const out = new U64()
    const at = (c: bigint) => {
      tc.cyc2time(Number(c >> 32n), Number(c & 0xffffffffn), out)
      return u64(out.hi, out.lo)
    }
    expect(at(10_000_000_005n)).toBe(start + 32n) // 5 cycles * 6.4 ns
    expect(at(10_000_156_250n)).toBe(start + 1_000_000n) // 1 ms
    expect(at(9_999_999_995n)).toBe(start - 32n) // a stamp older than cycle_last
    const g = new Mlx5Timecounter()
    initMlx5Timecounter(g, 1_000_000, start, 0n)
    const now = 2n ** 32n + 7n
    expect(g.overflowWork(Number(now >> 32n), Number(now & 0xffffffffn))).toBe(true)
    g.cyc2time(Number(now >> 32n), Number(now & 0xffffffffn), out)
    expect(u64(out.hi, out.lo)).toBe(start + now) // 1 GHz: 1 ns per cycle
    g.cyc2time(0, 3, out)
    expect(u64(out.hi, out.lo)).toBe(start + 3n) // behind the new cycle_last: backwards path
  })
  it("real-time: hi * NSEC_PER_SEC + lo", () => {
    const out = new U64()
    realTimeCyc2time(1_700_000_000, 999_999_999, out)
    expect(u64(out.hi, out.lo)).toBe(1_700_000_000_999_999_999n)
    realTimeCyc2time(0xffffffff, 0, out)
    expect(u64(out.hi, out.lo)).toBe(0xffffffffn * 1_000_000_000n)
  })
})

const base: FrameSpec = {
  dstMac: [2, 0, 0, 0, 0, 2],
  srcMac: [2, 0, 0, 0, 0, 1],
  vlans: [],
  l3: { kind: "ipv4", src: [10, 0, 0, 1], dst: [10, 0, 0, 2], tos: 0, id: 1, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false },
  l4: { kind: "udp", srcPort: 1000, dstPort: 2000, payloadLen: 64 },
  badL4Checksum: false,
  udpZeroChecksum: false,
  padToMin: false,
  payloadSeed: 1,
  corruptMask: 0
}
/** frame i carries i in its UDP source port */
const frameN = (i: number): Uint8Array => buildFrame({ ...base, l4: { kind: "udp", srcPort: 1000 + (i % 60000), dstPort: 2000, payloadLen: 64 + (i % 7) } })

const withDevice = <A>(overrides: Partial<Mlx5Config>, body: (dev: Mlx5NetDevice) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ...overrides })
        const dev = (yield* bringUp(driver, cfg, { ifname: "mlx0", ifindex: 9 })) as Mlx5NetDevice
        return yield* body(dev)
      })
    )
  )

describe("CQ ownership over many wraps", () => {
  for (const compression of [false, true]) {
    it(`no completion lost or duplicated, ${compression ? "with" : "without"} CQE compression (ring 64, 11 wraps)`, async () => {
      await withDevice({ ringSize: 64, cqeCompression: compression, rxTimestamp: "none" }, (dev) =>
        Effect.sync(() => {
          const seen: number[] = []
          dev.stack = (skb, mem) => {
            const l4 = skb.dataAddr + 14 + 20
            seen.push(((mem[l4]! << 8) | mem[l4 + 1]!) - 1000)
          }
          let sent = 0
          const bursts = [1, 7, 64, 3, 50, 9, 64, 2, 33, 17]
          for (let round = 0; sent < 700; round++) {
            const n = bursts[round % bursts.length]!
            for (let i = 0; i < n; i++) {
              const f = frameN(sent)
              expect(dev.hwReceive(f, 0, f.length)).toBe(0)
              sent++
            }
            // odd budgets so sessions are split across polls
            while (dev.napiPoll(0, 5 + (round % 4)) > 0) {}
          }
          expect(seen).toEqual(Array.from({ length: sent }, (_, i) => i))
          expect(dev.rxStats.rxMissed).toBe(0)
          if (compression) expect(dev.rqs[0]!.stats.cqeCompressBlks).toBeGreaterThan(10)
        })
      )
    })
  }

  it("-ENOBUFS when every WQE is used; the unconsumed CQEs are not overwritten", async () => {
    await withDevice({ ringSize: 64, rxTimestamp: "none" }, (dev) =>
      Effect.sync(() => {
        for (let i = 0; i < 64; i++) expect(dev.hwReceive(frameN(i), 0, frameN(i).length)).toBe(0)
        const before = dev.rqs[0]!.mem.cq.slice()
        expect(dev.hwReceive(frameN(64), 0, frameN(64).length)).toBe(-Errno.ENOBUFS)
        expect(dev.rxStats.rxMissed).toBe(1)
        expect(dev.rqs[0]!.mem.cq).toEqual(before)
        expect(dev.rxPending(0)).toBe(64)
        expect(dev.napiPoll(0, 64)).toBe(64)
        expect(dev.hwReceive(frameN(65), 0, frameN(65).length)).toBe(0)
      })
    )
  })
})

interface Seen {
  hash: number
  hashVal: number
  hashType: number
  ts: number
  tsHi: number
  tsLo: number
  csum: number
  ipSummed: number
}
const probe = (seen: Seen[]): XdpProgramSpec => ({
  name: "probe",
  kfuncs: ["rxTimestamp", "rxHash", "rxChecksum"],
  instantiate: ({ kfuncs: k }) => {
    const t = new RxTimestampOut()
    const h = new RxHashOut()
    const c = new RxChecksumOut()
    return (ctx) => {
      seen.push({ ts: k.rxTimestamp(ctx, t), tsHi: t.hi, tsLo: t.lo, hash: k.rxHash(ctx, h), hashVal: h.hash, hashType: h.rssType, csum: k.rxChecksum(ctx, c), ipSummed: c.ipSummed })
      return XdpAction.PASS
    }
  }
})

describe("CQE compression as the driver sees it", () => {
  it("a burst of 10: the first CQE keeps its hash, the rest read hash 0 / XDP_RSS_TYPE_NONE (rc 0); all carry the title's timestamp", async () => {
    // ten TCP/IPv4 segments (ACK|PSH with data) of ten flows: one compression session
    const specs: FrameSpec[] = Array.from({ length: 10 }, (_, i) => ({
      ...base,
      l4: { kind: "tcp", srcPort: 3000 + i, dstPort: 80, seq: i, ack: 1, flags: 0x18, window: 100, options: [], payloadLen: 100 + i }
    }))
    const ipv4Tcp = specs.map((spec) => ({ spec, bytes: buildFrame(spec) }))
    const seen: Seen[] = []
    const phc: bigint[] = []
    await withDevice({ cqeCompression: true, rxTimestamp: "all", ptpRx: true }, (dev) =>
      Effect.gen(function* () {
        const prog = yield* loadBound(probe(seen), dev, { mode: "dev-bound" })
        yield* attachXdp(dev, prog)
        const p = new RxTimestampOut()
        for (const f of ipv4Tcp) {
          expect(dev.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
          dev.readPhc(p)
          phc.push(u64(p.hi, p.lo))
        }
        expect(dev.rxPending(0)).toBe(10)
        expect(dev.napiPoll(0, 64)).toBe(10)
        expect(dev.rqs[0]!.stats.cqeCompressBlks).toBe(1)
        expect(dev.rqs[0]!.stats.cqeCompressPkts).toBe(10)
      })
    )
    expect(seen.length).toBe(10)
    // the first: the truth (Toeplitz over the 4-tuple, core's expectation rules)
    const sem = driver.rxSemantics(driver.defaultConfig)
    const want = expectedHash(truthOf(specs[0]!), sem)
    expect([seen[0]!.hash, seen[0]!.hashVal, seen[0]!.hashType]).toEqual([0, want.hash, XdpRssHashType.TYPE_L4_IPV4_TCP])
    expect(want.hash).not.toBe(0)
    for (const s of seen.slice(1)) expect([s.hash, s.hashVal, s.hashType]).toEqual([0, 0, 0])
    for (const s of seen) expect(u64(s.tsHi, s.tsLo)).toBe(phc[0])
    expect(phc[9]! - phc[0]!).toBe(9n * 5000n)
    // the checksum verdict still comes per packet (hds_ip_ext is a session-matching field)
    for (const s of seen) expect(s.csum).toBe(0)
  })

  it("with rx_filter ALL and no PTP RX queue the driver turns compression off", async () => {
    await withDevice({ cqeCompression: true, rxTimestamp: "all", ptpRx: false }, (dev) => Effect.sync(() => expect(dev.cqeCompression).toBe(false)))
  })
})

describe("skb path without XDP: CHECKSUM_COMPLETE", () => {
  it("skb->csum covers every byte after the Ethernet header (VLAN tags left in place and tail padding included)", async () => {
    const frames = builtinCorpus().filter((f) => f.truth.l3 !== "arp" && !f.truth.isRunt && f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= 1500)
    const got: Array<{ ipSummed: number; csum: number; len: number; sum: number }> = []
    await withDevice({ rxvlan: false }, (dev) =>
      Effect.sync(() => {
        dev.stack = (skb, mem) => {
          let s = 0
          for (let i = skb.dataAddr + 14; i < skb.dataAddr + skb.len; i += 2) s += (mem[i]! << 8) | (i + 1 < skb.dataAddr + skb.len ? mem[i + 1]! : 0)
          while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
          got.push({ ipSummed: skb.ipSummed, csum: skb.csum, len: skb.len, sum: s })
        }
        for (const f of frames) {
          dev.hwReceive(f.bytes, 0, f.bytes.length)
          while (dev.napiPoll(0, 64) > 0) {}
        }
      })
    )
    const sctpOrShort = (i: number) => got[i]!.len <= 64 || frames[i]!.truth.ipv6ExtHeaders.length === 0 && frames[i]!.truth.ipProto === 132
    let complete = 0
    for (let i = 0; i < got.length; i++) {
      if (sctpOrShort(i)) continue
      expect(got[i]!.ipSummed).toBe(SkbChecksum.COMPLETE)
      expect(got[i]!.csum).toBe(got[i]!.sum)
      complete++
    }
    expect(complete).toBeGreaterThan(200)
  })

  it("short_frame (len <= ETH_ZLEN + ETH_FCS_LEN) goes to the L3_OK/L4_OK test: UNNECESSARY", async () => {
    const f = buildFrame({ ...base, l4: { kind: "udp", srcPort: 1, dstPort: 2, payloadLen: 4 }, padToMin: true })
    expect(f.length).toBe(60)
    let summed = -1
    await withDevice({}, (dev) =>
      Effect.sync(() => {
        dev.stack = (skb) => {
          summed = skb.ipSummed
        }
        dev.hwReceive(f, 0, f.length)
        dev.napiPoll(0, 64)
      })
    )
    expect(summed).toBe(SkbChecksum.UNNECESSARY)
  })
})

describe("configuration errors", () => {
  const decode = (c: Record<string, unknown>) => Effect.runSyncExit(decodeDriverConfig(driver, { ...driver.defaultConfig, ...c }))
  it("names the offending value", () => {
    for (const [bad, needle] of [
      [{ ringSize: 1000 }, "1000"],
      [{ tsFormat: "ptp" }, "tsFormat"], // a literal mismatch names the field (Schema's message)
      [{ mtu: 9000 }, "mtu 9000"],
      [{ deviceFrequencyKhz: 2_000_000 }, "2000000"],
      [{ rssFields: { tcp4: "none", udp4: "sdfn", tcp6: "sdfn", udp6: "sdfn" } }, "tcp4"]
    ] as const) {
      const exit = decode(bad)
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        expect(JSON.stringify(exit.cause)).toContain("DriverConfigError")
        expect(JSON.stringify(exit.cause)).toContain(needle)
      }
    }
  })
})

describe("mlx5e_handle_csum: the VLAN walk of __vlan_get_protocol (include/linux/if_vlan.h)", () => {
  // parse_depth starts at VLAN_MAX_DEPTH (8) and is decremented before it is tested, once per tag
  // header read: tags 1..7 leave it 7..1, the 8th makes it 0 and the walk returns protocol 0. So
  // 7 tags still reach the IPv4 header (CHECKSUM_COMPLETE), 8 and 9 do not (the L3_OK/L4_OK test).
  const CHECK_SUM = 0x1234
  const cqeOk = (): DataView => cqe({ 20: CHECK_SUM >>> 8, 21: CHECK_SUM & 0xff, 28: CqeHdsIpExt.L3_OK | CqeHdsIpExt.L4_OK })
  const tagged = (n: number): Uint8Array =>
    buildFrame({ ...base, vlans: Array.from({ length: n }, (_, i) => ({ tpid: i === 0 ? 0x88a8 : 0x8100, pcp: 0, dei: 0, vid: 100 + i })) })
  /** ones'-complement sum of BE16 words, folded to 16 bits: by hand, independent of the driver's helpers */
  const fold = (words: number[]): number => {
    let s = 0
    for (const w of words) s += w
    while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
    return s
  }
  expect(VLAN_MAX_DEPTH).toBe(8)
  for (const [n, want] of [[0, XdpChecksum.COMPLETE], [1, XdpChecksum.COMPLETE], [7, XdpChecksum.COMPLETE], [8, XdpChecksum.UNNECESSARY], [9, XdpChecksum.UNNECESSARY]] as const) {
    it(`${n} tag(s) -> ${want === XdpChecksum.COMPLETE ? "COMPLETE (csum = check_sum + the tag bytes)" : "UNNECESSARY (walk gave protocol 0)"}`, () => {
      const f = tagged(n)
      const mem = new Uint8Array(f.length + 64)
      mem.set(f, 32)
      const out = new RxChecksumOut()
      mlx5eHandleCsum(true, false, false, false, cqeOk(), 0, mem, 32, f.length, out)
      expect(out.ipSummed).toBe(want)
      if (want === XdpChecksum.COMPLETE) {
        // mlx5e_skb_csum_fixup: skb->csum = check_sum + csum_partial(the 4n tag bytes after ETH_HLEN)
        const words = [CHECK_SUM]
        for (let i = 14; i < 14 + 4 * n; i += 2) words.push((f[i]! << 8) | f[i + 1]!)
        expect(fold([out.cksum])).toBe(fold(words))
      } else expect(out.cksum).toBe(0)
    })
  }
})
