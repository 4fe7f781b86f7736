/**
 * The TX members of NetDevice for a driver whose TX half is not built yet (spread it into the
 * device object). Every entry point says so: binding AF_XDP, waking TX and ndo_start_xmit return
 * -EOPNOTSUPP; nothing is ever in flight, so nothing can be lost.
 */
import { DevtxHooks } from "../devtx/DevtxContext.js"
import { Errno } from "../kernel/Errno.js"
import type { NetDevice } from "./NetDevice.js"

export type NetDeviceTx = Pick<
  NetDevice,
  | "numTxQueues"
  | "xskTxMetadataOps"
  | "wire"
  | "skbCompletion"
  | "xskBindZeroCopy"
  | "xskWakeupTx"
  | "xmitSkb"
  | "hwTransmit"
  | "napiPollTx"
  | "txInFlight"
  | "devtxOps"
  | "xdpXmit"
  | "devtx"
>

export const TX_NOT_IMPLEMENTED_REASON = "this driver's TX half is not built yet"

export const txNotImplemented = (): NetDeviceTx => ({
  numTxQueues: 0,
  xskTxMetadataOps: undefined,
  wire: () => {},
  skbCompletion: () => {},
  xskBindZeroCopy: () => -Errno.EOPNOTSUPP,
  xskWakeupTx: () => -Errno.EOPNOTSUPP,
  xmitSkb: () => -Errno.EOPNOTSUPP,
  hwTransmit: () => 0,
  napiPollTx: () => 0,
  txInFlight: () => 0,
  devtxOps: undefined,
  xdpXmit: () => 0,
  devtx: new DevtxHooks()
})
