import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  crc32c,
  crc32cUpdate,
  sctpChecksum,
  sctpChecksumValid,
  sctpStoreChecksum,
  sctpStoredChecksum
} from "../../src/net/Crc32c.js"
import {
  csumAdd,
  csumBlockAdd,
  CSUM_MANGLED_0,
  csumFinish,
  csumFinishMangled,
  csumFold,
  csumPartial,
  csumSub,
  ipv4HeaderChecksum,
  ipv4HeaderChecksumValid,
  l4Checksum,
  l4ChecksumValid,
  pseudoHeaderSum
} from "../../src/net/InternetChecksum.js"

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => Number.parseInt(b, 16)))

/** Reference: sum of 16-bit BE words with a plain integer, folded at the end (RFC 1071 §2(C)). */
const slowSum = (b: Uint8Array): number => {
  let s = 0
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) + (b[i + 1] ?? 0)
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000)
  return s
}

describe("InternetChecksum", () => {
  it("RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2", () => {
    // RFC 1071, section 3 "Numerical Examples": byte pairs 0001, f203, f4f5, f6f7 add to 2ddf0,
    // the carry folds to ddf2; swapped order gives f2dd, which swaps back to ddf2.
    const data = hex("0001f203f4f5f6f7")
    expect(csumPartial(data, 0, 8)).toBe(0xddf2)
    expect(csumFinish(csumPartial(data, 0, 8))).toBe(0x220d)
    // the swapped computation of the same example
    const swapped = hex("0100 03f2 f5f4 f7f6")
    expect(csumPartial(swapped, 0, 8)).toBe(0xf2dd)
  })

  it("verifies and recomputes a captured IPv4 header (checksum b861)", () => {
    // The header used as the worked example in Wikipedia "Internet checksum" / "IPv4 header
    // checksum": 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF, TTL 64.
    const header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")
    expect(ipv4HeaderChecksumValid(header, 0, 20)).toBe(true)
    expect(ipv4HeaderChecksum(header, 0, 20)).toBe(0xb861)
    header[8] = 0x3f // TTL 63: the stored checksum is now wrong
    expect(ipv4HeaderChecksumValid(header, 0, 20)).toBe(false)
  })

  it("computes and verifies a hand-worked UDP/IPv4 checksum", () => {
    // Hand-worked from the RFC 768 definition (arithmetic below, independent of the code):
    // 10.0.0.1:1234 -> 10.0.0.2:80, UDP length 10, payload "hi", checksum field zero.
    const pkt = hex("0a000001 0a000002 04d2 0050 000a 0000 6869")
    // pseudo-header words: 0a00+0001+0a00+0002+0011+000a = 0x141e
    // udp words: 04d2+0050+000a+0000+6869 = 0x6d95 ; total 0x81b3 ; checksum ~ = 0x7e4c
    expect(pseudoHeaderSum(pkt, 0, 8, 17, 10)).toBe(0x141e)
    const c = l4Checksum(pkt, 0, 8, 17, 8, 10, 6)
    expect(c).toBe(0x7e4c)
    pkt[14] = c >> 8
    pkt[15] = c & 0xff
    expect(l4ChecksumValid(pkt, 0, 8, 17, 8, 10)).toBe(true)
  })

  it("partial sums over any split equal the sum of the whole (odd offsets swapped)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(), (data, cut) => {
        const at = data.length === 0 ? 0 : cut % (data.length + 1)
        const whole = csumPartial(data, 0, data.length)
        expect(whole).toBe(slowSum(data))
        const a = csumPartial(data, 0, at)
        const b = csumPartial(data, at, data.length - at)
        const combined = csumBlockAdd(a, b, at)
        // ones' complement: 0 and 0xffff are the same number
        expect(combined % 0xffff).toBe(whole % 0xffff)
      })
    )
  })

  it("csumAdd/csumSub/csumFold are ones' complement arithmetic", () => {
    expect(csumAdd(0xffff, 0x0001)).toBe(0x0001)
    expect(csumAdd(0x8000, 0x8000)).toBe(0x0001)
    expect(csumSub(0x1234, 0x1234) % 0xffff).toBe(0)
    expect(csumFold(0x2ddf0)).toBe(0xddf2)
    expect(csumFold(0x1fffe)).toBe(0xffff)
  })

  it("a large (jumbo-size) buffer sums like the reference", () => {
    const big = new Uint8Array(70001).map((_, i) => (i * 131 + 7) & 0xff)
    expect(csumPartial(big, 0, big.length)).toBe(slowSum(big))
  })
})

describe("Crc32c", () => {
  // RFC 3720 (iSCSI), Appendix B.4 "CRC Examples"; the RFC prints the CRC bytes as they are
  // sent, least significant byte first (aa 36 91 8a = 0x8a9136aa).
  it("RFC 3720 B.4: 32 bytes of zeroes -> aa 36 91 8a", () => {
    expect(crc32c(new Uint8Array(32), 0, 32)).toBe(0x8a9136aa)
  })
  it("RFC 3720 B.4: 32 bytes of ones -> 43 ab a8 62", () => {
    expect(crc32c(new Uint8Array(32).fill(0xff), 0, 32)).toBe(0x62a8ab43)
  })
  it("RFC 3720 B.4: 32 incrementing bytes 00..1f -> 4e 79 dd 46", () => {
    const b = new Uint8Array(32).map((_, i) => i)
    expect(crc32c(b, 0, 32)).toBe(0x46dd794e)
  })
  it("RFC 3720 B.4: 32 decrementing bytes 1f..00 -> 5c db 3f 11", () => {
    const b = new Uint8Array(32).map((_, i) => 31 - i)
    expect(crc32c(b, 0, 32)).toBe(0x113fdb5c)
  })
  it("RFC 3720 B.4: iSCSI SCSI Read (10) command PDU -> 56 3a 96 d9", () => {
    const pdu = hex(
      "01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018 28000000 00000000 02000000 00000000"
    )
    expect(crc32c(pdu, 0, 48)).toBe(0xd9963a56)
  })
  it("CRC-32C check value: \"123456789\" -> 0xe3069283", () => {
    const b = new TextEncoder().encode("123456789")
    expect(crc32c(b, 0, b.length)).toBe(0xe3069283)
  })
  it("chains across split buffers", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (data, cut) => {
        const at = cut % (data.length + 1)
        const chained = ~crc32cUpdate(crc32cUpdate(0xffffffff, data, 0, at), data, at, data.length - at) >>> 0
        expect(chained).toBe(crc32c(data, 0, data.length))
      })
    )
  })
  it("SCTP checksum is stored little-endian and verifies; any byte flip breaks it", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 200 }), fc.nat(), (pkt, flip) => {
        const b = Uint8Array.from(pkt)
        const c = sctpChecksum(b, 0, b.length)
        sctpStoreChecksum(b, 0, c)
        expect(b[8]).toBe(c & 0xff)
        expect(sctpStoredChecksum(b, 0)).toBe(c)
        // the checksum treats its own field as zero, so computing again is stable
        expect(sctpChecksum(b, 0, b.length)).toBe(c)
        expect(sctpChecksumValid(b, 0, b.length)).toBe(true)
        const i = flip % b.length
        b[i] = b[i]! ^ 0x01
        expect(sctpChecksumValid(b, 0, b.length)).toBe(false)
      })
    )
  })
})

describe("csumFinishMangled (skb_checksum_help: csum_fold(csum) ?: CSUM_MANGLED_0)", () => {
  it("a block whose sum is 0xffff gets 0xffff in the field, never 0, and the result still verifies", () => {
    // 0x1234 + 0xedcb = 0xffff: ~0xffff would be 0, which UDP reads as 'no checksum' (RFC 768)
    const b = new Uint8Array([0x12, 0x34, 0xed, 0xcb, 0x00, 0x00])
    const field = csumFinishMangled(csumPartial(b, 0, 6))
    expect(field).toBe(0xffff)
    expect(CSUM_MANGLED_0).toBe(0xffff)
    b[4] = field >>> 8
    b[5] = field & 0xff
    // ones' complement: 0xffff is the other zero, so the data with the field still sums to 0xffff
    expect(csumPartial(b, 0, 6)).toBe(0xffff)
  })

  it("equals csumFinish for every sum whose complement is not 0", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xfffe }), (sum) => {
        expect(csumFinishMangled(sum)).toBe(csumFinish(sum))
        expect(csumFinishMangled(sum)).toBe(0xffff - sum)
      })
    )
  })
})
