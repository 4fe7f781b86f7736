/**
 * Stores into struct xdp_meta (XdpMetaLayout.ts, the selftest's xdp_metadata.h record) for the
 * raw-style programs of mlx5 and ice: each value with its hint_valid bit, or its negative errno
 * in the matching *_err member — the same bytes the kfunc program writes for the same answer.
 * This is the one thing the raw programs share with the kfunc program: the record layout.
 *
 *   reserveXdpMeta   grow data_meta by sizeof(struct xdp_meta) and stamp xdp_timestamp (CLOCK_TAI);
 *                    -1 when bpf_xdp_adjust_meta fails (the program then passes without a record)
 *   store*           one hint each; return the hint_valid bit they set (0 for an error)
 *
 * Per packet: plain DataView writes, no allocation.
 */
import { adjustMeta, type RxTimestampOut, type TaiClock, type XdpBuff } from "@devtx/core"
import { XdpMeta, XdpMetaField } from "../hw-metadata/XdpMetaLayout.js"

/** data_meta offset of the new record, or -1 */
export const reserveXdpMeta = (ctx: XdpBuff, clock: TaiClock, now: RxTimestampOut): number => {
  if (adjustMeta(ctx, -XdpMeta.SIZE) !== 0) return -1
  const v = ctx.area.view
  const m = ctx.dataMeta
  clock.read(now)
  v.setUint32(m + XdpMeta.XDP_TIMESTAMP, now.lo, true)
  v.setUint32(m + XdpMeta.XDP_TIMESTAMP + 4, now.hi, true)
  return m
}

export const storeTimestamp = (v: DataView, m: number, rc: number, hi: number, lo: number): number => {
  if (rc === 0) {
    v.setUint32(m + XdpMeta.RX_TIMESTAMP, lo, true)
    v.setUint32(m + XdpMeta.RX_TIMESTAMP + 4, hi, true)
    return XdpMetaField.TS
  }
  v.setInt32(m + XdpMeta.RX_TIMESTAMP_ERR, rc, true)
  v.setUint32(m + XdpMeta.RX_TIMESTAMP + 4, 0, true)
  return 0
}

export const storeHash = (v: DataView, m: number, rc: number, hash: number, type: number): number => {
  if (rc === 0) {
    v.setUint32(m + XdpMeta.RX_HASH, hash, true)
    v.setUint32(m + XdpMeta.RX_HASH_TYPE, type, true)
    return XdpMetaField.RSS
  }
  v.setUint32(m + XdpMeta.RX_HASH, 0, true)
  v.setInt32(m + XdpMeta.RX_HASH_ERR, rc, true)
  return 0
}

/** `tpid` in host order (0x8100); rx_vlan_proto is __be16, so it is stored big-endian */
export const storeVlan = (v: DataView, m: number, rc: number, tpid: number, tci: number): number => {
  if (rc === 0) {
    v.setUint16(m + XdpMeta.RX_VLAN_PROTO, tpid, false)
    v.setUint16(m + XdpMeta.RX_VLAN_TCI, tci, true)
    return XdpMetaField.VLAN_TAG
  }
  v.setInt32(m + XdpMeta.RX_VLAN_TAG_ERR, rc, true)
  return 0
}

export const storeChecksum = (v: DataView, m: number, rc: number, ipSummed: number, cksum: number, level: number): number => {
  if (rc === 0) {
    v.setUint8(m + XdpMeta.IP_SUMMED, ipSummed)
    v.setUint8(m + XdpMeta.CKSUM_LEVEL, level)
    v.setUint16(m + XdpMeta.IP_SUMMED + 2, 0, true)
    v.setUint32(m + XdpMeta.CKSUM, cksum, true)
    return XdpMetaField.CHECKSUM
  }
  v.setInt32(m + XdpMeta.RX_CKSUM_ERR, rc, true)
  v.setUint32(m + XdpMeta.CKSUM, 0, true)
  return 0
}

export const storeHintValid = (v: DataView, m: number, valid: number): void => {
  v.setUint32(m + XdpMeta.HINT_VALID, valid, true)
}
