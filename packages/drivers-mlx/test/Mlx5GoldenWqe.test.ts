/**
 * Golden send WQEs and send CQEs: REGRESSION FIXTURES written by test/golden/build-golden-wqe.mjs
 * from the model's own output (rebuild: npm run golden -w @devtx/drivers-mlx) — they catch a
 * change, they are not independent truth; the hand-written values below are. Each segment is compared with values written by hand
 * from include/linux/mlx5/qp.h and en/xdp.c: a 74-byte IPv4/UDP frame over AF_XDP with
 * CHECKSUM|TIMESTAMP metadata on a ConnectX-4-style SQ (18-byte L2 inline header), the same frame
 * plus an 82-byte one in one enhanced multi-packet WQE, and a VLAN-tagged TCP skb with
 * CHECKSUM_PARTIAL. SQ number 0x1003 = the model's channel 0 xsksq (0x1000 | 0 << 2 | 3), 0x1000
 * = its txqsq; lkey 0x4200 = the model's mkey; addr = IOVA (region << 32 | offset).
 */
import { readFileSync } from "node:fs"
import {
  Cqe64,
  ctrlDsCount,
  ctrlFmCeSe,
  ctrlOpcode,
  ctrlOpmod,
  ctrlQpn,
  ctrlWqeIndex,
  cqeOpcode,
  cqeOwner,
  cqeTimestampH,
  cqeTimestampL,
  cqeWqeCounter,
  dataAddrHi,
  dataAddrLo,
  dataByteCount,
  dataLkey,
  ethCsFlags,
  ethInlineHdrSz
} from "@devtx/drivers-mlx"
import { describe, expect, it } from "vitest"

interface GoldenCase {
  name: string
  umemRegion?: number
  skbRegion?: number
  addrs?: number[]
  frames: string[]
  wqebbs: string
  cqe: string
  wire: string[]
}
const golden = JSON.parse(readFileSync(new URL("./golden/golden-wqes.json", import.meta.url), "utf8")) as { cases: GoldenCase[] }
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"))
const byName = (n: string) => {
  const c = golden.cases.find((x) => x.name === n)!
  const w = bytes(c.wqebbs)
  return { c, w, v: new DataView(w.buffer), cqe: new DataView(bytes(c.cqe).buffer), frames: c.frames.map(bytes), wire: c.wire.map(bytes) }
}

/** plain ones' complement sum */
const sum16 = (b: Uint8Array, from: number, to: number, init = 0): number => {
  let s = init
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0)
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
  return s
}
/** IPv4 (at l3) + its TCP/UDP segment verify */
const verifies = (b: Uint8Array, l3: number): boolean => {
  const ihl = (b[l3]! & 0xf) * 4
  const total = (b[l3 + 2]! << 8) | b[l3 + 3]!
  const pseudo = sum16(b, l3 + 12, l3 + 20) + b[l3 + 9]! + (total - ihl)
  return sum16(b, l3, l3 + ihl) === 0xffff && sum16(b, l3 + ihl, l3 + total, pseudo) === 0xffff
}

describe("golden send WQEs (qp.h layouts, big-endian)", () => {
  it("AF_XDP SEND WQE with an 18-byte L2 inline header and a checksum request", () => {
    const { c, w, v, cqe, frames, wire } = byName("xsk-send-l2-inline")
    const f = frames[0]!
    expect(f.length).toBe(74)
    // ctrl segment: opmod 0, WQE index 0, opcode MLX5_OPCODE_SEND 0x0a; sqn 0x1003, ds 4 (ctrl, eth, inline, data); CQ_UPDATE (the doorbell WQE)
    expect(Buffer.from(w.subarray(0, 16)).toString("hex")).toBe("0000000a" + "00100304" + "00000008" + "00000000")
    expect([ctrlOpmod(v, 0), ctrlWqeIndex(v, 0), ctrlOpcode(v, 0), ctrlQpn(v, 0), ctrlDsCount(v, 0), ctrlFmCeSe(v, 0)]).toEqual([0, 0, 0x0a, 0x1003, 4, 0x08])
    // eth segment: cs_flags L3_CSUM | L4_CSUM = 0xc0 (mlx5e_xsk_request_checksum), inline_hdr.sz = 18, start = frame[0..2)
    expect(Buffer.from(w.subarray(16, 32)).toString("hex")).toBe("00000000" + "c0000000" + "00000000" + "0012" + "0200")
    expect([ethCsFlags(v, 16), ethInlineHdrSz(v, 16)]).toEqual([0xc0, 18])
    // DS 2: frame bytes 2..17 (the rest of the inline header)
    expect(Buffer.from(w.subarray(32, 48)).equals(Buffer.from(f.subarray(2, 18)))).toBe(true)
    // DS 3: data segment: byte_count 74 - 18 = 56, lkey, addr = UMEM region : desc.addr + 18
    expect([dataByteCount(v, 48), dataLkey(v, 48), dataAddrHi(v, 48), dataAddrLo(v, 48)]).toEqual([56, 0x4200, c.umemRegion, c.addrs![0]! + 18])
    // the send CQE: opcode MLX5_CQE_REQ, owner 0 (first pass), wqe_counter 0, real-time stamp sec:nsec
    expect([cqeOpcode(cqe, 0), cqeOwner(cqe, 0), cqeWqeCounter(cqe, 0)]).toEqual([0, 0, 0])
    expect([cqeTimestampH(cqe, 0), cqeTimestampL(cqe, 0)]).toEqual([1_700_000_000, 5000])
    expect(cqe.getUint32(Cqe64.SOP_DROP_QPN, false)).toBe(0x0a001003)
    // the wire: the same bytes but for the checksums the NIC computed
    expect(wire[0]!.length).toBe(74)
    expect(verifies(f, 14)).toBe(false)
    expect(verifies(wire[0]!, 14)).toBe(true)
    expect(Buffer.from(wire[0]!.subarray(42)).equals(Buffer.from(f.subarray(42)))).toBe(true)
  })

  it("enhanced multi-packet WQE: one ctrl + eth, one data segment per packet, the session's cs_flags for both", () => {
    const { c, w, v, cqe, frames, wire } = byName("xsk-mpwqe")
    // opcode MLX5_OPCODE_ENHANCED_MPSW 0x29, ds = 2 + 2 packets, no inline header in MPWQE
    expect(Buffer.from(w.subarray(0, 16)).toString("hex")).toBe("00000029" + "00100304" + "00000008" + "00000000")
    expect(Buffer.from(w.subarray(16, 32)).toString("hex")).toBe("00000000" + "c0000000" + "00000000" + "00000000")
    expect([dataByteCount(v, 32), dataLkey(v, 32), dataAddrHi(v, 32), dataAddrLo(v, 32)]).toEqual([74, 0x4200, c.umemRegion, c.addrs![0]])
    expect([dataByteCount(v, 48), dataLkey(v, 48), dataAddrHi(v, 48), dataAddrLo(v, 48)]).toEqual([82, 0x4200, c.umemRegion, c.addrs![1]])
    expect([cqeOpcode(cqe, 0), cqeWqeCounter(cqe, 0), cqeTimestampL(cqe, 0)]).toEqual([0, 0, 10000]) // stamped when the 2nd frame left
    expect(cqe.getUint32(Cqe64.SOP_DROP_QPN, false)).toBe(0x29001003)
    expect(wire.map((x, i) => [x.length, verifies(x, 14), verifies(frames[i]!, 14)])).toEqual([
      [74, true, false],
      [82, true, false]
    ])
  })

  it("skb SEND WQE: VLAN-tagged TCP with CHECKSUM_PARTIAL, inline max(network offset 18, MLX5E_MIN_INLINE)", () => {
    const { c, w, v, frames, wire } = byName("skb-vlan-csum-partial")
    const f = frames[0]!
    expect(Buffer.from(w.subarray(0, 16)).toString("hex")).toBe("0000000a" + "00100004" + "00000008" + "00000000")
    expect(Buffer.from(w.subarray(16, 32)).toString("hex")).toBe("00000000" + "c0000000" + "00000000" + "0012" + "0200")
    expect(Buffer.from(w.subarray(32, 48)).equals(Buffer.from(f.subarray(2, 18)))).toBe(true)
    expect([dataByteCount(v, 48), dataLkey(v, 48), dataAddrHi(v, 48), dataAddrLo(v, 48)]).toEqual([f.length - 18, 0x4200, c.skbRegion, 18])
    expect(verifies(wire[0]!, 18)).toBe(true)
  })
})
