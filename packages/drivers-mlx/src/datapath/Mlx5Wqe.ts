/**
 * mlx5 send WQEs (include/linux/mlx5/qp.h, include/linux/mlx5/device.h,
 * drivers/net/ethernet/mellanox/mlx5/core/en.h): segment offsets, opcodes, flag values, and
 * writers/readers over a DataView. EVERY multi-byte field is big-endian (`__be16/__be32/__be64`).
 *
 * A send queue is an array of 64-byte WQE basic blocks (WQEBB, MLX5_SEND_WQE_BB); a WQE is a run
 * of 16-byte data segments (DS, MLX5_SEND_WQE_DS) covering DIV_ROUND_UP(ds_count, 4) WQEBBs.
 * mlx5e's Ethernet WQE (struct mlx5e_tx_wqe, en.h) = ctrl segment + eth segment + data segments:
 *
 *   byte 0                1                2                3
 *      +----------------+----------------+----------------+----------------+
 *    0 | opmod_idx_opcode (BE32): [31:24] opmod, [23:8] WQE index (sq->pc),|  struct
 *      |                          [7:0] opcode (SEND 0x0a / ENHANCED_MPSW  |  mlx5_wqe_ctrl_seg
 *      |                          0x29 / NOP 0x00)                         |
 *    4 | qpn_ds (BE32): [31:8] SQ number, [5:0] DS count (16-byte units)   |
 *    8 | signature      | rsvd[2]                         | fm_ce_se       |  <- trailer group
 *   12 | general_id / imm / umr_mkey / tis_tir_num (BE32)                  |     (bytes 8..15)
 *      +----------------+----------------+----------------+----------------+
 *   16 | swp_outer_l4   | swp_outer_l3   | swp_inner_l4   | swp_inner_l3   |  struct
 *   20 | cs_flags       | swp_flags      | mss (BE16)                      |  mlx5_wqe_eth_seg
 *   24 | flow_table_metadata (BE32)                                        |
 *   28 | inline_hdr.sz (BE16)            | inline_hdr.start[2]             |  (union insert /
 *      +----------------+----------------+----------------+----------------+   trailer)
 *   32 | inline header bytes 2..17 when inline_hdr.sz = 18, else the first |
 *      | struct mlx5_wqe_data_seg:                                         |
 *      |   byte_count (BE32) | lkey (BE32) | addr (BE64)                   |
 *   48 | struct mlx5_wqe_data_seg (after an 18-byte inline header)         |
 *      +-------------------------------------------------------------------+
 *
 *   fm_ce_se   bits 3:2 CE: MLX5_WQE_CTRL_CQ_UPDATE = 2 << 2 (0x08) asks for a CQE on this WQE;
 *              bit 1 SOLICITED; bits 7:5 fence mode
 *   cs_flags   MLX5_ETH_WQE_L3_INNER_CSUM 0x10, L4_INNER_CSUM 0x20, L3_CSUM 0x40, L4_CSUM 0x80
 *   inline     the first inline_hdr.sz bytes of the packet: 2 in inline_hdr.start, the rest in
 *              the following DS (ds_cnt_inl = DIV_ROUND_UP(sz - 2, 16)); the data segments
 *              (gather list) follow.
 *
 * The enhanced multi-packet WQE (opcode ENHANCED_MPSW, en/xdp.c mlx5e_xmit_xdp_frame_mpwqe) is
 * ctrl + eth (no inline header) + one data segment per packet; the eth segment, hence its
 * cs_flags, is shared by every packet of the WQE. struct mlx5_wqe_inline_seg (BE32 byte_count
 * with MLX5_INLINE_SEG set, then the bytes) may replace a data segment there.
 *
 * Per packet: plain functions, no allocation, no exceptions.
 */

/** MLX5_SEND_WQE_BB, MLX5_SEND_WQE_DS (qp.h) and MLX5_SEND_WQEBB_NUM_DS */
export const MLX5_SEND_WQE_BB = 64
export const MLX5_SEND_WQE_DS = 16
export const MLX5_SEND_WQEBB_NUM_DS = MLX5_SEND_WQE_BB / MLX5_SEND_WQE_DS
/** MLX5_SEND_WQE_MAX_WQEBBS (qp.h) */
export const MLX5_SEND_WQE_MAX_WQEBBS = 16
/** sizeof(struct mlx5e_tx_wqe) / MLX5_SEND_WQE_DS: ctrl + eth (en.h MLX5E_TX_WQE_EMPTY_DS_COUNT) */
export const MLX5E_TX_WQE_EMPTY_DS_COUNT = 2
/** sizeof(eseg->inline_hdr.start) (en/txrx.h INL_HDR_START_SZ) */
export const INL_HDR_START_SZ = 2
/** MLX5E_XDP_MIN_INLINE = ETH_HLEN + VLAN_HLEN (en/xdp.h) */
export const MLX5E_XDP_MIN_INLINE = 14 + 4
/** MLX5E_MIN_INLINE = ETH_HLEN + VLAN_HLEN: the skb path's L2 inline floor (en/txrx.h) */
export const MLX5E_MIN_INLINE = 14 + 4
/** MLX5_INLINE_SEG: byte_count bit of struct mlx5_wqe_inline_seg (device.h) */
export const MLX5_INLINE_SEG = 0x80000000
/** MLX5_WQE_INLINE_SEG_BYTE_COUNT_MASK (qp.h) */
export const MLX5_WQE_INLINE_SEG_BYTE_COUNT_MASK = 0x3ff

/** Send opcodes (device.h enum: MLX5_OPCODE_NOP, _SEND, _ENHANCED_MPSW) */
export const Mlx5Opcode = { NOP: 0x00, SEND: 0x0a, ENHANCED_MPSW: 0x29 } as const

/** fm_ce_se values (qp.h) */
export const MLX5_WQE_CTRL_CQ_UPDATE = 2 << 2
export const MLX5_WQE_CTRL_SOLICITED = 1 << 1
/** MLX5_WQE_CTRL_DS_MASK, MLX5_WQE_CTRL_QPN_SHIFT, MLX5_WQE_CTRL_WQE_INDEX_SHIFT (qp.h) */
export const MLX5_WQE_CTRL_DS_MASK = 0x3f
export const MLX5_WQE_CTRL_QPN_SHIFT = 8
export const MLX5_WQE_CTRL_WQE_INDEX_SHIFT = 8

/** cs_flags (qp.h) */
export const Mlx5EthWqeCsum = { L3_INNER: 1 << 4, L4_INNER: 1 << 5, L3: 1 << 6, L4: 1 << 7 } as const

/** struct mlx5_wqe_ctrl_seg offsets */
export const WqeCtrl = { OPMOD_IDX_OPCODE: 0, QPN_DS: 4, SIGNATURE: 8, RSVD: 9, FM_CE_SE: 11, GENERAL_ID: 12 } as const
/** struct mlx5_wqe_eth_seg offsets */
export const WqeEth = {
  SWP_OUTER_L4_OFFSET: 0,
  SWP_OUTER_L3_OFFSET: 1,
  SWP_INNER_L4_OFFSET: 2,
  SWP_INNER_L3_OFFSET: 3,
  CS_FLAGS: 4,
  SWP_FLAGS: 5,
  MSS: 6,
  FLOW_TABLE_METADATA: 8,
  INLINE_HDR_SZ: 12,
  INLINE_HDR_START: 14,
  TRAILER: 12
} as const
/** struct mlx5_wqe_data_seg offsets (same as the RX WQE's, Mlx5RxQueueMemory.ts) */
export const WqeData = { BYTE_COUNT: 0, LKEY: 4, ADDR: 8 } as const
/** Offsets of the segments inside struct mlx5e_tx_wqe */
export const TxWqe = { CTRL: 0, ETH: 16, DATA: 32 } as const

export const MLX5_CTRL_SEG_SIZE = 16
export const MLX5_ETH_SEG_SIZE = 16
export const MLX5_DATA_SEG_SIZE = 16

/** DIV_ROUND_UP(ds_count, MLX5_SEND_WQEBB_NUM_DS) */
export const wqebbsOfDs = (ds: number): number => (ds + MLX5_SEND_WQEBB_NUM_DS - 1) >>> 2

/** DS taken by an inline header of `sz` bytes after inline_hdr.start (ds_cnt_inl, en_tx.c) */
export const inlineDsCount = (sz: number): number => (sz > INL_HDR_START_SZ ? (sz - INL_HDR_START_SZ + MLX5_SEND_WQE_DS - 1) >>> 4 : 0)

// ---- writers -----------------------------------------------------------------------------

/** cseg->opmod_idx_opcode = cpu_to_be32((pc << 8) | opcode); qpn_ds = cpu_to_be32((sqn << 8) | ds) */
export const writeCtrlSeg = (v: DataView, off: number, pc: number, opcode: number, sqn: number, ds: number): void => {
  v.setUint32(off + WqeCtrl.OPMOD_IDX_OPCODE, (((pc & 0xffff) << 8) | (opcode & 0xff)) >>> 0, false)
  v.setUint32(off + WqeCtrl.QPN_DS, (((sqn & 0xffffff) << 8) | (ds & MLX5_WQE_CTRL_DS_MASK)) >>> 0, false)
}

export const writeDataSeg = (v: DataView, off: number, byteCount: number, lkey: number, addrHi: number, addrLo: number): void => {
  v.setUint32(off + WqeData.BYTE_COUNT, byteCount >>> 0, false)
  v.setUint32(off + WqeData.LKEY, lkey >>> 0, false)
  v.setUint32(off + WqeData.ADDR, addrHi >>> 0, false)
  v.setUint32(off + WqeData.ADDR + 4, addrLo >>> 0, false)
}

// ---- readers -----------------------------------------------------------------------------

export const ctrlOpcode = (v: DataView, off: number): number => v.getUint32(off + WqeCtrl.OPMOD_IDX_OPCODE, false) & 0xff
export const ctrlWqeIndex = (v: DataView, off: number): number => (v.getUint32(off + WqeCtrl.OPMOD_IDX_OPCODE, false) >>> 8) & 0xffff
export const ctrlOpmod = (v: DataView, off: number): number => v.getUint32(off + WqeCtrl.OPMOD_IDX_OPCODE, false) >>> 24
export const ctrlQpn = (v: DataView, off: number): number => v.getUint32(off + WqeCtrl.QPN_DS, false) >>> 8
export const ctrlDsCount = (v: DataView, off: number): number => v.getUint32(off + WqeCtrl.QPN_DS, false) & MLX5_WQE_CTRL_DS_MASK
export const ctrlFmCeSe = (v: DataView, off: number): number => v.getUint8(off + WqeCtrl.FM_CE_SE)
export const ethCsFlags = (v: DataView, off: number): number => v.getUint8(off + WqeEth.CS_FLAGS)
export const ethInlineHdrSz = (v: DataView, off: number): number => v.getUint16(off + WqeEth.INLINE_HDR_SZ, false)
export const dataByteCount = (v: DataView, off: number): number => v.getUint32(off + WqeData.BYTE_COUNT, false)
export const dataLkey = (v: DataView, off: number): number => v.getUint32(off + WqeData.LKEY, false)
export const dataAddrHi = (v: DataView, off: number): number => v.getUint32(off + WqeData.ADDR, false)
export const dataAddrLo = (v: DataView, off: number): number => v.getUint32(off + WqeData.ADDR + 4, false)
