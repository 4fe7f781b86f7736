/**
 * Raw hint template for drivers-mlx (struct mlx5_cqe64, include/linux/mlx5/device.h; big-endian
 * fields, so reads are byte-swapped as the kernel's be32_to_cpu does). The program carries what
 * mlx5e's xdp_metadata_ops compute (drivers/net/ethernet/mellanox/mlx5/core/en/xdp.c):
 *   hash:      rss_hash_result be32 @12; rss_type = mlx5_xdp_rss_type[(t & CQE_RSS_HTYPE_IP) |
 *              ((t & CQE_RSS_HTYPE_L4) >> 6)], t = rss_hash_type u8 @16 (the 16-entry table)
 *   timestamp: real-time CQE format (the benchmark configures tsFormat "real-time"):
 *              ns = timestamp_h (seconds, be32 @48) * NSEC_PER_SEC + timestamp_l (ns, be32 @52),
 *              mlx5_real_time_cyc2time, through core's u64SecNsecToNs — the conversion the driver's
 *              kfunc calls too, so the floor and the kfunc differ only in how they reach the CQE
 *   vlan-tag:  l4_l3_hdr_type u8 @29 bit 0 (CQE_VLAN_STRIPPED) ? (htons(ETH_P_8021Q) — the CQE
 *              has no TPID — and vlan_info be16 @30) : -ENODATA
 *   checksum:  (PROPOSED, no mainline mlx5 op) with an XDP program attached mlx5e sets
 *              MLX5E_RQ_STATE_NO_CSUM_COMPLETE, so: hds_ip_ext u8 @28 has L3_OK|L4_OK ->
 *              UNNECESSARY, csum_level = tls_outer_l3_tunneled u8 @0 bit 0; else NONE
 * What a raw program cannot see and the benchmark fixes by configuration: NETIF_F_RXHASH and
 * NETIF_F_RXCSUM on, rx_filter HWTSTAMP_FILTER_ALL, the real-time clock format, no CQE
 * compression — each of which the kfunc checks per call.
 */
import { EthProto, htons, U64, u64SecNsecToNs, XdpChecksum } from "@devtx/core"
import { MLX5_XDP_RSS_TYPE } from "@devtx/drivers-mlx"
import type { RawHintTemplate } from "./RawProbe.js"

const ENODATA = -61
/** L3_OK | L4_OK of hds_ip_ext (CQE_L3_OK BIT(1), CQE_L4_OK BIT(2), device.h) */
const L3_L4_OK = 0x6

export const mlx5RawHints: RawHintTemplate = {
  driver: "mlx5",
  struct: {
    name: "mlx5_cqe64___probe",
    fields: [
      { name: "tls_outer_l3_tunneled", type: "u8", at: 0 },
      { name: "rss_hash_result", type: "be32", at: 12 },
      { name: "rss_hash_type", type: "u8", at: 16 },
      { name: "hds_ip_ext", type: "u8", at: 28 },
      { name: "l4_l3_hdr_type", type: "u8", at: 29 },
      { name: "vlan_info", type: "be16", at: 30 },
      { name: "timestamp_h", type: "be32", at: 48 },
      { name: "timestamp_l", type: "be32", at: 52 }
    ]
  },
  hints: [
    (rd) =>
      `{ const t = ${rd("rss_hash_type")}; r[b] = 0; r[b + 1] = ${rd("rss_hash_result")}; r[b + 2] = RSS_TYPE[(t & 12) | ((t >>> 6) & 3)] }`,
    (rd) => `SEC_NSEC_TO_NS(NS, ${rd("timestamp_h")}, ${rd("timestamp_l")}); r[b + 3] = 0; r[b + 4] = NS.hi; r[b + 5] = NS.lo;`,
    (rd) =>
      `if ((${rd("l4_l3_hdr_type")} & 1) !== 0) { r[b + 6] = 0; r[b + 7] = ${htons(EthProto.P_8021Q)}; r[b + 8] = ${rd("vlan_info")} } else { r[b + 6] = ${ENODATA}; r[b + 7] = 0; r[b + 8] = 0 }`,
    (rd) =>
      `if ((${rd("hds_ip_ext")} & ${L3_L4_OK}) === ${L3_L4_OK}) { r[b + 9] = 0; r[b + 10] = ${XdpChecksum.UNNECESSARY}; r[b + 11] = 0; r[b + 12] = ${rd("tls_outer_l3_tunneled")} & 1 } ` +
      `else { r[b + 9] = 0; r[b + 10] = ${XdpChecksum.NONE}; r[b + 11] = 0; r[b + 12] = 0 }`
  ],
  env: { RSS_TYPE: Int32Array.from(MLX5_XDP_RSS_TYPE), SEC_NSEC_TO_NS: u64SecNsecToNs, NS: new U64() }
}
