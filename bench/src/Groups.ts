/**
 * The benchmark groups and how one runs. A group is the unit a worker thread executes: one suite
 * for one driver (or the polymorphism / core / placement setups; placement runs on the sim NIC;
 * "vm" is the VM lane of one driver, VmSuite.ts). Each group runs in a fresh
 * worker (a fresh V8 isolate), so type feedback gathered by one group — call sites that saw other
 * drivers' context classes or other programs — never leaks into another group's figures; in
 * particular "one driver alone" in the polymorphism suite is measured in an isolate that never saw
 * the other drivers.
 *
 * The drivers are the workspace's driver packages, discovered (core DriverDiscovery.ts; none is
 * named here). A driver without what a suite needs is still listed, with the reason as a skip:
 * no TX half -> the TX groups skip; no raw hint template in probes/RawHintTemplates.ts -> the RX
 * suite's raw-fixed floor does not load (the suite skips every style, saying so) and the
 * polymorphism runs leave the driver out. A package that fails to load fails
 * benchGroups() with its DriverLoadError.
 */
import { type DriverPackage, loadWorkspaceDrivers, TX_NOT_IMPLEMENTED_REASON } from "@devtx/core"
import { Effect } from "effect"
import { rawHintTemplateFor } from "./probes/RawHintTemplates.js"
import type { SuiteContext } from "./suites/BenchContext.js"
import { runCoreSuite } from "./suites/CoreSuite.js"
import { runPlacementSuite } from "./suites/PlacementSuite.js"
import { runPolymorphismSuite } from "./suites/PolymorphismSuite.js"
import { runRxSuite } from "./suites/RxSuite.js"
import { runTxSuite } from "./suites/TxSuite.js"
import { runVmSuite } from "./suites/VmSuite.js"

const discovered = await Effect.runPromise(loadWorkspaceDrivers(import.meta.url))
// biome-ignore lint/suspicious/noExplicitAny: the hosts pick drivers of different configuration types
export const BENCH_DRIVERS: ReadonlyArray<DriverPackage<any>> = discovered.drivers

const noFloor = (driver: string) => `no raw hint template for ${driver} in bench/src/probes (its raw-fixed floor, every ratio's baseline, cannot load)`

/** The drivers the polymorphism runs measure: those whose raw-fixed floor can load. */
const interleavable = () => BENCH_DRIVERS.filter((d) => rawHintTemplateFor(d.name) !== undefined)

// biome-ignore lint/suspicious/noExplicitAny: any driver's package
const hasTxHalf = (d: DriverPackage<any>): boolean => d.createDevice(d.defaultConfig, { ifname: `${d.name}0`, ifindex: 2 }).numTxQueues > 0

export type BenchGroup =
  | { readonly kind: "rx"; readonly driver: string }
  | { readonly kind: "tx"; readonly driver: string }
  | { readonly kind: "polymorphism-alone"; readonly driver: string }
  | { readonly kind: "polymorphism-interleaved"; readonly drivers: ReadonlyArray<string> }
  | { readonly kind: "placement" }
  | { readonly kind: "core" }
  | { readonly kind: "vm"; readonly driver: string }

/**
 * The groups of a run over `drivers` (names; all of BENCH_DRIVERS by default): the interleaved
 * polymorphism group needs two drivers or more, the placement group the sim NIC it runs on.
 */
export const benchGroups = (drivers?: ReadonlyArray<string>): ReadonlyArray<BenchGroup> => {
  const broken = discovered.errors[0]
  if (broken !== undefined) throw broken
  const ds = BENCH_DRIVERS.filter((d) => drivers === undefined || drivers.includes(d.name))
  return [
    ...ds.map((d) => ({ kind: "rx" as const, driver: d.name })),
    ...ds.map((d) => ({ kind: "tx" as const, driver: d.name })),
    ...ds.map((d) => ({ kind: "polymorphism-alone" as const, driver: d.name })),
    ...(ds.length >= 2 ? [{ kind: "polymorphism-interleaved" as const, drivers: ds.map((d) => d.name) }] : []),
    ...(ds.some((d) => d.name === "sim") ? [{ kind: "placement" as const }] : []),
    { kind: "core" as const },
    ...ds.map((d) => ({ kind: "vm" as const, driver: d.name }))
  ]
}

export const groupName = (g: BenchGroup): string => ("driver" in g ? `${g.kind}:${g.driver}` : g.kind)

const driverNamed = (name: string) => {
  const d = BENCH_DRIVERS.find((x) => x.name === name)
  if (d === undefined) throw new Error(`unknown driver ${name}`)
  return d
}

export const runGroup = async (g: BenchGroup, ctx: SuiteContext): Promise<void> => {
  switch (g.kind) {
    case "rx":
      return runRxSuite(ctx, driverNamed(g.driver))
    case "tx": {
      const d = driverNamed(g.driver)
      if (!hasTxHalf(d)) {
        for (const suite of ["tx-submit", "tx-complete"]) ctx.skip({ suite, driver: d.name, style: "*", reason: TX_NOT_IMPLEMENTED_REASON })
        return
      }
      return runTxSuite(ctx, d)
    }
    case "polymorphism-alone": {
      const d = driverNamed(g.driver)
      if (!interleavable().includes(d)) {
        ctx.skip({ suite: "polymorphism", driver: d.name, style: "*", reason: noFloor(d.name) })
        return
      }
      return runPolymorphismSuite(ctx, [d])
    }
    case "polymorphism-interleaved":
    {
      const ds = g.drivers.map(driverNamed)
      for (const d of ds)
        if (!interleavable().includes(d)) ctx.skip({ suite: "polymorphism", driver: d.name, style: "*", reason: `not interleaved: ${noFloor(d.name)}` })
      return runPolymorphismSuite(ctx, ds.filter((d) => interleavable().includes(d)))
    }
    case "placement":
      // the placement designs on the sim NIC (PlacementSuite.ts: the routes do not depend on the NIC)
      return runPlacementSuite(ctx, driverNamed("sim"))
    case "core":
      return runCoreSuite(ctx)
    case "vm":
      return runVmSuite(ctx, driverNamed(g.driver))
  }
}
