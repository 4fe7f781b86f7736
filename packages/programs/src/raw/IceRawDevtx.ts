/**
 * devtx TX offloads, raw-descriptor style, for ice — what the design can write, and where it runs
 * out.
 *
 * SUBMIT (`iceRawDevtxSubmit`): L4 checksum offload written into the data descriptor the way
 * ice_tx_csum (drivers/net/ethernet/intel/ice/ice_txrx.c) fills it, through a CO-RE-relocated
 * write of `struct ice_tx_desc___devtx { __le64 cmd_type_offset_bsz; }` (DevtxCtx.desc/descOff is
 * the packet's data descriptor). ice's BTF has the whole __le64 word, no bitfields, so the
 * relocation finds the word and the program carries the bit layout itself — its own copies of
 * the ice_lan_tx_rx.h constants below (the raw design's cost: they are per-NIC knowledge the
 * driver already has). The word is accessed as two u32 halves (core RawAccessor rawSubfield):
 *
 *   cmd_type_offset_bsz (LE64)
 *    63     48 47      34 33   30 29   23 22    16 15            4 3     0
 *   +---------+----------+-------+-------+--------+---------------+-------+
 *   | L2TAG1  | TX_BUF_SZ| L4LEN | IPLEN | MACLEN | CMD (12 bits) | DTYPE |
 *   +---------+----------+-------+-------+--------+---------------+-------+
 *     CMD    |= IIPT (IPv4 0x040 — no IP header checksum without TSO — / IPv6 0x020)
 *              | L4T_EOFT (TCP 0x100, SCTP 0x200, UDP 0x300)            (read-modify-write, OR)
 *     OFFSET |= MACLEN (l3 / 2, words) | IPLEN (l4 - l3) / 4 << 7 (dwords)
 *              | L4LEN << 14 (dwords: TCP doff, UDP 8 >> 2, SCTP 12 >> 2)
 *   The program finds l3/l4 by walking the frame itself: Ethernet, up to two 802.1Q/802.1ad tags,
 *   IPv4 (not a fragment) or IPv6 (Hop-by-Hop, Routing, Destination Options, AH walked, up to 4
 *   extension headers; a Fragment header ends the walk: no offload). Frames it cannot place are
 *   left alone (counted in IceRawSubmitStats.csumSkipped): the hardware then sends them as they
 *   are, like a kfunc request that returned -EINVAL. The checksum field must hold the
 *   pseudo-header sum (CHECKSUM_PARTIAL), as for the kfunc.
 *
 * TIMESTAMP REQUEST: impossible from the descriptor. ice_tstamp takes a PHY timestamp-memory
 * index from the port's in-use bitmap (ice_ptp_request_ts: bitmap index + tx->offset) and puts
 * it, with CMD.TSYN, into a CONTEXT descriptor (ICE_TXD_CTX_QW1_TSYN_S 30). The index is a
 * driver-owned resource shared with the skb path: a program that invented one would collide with
 * it and nobody would read the PHY slot back. So the submit program does not fake it: with
 * `timestamp` asked it records -EOPNOTSUPP per frame (IceRawSubmitStats) and rawDevtxFor lists
 * the request as unsupported with ICE_RAW_TX_TS_REQUEST_UNAVAILABLE.
 *
 * COMPLETE: ice's TX completion is the RS data descriptor after the DD write-back (struct
 * ice_tx_desc, DTYPE = 0xF in cmd_type_offset_bsz): it carries no timestamp. The stamp is latched
 * in PHY timestamp memory at the driver's index and read over the PHY sideband (E810/E82x) or a
 * register (E830) by ice_ptp_process_tx_tstamp, then extended with the PF's cached PHC time
 * (ice_ptp_extend_40b_ts). None of that is a descriptor field a program could be relocated to.
 * The program states that in the two ways CO-RE allows:
 *  - `iceRawDevtxComplete`: declares `tx_timestamp` in its view of `struct ice_tx_desc` as an
 *    OPTIONAL field (bpf_core_field_exists). ice's BTF has no such member, so the guard is false
 *    at load and every completion reports -EOPNOTSUPP (ICE_RAW_TX_TS_UNAVAILABLE says why) —
 *    never a value it does not have;
 *  - `iceRawDevtxCompleteRequired`: the same field declared REQUIRED: the load fails with a
 *    RawLoadError naming the program, the local type, the access string and the target.
 *
 * Per packet: byte reads of the frame, u32-half descriptor writes; no allocation, no exceptions.
 */
import { type DevtxCtx, DevtxPoint, Errno, type RawDevtxProgramSpec, rawSubfield } from "@devtx/core"
import type { RawDevtxSubmitOptions } from "./SimRawDevtx.js"
import type { TxStampLog } from "./TxStampLog.js"

// ---- the program's own copies of ice_lan_tx_rx.h (drivers/net/ethernet/intel/ice) ----
/** ICE_TXD_QW1_CMD_S; CMD is 12 bits (ICE_TXD_QW1_CMD_M = 0xFFF << 4) */
const ICE_TXD_QW1_CMD_S = 4
const ICE_TXD_QW1_CMD_BITS = 12
/** ICE_TXD_QW1_OFFSET_S; OFFSET is 18 bits (ICE_TXD_QW1_OFFSET_M = 0x3FFFF << 16) */
const ICE_TXD_QW1_OFFSET_S = 16
const ICE_TXD_QW1_OFFSET_BITS = 18
/** enum ice_tx_desc_cmd_bits: ICE_TX_DESC_CMD_IIPT_IPV6 / _IIPT_IPV4 / _L4T_EOFT_TCP / _SCTP / _UDP */
const ICE_TX_DESC_CMD_IIPT_IPV6 = 0x0020
const ICE_TX_DESC_CMD_IIPT_IPV4 = 0x0040
const ICE_TX_DESC_CMD_L4T_EOFT_TCP = 0x0100
const ICE_TX_DESC_CMD_L4T_EOFT_SCTP = 0x0200
const ICE_TX_DESC_CMD_L4T_EOFT_UDP = 0x0300
/** enum ice_tx_desc_len_fields: MACLEN_S 0 (7 bits), IPLEN_S 7 (7 bits), L4_LEN_S 14 (4 bits) */
const ICE_TX_DESC_LEN_MACLEN_S = 0
const ICE_TX_DESC_LEN_IPLEN_S = 7
const ICE_TX_DESC_LEN_L4_LEN_S = 14
/** field maxima: ICE_TXD_QW1_MACLEN_M / _IPLEN_M 0x7F, _L4LEN_M 0xF (before the shift) */
const MACLEN_MAX = 0x7f
const IPLEN_MAX = 0x7f

const ETH_P_IP = 0x0800
const ETH_P_IPV6 = 0x86dd
const ETH_P_8021Q = 0x8100
const ETH_P_8021AD = 0x88a8
const IPPROTO_HOPOPTS = 0
const IPPROTO_TCP = 6
const IPPROTO_UDP = 17
const IPPROTO_ROUTING = 43
const IPPROTO_FRAGMENT = 44
const IPPROTO_AH = 51
const IPPROTO_DSTOPTS = 60
const IPPROTO_SCTP = 132

/** Where ice wants the checksum: what the raw submit program writes, and where the sum goes. */
export class IceRawCsumPlan {
  /** CMD bits (relative to CMD): IIPT | L4T_EOFT */
  cmd = 0
  /** the 18-bit OFFSET field: MACLEN | IPLEN << 7 | L4LEN << 14 */
  offset = 0
  /** network / transport header offsets from the frame start */
  l3 = 0
  l4 = 0
  /** the checksum field's offset within the transport header: TCP 16, UDP 6, SCTP 8 (csum_offset) */
  csumOffset = 0
  proto = 0
}

/**
 * The program's header walk (see the module comment): fills `out` and returns 0, or -1 when the
 * frame has no transport header ice can checksum (non-IP, fragment, other protocol, truncated,
 * headers too long for MACLEN/IPLEN).
 */
export const iceRawCsumPlan = (b: Uint8Array, data: number, len: number, out: IceRawCsumPlan): number => {
  let p = 12
  if (p + 2 > len) return -1
  let type = (b[data + p]! << 8) | b[data + p + 1]!
  for (let i = 0; i < 2 && (type === ETH_P_8021Q || type === ETH_P_8021AD); i++) {
    p += 4
    if (p + 2 > len) return -1
    type = (b[data + p]! << 8) | b[data + p + 1]!
  }
  const l3 = p + 2
  let l4: number
  let proto: number
  let cmd: number
  if (type === ETH_P_IP) {
    if (l3 + 20 > len || b[data + l3]! >>> 4 !== 4 || (b[data + l3]! & 0x0f) < 5) return -1
    // MF or a fragment offset: not a whole transport segment
    if ((((b[data + l3 + 6]! << 8) | b[data + l3 + 7]!) & 0x3fff) !== 0) return -1
    proto = b[data + l3 + 9]!
    l4 = l3 + (b[data + l3]! & 0x0f) * 4
    cmd = ICE_TX_DESC_CMD_IIPT_IPV4
  } else if (type === ETH_P_IPV6) {
    if (l3 + 40 > len || b[data + l3]! >>> 4 !== 6) return -1
    proto = b[data + l3 + 6]!
    l4 = l3 + 40
    for (let i = 0; i < 4; i++) {
      if (proto === IPPROTO_HOPOPTS || proto === IPPROTO_ROUTING || proto === IPPROTO_DSTOPTS) {
        if (l4 + 2 > len) return -1
        proto = b[data + l4]!
        l4 += (b[data + l4 + 1]! + 1) * 8
      } else if (proto === IPPROTO_AH) {
        if (l4 + 2 > len) return -1
        proto = b[data + l4]!
        l4 += (b[data + l4 + 1]! + 2) * 4
      } else break
    }
    if (proto === IPPROTO_FRAGMENT) return -1
    cmd = ICE_TX_DESC_CMD_IIPT_IPV6
  } else return -1
  let l4len: number
  let csumOffset: number
  if (proto === IPPROTO_TCP) {
    if (l4 + 20 > len) return -1
    cmd |= ICE_TX_DESC_CMD_L4T_EOFT_TCP
    l4len = b[data + l4 + 12]! >>> 4
    csumOffset = 16
  } else if (proto === IPPROTO_UDP) {
    cmd |= ICE_TX_DESC_CMD_L4T_EOFT_UDP
    l4len = 8 >> 2
    csumOffset = 6
  } else if (proto === IPPROTO_SCTP) {
    cmd |= ICE_TX_DESC_CMD_L4T_EOFT_SCTP
    l4len = 12 >> 2
    csumOffset = 8
  } else return -1
  if (l4 + csumOffset + 2 > len) return -1
  const maclen = l3 >>> 1
  const iplen = (l4 - l3) >>> 2
  if (maclen > MACLEN_MAX || iplen > IPLEN_MAX) return -1
  out.cmd = cmd
  out.offset = (maclen << ICE_TX_DESC_LEN_MACLEN_S) | (iplen << ICE_TX_DESC_LEN_IPLEN_S) | (l4len << ICE_TX_DESC_LEN_L4_LEN_S)
  out.l3 = l3
  out.l4 = l4
  out.csumOffset = csumOffset
  out.proto = proto
  return 0
}

/** What the ice submit program did, per frame counts and the last status (the program's "map"). */
export class IceRawSubmitStats {
  /** frames whose descriptor got the checksum fields */
  csumRequested = 0
  /** frames left alone (no transport header ice can checksum) */
  csumSkipped = 0
  /** frames that asked for a TX timestamp the raw design cannot request */
  tsRefused = 0
  /** the status of the last timestamp request: 0 (none asked) or -EOPNOTSUPP */
  tsRc = 0
}

export const ICE_RAW_TX_TS_REQUEST_UNAVAILABLE =
  "ice requests a TX timestamp with CMD.TSYN and a PHY timestamp-memory index in a context descriptor; the index comes from the driver's in-use bitmap (ice_ptp_request_ts) and is shared with the skb path, so a program cannot choose one from the data descriptor it is given"

export const iceRawDevtxSubmit = (opts: RawDevtxSubmitOptions, stats: IceRawSubmitStats = new IceRawSubmitStats()): RawDevtxProgramSpec => ({
  name: "devtx_submit_raw_ice",
  point: opts.point ?? DevtxPoint.SUBMIT_XDP,
  structs: [{ name: "ice_tx_desc___devtx", fields: [{ name: "cmd_type_offset_bsz", type: "u64" }] }],
  instantiate: ({ fields }) => {
    const qw1 = fields.ice_tx_desc!.cmd_type_offset_bsz!
    // load time: the word is found by CO-RE; the sub-fields are the program's ice_lan_tx_rx.h copies
    const cmd = rawSubfield(qw1, ICE_TXD_QW1_CMD_S, ICE_TXD_QW1_CMD_BITS)
    const offset = rawSubfield(qw1, ICE_TXD_QW1_OFFSET_S, ICE_TXD_QW1_OFFSET_BITS)
    const plan = new IceRawCsumPlan()
    return (ctx: DevtxCtx): void => {
      if (opts.timestamp) {
        stats.tsRc = -Errno.EOPNOTSUPP
        stats.tsRefused++
      }
      if (!opts.checksum) return
      if (iceRawCsumPlan(ctx.mem, ctx.data, ctx.len, plan) !== 0) {
        stats.csumSkipped++
        return
      }
      const d = ctx.desc
      const o = ctx.descOff
      // ice_tx_csum: off->td_cmd |= cmd; off->td_offset |= offset (then ice_build_ctob shifts them in)
      cmd.write(d, o, cmd.read(d, o) | plan.cmd)
      offset.write(d, o, offset.read(d, o) | plan.offset)
      stats.csumRequested++
    }
  }
})

export const ICE_RAW_TX_TS_UNAVAILABLE =
  "ice TX timestamps are in PHY timestamp memory (ice_ptp_process_tx_tstamp), not in the DD write-back descriptor: struct ice_tx_desc has no timestamp field"

const completeSpec = (log: TxStampLog, optional: boolean, point: DevtxPoint): RawDevtxProgramSpec => ({
  name: optional ? "devtx_complete_raw_ice" : "devtx_complete_raw_ice_required",
  point,
  structs: [
    {
      name: "ice_tx_desc___devtx",
      fields: [{ name: "tx_timestamp", type: "u32", ...(optional ? { optional: true } : {}) }]
    }
  ],
  instantiate: ({ fields }) => {
    const ts = fields.ice_tx_desc!.tx_timestamp!
    return (ctx: DevtxCtx): void => {
      // dead branch on every ice: the field does not exist (FIELD_EXISTS = 0)
      if (ts.exists) log.push(0, 0, ts.read(ctx.compl, ctx.complOff), ctx.data)
      else log.push(-Errno.EOPNOTSUPP, 0, 0, ctx.data)
    }
  }
})

export const iceRawDevtxComplete = (log: TxStampLog, point: DevtxPoint = DevtxPoint.COMPLETE_XDP): RawDevtxProgramSpec =>
  completeSpec(log, true, point)

export const iceRawDevtxCompleteRequired = (log: TxStampLog, point: DevtxPoint = DevtxPoint.COMPLETE_XDP): RawDevtxProgramSpec =>
  completeSpec(log, false, point)
