/**
 * The driver packages the devtx command can bring up: the workspace's drivers-* packages, each
 * imported explicitly (no driver registers itself; docs/adding-a-nic.md). A new NIC is added here after
 * `devtx new-driver NAME` scaffolds it. Lookup by the name each package declares (`driver.name`).
 */
import { type DriverPackage, UnknownDriverError } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { Effect } from "effect"

// biome-ignore lint/suspicious/noExplicitAny: a list of drivers with different Config types (NicDriver does the same)
export type AnyDriverPackage = DriverPackage<any>

export const installedDrivers: ReadonlyArray<AnyDriverPackage> = [simDriver, mlx5Driver, iceDriver]

export const installedDriverNames = (): ReadonlyArray<string> => installedDrivers.map((d) => d.name)

export const findDriver = (name: string): Effect.Effect<AnyDriverPackage, UnknownDriverError> => {
  const d = installedDrivers.find((x) => x.name === name)
  return d === undefined ? Effect.fail(new UnknownDriverError({ driver: name, known: installedDriverNames() })) : Effect.succeed(d)
}
