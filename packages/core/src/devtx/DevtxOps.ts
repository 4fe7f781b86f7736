/**
 * The devtx kfuncs' driver side and their table — the RFC v3 DEVTX_SUBMIT_KFUNC_xxx list
 * (include/net/offload.h in the RFC): each kfunc resolves, per device, to a driver op. Return
 * codes: 0; -EOPNOTSUPP (driver lacks the op: the generic default); -ENODATA (complete side: no
 * timestamp in this completion); -EINVAL (a checksum request the device cannot honour).
 * The launch-time kfunc is a devtx addition (the RFC predates AF_XDP launch time); it mirrors
 * tmo_request_launch_time.
 */
import type { RxTimestampOut } from "../metadata/RxMetadataOut.js"
import type { DevtxCtx } from "./DevtxContext.js"

export interface DevtxOps<Ctx extends DevtxCtx = DevtxCtx> {
  /** xmo_request_tx_timestamp (submit) */
  readonly xmoRequestTxTimestamp?: (ctx: Ctx) => number
  /** xmo_tx_timestamp (complete): ns into out */
  readonly xmoTxTimestamp?: (ctx: Ctx, out: RxTimestampOut) => number
  /** xmo_request_l4_checksum (submit): csum_start from the frame start, csum_offset from csum_start */
  readonly xmoRequestL4Checksum?: (ctx: Ctx, csumStart: number, csumOffset: number) => number
  /** devtx addition (submit): launch time in PHC ns */
  readonly xmoRequestLaunchTime?: (ctx: Ctx, hi: number, lo: number) => number
}

// DevtxCtx.ops (devtx/DevtxContext.ts) carries the device's DevtxOps; its type is given here.
declare module "./DevtxContext.js" {
  interface DevtxCtxOps extends DevtxOps {}
}

export type DevtxGetterName = "requestTxTimestamp" | "txTimestamp" | "requestL4Checksum" | "requestLaunchTime"

export interface DevtxKfuncRow {
  readonly kfunc: string
  readonly kernelOp: string
  readonly op: keyof DevtxOps
  readonly getter: DevtxGetterName
  /** the hook side it may be called from */
  readonly side: "submit" | "complete"
  readonly origin: string
}

export const DEVTX_KFUNC_TABLE: ReadonlyArray<DevtxKfuncRow> = [
  {
    kfunc: "bpf_devtx_request_tx_timestamp",
    kernelOp: "xmo_request_tx_timestamp",
    op: "xmoRequestTxTimestamp",
    getter: "requestTxTimestamp",
    side: "submit",
    origin: "devtx RFC v3 (abandoned), lore:20230707193006.1309662-1-sdf@google.com"
  },
  {
    kfunc: "bpf_devtx_tx_timestamp",
    kernelOp: "xmo_tx_timestamp",
    op: "xmoTxTimestamp",
    getter: "txTimestamp",
    side: "complete",
    origin: "devtx RFC v3 (abandoned)"
  },
  {
    kfunc: "bpf_devtx_request_l4_csum",
    kernelOp: "xmo_request_l4_checksum",
    op: "xmoRequestL4Checksum",
    getter: "requestL4Checksum",
    side: "submit",
    origin: "devtx RFC v3 (abandoned)"
  },
  {
    kfunc: "bpf_devtx_request_launch_time",
    kernelOp: "xmo_request_launch_time",
    op: "xmoRequestLaunchTime",
    getter: "requestLaunchTime",
    side: "submit",
    origin: "devtx addition (not in the RFC): mirrors tmo_request_launch_time"
  }
]

export const devtxKfuncByName = (name: string): DevtxKfuncRow | undefined =>
  DEVTX_KFUNC_TABLE.find((r) => r.kfunc === name || r.getter === name)
