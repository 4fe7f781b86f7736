/**
 * How a driver publishes its devtx kfunc ops (DevtxOps.ts) in a form the loader can splice (the
 * "inlined" binding of the devtx kfuncs, packages/kfuncs DevtxInlineCompiler.ts): declarative
 * descriptions instead of functions, from which the loader generates straight-line code with
 * constant offsets. The description must do, for every call, exactly what the driver's function
 * does (same descriptor bytes, same return code, same out-parameter).
 *
 * Submit side (xmo_request_tx_timestamp, xmo_request_l4_checksum, xmo_request_launch_time): the
 * kfunc edits the TX descriptor the hook context points at (`submitLocator`, e.g. DevtxCtx.desc
 * at descOff). Semantics of one op:
 *   checks are tried in order; the first whose condition holds returns its rc (a negative errno)
 *   and nothing is written. Condition: (sum of `terms`) > `limit`, computed on exact integers.
 *   Otherwise the stores run in order — each a width 1/2/4 store at descriptor + offset, little-
 *   or big-endian, of `value`, either replacing the field ("set") or OR-ing into it ("or"; the
 *   field is read first, as the driver's read-modify-write) — and the kfunc returns 0.
 *   Operands: { arg: i } the kfunc's i-th scalar argument after ctx (request_l4_csum: 0 =
 *   csum_start, 1 = csum_offset; request_launch_time: 0 = hi, 1 = lo); { constant: n };
 *   { context: [...] } a word of the hook context (e.g. ["len"], the frame length), read as u32.
 *   A stored value is truncated to the field's width as the C store (and DataView) truncates.
 * Completion side (xmo_tx_timestamp): the RX description language (placement/InlineMetadataOps.ts)
 * over the completion entry (`completeLocator`, e.g. DevtxCtx.compl at complOff), out members
 * hi, lo.
 * An op the driver implements but does not describe stays a call to its function; a description
 * of an op the driver does not implement is ignored (the kfunc stays the -EOPNOTSUPP default).
 */
import type { InlineContextPath, InlineDescriptorLocator, InlineOpDescription } from "../metadata/InlineMetadataOps.js"

export type DevtxInlineOperand = { readonly arg: number } | { readonly constant: number } | { readonly context: InlineContextPath }

export interface DevtxInlineCheck {
  readonly terms: ReadonlyArray<DevtxInlineOperand>
  readonly limit: DevtxInlineOperand
  /** a negative errno */
  readonly rc: number
}

export interface DevtxInlineStore {
  readonly offset: number
  readonly width: 1 | 2 | 4
  readonly bigEndian: boolean
  readonly value: DevtxInlineOperand
  readonly mode: "set" | "or"
}

export interface DevtxInlineSubmitDescription {
  readonly checks: ReadonlyArray<DevtxInlineCheck>
  readonly stores: ReadonlyArray<DevtxInlineStore>
}

export interface DevtxInlineOps {
  readonly driver: string
  /** the TX descriptor at the submit hooks */
  readonly submitLocator: InlineDescriptorLocator
  /** the completion entry at the complete hooks */
  readonly completeLocator: InlineDescriptorLocator
  readonly xmoRequestTxTimestamp?: DevtxInlineSubmitDescription
  readonly xmoRequestL4Checksum?: DevtxInlineSubmitDescription
  readonly xmoRequestLaunchTime?: DevtxInlineSubmitDescription
  readonly xmoTxTimestamp?: InlineOpDescription
}
