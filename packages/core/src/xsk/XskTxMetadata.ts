/**
 * struct xsk_tx_metadata (include/uapi/linux/if_xdp.h), 24 bytes, host byte order, sitting at
 * `desc.addr - tx_metadata_len` in the UMEM; and the kernel helpers that act on it
 * (include/net/xdp_sock.h, include/net/xdp_sock_drv.h), per packet, without allocation:
 *
 *   0                8           10            12        16                  24
 *   +----------------+-----------+-------------+---------+-------------------+
 *   | flags (u64)    |csum_start |csum_offset  | (hole)  | launch_time (u64) |   request
 *   +----------------+-----------+-------------+---------+-------------------+
 *                    | tx_timestamp (u64)      |                                 completion
 *                    +-------------------------+
 *
 * - xskBuffValidTxMetadata: no flag outside XDP_TXMD_FLAGS_VALID (TIMESTAMP|CHECKSUM|LAUNCH_TIME).
 * - xskTxMetadataRequest: calls the driver's ops in the kernel's order: launch time, timestamp,
 *   checksum — each only when its flag is set and the driver has the op.
 * - xskTxMetadataToCompl: remembers where completion.tx_timestamp lives when TIMESTAMP is set
 *   (the compl survives the app reusing the metadata area); xskTxMetadataComplete writes
 *   tmo_fill_timestamp's value there.
 */
import type { RxTimestampOut } from "../metadata/RxMetadataOut.js"

export const XSK_TX_METADATA_SIZE = 24
export const XskTxMetadataOff = {
  FLAGS: 0,
  CSUM_START: 8,
  CSUM_OFFSET: 10,
  LAUNCH_TIME: 16,
  TX_TIMESTAMP: 8
} as const

/** XDP_TXMD_FLAGS_* (include/uapi/linux/if_xdp.h) */
export const XdpTxmdFlags = {
  TIMESTAMP: 1 << 0,
  CHECKSUM: 1 << 1,
  LAUNCH_TIME: 1 << 2
} as const
/** XDP_TXMD_FLAGS_VALID (include/net/xdp_sock_drv.h) */
export const XDP_TXMD_FLAGS_VALID = XdpTxmdFlags.TIMESTAMP | XdpTxmdFlags.CHECKSUM | XdpTxmdFlags.LAUNCH_TIME

/**
 * struct xsk_tx_metadata_ops (include/net/xdp_sock.h), devtx form. `priv` is the driver's
 * per-descriptor context (its TX descriptor); 64-bit values travel as hi/lo u32 halves.
 */
export interface XskTxMetadataOps<Priv> {
  readonly tmoRequestTimestamp?: (priv: Priv) => void
  /** write the hardware TX timestamp (ns) of the completed descriptor into out */
  readonly tmoFillTimestamp?: (priv: Priv, out: RxTimestampOut) => void
  readonly tmoRequestChecksum?: (csumStart: number, csumOffset: number, priv: Priv) => void
  readonly tmoRequestLaunchTime?: (launchHi: number, launchLo: number, priv: Priv) => void
}

/** xsk_buff_valid_tx_metadata: the u64 flags has no bit outside XDP_TXMD_FLAGS_VALID. */
export const xskBuffValidTxMetadata = (view: DataView, meta: number): boolean =>
  (view.getUint32(meta + XskTxMetadataOff.FLAGS, true) & ~XDP_TXMD_FLAGS_VALID) === 0 &&
  view.getUint32(meta + XskTxMetadataOff.FLAGS + 4, true) === 0

export const xskTxMetadataFlags = (view: DataView, meta: number): number => view.getUint32(meta + XskTxMetadataOff.FLAGS, true)

/** xsk_tx_metadata_request */
export const xskTxMetadataRequest = <Priv>(view: DataView, meta: number, ops: XskTxMetadataOps<Priv>, priv: Priv): void => {
  const flags = xskTxMetadataFlags(view, meta)
  if (ops.tmoRequestLaunchTime !== undefined && (flags & XdpTxmdFlags.LAUNCH_TIME) !== 0)
    ops.tmoRequestLaunchTime(
      view.getUint32(meta + XskTxMetadataOff.LAUNCH_TIME + 4, true),
      view.getUint32(meta + XskTxMetadataOff.LAUNCH_TIME, true),
      priv
    )
  if (ops.tmoRequestTimestamp !== undefined && (flags & XdpTxmdFlags.TIMESTAMP) !== 0) ops.tmoRequestTimestamp(priv)
  if (ops.tmoRequestChecksum !== undefined && (flags & XdpTxmdFlags.CHECKSUM) !== 0)
    ops.tmoRequestChecksum(
      view.getUint16(meta + XskTxMetadataOff.CSUM_START, true),
      view.getUint16(meta + XskTxMetadataOff.CSUM_OFFSET, true),
      priv
    )
}

/** xsk_tx_metadata_to_compl: the UMEM address of completion.tx_timestamp, or -1 (NULL) without TIMESTAMP. */
export const xskTxMetadataToCompl = (view: DataView, meta: number): number =>
  (xskTxMetadataFlags(view, meta) & XdpTxmdFlags.TIMESTAMP) !== 0 ? meta + XskTxMetadataOff.TX_TIMESTAMP : -1

/** xsk_tx_metadata_complete: *tx_timestamp = tmo_fill_timestamp(priv), when the compl is set. */
export const xskTxMetadataComplete = <Priv>(
  view: DataView,
  compl: number,
  ops: XskTxMetadataOps<Priv>,
  priv: Priv,
  scratch: RxTimestampOut
): void => {
  if (compl < 0 || ops.tmoFillTimestamp === undefined) return
  ops.tmoFillTimestamp(priv, scratch)
  view.setUint32(compl, scratch.lo, true)
  view.setUint32(compl + 4, scratch.hi, true)
}

/**
 * xsk-features as the netdev netlink family derives them from a driver's ops (netdev_nl_dev_fill):
 * tmo_fill_timestamp -> tx-timestamp (1), tmo_request_checksum -> tx-checksum (2),
 * tmo_request_launch_time -> tx-launch-time-fifo (4).
 */
export const xskFeaturesOf = (ops: XskTxMetadataOps<never> | undefined): number => {
  if (ops === undefined) return 0
  let bits = 0
  if (ops.tmoFillTimestamp !== undefined) bits |= 1
  if (ops.tmoRequestChecksum !== undefined) bits |= 2
  if (ops.tmoRequestLaunchTime !== undefined) bits |= 4
  return bits
}
