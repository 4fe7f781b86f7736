/**
 * devtx TX timestamps, raw-descriptor style, for ice — where the design runs out. ice's TX
 * completion is the RS data descriptor after the DD write-back (struct ice_tx_desc,
 * ice_lan_tx_rx.h, DTYPE = 0xF in cmd_type_offset_bsz): it carries no timestamp. The stamp is
 * latched in PHY timestamp memory at an index the driver allocated (ice_ptp_request_ts) and is
 * read over the PHY sideband (E810/E82x) or a register (E830) by ice_ptp_process_tx_tstamp, then
 * extended with the PF's cached PHC time (ice_ptp_extend_40b_ts). None of that is a descriptor
 * field a program could be relocated to.
 *
 * The program states that in the two ways CO-RE allows (drivers/net/ethernet/intel/ice is the source):
 *  - `iceRawDevtxComplete`: declares `tx_timestamp` in its view of `struct ice_tx_desc` as an
 *    OPTIONAL field (bpf_core_field_exists). ice's BTF has no such member, so the guard is false
 *    at load and every completion reports -EOPNOTSUPP (ICE_RAW_TX_TS_UNAVAILABLE says why) —
 *    never a value it does not have;
 *  - `iceRawDevtxCompleteRequired`: the same field declared REQUIRED: the load fails with a
 *    RawLoadError naming the program, the local type, the access string and the target.
 * Requesting a stamp is out of reach as well (the PHY index is a driver-managed resource: the
 * in_use bitmap of the port's ice_ptp_tx), and so is the checksum request: its bits live in the
 * 64-bit cmd_type_offset_bsz word (IIPT/L4T/MACLEN/IPLEN/L4LEN), which the raw loader's 1/2/4-byte
 * accessors cannot write — not built.
 */
import { type DevtxCtx, DevtxPoint, Errno, type RawDevtxProgramSpec } from "@devtx/core"
import type { TxStampLog } from "./TxStampLog.js"

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
