/**
 * Bad capture input: every prefix of every fixture (truncation anywhere) and random corruption
 * (fast-check) give either the packets up to a typed error naming a byte offset inside the file
 * and the packet index, or the full read — never a throw, a hang, or a packet outside the file.
 * Plus one test per specific malformation, checking the offset and value named.
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { readCapture } from "../../src/pcap/CaptureFile.js"

const dir = fileURLToPath(new URL("./testdata/", import.meta.url))
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".pcap") || f.endsWith(".pcapng"))
const load = (f: string) => new Uint8Array(fs.readFileSync(`${dir}${f}`))

const checkInvariants = (bytes: Uint8Array) => {
  const r = readCapture(bytes)
  for (const p of r.packets) {
    expect(p.data.buffer).toBe(bytes.buffer)
    expect(p.data.byteOffset + p.data.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length)
  }
  if (r.error !== undefined) {
    expect(r.error.offset).toBeGreaterThanOrEqual(0)
    expect(r.error.offset).toBeLessThanOrEqual(bytes.length)
    expect(r.error.packetIndex).toBe(r.packets.length)
    expect(r.error.message).toMatch(/at byte offset \d+ \(packet index \d+/)
  }
  return r
}

describe("capture readers on bad input", () => {
  for (const f of files) {
    it(`${f}: every truncation yields a prefix of the packets and a typed error, or the whole file`, () => {
      const full = load(f)
      // packets are views into the file: compare where they sit, not their bytes
      const all = readCapture(full).packets.map((p) => `${p.data.byteOffset}+${p.data.length}@${p.timestampNs}`)
      const bad: string[] = []
      for (let n = 0; n < full.length; n++) {
        const cut = full.subarray(0, n)
        const r = readCapture(cut)
        const got = r.packets.map((p) => `${p.data.byteOffset}+${p.data.length}@${p.timestampNs}`)
        if (got.some((g, i) => g !== all[i])) bad.push(`prefix ${n}: packets differ`)
        if (r.packets.some((p) => p.data.byteOffset + p.data.length > n)) bad.push(`prefix ${n}: packet outside the file`)
        const e = r.error
        if (e !== undefined && (e.offset < 0 || e.offset > n || e.packetIndex !== r.packets.length)) bad.push(`prefix ${n}: ${e.message}`)
      }
      expect(bad.slice(0, 5)).toEqual([])
      // a cut inside the file header is always an error
      expect(readCapture(full.subarray(0, 10)).error).toBeDefined()
    })
  }

  it("random corruption of real files never throws (fast-check)", () => {
    const sources = files.map(load)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          const b = sources[which]!.slice()
          for (const [at, v] of edits) b[at % b.length] = v
          checkInvariants(b)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("random bytes behind a valid magic never throw (fast-check)", () => {
    const magics = [
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0x3c, 0x4d],
      [0x0a, 0x0d, 0x0d, 0x0a]
    ]
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ maxLength: 300 }), (m, rest) => {
        checkInvariants(Uint8Array.from([...magics[m]!, ...rest]))
      }),
      { numRuns: 1000 }
    )
  })

  const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]
  const pcapHeader = (major = 2, snaplen = 65535) => [...u32le(0xa1b2c3d4), major, 0, 4, 0, ...u32le(0), ...u32le(0), ...u32le(snaplen), ...u32le(1)]

  it("names the offending field: magic, version, caplen, truncated data", () => {
    expect(readCapture(Uint8Array.of(1, 2, 3, 4, 5)).error).toMatchObject({ offset: 0, value: 0x04030201, packetIndex: 0 })
    expect(readCapture(Uint8Array.from(pcapHeader(3))).error).toMatchObject({ offset: 4, value: 3 })
    const huge = Uint8Array.from([...pcapHeader(), ...u32le(1), ...u32le(0), ...u32le(300000), ...u32le(300000)])
    expect(readCapture(huge).error).toMatchObject({ offset: 24 + 8, value: 300000, packetIndex: 0 })
    const short = Uint8Array.from([...pcapHeader(), ...u32le(1), ...u32le(0), ...u32le(60), ...u32le(60), 1, 2, 3])
    expect(readCapture(short).error).toMatchObject({ offset: 32, value: 60, packetIndex: 0 })
  })

  it("pcapng: mismatched trailing length, EPB on an undescribed interface, SPB before any IDB, option overrun", () => {
    const shb = [...u32le(0x0a0d0d0a), ...u32le(28), ...u32le(0x1a2b3c4d), 1, 0, 0, 0, ...u32le(0xffffffff), ...u32le(0xffffffff), ...u32le(28)]
    const badTrailer = [...shb.slice(0, 24), ...u32le(32)]
    expect(readCapture(Uint8Array.from(badTrailer)).error).toMatchObject({ offset: 24, value: 32, packetIndex: 0 })
    const epb = [...u32le(6), ...u32le(32), ...u32le(3), ...u32le(0), ...u32le(0), ...u32le(0), ...u32le(0), ...u32le(32)]
    expect(readCapture(Uint8Array.from([...shb, ...epb])).error).toMatchObject({ offset: 28 + 8, value: 3 })
    const spb = [...u32le(3), ...u32le(16), ...u32le(0), ...u32le(16)]
    expect(readCapture(Uint8Array.from([...shb, ...spb])).error?.reason).toMatch(/before any Interface Description Block/)
    // IDB whose option claims 200 bytes
    const idb = [...u32le(1), ...u32le(24), 1, 0, 0, 0, ...u32le(0), 9, 0, 200, 0, ...u32le(24)]
    expect(readCapture(Uint8Array.from([...shb, ...idb])).error).toMatchObject({ offset: 28 + 16 + 2, value: 200 })
  })
})
