/**
 * A driver's BTF as files and dumps: DriverPackage.btf(config) (core's DriverBtf: split BTF on
 * the kernel base, both already encoded) for the driver's default configuration. A driver
 * without the member publishes no BTF yet: DriverBtfNotPublishedError.
 */
import { btfDumpC, btfDumpRawJson } from "@devtx/bpf"
import { decodeDriverConfig, type DriverBtf, type DriverConfigError } from "@devtx/core"
import { Effect } from "effect"
import { btfDumpRawText } from "../btf/BtfRawText.js"
import { DriverBtfNotPublishedError } from "../CliErrors.js"
import type { AnyDriverPackage } from "./InstalledDrivers.js"

export const driverBtf = (driver: AnyDriverPackage): Effect.Effect<DriverBtf, DriverBtfNotPublishedError | DriverConfigError> =>
  Effect.gen(function* () {
    const btf = driver.btf
    if (btf === undefined) return yield* Effect.fail(new DriverBtfNotPublishedError({ driver: driver.name }))
    const config = yield* decodeDriverConfig(driver, driver.defaultConfig)
    return btf(config)
  })

export const BtfDumpFormats = ["c", "raw", "json"] as const
export type BtfDumpFormat = (typeof BtfDumpFormats)[number]

/**
 * The split BTF as `bpftool btf dump file SPLIT -B BASE` prints it: `format c`, `format raw`
 * (text), or `-j ... format raw` (json).
 */
export const dumpDriverBtf = (b: DriverBtf, format: BtfDumpFormat): string =>
  format === "c"
    ? btfDumpC(b.split)
    : format === "json"
      ? btfDumpRawJson(b.split)
      : btfDumpRawText(b.split)
