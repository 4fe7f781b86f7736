/**
 * `devtx drivers [--json]`: every installed driver with the xdp-rx-metadata-features and
 * xsk-features its device reports under the default configuration, named as
 * `ynl --family netdev --dump dev-get` names them. --json: one JSON array of objects
 * {name, summary, ifname, "xdp-rx-metadata-features": [...], "xsk-features": [...], lacks: [...]}.
 * The drivers are the workspace's discovered driver packages; one that failed to load is
 * reported after the list as its DriverLoadError (exit 1), the others are still listed.
 */
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { driverFeatures, formatDriverFeatures } from "../drivers/DriverFeatures.js"
import { driverLoadErrors, installedDrivers } from "../drivers/InstalledDrivers.js"
import { printLines } from "./ProcessOutput.js"

export const driversCommand = Command.make(
  "drivers",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print a JSON array"), Flag.withDefault(false)) },
  ({ json }) =>
    Effect.gen(function* () {
      const all = yield* Effect.forEach(installedDrivers, driverFeatures)
      yield* printLines(json ? [JSON.stringify(all)] : all.flatMap(formatDriverFeatures))
      const broken = driverLoadErrors[0]
      if (broken !== undefined) return yield* Effect.fail(broken)
    })
).pipe(Command.withDescription("list the installed NIC drivers and the XDP/XSK metadata features they report"))
