import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DEFAULT_TOEPLITZ_KEY, MICROSOFT_RSS_KEY, toeplitzHash, toeplitzKey } from "../../src/net/Toeplitz.js"

// Verification data copied from Microsoft, "Verifying the RSS Hash Calculation"
// (https://learn.microsoft.com/windows-hardware/drivers/network/verifying-the-rss-hash-calculation,
// source: MicrosoftDocs/windows-driver-docs windows-driver-docs-pr/network/verifying-the-rss-hash-calculation.md).
// Columns: destination address:port, source address:port, "IPv4 only", "IPv4 with TCP".
const IPV4_VECTORS: ReadonlyArray<readonly [string, number, string, number, number, number]> = [
  ["161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178],
  ["65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea],
  ["12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a],
  ["209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f],
  ["202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2]
]
// Same document, IPv6 table: destination (port), source (port), "IPv6 only", "IPv6 with TCP".
const IPV6_VECTORS: ReadonlyArray<readonly [string, number, string, number, number, number]> = [
  ["3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x2cc18cd5, 0x40207d3d],
  ["ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0x0f0c461c, 0xdde51bbf],
  ["fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, 0x4b61e985, 0x02d1feef]
]

const ipv4Bytes = (s: string): number[] => s.split(".").map(Number)
const ipv6Bytes = (s: string): number[] => {
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined]
  const h = head === "" || head === undefined ? [] : head.split(":")
  const t = tail === undefined || tail === "" ? [] : tail.split(":")
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t]
  return groups.flatMap((g) => {
    const v = Number.parseInt(g, 16)
    return [v >> 8, v & 0xff]
  })
}
const port = (p: number): number[] => [p >> 8, p & 0xff]

/** The bit-serial definition, straight from the Microsoft pseudocode. */
const slowToeplitz = (key: Uint8Array, input: Uint8Array): number => {
  const keyBits: number[] = []
  for (const b of key) for (let j = 7; j >= 0; j--) keyBits.push((b >> j) & 1)
  const window = (start: number): number => {
    let w = 0
    for (let i = 0; i < 32; i++) w = (w * 2 + (keyBits[start + i] ?? 0)) >>> 0
    return w
  }
  let result = 0
  let bitIndex = 0
  for (const b of input) {
    for (let j = 7; j >= 0; j--) {
      if ((b >> j) & 1) result = (result ^ window(bitIndex)) >>> 0
      bitIndex++
    }
  }
  return result
}

describe("Toeplitz", () => {
  it("default key is the Microsoft verification key", () => {
    expect([...DEFAULT_TOEPLITZ_KEY.key]).toEqual([...MICROSOFT_RSS_KEY])
    expect(MICROSOFT_RSS_KEY.length).toBe(40)
  })

  it.each(IPV4_VECTORS)("IPv4 %s:%d <- %s:%d", (dst, dport, src, sport, l3Hash, l4Hash) => {
    const l3 = Uint8Array.from([...ipv4Bytes(src), ...ipv4Bytes(dst)])
    const l4 = Uint8Array.from([...l3, ...port(sport), ...port(dport)])
    expect(toeplitzHash(DEFAULT_TOEPLITZ_KEY, l3, 0, l3.length)).toBe(l3Hash)
    expect(toeplitzHash(DEFAULT_TOEPLITZ_KEY, l4, 0, l4.length)).toBe(l4Hash)
  })

  it.each(IPV6_VECTORS)("IPv6 %s (%d) <- %s (%d)", (dst, dport, src, sport, l3Hash, l4Hash) => {
    const l3 = Uint8Array.from([...ipv6Bytes(src), ...ipv6Bytes(dst)])
    expect(l3.length).toBe(32)
    const l4 = Uint8Array.from([...l3, ...port(sport), ...port(dport)])
    expect(toeplitzHash(DEFAULT_TOEPLITZ_KEY, l3, 0, l3.length)).toBe(l3Hash)
    expect(toeplitzHash(DEFAULT_TOEPLITZ_KEY, l4, 0, l4.length)).toBe(l4Hash)
  })

  it("hashes a region at an offset inside a larger buffer", () => {
    const [dst, dport, src, sport, , l4Hash] = IPV4_VECTORS[0]!
    const buf = Uint8Array.from([0xaa, 0xbb, 0xcc, ...ipv4Bytes(src), ...ipv4Bytes(dst), ...port(sport), ...port(dport), 0xdd])
    expect(toeplitzHash(DEFAULT_TOEPLITZ_KEY, buf, 3, 12)).toBe(l4Hash)
  })

  it("equals the bit-serial reference for random keys and inputs (incl. past the key end)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 52 }),
        fc.uint8Array({ minLength: 0, maxLength: 60 }),
        (key, input) => {
          const k = toeplitzKey(key)
          const h = toeplitzHash(k, input, 0, input.length)
          expect(h).toBe(slowToeplitz(key, input))
          expect(h).toBeGreaterThanOrEqual(0)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("copies the key at configuration time", () => {
    const key = Uint8Array.from(MICROSOFT_RSS_KEY)
    const k = toeplitzKey(key)
    key.fill(0)
    const input = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])
    expect(toeplitzHash(k, input, 0, 8)).toBe(slowToeplitz(MICROSOFT_RSS_KEY, input))
  })
})
