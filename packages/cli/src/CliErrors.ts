/**
 * Typed errors of the devtx command's handlers (parse errors of flags are effect/cli's own
 * CliError, exit code 2). Every one names the offending value; the bin prints
 * `devtx: <tag>: <message>` on stderr and exits 1.
 */
import { Data } from "effect"



/** A file named on the command line cannot be read or written. */
export class InputFileError extends Data.TaggedError("InputFileError")<{
  readonly flag: string
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.flag} ${this.path}: ${this.reason}`
  }
}

/** `--rss-key` is not the driver's key length in colon-separated hex bytes. */
export class RssKeyError extends Data.TaggedError("RssKeyError")<{
  readonly driver: string
  readonly value: string
  readonly reason: string
}> {
  override get message(): string {
    return `--rss-key '${this.value}' for driver ${this.driver}: ${this.reason}`
  }
}

/** `--config FILE` is not JSON, or not an object. (Schema failures are core's DriverConfigError.) */
export class ConfigFileError extends Data.TaggedError("ConfigFileError")<{
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `--config ${this.path}: ${this.reason}`
  }
}

/** A flag combination the chosen program cannot honour. */
export class ProgramOptionError extends Data.TaggedError("ProgramOptionError")<{
  readonly program: string
  readonly option: string
  readonly value: string
  readonly reason: string
}> {
  override get message(): string {
    return `--program ${this.program} with ${this.option} ${this.value}: ${this.reason}`
  }
}

/** The capture given with --pcap has no packet devtx can feed to a NIC. */
export class NoFramesError extends Data.TaggedError("NoFramesError")<{ readonly path: string; readonly reason: string }> {
  override get message(): string {
    return `--pcap ${this.path}: ${this.reason}`
  }
}

/** The driver package has no BTF member (DriverPackage gains one per driver). */
export class DriverBtfNotPublishedError extends Data.TaggedError("DriverBtfNotPublishedError")<{ readonly driver: string }> {
  override get message(): string {
    return `driver ${this.driver} publishes no BTF yet (its DriverPackage has no btf member)`
  }
}

/** The driver's BTF did not encode (core's BtfEncodeError message inside). */
export class DriverBtfEncodeError extends Data.TaggedError("DriverBtfEncodeError")<{
  readonly driver: string
  readonly which: "base" | "split"
  readonly reason: string
}> {
  override get message(): string {
    return `driver ${this.driver}: ${this.which} BTF does not encode: ${this.reason}`
  }
}

/** `devtx new-driver NAME` with a NAME that cannot be a package directory / npm name. */
export class DriverNameError extends Data.TaggedError("DriverNameError")<{ readonly name: string; readonly reason: string }> {
  override get message(): string {
    return `new-driver '${this.name}': ${this.reason}`
  }
}

/** `devtx new-driver NAME` where packages/drivers-NAME (or the workspace) is not usable. */
export class ScaffoldTargetError extends Data.TaggedError("ScaffoldTargetError")<{ readonly path: string; readonly reason: string }> {
  override get message(): string {
    return `new-driver: ${this.path}: ${this.reason}`
  }
}
