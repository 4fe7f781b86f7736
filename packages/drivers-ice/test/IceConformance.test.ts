/**
 * ice through core's RX conformance suite over the builtin corpus, in every configuration the
 * issue names (single vs double VLAN mode, stripping on/off, timestamps on/off, switchdev) and
 * the offload switches. Divergences are the checked-in IceKnownGaps list (stale entries fail).
 */
import { builtinCorpus, checkConformance, type CorpusFrame, runRxConformance } from "@devtx/core"
import { driver } from "@devtx/drivers-ice"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { gapsFor, ICE_KNOWN_GAPS } from "./IceKnownGaps.js"

const corpus = builtinCorpus()

export const ICE_CONFORMANCE_CONFIGS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ["defaults: E810, SVM, CTAG stripping", {}],
  ["DVM, CTAG stripping", { vlanMode: "double" }],
  ["DVM, STAG stripping", { vlanMode: "double", vlanStrip: "stag" }],
  ["VLAN stripping off", { vlanStrip: "off" }],
  ["hwtstamp rx_filter NONE", { rxTimestamp: "none" }],
  ["PTP clock not initialised", { ptp: false }],
  ["switchdev (RXDID 6)", { switchdev: true }],
  ["NETIF_F_RXHASH off", { rxhash: false }],
  ["NETIF_F_RXCSUM off", { rxcsum: false }],
  ["four Rx queues", { rxQueues: 4, ringSize: 128 }],
  ["MTU 9000", { mtu: 9000, frameSize: 16384, ringSize: 512 }],
  ["E830 generic checksum", { mac: "e830" }]
]

describe("drivers-ice RX conformance", () => {
  for (const [name, config] of ICE_CONFORMANCE_CONFIGS) {
    it(name, async () => {
      const report = await Effect.runPromise(runRxConformance(driver, corpus, config))
      const verdict = checkConformance(report, gapsFor(name))
      expect(verdict.unexplained.slice(0, 5)).toEqual([])
      expect(verdict.stale).toEqual([])
      expect(report.received).toBeGreaterThan(300)
      expect(report.compared.hash).toBe(report.received)
    })
  }

  it("every known gap names a configuration that exists and has a reason", () => {
    const names = new Set(ICE_CONFORMANCE_CONFIGS.map(([n]) => n))
    for (const g of ICE_KNOWN_GAPS) {
      expect(g.reason.length).toBeGreaterThan(40)
      for (const c of g.configs) expect(names.has(c)).toBe(true)
    }
  })

  it("E830: every checksum mismatch is SCTP, a fragment, or a frame with a tag left in the packet", async () => {
    const report = await Effect.runPromise(runRxConformance(driver, corpus, { mac: "e830" }))
    const byIndex = new Map<number, CorpusFrame>(corpus.map((f) => [f.index, f]))
    const csum = report.mismatches.filter((m) => m.check === "checksum" && m.kind !== "arp")
    expect(csum.length).toBeGreaterThan(50)
    for (const m of csum) {
      const t = byIndex.get(m.frame)!.truth
      const residualTag = t.vlans.length === 2 || (t.vlans.length === 1 && t.vlans[0]!.tpid !== 0x8100)
      expect([m.frame, t.l4 === "sctp" || t.fragment !== "none" || residualTag]).toEqual([m.frame, true])
    }
  })
})
