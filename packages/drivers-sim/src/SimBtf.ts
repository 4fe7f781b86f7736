/**
 * The reference NIC's BTF for the raw-descriptor design: split BTF on core's kernel base BTF,
 * describing exactly the bytes SimRxDescriptor.ts / SimTxDescriptor.ts document, per RX layout
 * version (v1 and v2 differ; TX is the same in both):
 *
 *   union sim_rx_desc      { struct sim_rx_desc_read read; struct sim_rx_desc_wb wb; }   32 B
 *   struct sim_rx_desc_wb  write-back; the status byte as eight 1-bit bitfields (dd, eop,
 *                          rss_valid, vlan_stripped, ts_valid, l3l4p, l4_checked, raw_csum_valid)
 *   struct sim_tx_desc     32 B; cmd as bitfields (eop, rs, l4_csum, tstamp, launch)
 *   struct sim_tx_compl    16 B; status as bitfields (dd, ts_valid)
 *   struct sim_xdp_buff    { struct xdp_buff xdp; union sim_rx_desc *desc; } — the context
 *                          wrapper; `desc` is the current RX descriptor (XdpBuff.rawDesc)
 *
 * Bit offsets of bitfields are little-endian (bit 0 = the byte's least significant bit), as the
 * descriptor is LE. The offsets are checked against the datapath constants by a test that
 * compiles `bpftool btf dump format c` output with clang.
 */
import { BtfKind, type DriverBtf, DriverBtfBuilder, memberAt as m, type MemberSpec } from "@devtx/core"
import { type SimRxLayout, simRxLayout } from "./datapath/SimRxDescriptor.js"
import { SimTxDesc } from "./datapath/SimTxDescriptor.js"

const build = (layout: SimRxLayout): DriverBtf => {
  const d = new DriverBtfBuilder("sim")
  const b = d.b
  const u8 = d.baseType("__u8", BtfKind.Typedef)
  const u16 = d.baseType("__u16", BtfKind.Typedef)
  const u32 = d.baseType("__u32", BtfKind.Typedef)
  const statusBits = ["dd", "eop", "rss_valid", "vlan_stripped", "ts_valid", "l3l4p", "l4_checked", "raw_csum_valid"]
  const L = layout
  const wbMembers: MemberSpec[] = [
    m("version", u8, L.VERSION),
    ...statusBits.map((n, i) => m(n, u8, L.STATUS, 1, i)),
    m("pkt_len", u16, L.PKT_LEN),
    m("rss_hash", u32, L.RSS_HASH),
    m("rss_type", u16, L.RSS_TYPE),
    m("errors", u16, L.ERRORS),
    m("vlan_tci", u16, L.VLAN_TCI),
    m("vlan_tpid", u16, L.VLAN_TPID),
    m("ts_lo", u32, L.TS_LO),
    m("ts_hi", u32, L.TS_HI),
    m("raw_csum", u16, L.RAW_CSUM),
    m("csum_level", u8, L.CSUM_LEVEL),
    ...(L.FLOW_MARK >= 0 ? [m("flow_mark", u32, L.FLOW_MARK)] : [])
  ].sort((x, y) => x.bitOffset - y.bitOffset)
  const wb = b.addStruct("sim_rx_desc_wb", 32, wbMembers)
  const read = b.addStruct("sim_rx_desc_read", 32, [m("buf_addr", u32, L.BUF_ADDR)])
  const desc = b.addUnion("sim_rx_desc", 32, [m("read", read, 0), m("wb", wb, 0)])
  const txCmd = ["eop", "rs", "l4_csum", "tstamp", "launch"]
  b.addStruct("sim_tx_desc", 32, [
    m("buf_addr", u32, SimTxDesc.BUF_ADDR),
    m("len", u16, SimTxDesc.LEN),
    m("version", u8, SimTxDesc.VERSION),
    ...txCmd.map((n, i) => m(n, u8, SimTxDesc.CMD, 1, i)),
    m("csum_start", u16, SimTxDesc.CSUM_START),
    m("csum_offset", u16, SimTxDesc.CSUM_OFFSET),
    m("region", u8, SimTxDesc.REGION),
    m("launch_lo", u32, SimTxDesc.LAUNCH_LO),
    m("launch_hi", u32, SimTxDesc.LAUNCH_HI)
  ])
  b.addStruct("sim_tx_compl", 16, [
    m("last_desc", u16, 0),
    m("dd", u8, 2, 1, 0),
    m("ts_valid", u8, 2, 1, 1),
    m("version", u8, 3),
    m("ts_lo", u32, 8),
    m("ts_hi", u32, 12)
  ])
  d.addXdpBuffWrapper("sim_xdp_buff", "xdp", [["desc", b.addPtr(desc)]])
  return d.finish({ rxDesc: "sim_rx_desc", txDesc: "sim_tx_desc", txCompl: "sim_tx_compl", xdpBuff: "sim_xdp_buff", descMember: "desc" })
}

const cache = new Map<number, DriverBtf>()

/** The sim's BTF for RX layout version 1 or 2. */
export const simBtf = (layoutVersion: 1 | 2): DriverBtf => {
  let v = cache.get(layoutVersion)
  if (v === undefined) {
    v = build(simRxLayout(layoutVersion))
    cache.set(layoutVersion, v)
  }
  return v
}

