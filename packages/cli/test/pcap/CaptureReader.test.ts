/**
 * The pcap / pcapng readers against what tshark reads from files real tools wrote (tcpdump:
 * classic pcap us/ns, Ethernet / LINUX_SLL / LINUX_SLL2; dumpcap: pcapng; mergecap: pcapng with
 * several interfaces; gen-synthetic.py: big-endian files, SPB, PB, 2^-n resolution, if_tsoffset,
 * if_fcslen, skipped blocks and options). truth.json is tshark's reading (testdata/build.sh).
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { readCapture } from "../../src/pcap/CaptureFile.js"
import { ethernetFrameOf } from "../../src/pcap/EthernetReconstruction.js"

const dir = fileURLToPath(new URL("./testdata/", import.meta.url))
interface TruthFrame {
  readonly interfaceId: number
  readonly timeEpoch: string
  readonly len: number
  readonly capLen: number
  readonly raw: string
}
const truth = JSON.parse(fs.readFileSync(`${dir}truth.json`, "utf8")) as Record<string, ReadonlyArray<TruthFrame>>
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
/** tshark's "seconds.nanoseconds" as exact ns */
const epochNs = (s: string): bigint => {
  const [sec, frac = ""] = s.split(".")
  return BigInt(sec!) * 1_000_000_000n + BigInt(frac.padEnd(9, "0").slice(0, 9))
}
const read = (name: string) => readCapture(new Uint8Array(fs.readFileSync(`${dir}${name}`)))

describe("capture readers vs tshark", () => {
  for (const [name, frames] of Object.entries(truth)) {
    it(`${name}: ${frames.length} packets, same bytes, lengths, interfaces and ns timestamps`, () => {
      const r = read(name)
      expect(r.error).toBeUndefined()
      expect(r.format).toBe(name.endsWith(".pcapng") ? "pcapng" : "pcap")
      expect(r.packets.length).toBe(frames.length)
      r.packets.forEach((p, i) => {
        const t = frames[i]!
        expect(hex(p.data), `${name} #${i} bytes`).toBe(t.raw)
        expect(p.data.length).toBe(t.capLen)
        expect(p.originalLength).toBe(t.len)
        expect(p.interfaceId).toBe(t.interfaceId)
        // a Simple Packet Block carries no timestamp (tshark prints none)
        expect(p.timestampNs).toBe(t.timeEpoch === "" ? 0n : epochNs(t.timeEpoch))
      })
    })
  }

  it("reads several interfaces with their own link types (mergecap: Ethernet + LINUX_SLL2)", () => {
    const r = read("multi-if.pcapng")
    expect(new Set(r.packets.map((p) => `${p.interfaceId}:${p.linkType}`))).toEqual(new Set(["0:1", "1:276"]))
  })

  it("rebuilds the Ethernet frame of cooked captures: SLL and SLL2 on lo equal tcpdump's Ethernet capture of the same packets", () => {
    const eth = read("lo-usec.pcap").packets.map((p) => hex(p.data))
    for (const name of ["any-sll.pcap", "any-sll2.pcap"]) {
      const cooked = read(name).packets
      expect(cooked.length).toBe(eth.length)
      cooked.forEach((p, i) => {
        const f = ethernetFrameOf(p)
        expect(Result.isSuccess(f), `${name} #${i}`).toBe(true)
        if (Result.isSuccess(f)) expect(hex(f.success), `${name} #${i}`).toBe(eth[i])
      })
    }
  })

  it("strips the FCS an IDB declares (if_fcslen) and refuses packets cut by the snap length", () => {
    const r = read("synthetic-le.pcapng")
    const withFcs = r.packets.find((p) => p.fcsLength === 4)!
    const f = ethernetFrameOf(withFcs)
    expect(Result.isSuccess(f) && f.success.length).toBe(withFcs.data.length - 4)
    const snapped = r.packets.find((p) => p.data.length < p.originalLength)!
    const s = ethernetFrameOf(snapped)
    expect(Result.isFailure(s) && s.failure.message).toMatch(/cut by the snap length/)
  })
})
