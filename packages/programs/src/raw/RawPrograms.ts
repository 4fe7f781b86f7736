/**
 * The raw-style programs per NIC: the raw design needs one code path per descriptor format, so
 * a host asks for a driver's version by name. A driver without one yet gets a typed error.
 */
import type { RawXdpProgramSpec } from "@devtx/core"
import { Data } from "effect"
import { simRawHwMetadata } from "./SimRawHwMetadata.js"

export class RawStyleUnavailableError extends Data.TaggedError("RawStyleUnavailableError")<{
  readonly program: string
  readonly driver: string
  readonly available: ReadonlyArray<string>
}> {
  override get message(): string {
    return `no raw-style ${this.program} for driver '${this.driver}' yet (raw versions exist for: ${this.available.join(", ")})`
  }
}

const HW_METADATA: Readonly<Record<string, () => RawXdpProgramSpec>> = {
  sim: () => simRawHwMetadata()
}

export const rawHwMetadataFor = (driver: string): RawXdpProgramSpec | RawStyleUnavailableError => {
  const make = HW_METADATA[driver]
  return make === undefined
    ? new RawStyleUnavailableError({ program: "hw-metadata", driver, available: Object.keys(HW_METADATA) })
    : make()
}
