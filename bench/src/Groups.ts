/**
 * The benchmark groups and how one runs. A group is the unit a worker thread executes: one suite
 * for one driver (or the polymorphism / core / placement setups; placement runs on the sim NIC;
 * "vm" is the VM lane of one driver, VmSuite.ts). Each group runs in a fresh
 * worker (a fresh V8 isolate), so type feedback gathered by one group — call sites that saw other
 * drivers' context classes or other programs — never leaks into another group's figures; in
 * particular "one driver alone" in the polymorphism suite is measured in an isolate that never saw
 * the other drivers.
 */
import type { DriverPackage } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import type { SuiteContext } from "./suites/BenchContext.js"
import { runCoreSuite } from "./suites/CoreSuite.js"
import { runPlacementSuite } from "./suites/PlacementSuite.js"
import { runPolymorphismSuite } from "./suites/PolymorphismSuite.js"
import { runRxSuite } from "./suites/RxSuite.js"
import { runTxSuite } from "./suites/TxSuite.js"
import { runVmSuite } from "./suites/VmSuite.js"

// biome-ignore lint/suspicious/noExplicitAny: the hosts pick drivers of different configuration types
export const BENCH_DRIVERS: ReadonlyArray<DriverPackage<any>> = [simDriver, mlx5Driver, iceDriver]

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
  const ds = BENCH_DRIVERS.filter((d) => drivers === undefined || drivers.includes(d.name))
  return [
    ...ds.map((d) => ({ kind: "rx" as const, driver: d.name })),
    ...ds.map((d) => ({ kind: "tx" as const, driver: d.name })),
    ...ds.map((d) => ({ kind: "polymorphism-alone" as const, driver: d.name })),
    ...(ds.length >= 2 ? [{ kind: "polymorphism-interleaved" as const, drivers: ds.map((d) => d.name) }] : []),
    ...(ds.some((d) => d.name === simDriver.name) ? [{ kind: "placement" as const }] : []),
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
    case "tx":
      return runTxSuite(ctx, driverNamed(g.driver))
    case "polymorphism-alone":
      return runPolymorphismSuite(ctx, [driverNamed(g.driver)])
    case "polymorphism-interleaved":
      return runPolymorphismSuite(ctx, g.drivers.map(driverNamed))
    case "placement":
      // the placement designs on the sim NIC (PlacementSuite.ts: the routes do not depend on the NIC)
      return runPlacementSuite(ctx, simDriver)
    case "core":
      return runCoreSuite(ctx)
    case "vm":
      return runVmSuite(ctx, driverNamed(g.driver))
  }
}
