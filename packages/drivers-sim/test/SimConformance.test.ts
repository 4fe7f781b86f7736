/**
 * The reference NIC through core's RX conformance suite, in its default configuration and with
 * each offload switched. The sim has no known gaps: the list is empty and must stay so.
 */
import { builtinCorpus, checkConformance, type KnownGap, runRxConformance } from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const KNOWN_GAPS: ReadonlyArray<KnownGap> = []
const corpus = builtinCorpus()

const configs: Array<[string, Record<string, unknown>]> = [
  ["defaults (MTU 1500)", {}],
  ["jumbo MTU 9000", { mtu: 9000, frameSize: 16384, ringSize: 256 }],
  ["CHECKSUM_COMPLETE", { csumComplete: true }],
  ["L3-only hashing everywhere", { rssFields: { tcp4: "sd", udp4: "sd", sctp4: "sd", other4: "sd", tcp6: "sd", udp6: "sd", sctp6: "sd", other6: "sd" } }],
  ["UDP not hashed", { rssFields: { tcp4: "sdfn", udp4: "none", sctp4: "sdfn", other4: "sd", tcp6: "sdfn", udp6: "none", sctp6: "sdfn", other6: "sd" } }],
  ["other RSS key", { rssKey: Array.from({ length: 40 }, (_, i) => ((i * 37 + 11) & 0xff).toString(16).padStart(2, "0")).join(":") }],
  ["every offload off", { rxhash: false, vlanStripCtag: false, vlanStripStag: false, rxTimestamp: "none", rxcsum: false }],
  ["only S-tags stripped", { vlanStripCtag: false }],
  ["no ops (all -EOPNOTSUPP)", { xdpOps: [] }],
  ["four RX queues", { rxQueues: 4, ringSize: 128 }],
  ["descriptor layout v2", { layoutVersion: 2 }]
]

describe("drivers-sim conformance", () => {
  for (const [name, config] of configs) {
    it(name, async () => {
      const report = await Effect.runPromise(runRxConformance(driver, corpus, config))
      const verdict = checkConformance(report, KNOWN_GAPS)
      expect(verdict.unexplained.slice(0, 5)).toEqual([])
      expect(verdict.stale).toEqual([])
      expect(report.received).toBeGreaterThan(300)
      expect(report.compared.hash).toBe(report.received)
      expect(report.compared["skb.hash"]).toBe(report.received)
    })
  }

  it("detects a wrong claim: declaring the wrong RSS key makes every hash mismatch", async () => {
    const lying = { ...driver, rxSemantics: (c: typeof driver.defaultConfig) => ({ ...driver.rxSemantics(c), rss: { key: new Uint8Array(40).fill(1), fields: c.rssFields } }) }
    const report = await Effect.runPromise(runRxConformance(lying, corpus.slice(0, 50)))
    expect(report.mismatches.filter((m) => m.check === "hash").length).toBeGreaterThan(40)
  })
})
