/**
 * Typed errors of the kernel lane. Each names what failed and the value involved; none is a
 * crash. `KernelLaneUnavailable` is the one error a machine without the lane's prerequisites
 * gets: it lists everything missing and how to get it.
 */
import { Data } from "effect"

export interface MissingPrerequisite {
  /** what is missing, e.g. "root (uid 0)", "kernel >= 6.8" */
  readonly what: string
  /** what was found instead */
  readonly found: string
  /** how to get it */
  readonly fix: string
}

export class KernelLaneUnavailable extends Data.TaggedError("KernelLaneUnavailable")<{
  readonly missing: ReadonlyArray<MissingPrerequisite>
}> {
  override get message(): string {
    return `the kernel lane cannot run here: ${this.missing.map((m) => `${m.what} (found: ${m.found}; ${m.fix})`).join("; ")}`
  }
}

/** The native helper (libbpf behind a line protocol) could not be built or started, or died. */
export class HelperProcessError extends Data.TaggedError("HelperProcessError")<{ readonly reason: string }> {
  override get message(): string {
    return `devtx-kernel-helper: ${this.reason}`
  }
}

/** A request to the kernel failed: the operation, the kernel's errno and libbpf's log. */
export class KernelCallError extends Data.TaggedError("KernelCallError")<{
  readonly op: string
  readonly errno: number
  readonly reason: string
  readonly log: string
}> {
  override get message(): string {
    const log = this.log.trim()
    return `${this.op}: ${this.reason} (errno ${this.errno})${log === "" ? "" : `\n${log}`}`
  }
}

/** Setting up or tearing down the netns / veth rig failed (the ip command and its stderr). */
export class RigError extends Data.TaggedError("RigError")<{ readonly command: string; readonly reason: string }> {
  override get message(): string {
    return `${this.command}: ${this.reason}`
  }
}

/** An argument the kernel lane cannot use: a missing object, an unknown program or device. */
export class KernelInputError extends Data.TaggedError("KernelInputError")<{
  readonly flag: string
  readonly value: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.flag} ${this.value}: ${this.reason}`
  }
}

export type KernelError = KernelLaneUnavailable | HelperProcessError | KernelCallError | RigError | KernelInputError
