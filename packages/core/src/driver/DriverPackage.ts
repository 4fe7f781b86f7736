/**
 * What a driver package provides (DESIGN.md "A driver package"): plain data + functions,
 * exported as one `driver` value, and an Effect layer providing it as the NicDriver service.
 * The compiler checks a new NIC package against this type.
 *
 * `configSchema` decodes the device configuration (offloads on/off, RSS key and hashed fields,
 * VLAN stripping, timestamping, ...) from JSON with effect's Schema; `createDevice` takes an
 * already-decoded configuration and cannot fail on it (validation belongs to the schema).
 */
import { Context, Data, Effect, Schema, SchemaIssue } from "effect"
import type { RxSemantics } from "../conformance/RxSemantics.js"
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

/**
 * A configuration the driver's schema rejects, on one line: the field (dotted path; "(config)"
 * for a rule over several fields), the value found there (JSON) and what was expected. `source`
 * names where the configuration came from when a host knows (e.g. "--config cfg.json").
 */
export class DriverConfigError extends Data.TaggedError("DriverConfigError")<{
  readonly driver: string
  readonly field: string
  readonly value: string
  readonly expected: string
  readonly source?: string
}> {
  override get message(): string {
    const where = `${this.source === undefined ? "" : `${this.source}: `}${this.driver} configuration`
    if (this.field === "(config)") return `${where}: ${this.expected}`
    const e = /^expected/i.test(this.expected) ? `e${this.expected.slice(1)}` : `expected ${this.expected}`
    return `${where} field ${this.field} = ${this.value}: ${e}`
  }
}

const firstIssue = SchemaIssue.makeFormatterStandardSchemaV1()

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): string => {
  let v: unknown = input
  for (const k of path) v = typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined
  if (v === undefined) return "(missing)"
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/** The schema's first issue as a DriverConfigError (field, value, expected). */
const configErrorOf = (driver: string, input: unknown, e: Schema.SchemaError): DriverConfigError => {
  const issue = firstIssue(e.issue).issues[0]
  const path = (issue?.path ?? []).map((k) => (typeof k === "object" && k !== null && "key" in k ? (k as { key: PropertyKey }).key : k)) as PropertyKey[]
  return new DriverConfigError({
    driver,
    field: path.length === 0 ? "(config)" : path.map(String).join("."),
    value: path.length === 0 ? "(the whole configuration)" : valueAt(input, path),
    expected: (issue?.message ?? String(e)).replace(/\s*\n\s*/g, " ")
  })
}

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
    Effect.mapError((e) => configErrorOf(driver.name, input, e))
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
