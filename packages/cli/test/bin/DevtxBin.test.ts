/**
 * The real `devtx` bin (packages/cli/dist/bin.js, built first with tsc -b) in a child process:
 * every command, --help, bad flags (exit 2 and a usage line), unknown driver, missing file, the
 * typed errors (exit 1, `devtx: <Tag>: …`), `--json` validated by its Schema and its counts
 * checked against the built-in corpus's ground truth, capture input incl. a truncated file,
 * `drivers` against each driver's ops table, and `btf export` read back by bpftool.
 */
import { execFileSync, spawnSync } from "node:child_process"

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { buildFrame, builtinCorpus, Errno } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { Result, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildDevtxBin, devtxBin, repoRoot } from "../support/BuiltBin.js"
import { writeClassicPcap } from "../../src/pcap/ClassicPcapWriter.js"
import { LinkType } from "../../src/pcap/PcapFormat.js"
import { PingJson, PingPongSummaryJson } from "../../src/run/PingPongJson.js"
import { RunPacketJson, RunSummaryJson } from "../../src/run/RunJson.js"

const root = repoRoot
const bin = devtxBin
const testdata = fileURLToPath(new URL("../pcap/testdata/", import.meta.url))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-bin-"))

const devtx = (args: ReadonlyArray<string>, cwd = root) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

beforeAll(() => {
  buildDevtxBin()
}, 300_000)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const corpus = builtinCorpus()
const rx = corpus.filter((f) => !f.truth.isRunt && f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= 1500)
const ip = rx.filter((f) => f.truth.l3 !== "arp")
const tagged = rx.filter((f) => f.truth.vlans.length > 0)

describe("devtx: usage", () => {
  it("--help lists every command; each command has --help", () => {
    const h = devtx(["--help"])
    expect(h.code).toBe(0)
    for (const c of ["run", "drivers", "btf", "bench", "report", "new-driver"]) expect(h.out).toMatch(new RegExp(`^\\s+${c}\\s`, "m"))
    for (const c of [["run"], ["drivers"], ["btf", "dump"], ["btf", "export"], ["bench"], ["report"], ["new-driver"]]) {
      const r = devtx([...c, "--help"])
      expect(r.code, c.join(" ")).toBe(0)
      expect(r.out).toContain(`devtx ${c.join(" ")}`)
    }
    expect(devtx(["run", "--help"]).out).toMatch(/--driver choice .*choices: sim, mlx5, ice/)
  })

  it("bad flags exit 2 with a usage line and the error, both on stderr (stdout stays empty)", () => {
    for (const args of [["run", "--driver", "sim", "--bogus"], ["run"], ["run", "--driver", "sim", "--count", "x"]]) {
      const r = devtx(args)
      expect(r.code, args.join(" ")).toBe(2)
      expect(r.err, args.join(" ")).toMatch(/^USAGE\n\s+devtx/m)
      expect(r.err, args.join(" ")).toMatch(/ERROR/)
      expect(r.out, args.join(" ")).toBe("")
    }
    // --help is output, not an error: stdout
    expect(devtx(["run", "--help"]).out).toMatch(/^USAGE\n\s+devtx run/m)
    expect(devtx(["run", "--help"]).out).toMatch(/--config string\s+path of a JSON file/)
  })

  it("an unknown driver exits 2 naming the installed ones", () => {
    for (const args of [["run", "--driver", "e1000"], ["btf", "dump", "--driver", "e1000"]]) {
      const r = devtx(args)
      expect(r.code).toBe(2)
      expect(r.err).toContain('"e1000"')
      expect(r.err).toContain('"sim" | "mlx5" | "ice"')
    }
  })
})

describe("devtx run", () => {
  it("text: the npm start shape and the corpus-truth summary", () => {
    const r = devtx(["run", "--driver", "sim", "--count", "3"])
    expect(r.code).toBe(0)
    const lines = r.out.trim().split("\n")
    expect(lines[0]).toBe(`devtx hw-metadata: driver=sim program=xdp_hw_metadata binding=dev-bound corpus=builtin (${corpus.length} frames)`)
    expect(lines.filter((l) => /^packet \d+: len=\d+ rx_queue=/.test(l)).length).toBe(3)
    // one line per frame the MAC dropped (the corpus's runts and over-MTU frames), naming it
    const dropped = corpus.filter((f) => !rx.includes(f))
    expect(lines.filter((l) => / dropped by the MAC: /.test(l))).toEqual(
      dropped.map((f) => expect.stringMatching(new RegExp(`^packet ${f.index}: len=${f.bytes.length} dropped by the MAC: ${f.truth.isRunt ? "a runt" : "longer than MTU 1500"}`)))
    )
    expect(r.out).toContain(`packets: offered=${corpus.length} received=${rx.length} dropped_by_mac=${corpus.length - rx.length} rx_missed=0`)
    expect(r.out).toContain(`hints found: timestamp=${rx.length} hash=${ip.length} vlan-tag=${tagged.length} checksum=${ip.length}`)
  })

  it("--json: every line validates; per-packet values and errors agree with the corpus truth", () => {
    const r = devtx(["run", "--driver", "sim", "--json"])
    expect(r.code).toBe(0)
    const objs = r.out.trim().split("\n").map((l) => JSON.parse(l) as unknown)
    const packets = objs.slice(0, -1).map((o) => Schema.decodeUnknownSync(RunPacketJson)(o))
    const summary = Schema.decodeUnknownSync(RunSummaryJson)(objs.at(-1))
    expect(packets.length).toBe(rx.length)
    expect(packets.map((p) => p.index)).toEqual(rx.map((f) => f.index))
    const ENODATA = -Errno.ENODATA
    packets.forEach((p, i) => {
      const t = rx[i]!.truth
      expect(p.verdict).toBe("XDP_PASS")
      expect(p.errors.timestamp).toBeNull()
      expect(p.rx_timestamp).toMatch(/^\d+$/)
      expect(p.errors.hash).toBe(t.l3 === "arp" ? ENODATA : null)
      expect(p.errors.checksum).toBe(t.l3 === "arp" ? ENODATA : null)
      expect(p.errors.vlan).toBe(t.vlans.length > 0 ? null : ENODATA)
      if (t.vlans.length > 0) {
        const v = t.vlans[0]!
        expect([p.vlan_proto, p.vlan_tci]).toEqual([v.tpid, (v.pcp << 13) | (v.dei << 12) | v.vid])
      }
    })
    expect(summary).toMatchObject({ offered: corpus.length, received: rx.length, dropped_by_mac: corpus.length - rx.length, skipped_packets: 0, capture_error: null })
    expect(summary.found).toEqual({ timestamp: rx.length, hash: ip.length, "vlan-tag": tagged.length, checksum: ip.length })
    expect(summary.errors["hash"]).toEqual({ "-ENODATA": rx.length - ip.length })
  })

  it("--binding generic resolves through the ops table; inlined equals dev-bound on sim and mlx5", () => {
    const g = devtx(["run", "--driver", "mlx5", "--binding", "generic", "--json", "--count", "0"])
    expect(g.code).toBe(0)
    expect(Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(g.out)).binding).toBe("generic")
    const packets = (out: string) => out.trim().split("\n").filter((l) => !l.includes('"summary":true'))
    const inl = devtx(["run", "--driver", "sim", "--binding", "inlined", "--json"])
    expect(inl.code).toBe(0)
    const dev = devtx(["run", "--driver", "sim", "--binding", "dev-bound", "--json"])
    expect(packets(inl.out)).toEqual(packets(dev.out))
    expect(packets(inl.out).length).toBeGreaterThan(300)
    const i = devtx(["run", "--driver", "mlx5", "--binding", "inlined", "--json"])
    expect(i.code, i.err).toBe(0)
    expect(Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(i.out.trim().split("\n").at(-1)!)).binding).toBe("inlined")
    const d = devtx(["run", "--driver", "mlx5", "--binding", "dev-bound", "--json"])
    expect(packets(i.out)).toEqual(packets(d.out))
    expect(packets(i.out).length).toBeGreaterThan(300)
    // sim descriptor layout v2 through a config file: inlined reads the v2 offsets too
    const v2 = path.join(tmp, "v2.json")
    fs.writeFileSync(v2, JSON.stringify({ layoutVersion: 2 }))
    const i2 = devtx(["run", "--driver", "sim", "--config", v2, "--binding", "inlined", "--json"])
    expect(i2.code, i2.err).toBe(0)
    expect(packets(i2.out)).toEqual(packets(dev.out))
    expect(devtx(["run", "--driver", "sim", "--config", v2, "--binding", "inlined", "--count", "1"]).out).toContain("rx_hash: 0x5B670812 with RSS type:0x1\n")
  })

  it("--style raw: the CO-RE program on sim prints the same metadata as the kfunc one; every NIC has one; raw ping-pong runs", () => {
    const raw = devtx(["run", "--driver", "sim", "--style", "raw", "--count", "5"])
    expect(raw.code).toBe(0)
    const kf = devtx(["run", "--driver", "sim", "--count", "5"])
    const body = (out: string) => out.split("\n").slice(1).filter((l) => !l.includes("kfunc binding") && !l.includes("CO-RE relocations") && !l.includes("XDP RX-time") && !l.includes("HW RX-time"))
    expect(raw.out.split("\n")[0]).toContain("style=raw (CO-RE)")
    expect(body(raw.out)).toEqual(body(kf.out))
    const ice = devtx(["run", "--driver", "ice", "--style", "raw"])
    expect(ice.code).toBe(0) // ice has a raw hw-metadata (its timestamps say -EOPNOTSUPP: the cached PHC is driver state)
    const pp = devtx(["run", "--driver", "sim", "--style", "raw", "--program", "ping-pong", "--count", "2"])
    expect(pp.code).toBe(0)
    expect(pp.out.split("\n")[0]).toContain("style=raw (CO-RE, devtx descriptor writes)")
    expect(pp.out).toMatch(/HW TX-complete-time: {3}\d+/)
  })

  it("--rss-key: the driver's length in colon hex; a bad key names the value and the byte", () => {
    const key = Array.from({ length: 40 }, (_, i) => ((i * 37 + 11) & 0xff).toString(16).padStart(2, "0")).join(":")
    const a = JSON.parse(devtx(["run", "--driver", "sim", "--json", "--count", "1"]).out.split("\n")[0]!)
    const b = JSON.parse(devtx(["run", "--driver", "sim", "--json", "--count", "1", "--rss-key", key]).out.split("\n")[0]!)
    expect(a.rx_hash).not.toBe(b.rx_hash)
    const short = devtx(["run", "--driver", "sim", "--rss-key", "6d:5a:56"])
    expect(short.code).toBe(1)
    expect(short.err).toContain("RssKeyError: --rss-key '6d:5a:56' for driver sim: 3 bytes given, driver sim takes a 40-byte key")
    const ice = devtx(["run", "--driver", "ice", "--rss-key", key])
    expect(ice.err).toContain("driver ice takes a 52-byte key")
    const hex = devtx(["run", "--driver", "sim", "--rss-key", key.replace(/^6d/, "zz").replace(/^../, "zz")])
    expect(hex.err).toMatch(/byte 0 'zz' is not two hex digits/)
  })

  it("--config: applied over the defaults; missing file, non-JSON, unknown field and bad value are typed errors", () => {
    const off = path.join(tmp, "off.json")
    fs.writeFileSync(off, JSON.stringify({ rxhash: false }))
    const s = JSON.parse(devtx(["run", "--driver", "sim", "--json", "--config", off]).out.trim().split("\n").at(-1)!)
    expect(s.found.hash).toBe(0)
    expect(devtx(["run", "--driver", "sim", "--config", path.join(tmp, "none.json")]).err).toMatch(/^devtx: InputFileError: --config .*none\.json: ENOENT/)
    const bad = path.join(tmp, "bad.json")
    fs.writeFileSync(bad, "{ rxhash: ")
    expect(devtx(["run", "--driver", "sim", "--config", bad]).err).toMatch(/^devtx: ConfigFileError: .*not JSON/)
    fs.writeFileSync(bad, JSON.stringify({ rxhsah: true }))
    expect(devtx(["run", "--driver", "sim", "--config", bad]).err).toMatch(/unknown sim configuration field 'rxhsah'/)
    fs.writeFileSync(bad, JSON.stringify({ mtu: 10 }))
    const v = devtx(["run", "--driver", "sim", "--config", bad])
    expect(v.code).toBe(1)
    expect(v.err).toBe(`devtx: DriverConfigError: --config ${bad}: sim configuration field mtu = 10: expected an integer in [68, 65000], got 10\n`)
    // a wrong type: one line naming the file, the field, the value and the expected type
    fs.writeFileSync(bad, JSON.stringify({ mtu: "1500" }))
    expect(devtx(["run", "--driver", "sim", "--config", bad]).err).toBe(`devtx: DriverConfigError: --config ${bad}: sim configuration field mtu = "1500": expected number\n`)
    fs.writeFileSync(bad, JSON.stringify({ rssFields: { tcp4: 3, udp4: "sdfn", tcp6: "sdfn", udp6: "sdfn" } }))
    expect(devtx(["run", "--driver", "mlx5", "--config", bad]).err).toBe(`devtx: DriverConfigError: --config ${bad}: mlx5 configuration field rssFields.tcp4 = 3: expected "sd" | "sdfn"\n`)
  })

  it("--style raw: the CO-RE relocations have their own key; no kfunc binding is claimed", () => {
    const raw = Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(devtx(["run", "--driver", "sim", "--style", "raw", "--json"]).out.trim().split("\n").at(-1)!))
    expect([raw.style, raw.binding, raw.kfunc_binding]).toEqual(["raw", null, {}])
    // struct sim_rx_desc_wb: rss_hash is the u32 at byte 0 (SimRxDescriptor.ts)
    expect(raw.core_relocations["sim_rx_desc_wb.rss_hash"]).toBe("+0/4")
    const kf = Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(devtx(["run", "--driver", "sim", "--json", "--count", "0"]).out.trim().split("\n").at(-1)!))
    expect([kf.style, kf.binding, kf.core_relocations]).toEqual(["kfunc", "dev-bound", {}])
    expect(kf.kfunc_binding["bpf_xdp_metadata_rx_hash"]).toBe("sim:xmo_rx_hash")
    expect(devtx(["run", "--driver", "sim", "--style", "raw"]).out).toMatch(/^ {2}CO-RE relocations: sim_rx_desc_wb\.rss_valid -> \+7\/1, /m)
  })

  it("--pcap: a tcpdump capture runs; a missing file and a truncated file are typed errors (packets before it still run)", () => {
    const ok = devtx(["run", "--driver", "sim", "--pcap", path.join(testdata, "lo-usec.pcap"), "--json"])
    expect(ok.code).toBe(0)
    const s = Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(ok.out.trim().split("\n").at(-1)!))
    expect(s.offered).toBe(32)
    // loopback frames carry no padding: the replay pads the ones under ETH_ZLEN (60) as the
    // sending NIC would; with --no-pad they are runts the MAC drops
    const sizes = execFileSync("tcpdump", ["-r", path.join(testdata, "lo-usec.pcap"), "-e", "-nn"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n")
      .map((l) => Number(/length (\d+):/.exec(l)![1]))
    expect(sizes.filter((n) => n < 60).length).toBeGreaterThan(0)
    expect(s.received).toBe(32)
    expect(s.padded).toBe(sizes.filter((n) => n < 60).length)
    const np = devtx(["run", "--driver", "sim", "--pcap", path.join(testdata, "lo-usec.pcap"), "--json", "--no-pad"])
    const ns = Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(np.out.trim().split("\n").at(-1)!))
    expect(ns.received).toBe(sizes.filter((n) => n >= 60).length)
    expect(ns.padded).toBe(0)
    expect(ns.dropped).toEqual(sizes.flatMap((n, i) => (n < 60 ? [{ index: i, len: n, reason: "runt" }] : [])))
    expect(devtx(["run", "--driver", "sim", "--pcap", path.join(tmp, "missing.pcap")]).err).toMatch(/^devtx: InputFileError: --pcap .*missing\.pcap: ENOENT/)
    const cut = path.join(tmp, "cut.pcap")
    const full = fs.readFileSync(path.join(testdata, "lo-usec.pcap"))
    fs.writeFileSync(cut, full.subarray(0, 1000))
    const t = devtx(["run", "--driver", "sim", "--pcap", cut, "--json"])
    expect(t.code).toBe(1)
    expect(t.err).toMatch(/^devtx: CaptureFormatError: pcap: truncated .* at byte offset \d+ \(packet index (\d+);/)
    const idx = Number(/packet index (\d+)/.exec(t.err)![1])
    const ts = Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(t.out.trim().split("\n").at(-1)!))
    expect(ts.offered).toBe(idx)
    expect(idx).toBeGreaterThan(0)
    expect(ts.capture_error).toContain("byte offset")
  })

  it("--pcap short and over-MTU frames: padded to ETH_ZLEN (padded: N), --no-pad keeps runts; every drop gets a line naming index, length and why", () => {
    // a host-side capture: a 59-byte TCP segment (5 bytes of payload), a 14-byte frame, a 9000-byte frame, a 100-byte one
    const frameOf = (len: number, seed: number) => {
      const b = new Uint8Array(len)
      b.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00])
      for (let i = 14; i < len; i++) b[i] = (i * seed) & 0xff
      return b
    }
    const tcp59 = buildFrame({
      dstMac: [2, 0, 0, 0, 0, 2],
      srcMac: [2, 0, 0, 0, 0, 1],
      vlans: [],
      l3: { kind: "ipv4", src: [10, 0, 0, 1], dst: [10, 0, 0, 2], tos: 0, id: 1, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false },
      l4: { kind: "tcp", srcPort: 1000, dstPort: 80, seq: 1, ack: 1, flags: 0x18, window: 100, options: [], payloadLen: 5 },
      badL4Checksum: false,
      udpZeroChecksum: false,
      padToMin: false,
      payloadSeed: 1,
      corruptMask: 0
    })
    expect(tcp59.length).toBe(59)
    const frames = [tcp59, frameOf(14, 3), frameOf(9000, 5), frameOf(100, 7)]
    const file = path.join(tmp, "short.pcap")
    const bytes = writeClassicPcap(
      frames.map((data, i) => ({ timestampNs: 1_000_000_000n + BigInt(i), data })),
      { linkType: LinkType.ETHERNET, nanosecond: true }
    )
    if (Result.isFailure(bytes)) throw bytes.failure
    fs.writeFileSync(file, bytes.success)
    const summary = (r: { out: string }) => Schema.decodeUnknownSync(RunSummaryJson)(JSON.parse(r.out.trim().split("\n").at(-1)!))
    const pad = summary(devtx(["run", "--driver", "sim", "--pcap", file, "--json"]))
    expect([pad.padded, pad.received, pad.dropped_by_mac]).toEqual([2, 3, 1])
    expect(pad.dropped).toEqual([{ index: 2, len: 9000, reason: "over-mtu" }])
    expect(pad.mtu).toBe(1500)
    const text = devtx(["run", "--driver", "sim", "--pcap", file])
    expect(text.code).toBe(0)
    expect(text.out).toContain('packet 2: len=9000 dropped by the MAC: longer than MTU 1500 admits (raise the driver\'s mtu with --config FILE; {"mtu": 9000} admits it)\n')
    expect(text.out).toMatch(/^ {2}padded: 2 /m)
    const noPad = devtx(["run", "--driver", "sim", "--pcap", file, "--no-pad"])
    expect(noPad.out).toContain("packet 0: len=59 dropped by the MAC: a runt (shorter than ETH_ZLEN 60)\n")
    expect(noPad.out).toContain("packet 1: len=14 dropped by the MAC: a runt (shorter than ETH_ZLEN 60)\n")
    expect(summary(devtx(["run", "--driver", "sim", "--pcap", file, "--json", "--no-pad"])).dropped.map((d) => d.reason)).toEqual(["runt", "runt", "over-mtu"])
    const jumbo = path.join(tmp, "jumbo.json")
    fs.writeFileSync(jumbo, JSON.stringify({ mtu: 9000 }))
    const j = summary(devtx(["run", "--driver", "sim", "--pcap", file, "--json", "--config", jumbo]))
    expect([j.received, j.dropped_by_mac, j.mtu]).toEqual([4, 0, 9000])
  })

  it("--program ping-pong: pings validate; the mirrored frames go to --tx-pcap; other bindings are refused", () => {
    const tx = path.join(tmp, "tx.pcap")
    const r = devtx(["run", "--driver", "sim", "--program", "ping-pong", "--json", "--tx-pcap", tx])
    expect(r.code).toBe(0)
    const objs = r.out.trim().split("\n").map((l) => JSON.parse(l) as unknown)
    const pings = objs.slice(0, -1).map((o) => Schema.decodeUnknownSync(PingJson)(o))
    const sum = Schema.decodeUnknownSync(PingPongSummaryJson)(objs.at(-1))
    expect(pings.length).toBe(sum.completed)
    expect(sum.completed).toBe(sum.offered)
    const back = execFileSync("tcpdump", ["-r", tx, "-nn", "--time-stamp-precision=nano", "-tt"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n")
    expect(back.length).toBe(pings.length)
    back.forEach((l, i) => {
      const [sec, frac] = l.split(" ")[0]!.split(".")
      expect(`${sec}${frac}`.replace(/^0+/, "")).toBe(pings[i]!.tx_wire_time)
      expect(l).toMatch(/\.9091 > .*: UDP/)
    })
    expect(devtx(["run", "--driver", "sim", "--program", "ping-pong", "--binding", "generic"]).err).toMatch(/ProgramOptionError/)
    // every NIC's TX completion stamp is the time the frame left (ice: through the devtx kfuncs,
    // not a read of the request's own csum_start/csum_offset bytes as before: "393250")
    for (const d of ["mlx5", "ice"]) {
      const o = devtx(["run", "--driver", d, "--program", "ping-pong", "--json"]).out.trim().split("\n")
      const ps = o.slice(0, -1).map((l) => Schema.decodeUnknownSync(PingJson)(JSON.parse(l)))
      expect(ps.length, d).toBe(8)
      for (const p of ps) expect(p.tx_timestamp, d).toBe(p.tx_wire_time)
    }
    expect(devtx(["run", "--driver", "ice", "--program", "ping-pong"]).out).not.toMatch(/sec:-/)
  })
})

describe("devtx drivers", () => {
  it("lists every driver with the features its ops tables give (ynl names)", () => {
    const r = devtx(["drivers", "--json"])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.out) as Array<Record<string, unknown>>
    expect(list.map((d) => d["name"])).toEqual(["sim", "mlx5", "ice"])
    for (const drv of [simDriver, mlx5Driver, iceDriver] as const) {
      const dev = (drv.createDevice as (c: unknown, o: { ifname: string; ifindex: number }) => import("@devtx/core").NetDevice)(drv.defaultConfig, { ifname: "x", ifindex: 2 })
      const o = dev.xdpMetadataOps
      const want = [
        ...(o.xmoRxTimestamp ? ["timestamp"] : []),
        ...(o.xmoRxHash ? ["hash"] : []),
        ...(o.xmoRxVlanTag ? ["vlan-tag"] : []),
        ...(o.xmoRxChecksum ? ["checksum"] : [])
      ]
      const t = dev.xskTxMetadataOps as Record<string, unknown> | undefined
      const entry = list.find((d) => d["name"] === drv.name)!
      expect(entry["xdp-rx-metadata-features"]).toEqual(want)
      expect((entry["xsk-features"] as string[]).length > 0).toBe(t !== undefined)
    }
    const text = devtx(["drivers"])
    expect(text.out).toMatch(/^sim: .*\n {2}xdp-rx-metadata-features: \{'timestamp', 'hash', 'vlan-tag', 'checksum'\}\n {2}xsk-features: \{'tx-timestamp', 'tx-checksum', 'tx-launch-time-fifo'\}$/m)
  })
})

describe("devtx btf", () => {
  for (const drv of [simDriver, mlx5Driver, iceDriver]) {
    it(`${drv.name}: export is read by bpftool and dump prints what bpftool prints (or: publishes no BTF yet)`, () => {
      const split = path.join(tmp, `${drv.name}.btf`)
      const base = path.join(tmp, `${drv.name}.base.btf`)
      const e = devtx(["btf", "export", "--driver", drv.name, "-o", split, "--base-out", base])
      if (drv.btf === undefined) {
        expect(e.code).toBe(1)
        expect(e.err).toBe(`devtx: DriverBtfNotPublishedError: driver ${drv.name} publishes no BTF yet (its DriverPackage has no btf member)\n`)
        expect(devtx(["btf", "dump", "--driver", drv.name]).code).toBe(1)
        return
      }
      expect(e.code).toBe(0)
      const bpf = (...a: string[]) => execFileSync("bpftool", a, { encoding: "utf8" })
      expect(devtx(["btf", "dump", "--driver", drv.name, "--format", "raw"]).out).toBe(bpf("btf", "dump", "file", split, "-B", base, "format", "raw"))
      expect(devtx(["btf", "dump", "--driver", drv.name, "--format", "c"]).out).toBe(bpf("btf", "dump", "file", split, "-B", base, "format", "c"))
      expect(devtx(["btf", "dump", "--driver", drv.name, "--format", "json"]).out).toBe(bpf("-j", "btf", "dump", "file", split, "-B", base, "format", "raw"))
      expect(bpf("btf", "dump", "file", base, "format", "raw")).toMatch(/^\[1\] /)
    })
  }
})

describe("devtx bench / report", () => {
  it("runs a filtered quick bench into --out, and report re-renders it; bad input is typed", () => {
    const dir = path.join(tmp, "bench")
    const b = devtx(["bench", "--quick", "--filter", "^rx/sim/raw-fixed/1$", "--out", dir])
    expect(b.code).toBe(0)
    expect(b.out).toMatch(/^1 results, 0 skipped, in [\d.]+ s$/m)
    expect(b.out).toContain("checked:")
    const results = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"))
    expect(results.results).toHaveLength(1)
    expect(results.results[0].ratio_to_floor).toBe(1)
    const r = devtx(["report", dir])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/raw-fixed/)
    expect(devtx(["bench", "--filter", "(", "--out", dir]).err).toMatch(/^devtx: BenchRunError: .*not a regular expression/)
    expect(devtx(["report", path.join(tmp, "nowhere")]).err).toMatch(/^devtx: BenchReportError: /)
    expect(devtx(["report"]).code).toBe(2)
    // --compare A B: the same run against a copy whose figure takes twice as long
    const dir2 = path.join(tmp, "bench-b")
    fs.mkdirSync(dir2, { recursive: true })
    const slower = { ...results, results: [{ ...results.results[0], ns_per_packet: results.results[0].ns_per_packet * 2, rme: 1 }] }
    fs.writeFileSync(path.join(dir2, "results.json"), JSON.stringify(slower))
    const c = devtx(["report", "--compare", dir, dir2])
    expect(c.code).toBe(0)
    expect(c.out).toContain("# devtx: two benchmark runs compared")
    expect(c.out).toMatch(/\| rx sim raw-fixed hash \| .* \| \+100\.0% \| \*\*slower\*\* \|/)
    expect(fs.existsSync(path.join(dir2, "compare.html"))).toBe(true)
    expect(devtx(["report", "--compare", dir, dir]).out).toMatch(/\| \+0\.0% \| not distinguishable \|/)
    expect(devtx(["report", "--compare", path.join(tmp, "nowhere"), dir2]).err).toMatch(/^devtx: BenchReportError: cannot render a report from .*nowhere/)
    // --pcap: the capture's frames feed the rigs; --size and --driver are carried into the results
    const dir3 = path.join(tmp, "bench-pcap")
    const p = devtx(["bench", "--quick", "--driver", "sim", "--pcap", path.join(testdata, "lo-usec.pcap"), "--filter", "^rx/sim/raw-fixed/1$", "--out", dir3])
    expect(p.code, p.err).toBe(0)
    const pr = JSON.parse(fs.readFileSync(path.join(dir3, "results.json"), "utf8"))
    expect(pr.meta.pcap).toBe(path.join(testdata, "lo-usec.pcap"))
    expect(pr.meta.drivers).toEqual(["sim"])
    expect(devtx(["bench", "--pcap", path.join(tmp, "missing.pcap")]).err).toMatch(/^devtx: BenchRunError: devtx bench: --pcap .*missing\.pcap: ENOENT/)
    expect(devtx(["bench", "--size", "9000"]).err).toMatch(/^devtx: BenchRunError: devtx bench: --size: '9000' is not a frame size/)
  })
})
