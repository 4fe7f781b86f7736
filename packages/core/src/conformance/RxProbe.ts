/**
 * The RX probe program the conformance suite and driver tests attach: it calls all four RX
 * metadata kfuncs on every packet and hands a record of return codes and out values to a sink,
 * then returns `verdict`. VLAN proto is recorded in host order (ntohs of the __be16 out).
 * Test instrumentation: it allocates one record per packet by design.
 */
import { XdpAction } from "../kernel/XdpAction.js"
import { METADATA_KFUNC_TABLE } from "../metadata/MetadataTable.js"
import { RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut, ntohs } from "../metadata/RxMetadataOut.js"
import type { XdpProgramSpec } from "../program/XdpProgramSpec.js"

export interface RxProbeRecord {
  ts: number
  tsHi: number
  tsLo: number
  hash: number
  hashVal: number
  hashType: number
  vlan: number
  vlanProto: number
  vlanTci: number
  csum: number
  ipSummed: number
  cksum: number
  cksumLevel: number
}

export const rxKfuncProbe = (sink: (r: RxProbeRecord) => void, verdict: number = XdpAction.PASS, name = "rx_probe"): XdpProgramSpec => ({
  name,
  kfuncs: METADATA_KFUNC_TABLE.map((r) => r.kfunc),
  instantiate: ({ kfuncs: k }) => {
    const t = new RxTimestampOut()
    const h = new RxHashOut()
    const v = new RxVlanTagOut()
    const c = new RxChecksumOut()
    return (ctx) => {
      sink({
        ts: k.rxTimestamp(ctx, t),
        tsHi: t.hi,
        tsLo: t.lo,
        hash: k.rxHash(ctx, h),
        hashVal: h.hash,
        hashType: h.rssType,
        vlan: k.rxVlanTag(ctx, v),
        vlanProto: ntohs(v.vlanProto),
        vlanTci: v.vlanTci,
        csum: k.rxChecksum(ctx, c),
        ipSummed: c.ipSummed,
        cksum: c.cksum,
        cksumLevel: c.cksumLevel
      })
      return verdict
    }
  }
})
