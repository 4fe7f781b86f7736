/**
 * Golden TX descriptors for hand-built frames (test/golden/ice-tx-descriptors.hex, rebuilt by
 * `npm run golden -w @devtx/drivers-ice`): REGRESSION FIXTURES, the driver's and model's own
 * output — they catch a change, they are not independent truth (the hand-worked fields are).
 * Two checks:
 *  1. the driver and hardware model still produce exactly the committed bytes;
 *  2. the committed bytes, decoded with plain little-endian reads, hold the fields worked out by
 *     hand below from ice_lan_tx_rx.h: qw1 = DTYPE | CMD << 4 | OFFSET << 16 | TX_BUF_SZ << 34 |
 *     L2TAG1 << 48 (data) and DTYPE | CMD << 4 | TSYN index << 30 (context); after the DD
 *     write-back every RS data descriptor reads DTYPE 0xF and nothing else changed.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { generateTxGolden, TX_GOLDEN_CASES, txGoldenDescriptors } from "./golden/generateIceTxGolden.js"

const FILE = fileURLToPath(new URL("./golden/ice-tx-descriptors.hex", import.meta.url))
if (process.env.DEVTX_REBUILD_GOLDEN === "1") writeFileSync(FILE, await generateTxGolden())
const golden = new Map(
  readFileSync(FILE, "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const [k, v] = l.split(": ")
      return [k!, Uint8Array.from(v!.match(/../g)!.map((x) => Number.parseInt(x, 16)))] as const
    })
)

type Desc =
  | { kind: "data"; region: number; addr: number; cmd: number; maclen: number; iplen: number; l4len: number; size: number; l2tag1: number }
  | { kind: "ctx"; tunneling: number; l2tag2: number; cmd: number; tsynIdx: number }

const qw1Data = (d: Extract<Desc, { kind: "data" }>): bigint =>
  (BigInt(d.cmd) << 4n) |
  (BigInt((d.maclen / 2) | ((d.iplen / 4) << 7) | ((d.l4len / 4) << 14)) << 16n) |
  (BigInt(d.size) << 34n) |
  (BigInt(d.l2tag1) << 48n)

// CMD values (relative to CMD, enum ice_tx_desc_cmd_bits): EOP 0x1, RS 0x2, IL2TAG1 0x8,
// IIPT_IPV6 0x20, IIPT_IPV4 0x40, L4T_EOFT_TCP 0x100, L4T_EOFT_UDP 0x300. Context CMD: TSYN 0x02, IL2TAG2 0x04.
const HAND: Record<string, Desc[]> = {
  // 14 + C-tag 4 = 18 bytes of L2; IPv4 20; TCP 20; 10 data: 68 bytes. EOP|RS|IIPT_IPV4|L4T_TCP
  "skb/svm/ipv4-tcp-ctag/csum": [{ kind: "data", region: 2, addr: 0, cmd: 0x1 | 0x2 | 0x40 | 0x100, maclen: 18, iplen: 20, l4len: 20, size: 68, l2tag1: 0 }],
  // a context descriptor with TSYN, index 0 (the first free), then EOP|RS|IIPT_IPV6|L4T_UDP, L2 14, IPv6 40, UDP 8
  "skb/svm/ipv6-udp/csum+tstamp": [
    { kind: "ctx", tunneling: 0, l2tag2: 0, cmd: 0x02, tsynIdx: 0 },
    { kind: "data", region: 2, addr: 0, cmd: 0x1 | 0x2 | 0x20 | 0x300, maclen: 14, iplen: 40, l4len: 8, size: 68, l2tag1: 0 }
  ],
  // no checksum request: EOP|RS|IL2TAG1, L2TAG1 = 0x0064; 22 + 20 + 8 + 12 = 62 bytes
  "skb/svm/ipv4-udp-qinq/vlan": [{ kind: "data", region: 2, addr: 0, cmd: 0x1 | 0x2 | 0x8, maclen: 0, iplen: 0, l4len: 0, size: 62, l2tag1: 0x0064 }],
  // DVM ring: the tag goes in the context descriptor (IL2TAG2, l2tag2 0x0123) together with TSYN index 0
  "skb/dvm/ipv4-tcp-ctag/vlan+tstamp": [
    { kind: "ctx", tunneling: 0, l2tag2: 0x0123, cmd: 0x02 | 0x04, tsynIdx: 0 },
    { kind: "data", region: 2, addr: 0, cmd: 0x1 | 0x2, maclen: 0, iplen: 0, l4len: 0, size: 68, l2tag1: 0 }
  ],
  // ice_build_ctob(0, 0, size, 0) | EOP, RS at the flush; the bounce frame popped first is the last
  // one pushed (63 * 4096) plus 256 bytes of headroom; 14 + 40 + 20 + 8 + 4 = 86 bytes
  "xdp/ipv6-ipip-ipv4-udp": [{ kind: "data", region: 1, addr: 63 * 4096 + 256, cmd: 0x1 | 0x2, maclen: 0, iplen: 0, l4len: 0, size: 86, l2tag1: 0 }],
  // devtx: the reserved context descriptor filled by the request-timestamp kfunc (TSYN, index 0);
  // the UMEM is region 2, the frame in chunk 1; 14 + 20 + 4 + 20 + 20 + 8 = 86 bytes
  "xsk-devtx/ipv4-gre-ipv4-tcp/tstamp": [
    { kind: "ctx", tunneling: 0, l2tag2: 0, cmd: 0x02, tsynIdx: 0 },
    { kind: "data", region: 2, addr: 4096, cmd: 0x1 | 0x2, maclen: 0, iplen: 0, l4len: 0, size: 86, l2tag1: 0 }
  ]
}

describe("golden TX descriptors", () => {
  it("the committed file has every case (posted and done)", () => {
    expect([...golden.keys()]).toEqual(TX_GOLDEN_CASES.flatMap((c) => [c.name, `${c.name}/done`]))
  })

  for (const c of TX_GOLDEN_CASES) {
    it(`${c.name}: the driver and hardware model reproduce the committed bytes`, async () => {
      const [posted, done] = await txGoldenDescriptors(c)
      expect(posted).toEqual(golden.get(c.name))
      expect(done).toEqual(golden.get(`${c.name}/done`))
    })

    it(`${c.name}: the committed bytes hold the hand-derived fields`, () => {
      const b = golden.get(c.name)!
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
      const hand = HAND[c.name]!
      expect(b.length).toBe(hand.length * 16)
      hand.forEach((d, i) => {
        const o = i * 16
        if (d.kind === "data") {
          expect([i, v.getUint32(o, true), v.getUint32(o + 4, true)]).toEqual([i, d.addr, d.region])
          expect([i, v.getBigUint64(o + 8, true)]).toEqual([i, qw1Data(d)])
        } else {
          expect([i, v.getUint32(o, true), v.getUint16(o + 4, true), v.getUint16(o + 6, true)]).toEqual([i, d.tunneling, d.l2tag2, 0])
          expect([i, v.getBigUint64(o + 8, true)]).toEqual([i, 0x1n | (BigInt(d.cmd) << 4n) | (BigInt(d.tsynIdx) << 30n)])
        }
      })
      // DD write-back: the RS data descriptors now read DTYPE 0xF, every other byte unchanged
      const after = golden.get(`${c.name}/done`)!
      const expected = b.slice()
      hand.forEach((d, i) => {
        if (d.kind === "data" && (d.cmd & 0x2) !== 0) expected[i * 16 + 8] = expected[i * 16 + 8]! | 0xf
      })
      expect(after).toEqual(expected)
    })
  }
})
