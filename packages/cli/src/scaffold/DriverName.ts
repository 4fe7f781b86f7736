/**
 * The NAME of `devtx new-driver NAME`: the driver's command-line name (DriverPackage.name) and the
 * package directory packages/drivers-NAME (npm name @devtx/drivers-NAME). Kernel driver names are
 * lower case letters, digits and underscores (mlx5, ice, igc, virtio_net); that is what is
 * accepted, starting with a letter, at most 32 characters. The PascalCase form names the
 * generated identifiers (virtio_net -> VirtioNet).
 */
import { Effect } from "effect"
import { DriverNameError } from "../CliErrors.js"

export const DRIVER_NAME = /^[a-z][a-z0-9_]{0,31}$/

export const validateDriverName = (name: string, installed: ReadonlyArray<string>): Effect.Effect<string, DriverNameError> => {
  if (!DRIVER_NAME.test(name))
    return Effect.fail(
      new DriverNameError({ name, reason: "a driver name is a lower-case letter then letters, digits or '_' (at most 32), like a kernel driver's" })
    )
  if (installed.includes(name)) return Effect.fail(new DriverNameError({ name, reason: `a driver named '${name}' is already installed` }))
  return Effect.succeed(name)
}

export const pascalCase = (name: string): string =>
  name
    .split("_")
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("")
