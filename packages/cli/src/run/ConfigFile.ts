/**
 * `--config FILE`: a JSON object of configuration fields over the driver's defaults (top-level
 * keys replace the default's value; nested objects such as rssFields are given whole). Keys the
 * driver's configuration does not have are rejected by name (the schema would ignore them and a
 * typo would silently do nothing); values are checked by the driver's configSchema when the run
 * decodes the configuration (core's decodeDriverConfig, DriverConfigError).
 */
import * as fs from "node:fs"
import { Effect } from "effect"
import { ConfigFileError, InputFileError } from "../CliErrors.js"
import type { AnyDriverPackage } from "../drivers/InstalledDrivers.js"

export const readConfigFile = (
  driver: AnyDriverPackage,
  path: string
): Effect.Effect<Record<string, unknown>, ConfigFileError | InputFileError> =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => fs.readFileSync(path, "utf8"),
      catch: (e) => new InputFileError({ flag: "--config", path, reason: e instanceof Error ? e.message : String(e) })
    })
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new ConfigFileError({ path, reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` })
    })
    if (typeof json !== "object" || json === null || Array.isArray(json))
      return yield* Effect.fail(new ConfigFileError({ path, reason: `expected a JSON object of ${driver.name} configuration fields` }))
    const known = Object.keys(driver.defaultConfig as Record<string, unknown>)
    for (const k of Object.keys(json))
      if (!known.includes(k))
        return yield* Effect.fail(new ConfigFileError({ path, reason: `unknown ${driver.name} configuration field '${k}' (fields: ${known.join(", ")})` }))
    return json as Record<string, unknown>
  })
