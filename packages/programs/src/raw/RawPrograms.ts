/**
 * The raw-style programs per NIC: the raw design needs one code path per descriptor format, so
 * a host asks for a driver's version by name. A driver without one yet gets a typed error.
 *
 * `config` is the device configuration as the driver package decoded it. The sim's descriptor
 * carries every "is this hint valid" bit itself, so its program needs none; mlx5's and ice's
 * descriptors do not carry the device state their kfuncs consult (NETIF_F_RXHASH, the hwtstamp
 * filter, the clock format, the VLAN stripping protocol, ...), so their programs are built with
 * it as .rodata (Mlx5RawHwMetadata.ts / IceRawHwMetadata.ts): without `config` they are
 * unavailable, with the reason.
 */
import { DevtxPoint, Errno, type RawDevtxProgramSpec, type RawXdpProgramSpec } from "@devtx/core"
import { Data } from "effect"
import { ICE_RAW_TX_TS_REQUEST_UNAVAILABLE, IceRawSubmitStats, iceRawDevtxComplete, iceRawDevtxSubmit } from "./IceRawDevtx.js"
import { iceRawHwMetadata, iceRawRodataFromConfig } from "./IceRawHwMetadata.js"
import { mlx5RawDevtxComplete, mlx5RawDevtxSubmit } from "./Mlx5RawDevtx.js"
import { mlx5RawHwMetadata, mlx5RawRodataFromConfig } from "./Mlx5RawHwMetadata.js"
import { type RawDevtxSubmitOptions, simRawDevtxComplete, simRawDevtxSubmit } from "./SimRawDevtx.js"
import { simRawHwMetadata } from "./SimRawHwMetadata.js"
import type { TxStampLog } from "./TxStampLog.js"

// The raw-style programs and their support, public through this module (the package index
// exports it): one module per NIC and concept, listed here.

export class RawStyleUnavailableError extends Data.TaggedError("RawStyleUnavailableError")<{
  readonly program: string
  readonly driver: string
  readonly available: ReadonlyArray<string>
  /** why a registered program cannot be built (e.g. missing .rodata); absent: no program for this driver */
  readonly reason?: string
}> {
  override get message(): string {
    return this.reason !== undefined
      ? `raw-style ${this.program} for driver '${this.driver}' cannot be built: ${this.reason}`
      : `no raw-style ${this.program} for driver '${this.driver}' yet (raw versions exist for: ${this.available.join(", ")})`
  }
}

type Config = Readonly<Record<string, unknown>> | undefined

const needsConfig = (driver: string): string => `the ${driver} program takes device configuration as .rodata; the host passed none`

const HW_METADATA: Readonly<Record<string, (config: Config) => RawXdpProgramSpec | string>> = {
  sim: () => simRawHwMetadata(),
  mlx5: (config) => {
    if (config === undefined) return needsConfig("mlx5")
    const r = mlx5RawRodataFromConfig(config)
    return typeof r === "string" ? r : mlx5RawHwMetadata(r)
  },
  ice: (config) => {
    if (config === undefined) return needsConfig("ice")
    const r = iceRawRodataFromConfig(config)
    return typeof r === "string" ? r : iceRawHwMetadata(r)
  }
}

/** The drivers with a raw-style hw-metadata program. */
export const rawHwMetadataDrivers = (): ReadonlyArray<string> => Object.keys(HW_METADATA)

export const rawHwMetadataFor = (driver: string, config?: unknown): RawXdpProgramSpec | RawStyleUnavailableError => {
  const make = HW_METADATA[driver]
  const available = Object.keys(HW_METADATA)
  if (make === undefined) return new RawStyleUnavailableError({ program: "hw-metadata", driver, available })
  const built = make(typeof config === "object" && config !== null ? (config as Readonly<Record<string, unknown>>) : undefined)
  return typeof built === "string" ? new RawStyleUnavailableError({ program: "hw-metadata", driver, available, reason: built }) : built
}

/** A request the options asked for that this NIC's raw programs cannot make: the errno they report and why. */
export interface RawDevtxUnsupported {
  readonly request: "tx-timestamp"
  readonly errno: number
  readonly reason: string
}

/**
 * The raw devtx pair for a driver: a submit program that writes the TX descriptor's request bits
 * (undefined where none of the asked requests can be written through a descriptor view) and a
 * completion program that logs the TX stamp into `log` (or, on ice, -EOPNOTSUPP for every
 * frame). `unsupported` lists the asked requests the NIC's raw programs cannot make (ice: the TX
 * timestamp request, see IceRawDevtx.ts); `iceStats` is the ice submit program's per-frame record.
 */
export interface RawDevtxPrograms {
  readonly submit: RawDevtxProgramSpec | undefined
  readonly complete: RawDevtxProgramSpec
  readonly unsupported: ReadonlyArray<RawDevtxUnsupported>
  readonly iceStats?: IceRawSubmitStats
}

export const rawDevtxFor = (
  driver: string,
  config: unknown,
  opts: RawDevtxSubmitOptions & { readonly completePoint?: DevtxPoint },
  log: TxStampLog
): RawDevtxPrograms | RawStyleUnavailableError => {
  const point = opts.completePoint ?? DevtxPoint.COMPLETE_XDP
  const available = ["sim", "mlx5", "ice"]
  if (driver === "sim") return { submit: simRawDevtxSubmit(opts), complete: simRawDevtxComplete(log, point), unsupported: [] }
  if (driver === "ice") {
    const iceStats = new IceRawSubmitStats()
    return {
      submit: opts.checksum || opts.timestamp ? iceRawDevtxSubmit(opts, iceStats) : undefined,
      complete: iceRawDevtxComplete(log, point),
      unsupported: opts.timestamp ? [{ request: "tx-timestamp", errno: -Errno.EOPNOTSUPP, reason: ICE_RAW_TX_TS_REQUEST_UNAVAILABLE }] : [],
      iceStats
    }
  }
  if (driver === "mlx5") {
    const r = typeof config === "object" && config !== null ? mlx5RawRodataFromConfig(config as Readonly<Record<string, unknown>>) : needsConfig("mlx5")
    if (typeof r === "string") return new RawStyleUnavailableError({ program: "devtx", driver, available, reason: r })
    return { submit: mlx5RawDevtxSubmit(opts), complete: mlx5RawDevtxComplete(r, log, point), unsupported: [] }
  }
  return new RawStyleUnavailableError({ program: "devtx", driver, available })
}

