/**
 * Golden CQEs: REGRESSION FIXTURES written by test/golden/build-golden.mjs from the model's own
 * output (rebuild: npm run golden -w @devtx/drivers-mlx) — they catch a change, they are not
 * independent truth; Mlx5IndependentCqe.test.ts is the independent source. Every field is decoded with the mlx5_cqe64 readers and compared with a
 * value written by hand from the layout (include/linux/mlx5/device.h); hashes are the Microsoft
 * RSS verification vectors (66.9.149.187:2794 -> 161.142.100.80:1766 TCP/IPv4 = 0x51ccc178;
 * 3ffe:2501:200:1fff::7:2794 -> 3ffe:2501:200:3::1:1766 TCP/IPv6 4-tuple = 0x40207d3d); the
 * check_sum expectation is the ones' complement sum of the frame's IP header through the end of
 * the IP datagram, computed here by a plain loop over the fixture bytes.
 */
import { readFileSync } from "node:fs"
import { Errno, RxHashOut, RxTimestampOut, RxVlanTagOut, XdpRssHashType, makeFrameArea, ntohs } from "@devtx/core"
import {
  cqeByteCnt,
  cqeCheckSum,
  cqeFormat,
  cqeHasVlan,
  cqeHdsIpExt,
  cqeL3HdrType,
  cqeL4HdrType,
  cqeOpcode,
  cqeOwner,
  cqeRssHashResult,
  cqeRssHashType,
  cqeTimestampH,
  cqeTimestampL,
  cqeVlanInfo,
  cqeWqeCounter,
  miniCqeByteCnt,
  miniCqeChecksum,
  Mlx5eXdpBuff,
  Mlx5RqState,
  Mlx5Timecounter,
  Mlx5TsFormat,
  mlx5eXdpRxHash,
  mlx5eXdpRxTimestamp,
  mlx5eXdpRxVlanTag
} from "@devtx/drivers-mlx"
import { describe, expect, it } from "vitest"

interface GoldenCase {
  name: string
  frames: string[]
  cqSlots: string[]
}
const golden = JSON.parse(readFileSync(new URL("./golden/golden-cqes.json", import.meta.url), "utf8")) as { cases: GoldenCase[] }
const byName = (n: string): { frames: Uint8Array[]; cq: DataView[] } => {
  const c = golden.cases.find((x) => x.name === n)!
  return {
    frames: c.frames.map((h) => Uint8Array.from(Buffer.from(h, "hex"))),
    cq: c.cqSlots.map((h) => new DataView(Uint8Array.from(Buffer.from(h, "hex")).buffer))
  }
}

/** plain big-endian 16-bit ones' complement sum, folded */
const sum16 = (b: Uint8Array, from: number, to: number): number => {
  let s = 0
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0)
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
  return s
}
const ipEnd = (f: Uint8Array, l3: number): number => (f[l3]! >> 4 === 4 ? l3 + ((f[l3 + 2]! << 8) | f[l3 + 3]!) : l3 + 40 + ((f[l3 + 4]! << 8) | f[l3 + 5]!))

/** A driver context over one CQE (rx_filter ALL, real-time, RXHASH on). */
const ctxOver = (cqe: DataView): Mlx5eXdpBuff => {
  const rq = new Mlx5RqState(new Mlx5Timecounter())
  rq.rxFilterAll = true
  rq.tsFormat = Mlx5TsFormat.REAL_TIME
  const ctx = new Mlx5eXdpBuff(makeFrameArea({ frameCount: 1, frameSize: 4096 }), { ifindex: 1, queueIndex: 0 })
  ctx.rq = rq
  ctx.cqe = cqe
  ctx.cqeOff = 0
  return ctx
}

const expectPlainCqe = (v: DataView) => {
  expect(cqeOpcode(v, 0)).toBe(2) // MLX5_CQE_RESP_SEND
  expect(cqeFormat(v, 0)).toBe(0)
  expect(cqeOwner(v, 0)).toBe(0) // first pass of the CQ
  expect(v.getUint8(63)).toBe(0x20)
  expect(cqeWqeCounter(v, 0)).toBe(0)
  expect(cqeTimestampH(v, 0)).toBe(1_700_000_000) // seconds
  expect(cqeTimestampL(v, 0)).toBe(5000) // ns: start 0 + one 5000 ns tick
}

describe("golden CQEs", () => {
  it("IPv4 TCP (ACK+PSH, 100 bytes of data)", () => {
    const { frames, cq } = byName("ipv4-tcp")
    const v = cq[0]!
    const f = frames[0]!
    expectPlainCqe(v)
    expect(cqeRssHashResult(v, 0)).toBe(0x51ccc178)
    expect(cqeRssHashType(v, 0)).toBe(0x44) // L4 TCP (1) << 6 | IPv4 (1) << 2
    expect(cqeHdsIpExt(v, 0)).toBe(0x07) // L2_OK | L3_OK | L4_OK
    expect(cqeL4HdrType(v, 0)).toBe(4) // CQE_L4_HDR_TYPE_TCP_ACK_AND_DATA
    expect(cqeL3HdrType(v, 0)).toBe(2) // IPv4
    expect(cqeHasVlan(v, 0)).toBe(false)
    expect(v.getUint8(29)).toBe(0x48)
    expect(cqeVlanInfo(v, 0)).toBe(0)
    expect(cqeByteCnt(v, 0)).toBe(14 + 20 + 20 + 100)
    expect(cqeCheckSum(v, 0)).toBe(sum16(f, 14, ipEnd(f, 14)))
    const ctx = ctxOver(v)
    const h = new RxHashOut()
    expect(mlx5eXdpRxHash(ctx, h)).toBe(0)
    expect([h.hash, h.rssType]).toEqual([0x51ccc178, XdpRssHashType.TYPE_L4_IPV4_TCP])
    const t = new RxTimestampOut()
    expect(mlx5eXdpRxTimestamp(ctx, t)).toBe(0)
    expect((BigInt(t.hi) << 32n) | BigInt(t.lo)).toBe(1_700_000_000_000_005_000n)
    expect(mlx5eXdpRxVlanTag(ctx, new RxVlanTagOut())).toBe(-Errno.ENODATA)
  })

  it("IPv6 UDP", () => {
    const { frames, cq } = byName("ipv6-udp")
    const v = cq[0]!
    const f = frames[0]!
    expectPlainCqe(v)
    expect(cqeRssHashResult(v, 0)).toBe(0x40207d3d)
    expect(cqeRssHashType(v, 0)).toBe(0x88) // L4 UDP (2) << 6 | IPv6 (2) << 2
    expect(cqeHdsIpExt(v, 0)).toBe(0x07)
    expect(v.getUint8(29)).toBe(0x24) // UDP (2) << 4 | IPv6 (1) << 2
    expect(cqeByteCnt(v, 0)).toBe(14 + 40 + 8 + 64)
    expect(cqeCheckSum(v, 0)).toBe(sum16(f, 14, ipEnd(f, 14)))
    const h = new RxHashOut()
    expect(mlx5eXdpRxHash(ctxOver(v), h)).toBe(0)
    expect([h.hash, h.rssType]).toEqual([0x40207d3d, XdpRssHashType.TYPE_L4_IPV6_UDP])
  })

  it("802.1Q tagged IPv4 TCP: tag stripped into vlan_info, proto reported as 802.1Q", () => {
    const { frames, cq } = byName("vlan-ipv4-tcp")
    const v = cq[0]!
    const f = frames[0]!
    expectPlainCqe(v)
    expect(cqeHasVlan(v, 0)).toBe(true)
    expect(v.getUint8(29)).toBe(0x49)
    expect(cqeVlanInfo(v, 0)).toBe(0xa064) // PCP 5, DEI 0, VID 100
    expect(cqeByteCnt(v, 0)).toBe(158 - 4)
    expect(cqeRssHashResult(v, 0)).toBe(0x51ccc178)
    expect(cqeCheckSum(v, 0)).toBe(sum16(f, 18, ipEnd(f, 18)))
    const out = new RxVlanTagOut()
    expect(mlx5eXdpRxVlanTag(ctxOver(v), out)).toBe(0)
    expect([ntohs(out.vlanProto), out.vlanTci]).toEqual([0x8100, 0xa064])
  })

  it("bad UDP checksum: L4_OK clear, L3_OK set", () => {
    const { frames, cq } = byName("bad-l4-checksum")
    const v = cq[0]!
    const f = frames[0]!
    expectPlainCqe(v)
    expect(cqeHdsIpExt(v, 0)).toBe(0x03)
    expect(cqeRssHashType(v, 0)).toBe(0x84)
    expect(cqeRssHashResult(v, 0)).toBe(0x51ccc178)
    expect(v.getUint8(29)).toBe(0x28)
    expect(cqeByteCnt(v, 0)).toBe(14 + 20 + 8 + 50)
    expect(cqeCheckSum(v, 0)).toBe(sum16(f, 14, ipEnd(f, 14)))
  })

  it("compressed session of 3: title (format COMPRESSED, byte_cnt = 3) + one mini CQE array", () => {
    const { frames, cq } = byName("compressed-session")
    const title = cq[0]!
    expect(title.getUint8(63)).toBe(0x2c) // RESP_SEND << 4 | COMPRESSED << 2 | owner 0
    expect(cqeFormat(title, 0)).toBe(3)
    expect(cqeByteCnt(title, 0)).toBe(3)
    expect(cqeWqeCounter(title, 0)).toBe(0)
    expect(cqeRssHashResult(title, 0)).toBe(0x51ccc178) // the first packet's
    const mini = cq[1]!
    for (let i = 0; i < 3; i++) {
      const f = frames[i]!
      expect(miniCqeByteCnt(mini, i * 8)).toBe(f.length)
      expect(miniCqeChecksum(mini, i * 8)).toBe(sum16(f, 14, ipEnd(f, 14)))
    }
    for (let i = 24; i < 64; i++) expect(mini.getUint8(i)).toBe(0)
    // slot 2 was not written by the device: still the CQ's initial op_own 0xf1
    expect(cq[2]!.getUint8(63)).toBe(0xf1)
  })
})
