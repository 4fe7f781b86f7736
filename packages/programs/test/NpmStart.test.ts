/**
 * `npm start` as a user runs it (the README's command, from the repo root): the output has the
 * xdp_hw_metadata line shapes, and the summary counts equal what the built-in corpus's ground
 * truth implies for the reference NIC's default configuration (MTU 1500, every offload on).
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { builtinCorpus } from "@devtx/core"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../..", import.meta.url))

describe("npm start", () => {
  it("prints per-packet lines in the selftest's shape and a summary that matches the corpus truth", () => {
    const out = execFileSync("npm", ["start", "--silent"], { cwd: root, encoding: "utf8", timeout: 240_000 })
    const lines = out.trim().split("\n")
    expect(lines[0]).toMatch(/^devtx hw-metadata: driver=sim program=xdp_hw_metadata binding=dev-bound corpus=builtin \(\d+ frames\)$/)
    const shapes = [
      /^packet \d+: len=\d+ rx_queue=\d+ verdict=XDP_(PASS|DROP|ABORTED|TX|REDIRECT)$/,
      /^packet \d+: len=\d+ dropped by the MAC: (a runt \(shorter than ETH_ZLEN 60\)|longer than MTU \d+ admits \(raise the driver's mtu with --config FILE; \{"mtu": \d+\} admits it\))$/,
      /^ {2}rx_hash: 0x[0-9A-F]+ with RSS type:0x[0-9A-F]+$/,
      /^ {2}No rx_hash, err=-\d+$/,
      /^ {2}(HW|XDP) RX-time: {3}\d+ \(sec:\d+\.\d{4}\) delta to User RX-time sec:-?\d+\.\d{4} \(-?\d+\.\d{3} usec\)$/,
      /^ {2}No rx_timestamp, err=-\d+$/,
      /^ {2}rx_vlan_proto: 0x[0-9A-F]+$/,
      /^ {2}rx_vlan_tci: PCP=\d, DEI=[01], VID=0x[0-9A-F]+$/,
      /^ {2}No rx_vlan_tci or rx_vlan_proto, err=-\d+$/,
      /^ {2}rx-cksum: XDP_CHECKSUM_(NONE|UNNECESSARY|COMPLETE), csum=0x[0-9a-f]+, cksum_level=0x[0-9a-f]+$/,
      /^ {2}No rx_cksum, err=-\d+$/
    ]
    const summaryAt = lines.indexOf("summary:")
    expect(summaryAt).toBeGreaterThan(1)
    for (const l of lines.slice(1, summaryAt)) expect(shapes.some((re) => re.test(l)), l).toBe(true)
    expect(lines.slice(1, summaryAt).filter((l) => / rx_queue=/.test(l)).length).toBe(12)

    const corpus = builtinCorpus()
    const rx = corpus.filter((f) => !f.truth.isRunt && f.truth.frameLen - 14 - 4 * f.truth.vlans.length <= 1500)
    const ip = rx.filter((f) => f.truth.l3 !== "arp")
    const tagged = rx.filter((f) => f.truth.vlans.length > 0)
    // one line per frame the MAC dropped, whatever --count shows
    expect(lines.slice(1, summaryAt).filter((l) => / dropped by the MAC: /.test(l)).length).toBe(corpus.length - rx.length)
    const summary = lines.slice(summaryAt).join("\n")
    expect(summary).toContain(`packets: offered=${corpus.length} received=${rx.length} dropped_by_mac=${corpus.length - rx.length} rx_missed=0`)
    expect(summary).toContain(`verdicts: XDP_ABORTED=0 XDP_DROP=0 XDP_PASS=${rx.length} XDP_TX=0 XDP_REDIRECT=0`)
    expect(summary).toContain(`hints found: timestamp=${rx.length} hash=${ip.length} vlan-tag=${tagged.length} checksum=${ip.length}`)
    expect(summary).toContain("errors timestamp: none")
    expect(summary).toContain(`errors hash: -ENODATA=${rx.length - ip.length}`)
    expect(summary).toContain(`errors vlan-tag: -ENODATA=${rx.length - tagged.length}`)
    expect(summary).toContain(`errors checksum: -ENODATA=${rx.length - ip.length}`)
    expect(summary).toContain("bpf_xdp_metadata_rx_hash -> sim:xmo_rx_hash")
  })
})
