/**
 * Golden write-back descriptors for hand-built frames (test/golden/ice-rx-descriptors.hex,
 * rebuilt by `npm run golden -w @devtx/drivers-ice`): REGRESSION FIXTURES, the model's own output
 * — they catch a change, they are not independent truth (IceIndependentRxDesc.test.ts writes a
 * whole descriptor from the kernel's definitions). Two checks:
 *  1. the hardware model still writes exactly the committed bytes;
 *  2. the committed bytes, decoded here with raw little-endian reads at the offsets of
 *     ice_32b_rx_flex_desc_nic (ice_lan_tx_rx.h), hold the values worked out by hand below:
 *     ptype numbers from the libie_rx_pt_lut layout, status bits from the enum bit numbers,
 *     lengths from the frame layouts, the Toeplitz hash of the innermost headers with the
 *     52-byte key, the PHC low 32 bits.
 * And the driver's kfunc results on the same frames (hash type = OUTER IP version + INNER L4).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { csumPartial, Errno, toeplitzHash, toeplitzKey, XdpChecksum } from "@devtx/core"
import { DEFAULT_ICE_RSS_KEY_HEX, parseIceRssKeyHex } from "@devtx/drivers-ice"
import { describe, expect, it } from "vitest"
import { GOLDEN_CASES, generateGolden, goldenDescriptor } from "./golden/generateIceGolden.js"
import { runIce } from "./IceProbe.js"
import { HAND_FRAMES } from "./IceTestFrames.js"

const FILE = fileURLToPath(new URL("./golden/ice-rx-descriptors.hex", import.meta.url))
if (process.env.DEVTX_REBUILD_GOLDEN === "1") writeFileSync(FILE, await generateGolden())
const golden = new Map(
  readFileSync(FILE, "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const [k, v] = l.split(": ")
      return [k!, Uint8Array.from(v!.match(/../g)!.map((x) => Number.parseInt(x, 16)))] as const
    })
)

const key = toeplitzKey(parseIceRssKeyHex(DEFAULT_ICE_RSS_KEY_HEX))
const frame = (n: string) => HAND_FRAMES.find((f) => f.name === n)!
const hashOf = (n: string) => toeplitzHash(key, Uint8Array.from(frame(n).hashInput), 0, frame(n).hashInput.length)
/** PHC after the first frame: default start + one 5000 ns tick, low 32 bits */
const TS_HIGH = Number((1_700_000_000_000_000_000n + 5000n) & 0xffffffffn)

interface Hand {
  rxdid: number
  ptype: number
  pktLen: number
  status0: number
  l2tag1: number
  hash: number
  status1: number
  tsLow: number
  rawCsum: number
  l2tag2nd: number
}
// status0: DD 0x1 | EOF 0x2 | L3L4P 0x8 | RSS_VALID 0x1000 = 0x100b; + L2TAG1P 0x2000; + XSUM_IPE 0x10
const HAND: Record<string, Hand> = {
  // 18 (eth + C-tag) + 20 + 20 + 10 = 68 on the wire, tag stripped -> 64; ptype 26 = IPv4 TCP
  "svm-ctag/ipv4-tcp": { rxdid: 2, ptype: 26, pktLen: 64, status0: 0x300b, l2tag1: 0xa064, hash: hashOf("ipv4-tcp-ctag"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // 22 + 20 + 8 + 12 = 62, S-tag stripped -> 58 (C-tag stays); DVM: l2tag2_2nd + STATUS1.L2TAG2P (0x800)
  "dvm-stag/ipv4-udp-qinq": { rxdid: 2, ptype: 24, pktLen: 58, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv4-udp-qinq-stag-ctag"), status1: 0x800, tsLow: 1, rawCsum: 0, l2tag2nd: 0x2123 },
  // DVM with C-tag stripping: the outer tag is an S-tag, nothing stripped
  "dvm-ctag/ipv4-udp-qinq": { rxdid: 2, ptype: 24, pktLen: 62, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv4-udp-qinq-stag-ctag"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // 14 + 40 + 8 + 6 = 68; ptype 90 = IPv6 UDP
  "svm-ctag/ipv6-udp": { rxdid: 2, ptype: 90, pktLen: 68, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv6-udp-untagged"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // 14 + 20 + 4 + 20 + 20 + 8 = 86; ptype 48 = IPv4 -> GRE/NAT -> IPv4 TCP (43 + 1 + 4)
  "svm-ctag/ipv4-gre-ipv4-tcp": { rxdid: 2, ptype: 48, pktLen: 86, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv4-gre-ipv4-tcp"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // 14 + 40 + 20 + 8 + 4 = 86; ptype 97 = IPv6 -> IP-in-IP -> IPv4 UDP (88 + 7 + 2)
  "svm-ctag/ipv6-ipip-ipv4-udp": { rxdid: 2, ptype: 97, pktLen: 86, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv6-ipip-ipv4-udp"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // 14 + 20 + 8 + 8 + 18 + 40 + 20 + 3 = 131; ptype 85 = IPv4 -> GRE/NAT+MAC+VLAN -> IPv6 TCP (73 + 8 + 4); STATUS1.NAT 0x10
  "vxlan4789/ipv4-vxlan-vlan-ipv6-tcp": { rxdid: 2, ptype: 85, pktLen: 131, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv4-vxlan-vlan-ipv6-tcp"), status1: 0x10, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // 14 + 40 + 4 + 20 + 20 + 2 = 100; ptype 114 = IPv6 -> GRE/NAT -> IPv4 TCP (88 + 22 + 4); inner IPv4 header bad: XSUM_IPE
  "svm-ctag/ipv6-gre-ipv4badhdr-tcp": { rxdid: 2, ptype: 114, pktLen: 100, status0: 0x101b, l2tag1: 0, hash: hashOf("ipv6-gre-ipv4badhdr-tcp"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // RXDID 6: the same frame, hash still in flex fields 0/1 @12 (the driver ignores it)
  "switchdev/ipv6-udp": { rxdid: 6, ptype: 90, pktLen: 68, status0: 0x100b, l2tag1: 0, hash: hashOf("ipv6-udp-untagged"), status1: 0, tsLow: 1, rawCsum: 0, l2tag2nd: 0 },
  // E830: raw_csum = ones'-complement sum of the stripped packet from byte 14 (the IPv4 header on)
  "e830/ipv4-tcp": {
    rxdid: 2,
    ptype: 26,
    pktLen: 64,
    status0: 0x300b,
    l2tag1: 0xa064,
    hash: hashOf("ipv4-tcp-ctag"),
    status1: 0,
    tsLow: 1,
    rawCsum: csumPartial(frame("ipv4-tcp-ctag").bytes, 18, 68 - 18),
    l2tag2nd: 0
  }
}

describe("ice golden RX descriptors", () => {
  it("the committed file covers every case", () => {
    expect([...golden.keys()]).toEqual(GOLDEN_CASES.map((c) => c.name))
  })

  for (const c of GOLDEN_CASES) {
    it(`${c.name}: the model writes the committed bytes, and they decode to the hand-worked fields`, async () => {
      const bytes = golden.get(c.name)!
      expect([...(await goldenDescriptor(c))]).toEqual([...bytes])
      const d = new DataView(bytes.buffer)
      const h = HAND[c.name]!
      expect({
        rxdid: d.getUint8(0),
        ptype: d.getUint16(2, true) & 0x3ff,
        pktLen: d.getUint16(4, true) & 0x3fff,
        status0: d.getUint16(8, true),
        l2tag1: d.getUint16(10, true),
        hash: d.getUint32(12, true),
        status1: d.getUint16(16, true),
        tsLow: d.getUint8(19),
        rawCsum: d.getUint16(20, true),
        l2tag2nd: d.getUint16(22, true)
      }).toEqual(h)
      expect(d.getUint32(28, true)).toBe(TS_HIGH)
    })
  }
})

describe("ice kfuncs on the hand-built frames", () => {
  const run1 = async (name: string, cfg: Record<string, unknown> = {}) => (await runIce([frame(name).bytes], cfg)).seen[0]!

  it("GRE tunnel: hash of the inner 4-tuple, type OUTER IPv4 + INNER TCP, CHECKSUM_UNNECESSARY level 1", async () => {
    const s = await run1("ipv4-gre-ipv4-tcp")
    expect([s.hash, s.hashVal, s.hashType]).toEqual([0, hashOf("ipv4-gre-ipv4-tcp"), 0x19])
    expect([s.csum, s.ipSummed, s.cksumLevel]).toEqual([0, XdpChecksum.UNNECESSARY, 1])
    expect([s.skb!.ipSummed, s.skb!.csumLevel]).toEqual([1, 1])
  })

  it("IPv4 in IPv6: the type says IPv6 (outer) + UDP (inner) though the hash covered IPv4 addresses; csum_level 0 (tunnel IP < GRENAT)", async () => {
    const s = await run1("ipv6-ipip-ipv4-udp")
    expect([s.hashVal, s.hashType]).toEqual([hashOf("ipv6-ipip-ipv4-udp"), 0x2a])
    expect([s.ipSummed, s.cksumLevel]).toEqual([XdpChecksum.UNNECESSARY, 0])
  })

  it("VXLAN with an inner VLAN and IPv6: type IPv4 + TCP, level 1, the inner tag is not stripped", async () => {
    const s = await run1("ipv4-vxlan-vlan-ipv6-tcp", { vxlanPorts: [4789] })
    expect([s.hashVal, s.hashType, s.vlan]).toEqual([hashOf("ipv4-vxlan-vlan-ipv6-tcp"), 0x19, -Errno.ENODATA])
    expect([s.ipSummed, s.cksumLevel]).toEqual([XdpChecksum.UNNECESSARY, 1])
    // without the port registered, the parser stops at the outer UDP: ptype 24, hash of the outer 4-tuple
    const plain = await run1("ipv4-vxlan-vlan-ipv6-tcp")
    expect([plain.hashType, plain.cksumLevel]).toEqual([0x29, 0])
  })

  it("ice quirk: an IPv4-in-IPv6 tunnel's bad inner IPv4 header is not looked at (ipv4 = outer version)", async () => {
    const s = await run1("ipv6-gre-ipv4badhdr-tcp")
    expect([s.ipSummed, s.cksumLevel, s.hashType]).toEqual([XdpChecksum.UNNECESSARY, 1, 0x1a])
  })

  it("switchdev (RXDID 6): no hash for XDP or the skb, although the descriptor holds it", async () => {
    const s = await run1("ipv6-udp-untagged", { switchdev: true })
    expect([s.hash, s.skb!.hash, s.skb!.hashType]).toEqual([-Errno.ENODATA, 0, 0])
  })

  it("E830: CHECKSUM_COMPLETE with raw_csum; the kernel's __wsum is its byte swap on a little-endian host", async () => {
    const s = await run1("ipv4-tcp-ctag", { mac: "e830" })
    const sum = csumPartial(frame("ipv4-tcp-ctag").bytes, 18, 50)
    expect([s.csum, s.ipSummed, s.cksum, s.skb!.ipSummed, s.skb!.csum]).toEqual([0, XdpChecksum.COMPLETE, sum, 2, sum])
  })

  it("double VLAN, DVM + STAG stripping: proto 0x88a8 and the S-tag TCI from l2tag2_2nd; the C-tag stays in the packet", async () => {
    const s = await run1("ipv4-udp-qinq-stag-ctag", { vlanMode: "double", vlanStrip: "stag" })
    expect([s.vlan, s.vlanProto, s.vlanTci]).toEqual([0, 0x88a8, 0x2123])
    expect([s.skb!.vlanPresent, s.skb!.vlanProto, s.skb!.vlanTci]).toEqual([true, 0x88a8, 0x2123])
    expect(s.skb!.bytes.slice(12, 16)).toEqual([0x81, 0x00, 0x04, 0x56])
  })
})
