/**
 * What `ynl --family netdev --dump dev-get` would show for a driver's device: its
 * xdp-rx-metadata-features and xsk-features, named as the netdev spec names them (core's
 * xdpRxMetadataFeatureNames / xskFeatureNames). The features come from a device brought up with
 * the driver's default configuration (scoped: torn down afterwards).
 */
import { bringUp, decodeDriverConfig, type DriverConfigError, xdpRxMetadataFeatureNames, xskFeatureNames } from "@devtx/core"
import { Effect } from "effect"
import type { AnyDriverPackage } from "./InstalledDrivers.js"

export interface DriverFeatures {
  readonly name: string
  readonly summary: string
  readonly ifname: string
  readonly "xdp-rx-metadata-features": ReadonlyArray<string>
  readonly "xsk-features": ReadonlyArray<string>
}

export const driverFeatures = (driver: AnyDriverPackage): Effect.Effect<DriverFeatures, DriverConfigError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const config = yield* decodeDriverConfig(driver, driver.defaultConfig)
      const dev = yield* bringUp(driver, config, { ifname: `${driver.name}0`, ifindex: 2 })
      return {
        name: driver.name,
        summary: driver.summary,
        ifname: dev.ifname,
        "xdp-rx-metadata-features": xdpRxMetadataFeatureNames(dev.xdpRxMetadataFeatures),
        "xsk-features": xskFeatureNames(dev.xskFeatures)
      }
    })
  )

/** ynl's text shape: `{'ifname': ..., 'xdp-rx-metadata-features': {'hash', ...}, 'xsk-features': set()}` per line. */
export const formatDriverFeatures = (f: DriverFeatures): string[] => {
  const set = (names: ReadonlyArray<string>) => (names.length === 0 ? "set()" : `{${names.map((n) => `'${n}'`).join(", ")}}`)
  return [
    `${f.name}: ${f.summary}`,
    `  xdp-rx-metadata-features: ${set(f["xdp-rx-metadata-features"])}`,
    `  xsk-features: ${set(f["xsk-features"])}`
  ]
}
