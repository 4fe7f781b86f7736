/**
 * Typed errors of the `devtx compare` commands' own flags (a flag value effect/cli accepts but the
 * question cannot use); each names the flag and the value.
 */
import { Data } from "effect"

export class CompareOptionError extends Data.TaggedError("CompareOptionError")<{
  readonly command: string
  readonly option: string
  readonly value: string
  readonly reason: string
}> {
  override get message(): string {
    return `compare ${this.command} ${this.option} '${this.value}': ${this.reason}`
  }
}
