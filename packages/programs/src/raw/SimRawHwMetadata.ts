/**
 * hw-metadata, raw-descriptor style, for drivers-sim: the same record (struct xdp_meta) as the
 * kfunc program, but read straight from the sim's write-back descriptor through CO-RE-relocated
 * fields of `struct sim_rx_desc_wb` — the program carries the sim driver's decode logic itself
 * (status bits -> -ENODATA, the checksum verdict), one code path for this NIC. It shares nothing
 * with the kfunc version but the record layout (xdp_metadata.h's role).
 * `fixedLayout` builds the non-CO-RE variant: the same fields with compiled-in v1 offsets.
 */
import { adjustMeta, type RawFieldDecl, type RawXdpProgramSpec, type XdpBuff } from "@devtx/core"
import { XdpMeta, XdpMetaField } from "../hw-metadata/XdpMetaLayout.js"

const ENODATA = -61
const XDP_PASS = 2
const XDP_CHECKSUM_NONE = 1
const XDP_CHECKSUM_UNNECESSARY = 2
const XDP_CHECKSUM_COMPLETE = 4

/** sim_rx_desc_wb v1 byte offsets and status bit numbers, as a non-CO-RE program hard-codes them */
const V1: Record<string, [number, number?]> = {
  rss_valid: [7, 2],
  vlan_stripped: [7, 3],
  ts_valid: [7, 4],
  l3l4p: [7, 5],
  l4_checked: [7, 6],
  raw_csum_valid: [7, 7],
  rss_hash: [0],
  rss_type: [8],
  errors: [10],
  vlan_tci: [12],
  vlan_tpid: [14],
  ts_lo: [16],
  ts_hi: [20],
  raw_csum: [24],
  csum_level: [26]
}

const FIELDS: ReadonlyArray<RawFieldDecl> = [
  { name: "rss_valid", type: "u8", bits: 1 },
  { name: "vlan_stripped", type: "u8", bits: 1 },
  { name: "ts_valid", type: "u8", bits: 1 },
  { name: "l3l4p", type: "u8", bits: 1 },
  { name: "l4_checked", type: "u8", bits: 1 },
  { name: "raw_csum_valid", type: "u8", bits: 1 },
  { name: "rss_hash", type: "u32" },
  { name: "rss_type", type: "u16" },
  { name: "errors", type: "u16" },
  { name: "vlan_tci", type: "u16" },
  { name: "vlan_tpid", type: "u16" },
  { name: "ts_lo", type: "u32" },
  { name: "ts_hi", type: "u32" },
  { name: "raw_csum", type: "u16" },
  { name: "csum_level", type: "u8" }
]

export const simRawHwMetadata = (options: { readonly fixedLayout?: boolean } = {}): RawXdpProgramSpec => ({
  name: options.fixedLayout ? "xdp_hw_metadata_raw_sim_fixed_v1" : "xdp_hw_metadata_raw_sim",
  structs: [
    {
      name: "sim_rx_desc_wb___devtx",
      fields: options.fixedLayout
        ? FIELDS.map((f) => ({ ...f, at: V1[f.name]![0], ...(f.bits !== undefined ? { atBit: V1[f.name]![1]! } : {}) }))
        : FIELDS
    }
  ],
  instantiate: ({ fields, clock }) => {
    const F = fields.sim_rx_desc_wb!
    const rssValid = F.rss_valid!.read
    const vlanStripped = F.vlan_stripped!.read
    const tsValid = F.ts_valid!.read
    const l3l4p = F.l3l4p!.read
    const l4Checked = F.l4_checked!.read
    const rawValid = F.raw_csum_valid!.read
    const rssHash = F.rss_hash!.read
    const rssType = F.rss_type!.read
    const errors = F.errors!.read
    const vlanTci = F.vlan_tci!.read
    const vlanTpid = F.vlan_tpid!.read
    const tsLo = F.ts_lo!.read
    const tsHi = F.ts_hi!.read
    const rawCsum = F.raw_csum!.read
    const csumLevel = F.csum_level!.read
    const now = { hi: 0, lo: 0 }
    return (ctx: XdpBuff): number => {
      const d = ctx.rawDesc
      const o = ctx.rawDescOff
      if (adjustMeta(ctx, -XdpMeta.SIZE) !== 0) return XDP_PASS
      const v = ctx.area.view
      const m = ctx.dataMeta
      let valid = 0
      clock.read(now)
      v.setUint32(m + XdpMeta.XDP_TIMESTAMP, now.lo, true)
      v.setUint32(m + XdpMeta.XDP_TIMESTAMP + 4, now.hi, true)
      if (tsValid(d, o) !== 0) {
        v.setUint32(m + XdpMeta.RX_TIMESTAMP, tsLo(d, o), true)
        v.setUint32(m + XdpMeta.RX_TIMESTAMP + 4, tsHi(d, o), true)
        valid |= XdpMetaField.TS
      } else {
        v.setInt32(m + XdpMeta.RX_TIMESTAMP_ERR, ENODATA, true)
        v.setUint32(m + XdpMeta.RX_TIMESTAMP + 4, 0, true)
      }
      if (rssValid(d, o) !== 0) {
        v.setUint32(m + XdpMeta.RX_HASH, rssHash(d, o), true)
        v.setUint32(m + XdpMeta.RX_HASH_TYPE, rssType(d, o), true)
        valid |= XdpMetaField.RSS
      } else {
        v.setUint32(m + XdpMeta.RX_HASH, 0, true)
        v.setInt32(m + XdpMeta.RX_HASH_ERR, ENODATA, true)
      }
      if (vlanStripped(d, o) !== 0) {
        v.setUint16(m + XdpMeta.RX_VLAN_PROTO, vlanTpid(d, o), false) // __be16: network order in memory
        v.setUint16(m + XdpMeta.RX_VLAN_TCI, vlanTci(d, o), true)
        valid |= XdpMetaField.VLAN_TAG
      } else {
        v.setInt32(m + XdpMeta.RX_VLAN_TAG_ERR, ENODATA, true)
      }
      if (l3l4p(d, o) !== 0) {
        let summed = XDP_CHECKSUM_NONE
        let sum = 0
        let level = 0
        if (rawValid(d, o) !== 0) {
          summed = XDP_CHECKSUM_COMPLETE
          sum = rawCsum(d, o)
        } else if (l4Checked(d, o) !== 0 && (errors(d, o) & 3) === 0) {
          summed = XDP_CHECKSUM_UNNECESSARY
          level = csumLevel(d, o)
        }
        v.setUint8(m + XdpMeta.IP_SUMMED, summed)
        v.setUint8(m + XdpMeta.CKSUM_LEVEL, level)
        v.setUint16(m + XdpMeta.IP_SUMMED + 2, 0, true)
        v.setUint32(m + XdpMeta.CKSUM, sum, true)
        valid |= XdpMetaField.CHECKSUM
      } else {
        v.setInt32(m + XdpMeta.RX_CKSUM_ERR, ENODATA, true)
        v.setUint32(m + XdpMeta.CKSUM, 0, true)
      }
      v.setUint32(m + XdpMeta.HINT_VALID, valid, true)
      return XDP_PASS
    }
  }
})
