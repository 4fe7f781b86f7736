/**
 * The kfunc design's promise, over every installed NIC: one hw-metadata program, unchanged, on
 * every driver package the workspace has (found by discovery, core DriverDiscovery.ts — a NIC
 * added with `devtx new-driver` is covered without editing this file). Per driver, over the
 * built-in corpus, under its default configuration: every frame offered is received or dropped
 * by the MAC, every passed frame carries a record, and each hint kind agrees with the device's
 * xdp-rx-metadata-features — a kind the device does not offer is -EOPNOTSUPP on every packet,
 * one it offers never is. The generic binding (ops looked up per call) gives the same records
 * as the dev-bound one.
 */
import { builtinCorpus, loadWorkspaceDrivers, xdpRxMetadataFeatureNames } from "@devtx/core"
import { runHwMetadata } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const workspace = await Effect.runPromise(loadWorkspaceDrivers(import.meta.url))
const frames = builtinCorpus()
  .slice(0, 120)
  .map((f) => f.bytes)

describe("hw-metadata on every installed driver", () => {
  it("discovers the workspace's drivers without a load error", () => {
    expect(workspace.errors.map((e) => e.message)).toEqual([])
    expect(workspace.drivers.map((d) => d.name)).toEqual(expect.arrayContaining(["sim", "mlx5", "ice"]))
  })

  for (const driver of workspace.drivers) {
    it(`${driver.name}: every hint kind agrees with the features the device reports; generic == dev-bound`, async () => {
      const dev = driver.createDevice(driver.defaultConfig, { ifname: "probe0", ifindex: 2 })
      const offered = new Set(xdpRxMetadataFeatureNames(dev.xdpRxMetadataFeatures))
      const bound = await Effect.runPromise(runHwMetadata({ driver, frames }))
      const generic = await Effect.runPromise(runHwMetadata({ driver, frames, binding: "generic" }))
      const s = bound.summary
      expect(s.offered).toBe(frames.length)
      expect(s.received + s.droppedByMac).toBe(frames.length)
      expect(s.received).toBeGreaterThan(0)
      const withRecord = bound.packets.filter((p) => p.meta !== null).length
      expect(withRecord).toBeGreaterThan(0)
      for (const kind of ["timestamp", "hash", "vlan-tag", "checksum"] as const) {
        const notSupported = s.errors[kind]?.["-EOPNOTSUPP"] ?? 0
        if (offered.has(kind)) expect(notSupported, `${kind} is offered`).toBe(0)
        else {
          expect(s.found[kind], `${kind} is not offered`).toBe(0)
          expect(notSupported, `${kind} is not offered`).toBe(withRecord)
        }
      }
      expect(generic.packets.map((p) => p.meta)).toEqual(bound.packets.map((p) => p.meta))
    })
  }
})
