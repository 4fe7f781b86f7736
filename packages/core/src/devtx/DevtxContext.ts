/**
 * The devtx hook context (RFC "bpf: netdev TX metadata", v2/v3, 2023 —
 * lore:20230707193006.1309662-1-sdf@google.com): what a devtx program sees at the four hook
 * points, submit and complete, for xdp_frame and for skb. It carries the frame (bytes), the
 * device, and — for the raw-descriptor design — the driver's own TX descriptor (at submit) and
 * completion entry (at complete) as bytes; their BTF description comes with the raw design
 * (issue 5). Drivers reuse one context per TX queue and fill it before each call.
 */

export const DevtxPoint = {
  SUBMIT_XDP: 0,
  COMPLETE_XDP: 1,
  SUBMIT_SKB: 2,
  COMPLETE_SKB: 3
} as const
export type DevtxPoint = (typeof DevtxPoint)[keyof typeof DevtxPoint]

/** RFC v2's per-driver hook function names: <drv>_devtx_submit_xdp and friends. */
export const devtxPointName = (p: DevtxPoint): string =>
  ["devtx_submit_xdp", "devtx_complete_xdp", "devtx_submit_skb", "devtx_complete_skb"][p]!

export const isSubmitPoint = (p: DevtxPoint): boolean => p === DevtxPoint.SUBMIT_XDP || p === DevtxPoint.SUBMIT_SKB

export class DevtxCtx {
  ifindex = 0
  queue = 0
  point: DevtxPoint = DevtxPoint.SUBMIT_XDP
  /** the frame: memory, offset, length */
  mem: Uint8Array = new Uint8Array(0)
  data = 0
  len = 0
  /** the driver's TX descriptor (submit) — raw design */
  desc: DataView = new DataView(new ArrayBuffer(0))
  descOff = 0
  /** the driver's completion entry (complete) — raw design */
  compl: DataView = new DataView(new ArrayBuffer(0))
  complOff = 0
  /** the device's devtx ops, for the generic kfunc binding (typed by devtx/DevtxOps.ts) */
  ops: DevtxCtxOps | undefined = undefined
}

/**
 * The devtx ops a context carries. Declared empty here and made the DevtxOps table by
 * devtx/DevtxOps.ts (declaration merging): the ops are typed over DevtxCtx, so this file does
 * not import them and the two modules form no import cycle.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in devtx/DevtxOps.ts
export interface DevtxCtxOps {}

/** A loaded devtx program as the driver runs it (hooks return nothing, as fentry programs). */
export type DevtxProgramFn = (ctx: DevtxCtx) => void

/** The programs attached at each hook point of a device (undefined = the call site is a no-op). */
export class DevtxHooks {
  submitXdp: DevtxProgramFn | undefined = undefined
  completeXdp: DevtxProgramFn | undefined = undefined
  submitSkb: DevtxProgramFn | undefined = undefined
  completeSkb: DevtxProgramFn | undefined = undefined
}
