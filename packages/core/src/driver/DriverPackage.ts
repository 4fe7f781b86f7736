/**
 * What a driver package provides (docs/driver-contract.md): plain data + functions,
 * exported as one `driver` value, and an Effect layer providing it as the NicDriver service.
 * The compiler checks a new NIC package against this type.
 *
 * `configSchema` decodes the device configuration (offloads on/off, RSS key and hashed fields,
 * VLAN stripping, timestamping, ...) from JSON with effect's Schema; `createDevice` takes an
 * already-decoded configuration and cannot fail on it (validation belongs to the schema).
 */
import { Context, Data, Effect, Schema } from "effect"
import type { RxSemantics } from "./RxSemantics.js"
import type { DriverBtf } from "./DriverBtf.js"
import type { NetDevice } from "./NetDevice.js"

export interface DeviceOptions {
  readonly ifname: string
  readonly ifindex: number
}

export interface DriverPackage<Config = unknown> {
  /** short name used on the command line: "sim", "mlx5", "ice" */
  readonly name: string
  readonly summary: string
  readonly configSchema: Schema.Codec<Config, unknown>
  readonly defaultConfig: Config
  readonly createDevice: (config: Config, options: DeviceOptions) => NetDevice
  /** What the driver claims its RX metadata means under `config`; the conformance suite checks the claim against ground truth. */
  readonly rxSemantics: (config: Config) => RxSemantics
  /** The driver's BTF for the raw-descriptor design (absent: the driver publishes none yet). */
  readonly btf?: (config: Config) => DriverBtf
}

/** The driver a host chose (its configuration type is the driver's own, hence unknown here). */
// biome-ignore lint/suspicious/noExplicitAny: a service slot for any driver's package; Config is contravariant in createDevice
export class NicDriver extends Context.Service<NicDriver, DriverPackage<any>>()("devtx/NicDriver") {}

export class DriverConfigError extends Data.TaggedError("DriverConfigError")<{
  readonly driver: string
  readonly message: string
}> {}

export class UnknownDriverError extends Data.TaggedError("UnknownDriverError")<{
  readonly driver: string
  readonly known: ReadonlyArray<string>
}> {
  override get message(): string {
    return `unknown driver '${this.driver}' (installed: ${this.known.join(", ")})`
  }
}

/** Decode a JSON-ish configuration for `driver`, filling defaults; typed error names the driver. */
export const decodeDriverConfig = <C>(driver: DriverPackage<C>, input: unknown): Effect.Effect<C, DriverConfigError> =>
  Schema.decodeUnknownEffect(driver.configSchema)(input).pipe(
    Effect.mapError((e) => new DriverConfigError({ driver: driver.name, message: String(e) }))
  )

/** Bring a device up as a scoped resource: on scope close the program is detached and the device is quiesced. */
export const bringUp = <C>(driver: DriverPackage<C>, config: C, options: DeviceOptions) =>
  Effect.acquireRelease(
    Effect.sync(() => driver.createDevice(config, options)),
    (dev) =>
      Effect.sync(() => {
        dev.xdpProg = undefined
      })
  )
