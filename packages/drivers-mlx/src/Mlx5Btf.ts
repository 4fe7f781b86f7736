/**
 * mlx5's BTF for the raw-descriptor design: split BTF on core's kernel base BTF (as the
 * mlx5_core module's BTF sits on vmlinux), with the kernel's names and layouts:
 *
 *   struct mlx5_cqe64          64 B  include/linux/mlx5/device.h — every field, the lro/shampo
 *                                    union (shampo's flags byte as the kernel's four u8
 *                                    bitfields reserved0:1 match:1 flush:1 reserved3:5), the
 *                                    immediate/inval_rkey/pkey/ft_metadata union and the
 *                                    signature/validity_iteration_count union
 *   struct mlx5_mini_cqe8       8 B  device.h (rx_hash_result | {checksum, stridx} | s_wqe_info)
 *   struct mlx5_wqe_ctrl_seg   16 B  include/linux/mlx5/qp.h, bytes 8..15 as the kernel's
 *                                    struct_group(trailer, ...): an anonymous union of an
 *                                    anonymous struct and the same struct named `trailer`
 *   struct mlx5_wqe_eth_seg    16 B  qp.h (inline_hdr | insert | trailer union at 12)
 *   struct mlx5_wqe_data_seg   16 B  qp.h
 *   struct mlx5_wqe_inline_seg  4 B  qp.h (byte_count + flexible data[])
 *   struct mlx5e_tx_wqe        32 B  drivers/net/ethernet/mellanox/mlx5/core/en.h (ctrl, eth, data[])
 *   struct mlx5e_xdp_buff      72 B  en/xdp.h { struct xdp_buff xdp; struct mlx5_cqe64 *cqe;
 *                                    struct mlx5e_rq *rq; } with struct mlx5e_rq a FWD
 *
 * Big-endian: the kernel types these fields __be16/__be32/__be64 (typedefs of __u16/__u32/__u64
 * carrying `__bitwise`, which BTF cannot express), so BTF gives offsets and sizes only; a program
 * reading them must byte-swap (bpf_ntohl / bpf_be64_to_cpu) exactly as the kernel's
 * be32_to_cpu does. __be64 is not in the base, so it is added here as `typedef __u64 __be64`.
 * Bitfield bit offsets follow x86_64 (little-endian) gcc allocation, as pahole emits them.
 *
 * Roles (DriverBtf.structs): rxDesc = txCompl = "mlx5_cqe64" (RX and send completions share the
 * format); txDesc = "mlx5_wqe_eth_seg": the devtx submit context's `desc` points at the WQE's
 * eth segment, the same thing mlx5e hands its xsk_tx_metadata_ops as priv (the segment whose
 * cs_flags a checksum request sets); the ctrl segment is 16 bytes before it (struct
 * mlx5e_tx_wqe shows both). xdpBuff = "mlx5e_xdp_buff", descMember = "cqe".
 */
import { BtfKind, type DriverBtf, DriverBtfBuilder, memberAt as m } from "@devtx/core"

const TYPEDEF = BtfKind.Typedef

const build = (): DriverBtf => {
  const d = new DriverBtfBuilder("mlx5")
  const b = d.b
  const u8 = d.baseType("u8", TYPEDEF)
  const be16 = d.baseType("__be16", TYPEDEF)
  const be32 = d.baseType("__be32", TYPEDEF)
  const u64 = d.baseType("__u64", TYPEDEF)
  const int = d.baseType("int", BtfKind.Int)
  const be64 = b.addTypedef("__be64", u64)
  const u8x2 = b.addArray(u8, int, 2)
  const u8x4 = b.addArray(u8, int, 4)

  // ---- struct mlx5_cqe64 (device.h) ----
  const lro = b.addStruct("", 8, [m("tcppsh_abort_dupack", u8, 0), m("min_ttl", u8, 1), m("tcp_win", be16, 2), m("ack_seq_num", be32, 4)])
  const shampo = b.addStruct("", 8, [
    m("reserved0", u8, 0, 1, 0),
    m("match", u8, 0, 1, 1),
    m("flush", u8, 0, 1, 2),
    m("reserved3", u8, 0, 5, 3),
    m("header_size", u8, 1),
    m("header_entry_index", be16, 2),
    m("data_offset", be32, 4)
  ])
  const lroShampo = b.addUnion("", 8, [m("lro", lro, 0), m("shampo", shampo, 0)])
  const immUnion = b.addUnion("", 4, [m("immediate", be32, 0), m("inval_rkey", be32, 0), m("pkey", be32, 0), m("ft_metadata", be32, 0)])
  const sigUnion = b.addUnion("", 1, [m("signature", u8, 0), m("validity_iteration_count", u8, 0)])
  const cqe64 = b.addStruct("mlx5_cqe64", 64, [
    m("tls_outer_l3_tunneled", u8, 0),
    m("rsvd0", u8, 1),
    m("wqe_id", be16, 2),
    m("", lroShampo, 4),
    m("rss_hash_result", be32, 12),
    m("rss_hash_type", u8, 16),
    m("ml_path", u8, 17),
    m("rsvd20", u8x2, 18),
    m("check_sum", be16, 20),
    m("slid", be16, 22),
    m("flags_rqpn", be32, 24),
    m("hds_ip_ext", u8, 28),
    m("l4_l3_hdr_type", u8, 29),
    m("vlan_info", be16, 30),
    m("srqn", be32, 32),
    m("", immUnion, 36),
    m("rsvd40", u8x4, 40),
    m("byte_cnt", be32, 44),
    m("timestamp_h", be32, 48),
    m("timestamp_l", be32, 52),
    m("sop_drop_qpn", be32, 56),
    m("wqe_counter", be16, 60),
    m("", sigUnion, 62),
    m("op_own", u8, 63)
  ])

  // ---- struct mlx5_mini_cqe8 (device.h) ----
  const csumStridx = b.addStruct("", 4, [m("checksum", be16, 0), m("stridx", be16, 2)])
  const sWqeInfo = b.addStruct("", 4, [m("wqe_counter", be16, 0), m("s_wqe_opcode", u8, 2), m("reserved", u8, 3)])
  const miniUnion = b.addUnion("", 4, [m("rx_hash_result", be32, 0), m("", csumStridx, 0), m("s_wqe_info", sWqeInfo, 0)])
  b.addStruct("mlx5_mini_cqe8", 8, [m("", miniUnion, 0), m("byte_cnt", be32, 4)])

  // ---- struct mlx5_wqe_ctrl_seg (qp.h) ----
  const idUnion = b.addUnion("", 4, [m("general_id", be32, 0), m("imm", be32, 0), m("umr_mkey", be32, 0), m("tis_tir_num", be32, 0)])
  const trailerMembers = [m("signature", u8, 0), m("rsvd", u8x2, 1), m("fm_ce_se", u8, 3), m("", idUnion, 4)]
  const trailerAnon = b.addStruct("", 8, trailerMembers)
  const trailerNamed = b.addStruct("", 8, trailerMembers)
  const trailerGroup = b.addUnion("", 8, [m("", trailerAnon, 0), m("trailer", trailerNamed, 0)])
  const ctrl = b.addStruct("mlx5_wqe_ctrl_seg", 16, [m("opmod_idx_opcode", be32, 0), m("qpn_ds", be32, 4), m("", trailerGroup, 8)])

  // ---- struct mlx5_wqe_eth_seg (qp.h) ----
  const inlineHdr = b.addStruct("", 4, [m("sz", be16, 0), m("start", u8x2, 2)])
  const insert = b.addStruct("", 4, [m("type", be16, 0), m("vlan_tci", be16, 2)])
  const ethUnion = b.addUnion("", 4, [m("inline_hdr", inlineHdr, 0), m("insert", insert, 0), m("trailer", be32, 0)])
  const eth = b.addStruct("mlx5_wqe_eth_seg", 16, [
    m("swp_outer_l4_offset", u8, 0),
    m("swp_outer_l3_offset", u8, 1),
    m("swp_inner_l4_offset", u8, 2),
    m("swp_inner_l3_offset", u8, 3),
    m("cs_flags", u8, 4),
    m("swp_flags", u8, 5),
    m("mss", be16, 6),
    m("flow_table_metadata", be32, 8),
    m("", ethUnion, 12)
  ])

  // ---- struct mlx5_wqe_data_seg, mlx5_wqe_inline_seg (qp.h) ----
  const data = b.addStruct("mlx5_wqe_data_seg", 16, [m("byte_count", be32, 0), m("lkey", be32, 4), m("addr", be64, 8)])
  b.addStruct("mlx5_wqe_inline_seg", 4, [m("byte_count", be32, 0), m("data", b.addArray(be32, int, 0), 4)])

  // ---- struct mlx5e_tx_wqe (en.h) ----
  b.addStruct("mlx5e_tx_wqe", 32, [m("ctrl", ctrl, 0), m("eth", eth, 16), m("data", b.addArray(data, int, 0), 32)])

  // ---- struct mlx5e_xdp_buff (en/xdp.h) ----
  d.addXdpBuffWrapper("mlx5e_xdp_buff", "xdp", [
    ["cqe", b.addPtr(cqe64)],
    ["rq", b.addPtr(b.addFwd("mlx5e_rq"))]
  ])
  return d.finish({ rxDesc: "mlx5_cqe64", txDesc: "mlx5_wqe_eth_seg", txCompl: "mlx5_cqe64", xdpBuff: "mlx5e_xdp_buff", descMember: "cqe" })
}

let cached: DriverBtf | undefined

/** mlx5's BTF (the same for every configuration: the layouts are fixed by the hardware). */
export const mlx5Btf = (): DriverBtf => {
  if (cached === undefined) cached = build()
  return cached
}
