/**
 * struct xdp_metadata_ops (include/net/xdp.h), devtx form: one optional per-packet function per
 * RX metadata kfunc. A driver fills the members it implements; a missing member makes the kfunc
 * return -EOPNOTSUPP (the default bodies in net/core/xdp.c). Each member returns 0 (out written)
 * or -ENODATA (this packet carries no such metadata).
 *
 * `Ctx` is the driver's own wrapper around XdpBuff (as mlx5e_xdp_buff / ice_xdp_buff wrap
 * xdp_buff): the kernel casts the xdp_md pointer to it; devtx types it per driver and the device
 * publishes it as ops over XdpBuff, which holds because a driver only ever runs programs on
 * contexts it built itself.
 */
import type { XdpBuff } from "../memory/XdpBuff.js"
import type { RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut } from "./RxMetadataOut.js"

export interface XdpMetadataOps<Ctx extends XdpBuff = XdpBuff> {
  /** xmo_rx_timestamp */
  readonly xmoRxTimestamp?: (ctx: Ctx, out: RxTimestampOut) => number
  /** xmo_rx_hash */
  readonly xmoRxHash?: (ctx: Ctx, out: RxHashOut) => number
  /** xmo_rx_vlan_tag */
  readonly xmoRxVlanTag?: (ctx: Ctx, out: RxVlanTagOut) => number
  /** xmo_rx_checksum — proposed, not in mainline */
  readonly xmoRxChecksum?: (ctx: Ctx, out: RxChecksumOut) => number
}

export type XdpMetadataOpMember = keyof XdpMetadataOps

// XdpRxqInfo.dev (memory/XdpBuff.ts) holds the device's ops table; its type is given here.
declare module "../memory/XdpBuff.js" {
  interface XdpRxqDevice {
    readonly xdpMetadataOps: XdpMetadataOps
  }
}
