/**
 * Raw hint template for drivers-sim (layout v1, struct sim_rx_desc_wb of the sim's BTF): the
 * same decode as the sim's xdp_metadata_ops, carried by the program (programs' SimRawHwMetadata
 * uses the same offsets and bit numbers).
 *   hash:      status.rss_valid ? (rss_hash u32 @0, rss_type u16 @8) : -ENODATA
 *   timestamp: status.ts_valid ? (ts_hi u32 @20, ts_lo u32 @16) : -ENODATA
 *   vlan-tag:  status.vlan_stripped ? (vlan_tpid @14 read big-endian = htons of the LE field,
 *              vlan_tci u16 @12) : -ENODATA
 *   checksum:  !l3l4p -> -ENODATA; raw_csum_valid -> COMPLETE raw_csum; l4_checked and no
 *              L3/L4 error bit (errors & 3) -> UNNECESSARY csum_level; else NONE
 * Status bits are bitfields of the u8 at byte 7 (bit 2 rss_valid .. bit 7 raw_csum_valid).
 */
import { XdpChecksum } from "@devtx/core"
import type { RawHintTemplate } from "./RawProbe.js"

const ENODATA = -61

export const simRawHints: RawHintTemplate = {
  driver: "sim",
  struct: {
    name: "sim_rx_desc_wb___probe",
    fields: [
      { name: "rss_valid", type: "u8", bits: 1, at: 7, atBit: 2 },
      { name: "vlan_stripped", type: "u8", bits: 1, at: 7, atBit: 3 },
      { name: "ts_valid", type: "u8", bits: 1, at: 7, atBit: 4 },
      { name: "l3l4p", type: "u8", bits: 1, at: 7, atBit: 5 },
      { name: "l4_checked", type: "u8", bits: 1, at: 7, atBit: 6 },
      { name: "raw_csum_valid", type: "u8", bits: 1, at: 7, atBit: 7 },
      { name: "rss_hash", type: "u32", at: 0 },
      { name: "rss_type", type: "u16", at: 8 },
      { name: "errors", type: "u16", at: 10 },
      { name: "vlan_tci", type: "u16", at: 12 },
      { name: "vlan_tpid", type: "be16", at: 14 },
      { name: "ts_lo", type: "u32", at: 16 },
      { name: "ts_hi", type: "u32", at: 20 },
      { name: "raw_csum", type: "u16", at: 24 },
      { name: "csum_level", type: "u8", at: 26 }
    ]
  },
  hints: [
    (rd) =>
      `if (${rd("rss_valid")} !== 0) { r[b] = 0; r[b + 1] = ${rd("rss_hash")}; r[b + 2] = ${rd("rss_type")} } else { r[b] = ${ENODATA}; r[b + 1] = 0; r[b + 2] = 0 }`,
    (rd) =>
      `if (${rd("ts_valid")} !== 0) { r[b + 3] = 0; r[b + 4] = ${rd("ts_hi")}; r[b + 5] = ${rd("ts_lo")} } else { r[b + 3] = ${ENODATA}; r[b + 4] = 0; r[b + 5] = 0 }`,
    (rd) =>
      `if (${rd("vlan_stripped")} !== 0) { r[b + 6] = 0; r[b + 7] = ${rd("vlan_tpid")}; r[b + 8] = ${rd("vlan_tci")} } else { r[b + 6] = ${ENODATA}; r[b + 7] = 0; r[b + 8] = 0 }`,
    (rd) =>
      `if (${rd("l3l4p")} === 0) { r[b + 9] = ${ENODATA}; r[b + 10] = 0; r[b + 11] = 0; r[b + 12] = 0 } ` +
      `else if (${rd("raw_csum_valid")} !== 0) { r[b + 9] = 0; r[b + 10] = ${XdpChecksum.COMPLETE}; r[b + 11] = ${rd("raw_csum")}; r[b + 12] = 0 } ` +
      `else if (${rd("l4_checked")} !== 0 && (${rd("errors")} & 3) === 0) { r[b + 9] = 0; r[b + 10] = ${XdpChecksum.UNNECESSARY}; r[b + 11] = 0; r[b + 12] = ${rd("csum_level")} } ` +
      `else { r[b + 9] = 0; r[b + 10] = ${XdpChecksum.NONE}; r[b + 11] = 0; r[b + 12] = 0 }`
  ],
  env: {}
}
