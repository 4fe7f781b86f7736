/**
 * The driver packages the devtx command can bring up: every workspace package whose package.json
 * says `"devtx": { "driver": true }`, found and imported when this module loads (core
 * DriverDiscovery.ts; docs/adding-a-nic.md). No driver is named here and none registers itself.
 * A package that fails to load is kept as a typed DriverLoadError (`driverLoadErrors`): `devtx
 * drivers` reports it, the other drivers stay usable. Lookup by the name each package declares
 * (`driver.name`).
 */
import { type DriverLoadError, type DriverPackage, loadWorkspaceDrivers, UnknownDriverError } from "@devtx/core"
import { Effect } from "effect"

// biome-ignore lint/suspicious/noExplicitAny: a list of drivers with different Config types (NicDriver does the same)
export type AnyDriverPackage = DriverPackage<any>

const loaded = await Effect.runPromise(loadWorkspaceDrivers(import.meta.url))

export const installedDrivers: ReadonlyArray<AnyDriverPackage> = loaded.drivers

/** Driver packages that were found but could not be loaded (not built, import failed, no `driver`). */
export const driverLoadErrors: ReadonlyArray<DriverLoadError> = loaded.errors

export const installedDriverNames = (): ReadonlyArray<string> => installedDrivers.map((d) => d.name)

export const findDriver = (name: string): Effect.Effect<AnyDriverPackage, UnknownDriverError> => {
  const d = installedDrivers.find((x) => x.name === name)
  return d === undefined ? Effect.fail(new UnknownDriverError({ driver: name, known: installedDriverNames() })) : Effect.succeed(d)
}
