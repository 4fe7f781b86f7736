/**
 * hw-metadata: the xdp_hw_metadata selftest's XDP program (progs/xdp_hw_metadata.c), kfunc
 * design. Per packet: optionally filter on UDP destination port (the selftest's 9091; devtx
 * default: every packet), grow data_meta by sizeof(struct xdp_meta) with adjustMeta, clear
 * hint_valid, take xdp_timestamp from CLOCK_TAI, call the four RX kfuncs and store each value
 * with its hint_valid bit — or its negative errno in the matching *_err member.
 *
 * With an XSKMAP it then redirects into xsk[rx_queue_index] (fallback XDP_PASS), as the selftest
 * does (the ping-pong host); without one it returns XDP_PASS and the host reads the record from
 * the skb's metadata area, as a TC program would (the `npm start` host).
 * Counters: skip (filtered), fail (adjust_meta failed), as the selftest's pkts_skip / pkts_fail.
 */
import {
  adjustMeta,
  bpfRedirectMap,
  type XskMap,
  RxChecksumOut,
  RxHashOut,
  RxTimestampOut,
  RxVlanTagOut,
  type XdpBuff,
  XdpAction,
  type XdpProgramSpec
} from "@devtx/core"
import { XdpMeta, XdpMetaField } from "./XdpMetaLayout.js"

export interface HwMetadataOptions {
  /** only UDP packets to this destination port carry metadata (selftest: 9091); undefined = all */
  readonly udpPort?: number
  /** redirect to xsk[rx_queue_index] with XDP_PASS as the fallback, as the selftest does; absent: XDP_PASS */
  readonly xsks?: XskMap
}

export class HwMetadataCounters {
  skip = 0
  fail = 0
  meta = 0
}

/** Offset of the UDP destination port if the frame is IPv4/IPv6 UDP (up to 2 VLAN tags), else -1. */
const udpDstPortOffset = (b: Uint8Array, data: number, end: number): number => {
  let p = data + 12
  if (p + 2 > end) return -1
  let type = (b[p]! << 8) | b[p + 1]!
  for (let i = 0; i < 2 && (type === 0x88a8 || type === 0x8100); i++) {
    p += 4
    if (p + 2 > end) return -1
    type = (b[p]! << 8) | b[p + 1]!
  }
  p += 2
  if (type === 0x0800) {
    if (p + 20 > end || b[p + 9] !== 17) return -1
    p += (b[p]! & 0x0f) * 4
  } else if (type === 0x86dd) {
    if (p + 40 > end || b[p + 6] !== 17) return -1
    p += 40
  } else return -1
  return p + 4 <= end ? p + 2 : -1
}

export const hwMetadataProgram = (options: HwMetadataOptions = {}, counters = new HwMetadataCounters()): XdpProgramSpec => ({
  name: "xdp_hw_metadata",
  kfuncs: ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag", "bpf_xdp_metadata_rx_checksum"],
  instantiate: ({ kfuncs, clock }) => {
    const ts = new RxTimestampOut()
    const xdpTs = new RxTimestampOut()
    const hash = new RxHashOut()
    const vlan = new RxVlanTagOut()
    const csum = new RxChecksumOut()
    const { rxTimestamp, rxHash, rxVlanTag, rxChecksum } = kfuncs
    const port = options.udpPort
    const xsks = options.xsks
    return (ctx: XdpBuff): number => {
      const bytes = ctx.area.bytes
      if (port !== undefined) {
        const at = udpDstPortOffset(bytes, ctx.data, ctx.dataEnd)
        if (at < 0 || ((bytes[at]! << 8) | bytes[at + 1]!) !== port) {
          counters.skip++
          return XdpAction.PASS
        }
      }
      if (adjustMeta(ctx, -XdpMeta.SIZE) !== 0) {
        counters.fail++
        return XdpAction.PASS
      }
      const v = ctx.area.view
      const m = ctx.dataMeta
      let valid = 0
      clock.read(xdpTs)
      v.setUint32(m + XdpMeta.XDP_TIMESTAMP, xdpTs.lo, true)
      v.setUint32(m + XdpMeta.XDP_TIMESTAMP + 4, xdpTs.hi, true)

      let r = rxTimestamp(ctx, ts)
      if (r === 0) {
        v.setUint32(m + XdpMeta.RX_TIMESTAMP, ts.lo, true)
        v.setUint32(m + XdpMeta.RX_TIMESTAMP + 4, ts.hi, true)
        valid |= XdpMetaField.TS
      } else {
        v.setInt32(m + XdpMeta.RX_TIMESTAMP_ERR, r, true)
        v.setUint32(m + XdpMeta.RX_TIMESTAMP + 4, 0, true)
      }

      r = rxHash(ctx, hash)
      if (r === 0) {
        v.setUint32(m + XdpMeta.RX_HASH, hash.hash, true)
        v.setUint32(m + XdpMeta.RX_HASH_TYPE, hash.rssType, true)
        valid |= XdpMetaField.RSS
      } else {
        v.setUint32(m + XdpMeta.RX_HASH, 0, true)
        v.setInt32(m + XdpMeta.RX_HASH_ERR, r, true)
      }

      r = rxVlanTag(ctx, vlan)
      if (r === 0) {
        v.setUint16(m + XdpMeta.RX_VLAN_PROTO, vlan.vlanProto, true)
        v.setUint16(m + XdpMeta.RX_VLAN_TCI, vlan.vlanTci, true)
        valid |= XdpMetaField.VLAN_TAG
      } else {
        v.setInt32(m + XdpMeta.RX_VLAN_TAG_ERR, r, true)
      }

      r = rxChecksum(ctx, csum)
      if (r === 0) {
        v.setUint8(m + XdpMeta.IP_SUMMED, csum.ipSummed)
        v.setUint8(m + XdpMeta.CKSUM_LEVEL, csum.cksumLevel)
        v.setUint16(m + XdpMeta.IP_SUMMED + 2, 0, true)
        v.setUint32(m + XdpMeta.CKSUM, csum.cksum, true)
        valid |= XdpMetaField.CHECKSUM
      } else {
        v.setInt32(m + XdpMeta.RX_CKSUM_ERR, r, true)
        v.setUint32(m + XdpMeta.CKSUM, 0, true)
      }
      v.setUint32(m + XdpMeta.HINT_VALID, valid, true)
      counters.meta++
      return xsks === undefined ? XdpAction.PASS : bpfRedirectMap(xsks, ctx.rxq.queueIndex, XdpAction.PASS)
    }
  }
})
