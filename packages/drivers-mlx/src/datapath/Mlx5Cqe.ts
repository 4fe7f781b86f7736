/**
 * struct mlx5_cqe64 and struct mlx5_mini_cqe8 (include/linux/mlx5/device.h): offsets, bit
 * fields, enum values, and readers/writers over a DataView. EVERY multi-byte field is
 * big-endian (`__be16` / `__be32`); bit numbers below count from bit 0 = least significant bit
 * of the field after be*_to_cpu.
 *
 *   struct mlx5_cqe64 (64 bytes)
 *   byte  0                1                2                3
 *       +----------------+----------------+----------------+----------------+
 *     0 | tls_outer_l3_  | rsvd0          | wqe_id (BE16)                   |
 *       | tunneled       |                |                                 |
 *     4 | lro.tcppsh_abort_dupack / shampo flags | lro.min_ttl / shampo.header_size |
 *       |                                 lro.tcp_win / shampo.header_entry_index (BE16) @6
 *     8 | lro.ack_seq_num / shampo.data_offset (BE32)                       |
 *    12 | rss_hash_result (BE32)                                            |
 *    16 | rss_hash_type  | ml_path        | rsvd20[2]                       |
 *    20 | check_sum (BE16)                | slid (BE16)                     |
 *    24 | flags_rqpn (BE32)                                                 |
 *    28 | hds_ip_ext     | l4_l3_hdr_type | vlan_info (BE16)                |
 *    32 | srqn (BE32): [31:24] lro_num_seg, [23:0] srqn                     |
 *    36 | immediate / inval_rkey / pkey / ft_metadata (BE32)                |
 *    40 | rsvd40[4]                                                         |
 *    44 | byte_cnt (BE32)   (striding RQ: BE16 filler_consumed_strides @44, |
 *       |                    BE16 byte_cnt @46 -- struct mpwrq_cqe_bc)      |
 *    48 | timestamp_h (BE32)                                                |
 *    52 | timestamp_l (BE32)                                                |
 *    56 | sop_drop_qpn (BE32)                                               |
 *    60 | wqe_counter (BE16)              | signature /    | op_own         |
 *       |                                 | validity_iter. |                |
 *       +----------------+----------------+----------------+----------------+
 *
 *   tls_outer_l3_tunneled  bit0 tunneled (cqe_is_tunneled); bits 4:3 TLS offload state
 *                          (get_cqe_tls_offload: (b >> 3) & 3)
 *   rss_hash_type          bits 3:2 IP type (CQE_RSS_HTYPE_IP = GENMASK(3,2)): 0 none, 1 IPv4,
 *                          2 IPv6, 3 reserved; bits 7:6 L4 type (CQE_RSS_HTYPE_L4 =
 *                          GENMASK(7,6)): 0 none, 1 TCP, 2 UDP, 3 IPsec SPI
 *   ml_path                bit7 ECN CE (MLX5E_CE_BIT_MASK 0x80, en_rx.c)
 *   hds_ip_ext             bit0 CQE_L2_OK, bit1 CQE_L3_OK, bit2 CQE_L4_OK
 *   l4_l3_hdr_type         bit0 VLAN stripped (cqe_has_vlan); bits 3:2 L3 header type
 *                          ((b >> 2) & 3: 0 none, 1 IPv6, 2 IPv4); bits 6:4 L4 header type
 *                          (get_cqe_l4_hdr_type: (b >> 4) & 7)
 *   op_own                 bit0 owner; bits 3:2 CQE format (mlx5_get_cqe_format:
 *                          (b >> 2) & 3, 3 = MLX5_COMPRESSED); bits 7:4 opcode (get_cqe_opcode)
 *
 *   struct mlx5_mini_cqe8 (8 bytes; 8 of them fill one 64-byte CQE slot)
 *       +----------------------------------+----------------------------------+
 *     0 | union: rx_hash_result (BE32) | { checksum (BE16) @0, stridx (BE16) @2 }|
 *       |        | s_wqe_info { wqe_counter (BE16), s_wqe_opcode, reserved }     |
 *     4 | byte_cnt (BE32)                                                     |
 *       +---------------------------------------------------------------------+
 *
 * Per packet: plain functions, no allocation, no exceptions.
 */

/** sizeof(struct mlx5_cqe64) */
export const MLX5_CQE64_SIZE = 64
/** sizeof(struct mlx5_mini_cqe8) */
export const MLX5_MINI_CQE8_SIZE = 8
/** MLX5_MINI_CQE_ARRAY_SIZE, include/linux/mlx5/device.h */
export const MLX5_MINI_CQE_ARRAY_SIZE = 8

/** Byte offsets of struct mlx5_cqe64 fields (include/linux/mlx5/device.h). */
export const Cqe64 = {
  TLS_OUTER_L3_TUNNELED: 0,
  RSVD0: 1,
  WQE_ID: 2,
  LRO_TCPPSH_ABORT_DUPACK: 4,
  LRO_MIN_TTL: 5,
  LRO_TCP_WIN: 6,
  LRO_ACK_SEQ_NUM: 8,
  RSS_HASH_RESULT: 12,
  RSS_HASH_TYPE: 16,
  ML_PATH: 17,
  RSVD20: 18,
  CHECK_SUM: 20,
  SLID: 22,
  FLAGS_RQPN: 24,
  HDS_IP_EXT: 28,
  L4_L3_HDR_TYPE: 29,
  VLAN_INFO: 30,
  SRQN: 32,
  IMMEDIATE: 36,
  RSVD40: 40,
  BYTE_CNT: 44,
  TIMESTAMP_H: 48,
  TIMESTAMP_L: 52,
  SOP_DROP_QPN: 56,
  WQE_COUNTER: 60,
  SIGNATURE: 62,
  OP_OWN: 63
} as const

/** Byte offsets of struct mlx5_mini_cqe8 fields (include/linux/mlx5/device.h). */
export const MiniCqe8 = {
  RX_HASH_RESULT: 0,
  CHECKSUM: 0,
  STRIDX: 2,
  BYTE_CNT: 4
} as const

/** CQE opcodes (op_own bits 7:4), include/linux/mlx5/cq.h. */
export const Mlx5CqeOpcode = {
  REQ: 0,
  RESP_WR_IMM: 1,
  RESP_SEND: 2,
  RESP_SEND_IMM: 3,
  RESP_SEND_INV: 4,
  RESIZE_CQ: 5,
  SIG_ERR: 12,
  REQ_ERR: 13,
  RESP_ERR: 14,
  INVALID: 15
} as const

/** CQE format (op_own bits 3:2), include/linux/mlx5/device.h anonymous enum. */
export const Mlx5CqeFormat = {
  NO_INLINE_DATA: 0,
  INLINE_DATA32_SEG: 1,
  INLINE_DATA64_SEG: 2,
  COMPRESSED: 3
} as const

/** MLX5_CQE_FORMAT_CSUM / _CSUM_STRIDX: mini CQE formats (device.h); this model uses CSUM. */
export const Mlx5MiniCqeFormat = { CSUM: 0x1, CSUM_STRIDX: 0x3 } as const

/** hds_ip_ext bits: CQE_L2_OK, CQE_L3_OK, CQE_L4_OK (device.h). */
export const CqeHdsIpExt = { L2_OK: 1 << 0, L3_OK: 1 << 1, L4_OK: 1 << 2 } as const

/**
 * l4_l3_hdr_type bits 3:2 (L3 header type). device.h carried get_cqe_l3_hdr_type and
 * CQE_L3_HDR_TYPE_IPV6 = 1 / _IPV4 = 2 until it was dropped, and a 2025 netdev patch re-adds the
 * same values; rdma-core's mlx5 provider names them MLX5_CQE_L3_HDR_TYPE_NONE 0 / IPV6 1 / IPV4 2.
 */
export const CqeL3HdrType = { NONE: 0x0, IPV6: 0x1, IPV4: 0x2 } as const
export const CQE_L3_HDR_TYPE_SHIFT = 2

/** l4_l3_hdr_type bits 6:4: CQE_L4_HDR_TYPE_* (device.h). */
export const CqeL4HdrType = {
  NONE: 0x0,
  TCP_NO_ACK: 0x1,
  UDP: 0x2,
  TCP_ACK_NO_DATA: 0x3,
  TCP_ACK_AND_DATA: 0x4
} as const
export const CQE_L4_HDR_TYPE_SHIFT = 4

/** l4_l3_hdr_type bit 0: a VLAN tag was stripped (cqe_has_vlan). */
export const CQE_VLAN_STRIPPED = 0x1

/** rss_hash_type fields (device.h): CQE_RSS_HTYPE_IP = GENMASK(3,2), CQE_RSS_HTYPE_L4 = GENMASK(7,6). */
export const CQE_RSS_HTYPE_IP = 0x0c
export const CQE_RSS_HTYPE_L4 = 0xc0
export const CqeRssIp = { NONE: 0x0, IPV4: 0x1, IPV6: 0x2, RESERVED: 0x3 } as const
export const CqeRssL4 = { NONE: 0x0, TCP: 0x1, UDP: 0x2, IPSEC: 0x3 } as const

/** tls_outer_l3_tunneled bit 0 (cqe_is_tunneled) and bits 4:3 (get_cqe_tls_offload). */
export const CQE_TUNNELED = 0x1
export const CQE_TLS_OFFLOAD_SHIFT = 3
export const CqeTlsOffload = { NOT_DECRYPTED: 0, DECRYPTED: 1, RESYNC: 2, ERROR: 3 } as const

/** MLX5E_CE_BIT_MASK, en_rx.c: ml_path bit 7. */
export const MLX5E_CE_BIT_MASK = 0x80

/** op_own at CQ creation: opcode INVALID (0xF) << 4 | owner 1 (en_main.c mlx5e_alloc_cq_common). */
export const MLX5_CQE_INIT_OP_OWN = 0xf1

// ---- readers ------------------------------------------------------------------------------

export const cqeOpOwn = (v: DataView, off: number): number => v.getUint8(off + Cqe64.OP_OWN)
/** get_cqe_opcode */
export const cqeOpcode = (v: DataView, off: number): number => v.getUint8(off + Cqe64.OP_OWN) >>> 4
/** mlx5_get_cqe_format */
export const cqeFormat = (v: DataView, off: number): number => (v.getUint8(off + Cqe64.OP_OWN) >>> 2) & 0x3
export const cqeOwner = (v: DataView, off: number): number => v.getUint8(off + Cqe64.OP_OWN) & 0x1
export const cqeRssHashResult = (v: DataView, off: number): number => v.getUint32(off + Cqe64.RSS_HASH_RESULT, false)
export const cqeRssHashType = (v: DataView, off: number): number => v.getUint8(off + Cqe64.RSS_HASH_TYPE)
/** The raw BE16 check_sum as a big-endian (network convention) folded sum. */
export const cqeCheckSum = (v: DataView, off: number): number => v.getUint16(off + Cqe64.CHECK_SUM, false)
export const cqeHdsIpExt = (v: DataView, off: number): number => v.getUint8(off + Cqe64.HDS_IP_EXT)
export const cqeL4L3HdrType = (v: DataView, off: number): number => v.getUint8(off + Cqe64.L4_L3_HDR_TYPE)
/** cqe_has_vlan */
export const cqeHasVlan = (v: DataView, off: number): boolean => (v.getUint8(off + Cqe64.L4_L3_HDR_TYPE) & CQE_VLAN_STRIPPED) !== 0
/** get_cqe_l4_hdr_type */
export const cqeL4HdrType = (v: DataView, off: number): number => (v.getUint8(off + Cqe64.L4_L3_HDR_TYPE) >>> 4) & 0x7
/** get_cqe_l3_hdr_type (older device.h) */
export const cqeL3HdrType = (v: DataView, off: number): number => (v.getUint8(off + Cqe64.L4_L3_HDR_TYPE) >>> 2) & 0x3
export const cqeVlanInfo = (v: DataView, off: number): number => v.getUint16(off + Cqe64.VLAN_INFO, false)
/** get_cqe_lro_num_seg: srqn >> 24 */
export const cqeLroNumSeg = (v: DataView, off: number): number => v.getUint32(off + Cqe64.SRQN, false) >>> 24
export const cqeByteCnt = (v: DataView, off: number): number => v.getUint32(off + Cqe64.BYTE_CNT, false)
export const cqeTimestampH = (v: DataView, off: number): number => v.getUint32(off + Cqe64.TIMESTAMP_H, false)
export const cqeTimestampL = (v: DataView, off: number): number => v.getUint32(off + Cqe64.TIMESTAMP_L, false)
export const cqeWqeCounter = (v: DataView, off: number): number => v.getUint16(off + Cqe64.WQE_COUNTER, false)
/** cqe_is_tunneled */
export const cqeIsTunneled = (v: DataView, off: number): boolean => (v.getUint8(off + Cqe64.TLS_OUTER_L3_TUNNELED) & CQE_TUNNELED) !== 0
/** get_cqe_tls_offload */
export const cqeTlsOffload = (v: DataView, off: number): number => (v.getUint8(off + Cqe64.TLS_OUTER_L3_TUNNELED) >>> 3) & 0x3

export const miniCqeChecksum = (v: DataView, off: number): number => v.getUint16(off + MiniCqe8.CHECKSUM, false)
export const miniCqeByteCnt = (v: DataView, off: number): number => v.getUint32(off + MiniCqe8.BYTE_CNT, false)

// ---- writers (the hardware model's side) --------------------------------------------------

/** op_own = opcode << 4 | format << 2 | owner */
export const makeOpOwn = (opcode: number, format: number, owner: number): number =>
  ((opcode & 0xf) << 4) | ((format & 0x3) << 2) | (owner & 0x1)

/** rss_hash_type = L4 type << 6 | IP type << 2 */
export const makeRssHashType = (ipType: number, l4Type: number): number => ((l4Type & 0x3) << 6) | ((ipType & 0x3) << 2)

/** l4_l3_hdr_type = L4 header type << 4 | L3 header type << 2 | vlan stripped */
export const makeL4L3HdrType = (l4HdrType: number, l3HdrType: number, vlanStripped: boolean): number =>
  ((l4HdrType & 0x7) << 4) | ((l3HdrType & 0x3) << 2) | (vlanStripped ? CQE_VLAN_STRIPPED : 0)

export const writeMiniCqe = (v: DataView, off: number, checksum: number, byteCnt: number): void => {
  v.setUint16(off + MiniCqe8.CHECKSUM, checksum, false)
  v.setUint16(off + MiniCqe8.STRIDX, 0, false)
  v.setUint32(off + MiniCqe8.BYTE_CNT, byteCnt, false)
}
