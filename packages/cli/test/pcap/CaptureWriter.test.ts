/**
 * The classic pcap writer: what it writes is read back identically by our reader, by tshark
 * (no warnings) and, converted to pcapng by editcap, by our pcapng reader with the same frames.
 * tshark/editcap come from the Debian package tshark (CI installs it).
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { builtinCorpus } from "@devtx/core"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { readCapture } from "../../src/pcap/CaptureFile.js"
import { writeClassicPcap } from "../../src/pcap/ClassicPcapWriter.js"
import { LinkType } from "../../src/pcap/PcapFormat.js"

const hasTshark = spawnSync("tshark", ["--version"]).status === 0
const corpus = builtinCorpus().slice(0, 120)
const records = corpus.map((f, i) => ({ timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_234_567n, data: f.bytes }))
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

describe("classic pcap writer", () => {
  for (const nanosecond of [true, false]) {
    it(`round-trips the corpus (${nanosecond ? "ns" : "us"})`, () => {
      const w = writeClassicPcap(records, { linkType: LinkType.ETHERNET, nanosecond })
      expect(Result.isSuccess(w)).toBe(true)
      if (!Result.isSuccess(w)) return
      const r = readCapture(w.success)
      expect(r.error).toBeUndefined()
      expect(r.packets.map((p) => hex(p.data))).toEqual(records.map((x) => hex(x.data)))
      expect(r.packets.map((p) => p.timestampNs)).toEqual(records.map((x) => (nanosecond ? x.timestampNs : (x.timestampNs / 1000n) * 1000n)))
    })
  }

  it("refuses what pcap cannot hold", () => {
    const long = writeClassicPcap([{ timestampNs: 0n, data: new Uint8Array(100) }], { linkType: 1, snaplen: 64 })
    expect(Result.isFailure(long) && long.failure.value).toBe(100)
    const late = writeClassicPcap([{ timestampNs: 1n << 63n, data: new Uint8Array(60) }], { linkType: 1 })
    expect(Result.isFailure(late)).toBe(true)
  })

  it.runIf(hasTshark)("tshark reads our pcap without warnings; editcap's pcapng of it reads back with the same frames", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-pcap-"))
    try {
      const w = writeClassicPcap(records, { linkType: LinkType.ETHERNET, nanosecond: true })
      if (!Result.isSuccess(w)) throw new Error("write failed")
      const file = path.join(tmp, "ours.pcap")
      fs.writeFileSync(file, w.success)
      const t = spawnSync("tshark", ["-r", file, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len"], { encoding: "utf8" })
      expect(t.status).toBe(0)
      // tshark's only stderr line as root is its "Running as user root" notice
      expect(t.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Running as user"))).toEqual([])
      const rows = t.stdout.trim().split("\n").map((l) => l.split("\t"))
      expect(rows.length).toBe(records.length)
      rows.forEach(([ts, len], i) => {
        const [s, f] = ts!.split(".")
        expect(BigInt(s!) * 1_000_000_000n + BigInt(f!.padEnd(9, "0"))).toBe(records[i]!.timestampNs)
        expect(Number(len)).toBe(records[i]!.data.length)
      })
      const ng = path.join(tmp, "ours.pcapng")
      execFileSync("editcap", ["-F", "pcapng", file, ng], { stdio: "pipe" })
      const back = readCapture(new Uint8Array(fs.readFileSync(ng)))
      expect(back.format).toBe("pcapng")
      expect(back.error).toBeUndefined()
      expect(back.packets.map((p) => hex(p.data))).toEqual(records.map((x) => hex(x.data)))
      expect(back.packets.map((p) => p.timestampNs)).toEqual(records.map((x) => x.timestampNs))
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })
})
