/**
 * Host side of hw-metadata (what xdp_hw_metadata.c's verify_xdp_metadata reads): decode one
 * struct xdp_meta from memory into a plain record, and print it in the selftest's shape.
 * Runs in the host, once per received packet; it may allocate (it is the "userspace" side).
 */
import { errnoName, ntohs, u64ToDecimal, u64ToNumber, XdpChecksum } from "@devtx/core"
import { XDP_META_MAINLINE_HINT_VALID, XdpMeta, XdpMetaField } from "./XdpMetaLayout.js"

export interface HwMetadataRecord {
  readonly hintValid: number
  /** u64 ns as decimal string, or null with rxTimestampErr */
  readonly rxTimestamp: string | null
  readonly rxTimestampSec: number
  /** the u64 halves, for exact deltas */
  readonly rxTimestampHi: number
  readonly rxTimestampLo: number
  readonly xdpTimestampHi: number
  readonly xdpTimestampLo: number
  readonly rxTimestampErr: number | null
  readonly xdpTimestamp: string
  readonly xdpTimestampSec: number
  readonly rxHash: number | null
  readonly rxHashType: number | null
  readonly rxHashErr: number | null
  /** TPID in host order (ntohs of the stored __be16) */
  readonly vlanProto: number | null
  readonly vlanTci: number | null
  readonly vlanErr: number | null
  readonly ipSummed: number | null
  readonly cksum: number | null
  readonly cksumLevel: number | null
  readonly cksumErr: number | null
}

/**
 * `mainline`: the record is the mainline selftest's 32-byte struct xdp_meta (hint_valid at 28,
 * no checksum members): the checksum fields then decode as absent (all null).
 */
export const decodeXdpMeta = (view: DataView, at: number, mainline = false): HwMetadataRecord => {
  const valid = mainline ? view.getUint32(at + XDP_META_MAINLINE_HINT_VALID, true) & ~XdpMetaField.CHECKSUM : view.getUint32(at + XdpMeta.HINT_VALID, true)
  const tsLo = view.getUint32(at + XdpMeta.RX_TIMESTAMP, true)
  const tsHi = view.getUint32(at + XdpMeta.RX_TIMESTAMP + 4, true)
  const xLo = view.getUint32(at + XdpMeta.XDP_TIMESTAMP, true)
  const xHi = view.getUint32(at + XdpMeta.XDP_TIMESTAMP + 4, true)
  const ts = (valid & XdpMetaField.TS) !== 0
  const rss = (valid & XdpMetaField.RSS) !== 0
  const vlan = (valid & XdpMetaField.VLAN_TAG) !== 0
  const cs = (valid & XdpMetaField.CHECKSUM) !== 0
  return {
    hintValid: valid,
    rxTimestamp: ts ? u64ToDecimal(tsHi, tsLo) : null,
    rxTimestampSec: ts ? u64ToNumber(tsHi, tsLo) / 1e9 : 0,
    rxTimestampHi: ts ? tsHi : 0,
    rxTimestampLo: ts ? tsLo : 0,
    xdpTimestampHi: xHi,
    xdpTimestampLo: xLo,
    rxTimestampErr: ts ? null : view.getInt32(at + XdpMeta.RX_TIMESTAMP_ERR, true),
    xdpTimestamp: u64ToDecimal(xHi, xLo),
    xdpTimestampSec: u64ToNumber(xHi, xLo) / 1e9,
    rxHash: rss ? view.getUint32(at + XdpMeta.RX_HASH, true) : null,
    rxHashType: rss ? view.getUint32(at + XdpMeta.RX_HASH_TYPE, true) : null,
    rxHashErr: rss ? null : view.getInt32(at + XdpMeta.RX_HASH_ERR, true),
    vlanProto: vlan ? ntohs(view.getUint16(at + XdpMeta.RX_VLAN_PROTO, true)) : null,
    vlanTci: vlan ? view.getUint16(at + XdpMeta.RX_VLAN_TCI, true) : null,
    vlanErr: vlan ? null : view.getInt32(at + XdpMeta.RX_VLAN_TAG_ERR, true),
    ipSummed: cs ? view.getUint8(at + XdpMeta.IP_SUMMED) : null,
    cksum: cs ? view.getUint32(at + XdpMeta.CKSUM, true) : null,
    cksumLevel: cs ? view.getUint8(at + XdpMeta.CKSUM_LEVEL) : null,
    cksumErr: cs || mainline ? null : view.getInt32(at + XdpMeta.RX_CKSUM_ERR, true)
  }
}

const hex = (v: number): string => `0x${v.toString(16).toUpperCase()}`

/** A reference time as u64 halves. */
export interface TimeRef {
  readonly hi: number
  readonly lo: number
}

/**
 * print_tstamp_delta of xdp_hw_metadata.c: "%s:   %llu (sec:%0.4f) delta to %s sec:%0.4f (%0.3f usec)",
 * the delta taken as an exact s64 difference (ref - tstamp) before the conversion to double.
 */
export const formatTstampDelta = (name: string, refName: string, t: TimeRef, ref: TimeRef): string => {
  const delta = (ref.hi - t.hi) * 4294967296 + (ref.lo - t.lo)
  const sec = u64ToNumber(t.hi, t.lo) / 1e9
  return `${name}:   ${u64ToDecimal(t.hi, t.lo)} (sec:${sec.toFixed(4)}) delta to ${refName} sec:${(delta / 1e9).toFixed(4)} (${(delta / 1000).toFixed(3)} usec)`
}

export const xdpChecksumName = (v: number): string =>
  v === XdpChecksum.NONE
    ? "XDP_CHECKSUM_NONE"
    : v === XdpChecksum.UNNECESSARY
      ? "XDP_CHECKSUM_UNNECESSARY"
      : v === XdpChecksum.COMPLETE
        ? "XDP_CHECKSUM_COMPLETE"
        : `0x${v.toString(16)}`

/** The metadata lines of one packet, field order as verify_xdp_metadata prints them. */
export const formatXdpMeta = (r: HwMetadataRecord, user: TimeRef): string[] => {
  const out: string[] = []
  if (r.rxHash !== null) out.push(`rx_hash: ${hex(r.rxHash)} with RSS type:${hex(r.rxHashType!)}`)
  else out.push(`No rx_hash, err=${r.rxHashErr}`)
  if (r.rxTimestamp !== null) {
    out.push(formatTstampDelta("HW RX-time", "User RX-time", { hi: r.rxTimestampHi, lo: r.rxTimestampLo }, user))
    out.push(formatTstampDelta("XDP RX-time", "User RX-time", { hi: r.xdpTimestampHi, lo: r.xdpTimestampLo }, user))
  } else {
    out.push(`No rx_timestamp, err=${r.rxTimestampErr}`)
  }
  if (r.vlanProto !== null) {
    const tci = r.vlanTci!
    out.push(`rx_vlan_proto: ${hex(r.vlanProto)}`)
    out.push(`rx_vlan_tci: PCP=${tci >>> 13}, DEI=${(tci >>> 12) & 1}, VID=${hex(tci & 0xfff)}`)
  } else {
    out.push(`No rx_vlan_tci or rx_vlan_proto, err=${r.vlanErr}`)
  }
  if (r.ipSummed !== null) {
    out.push(`rx-cksum: ${xdpChecksumName(r.ipSummed)}, csum=0x${r.cksum!.toString(16)}, cksum_level=0x${r.cksumLevel!.toString(16)}`)
  } else {
    out.push(`No rx_cksum, err=${r.cksumErr}`)
  }
  return out
}

/** "-ENODATA" style label for an errno. */
export const errLabel = (err: number): string => `-${errnoName(err)}`
