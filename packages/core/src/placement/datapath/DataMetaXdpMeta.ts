/**
 * The data_meta design: the program grows the metadata area with bpf_xdp_adjust_meta and writes
 * the xdp_hw_metadata selftest's `struct xdp_meta` (tools/testing/selftests/bpf/xdp_metadata.h,
 * mainline; 32 bytes) right in front of the packet. Consumers need the out-of-band contract:
 * AF_XDP reads it at `data - METADATA_SIZE` (the RX descriptor has no metadata length,
 * Documentation/networking/xdp-rx-metadata.rst), an skb consumer at data - skb_metadata_len.
 *
 *   off  0 +--------------------------------------------+
 *          | rx_timestamp u64  /  rx_timestamp_err s32  |
 *        8 +--------------------------------------------+
 *          | xdp_timestamp u64                          |
 *       16 +----------------------+---------------------+
 *          | rx_hash u32          | rx_hash_type u32 / rx_hash_err s32 |
 *       24 +-----------+----------+---------------------+
 *          | vlan_proto __be16 | vlan_tci u16 / rx_vlan_tag_err s32 |
 *       28 +-----------+----------+
 *          | hint_valid (enum xdp_meta_field) u32 |
 *       32 +--------------------------------------+
 *
 * enum xdp_meta_field: TS = BIT(0), RSS = BIT(1), VLAN_TAG = BIT(2).
 * Per-packet code: writes into and reads from a DataView at an absolute address, no allocation.
 */
export const XdpMetaOff = {
  RX_TIMESTAMP: 0,
  XDP_TIMESTAMP: 8,
  RX_HASH: 16,
  RX_HASH_TYPE: 20,
  RX_VLAN_PROTO: 24,
  RX_VLAN_TCI: 26,
  HINT_VALID: 28
} as const

/** sizeof(struct xdp_meta), mainline xdp_metadata.h */
export const XDP_META_SIZE = 32
/** The AF_XDP consumer's METADATA_SIZE (the application constant; here = sizeof(struct xdp_meta)). */
export const METADATA_SIZE = XDP_META_SIZE

/** enum xdp_meta_field, xdp_metadata.h */
export const XdpMetaField = { TS: 1 << 0, RSS: 1 << 1, VLAN_TAG: 1 << 2 } as const

/**
 * The values one packet carries from the first program to the last consumer, in kfunc form
 * (rc 0 = present; a negative errno is stored in the *_err member). Preallocate one; reuse it.
 */
export class CarriedRxMeta {
  tsRc = 0
  tsHi = 0
  tsLo = 0
  hashRc = 0
  hash = 0
  hashType = 0
  vlanRc = 0
  /** __be16 as a little-endian host loads it (RxVlanTagOut convention) */
  vlanProto = 0
  vlanTci = 0

  clear(): this {
    this.tsRc = this.hashRc = this.vlanRc = 0
    this.tsHi = this.tsLo = this.hash = this.hashType = this.vlanProto = this.vlanTci = 0
    return this
  }
}

/** Write struct xdp_meta at `m` from `c` (xdp_timestamp as hi:lo). */
export const writeXdpMeta = (v: DataView, m: number, c: CarriedRxMeta, xdpTsHi: number, xdpTsLo: number): void => {
  let valid = 0
  if (c.tsRc === 0) {
    v.setUint32(m + XdpMetaOff.RX_TIMESTAMP, c.tsLo >>> 0, true)
    v.setUint32(m + XdpMetaOff.RX_TIMESTAMP + 4, c.tsHi >>> 0, true)
    valid |= XdpMetaField.TS
  } else {
    v.setInt32(m + XdpMetaOff.RX_TIMESTAMP, c.tsRc, true)
    v.setUint32(m + XdpMetaOff.RX_TIMESTAMP + 4, 0, true)
  }
  v.setUint32(m + XdpMetaOff.XDP_TIMESTAMP, xdpTsLo >>> 0, true)
  v.setUint32(m + XdpMetaOff.XDP_TIMESTAMP + 4, xdpTsHi >>> 0, true)
  if (c.hashRc === 0) {
    v.setUint32(m + XdpMetaOff.RX_HASH, c.hash >>> 0, true)
    v.setUint32(m + XdpMetaOff.RX_HASH_TYPE, c.hashType >>> 0, true)
    valid |= XdpMetaField.RSS
  } else {
    v.setUint32(m + XdpMetaOff.RX_HASH, 0, true)
    v.setInt32(m + XdpMetaOff.RX_HASH_TYPE, c.hashRc, true)
  }
  if (c.vlanRc === 0) {
    v.setUint16(m + XdpMetaOff.RX_VLAN_PROTO, c.vlanProto & 0xffff, true)
    v.setUint16(m + XdpMetaOff.RX_VLAN_TCI, c.vlanTci & 0xffff, true)
    valid |= XdpMetaField.VLAN_TAG
  } else v.setInt32(m + XdpMetaOff.RX_VLAN_PROTO, c.vlanRc, true)
  v.setUint32(m + XdpMetaOff.HINT_VALID, valid, true)
}

/** Read struct xdp_meta at `m` into `c` (what verify_xdp_metadata does). */
export const readXdpMeta = (v: DataView, m: number, c: CarriedRxMeta): CarriedRxMeta => {
  const valid = v.getUint32(m + XdpMetaOff.HINT_VALID, true)
  if ((valid & XdpMetaField.TS) !== 0) {
    c.tsRc = 0
    c.tsLo = v.getUint32(m + XdpMetaOff.RX_TIMESTAMP, true)
    c.tsHi = v.getUint32(m + XdpMetaOff.RX_TIMESTAMP + 4, true)
  } else {
    c.tsRc = v.getInt32(m + XdpMetaOff.RX_TIMESTAMP, true)
    c.tsHi = c.tsLo = 0
  }
  if ((valid & XdpMetaField.RSS) !== 0) {
    c.hashRc = 0
    c.hash = v.getUint32(m + XdpMetaOff.RX_HASH, true)
    c.hashType = v.getUint32(m + XdpMetaOff.RX_HASH_TYPE, true)
  } else {
    c.hashRc = v.getInt32(m + XdpMetaOff.RX_HASH_TYPE, true)
    c.hash = c.hashType = 0
  }
  if ((valid & XdpMetaField.VLAN_TAG) !== 0) {
    c.vlanRc = 0
    c.vlanProto = v.getUint16(m + XdpMetaOff.RX_VLAN_PROTO, true)
    c.vlanTci = v.getUint16(m + XdpMetaOff.RX_VLAN_TCI, true)
  } else {
    c.vlanRc = v.getInt32(m + XdpMetaOff.RX_VLAN_PROTO, true)
    c.vlanProto = c.vlanTci = 0
  }
  return c
}
