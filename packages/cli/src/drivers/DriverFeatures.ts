/**
 * What `ynl --family netdev --dump dev-get` would show for a driver's device: its
 * xdp-rx-metadata-features and xsk-features, named as the netdev spec names them (core's
 * xdpRxMetadataFeatureNames / xskFeatureNames). The features come from a device brought up with
 * the driver's default configuration (scoped: torn down afterwards). `lacks` says what a
 * driver does not offer yet — no BTF (the raw-descriptor design cannot load on it), no raw
 * programs in packages/programs, no TX half (txNotImplemented) — so a freshly scaffolded NIC
 * shows what is left to build.
 */
import { bringUp, decodeDriverConfig, type DriverConfigError, xdpRxMetadataFeatureNames, xskFeatureNames } from "@devtx/core"
import { rawHwMetadataDrivers } from "@devtx/programs"
import { Effect } from "effect"
import type { AnyDriverPackage } from "./InstalledDrivers.js"

export interface DriverFeatures {
  readonly name: string
  readonly summary: string
  readonly ifname: string
  readonly "xdp-rx-metadata-features": ReadonlyArray<string>
  readonly "xsk-features": ReadonlyArray<string>
  readonly lacks: ReadonlyArray<string>
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
        "xsk-features": xskFeatureNames(dev.xskFeatures),
        lacks: [
          ...(driver.btf === undefined ? ["btf (DriverPackage.btf absent: the raw-descriptor design cannot load)"] : []),
          ...(rawHwMetadataDrivers().includes(driver.name) ? [] : ["raw programs (packages/programs src/raw/RawPrograms.ts has none for this NIC)"]),
          ...(dev.numTxQueues === 0 ? ["tx (the TX half is not built: txNotImplemented)"] : [])
        ]
      }
    })
  )

/** ynl's text shape: `{'ifname': ..., 'xdp-rx-metadata-features': {'hash', ...}, 'xsk-features': set()}` per line. */
export const formatDriverFeatures = (f: DriverFeatures): string[] => {
  const set = (names: ReadonlyArray<string>) => (names.length === 0 ? "set()" : `{${names.map((n) => `'${n}'`).join(", ")}}`)
  return [
    `${f.name}: ${f.summary}`,
    `  xdp-rx-metadata-features: ${set(f["xdp-rx-metadata-features"])}`,
    `  xsk-features: ${set(f["xsk-features"])}`,
    ...(f.lacks.length === 0 ? [] : [`  lacks: ${f.lacks.join("; ")}`])
  ]
}
