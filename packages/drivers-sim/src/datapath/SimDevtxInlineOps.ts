/**
 * The reference driver's devtx kfunc ops (SimDevtxOps.ts) as a description the loader can splice
 * (core devtx/DevtxInlineOps.ts; the "inlined" devtx binding): the same edits of the 32-byte TX
 * descriptor and the same read of the 16-byte completion (SimTxDescriptor.ts). The descriptor is
 * DevtxCtx.desc at descOff at the submit hooks; the completion DevtxCtx.compl at complOff at the
 * complete hooks.
 *
 * - request_tx_timestamp:  cmd @7 |= TSTAMP; 0.
 * - request_l4_csum(start, offset): start + offset + 2 > frame length (context word "len") ->
 *                          -EINVAL, nothing written; else csum_start u16 LE @8 = start,
 *                          csum_off u16 LE @10 = offset, cmd @7 |= L4_CSUM; 0.
 * - request_launch_time(hi, lo): launch_lo u32 LE @16 = lo, launch_hi u32 LE @20 = hi,
 *                          cmd @7 |= LAUNCH; 0.
 * - tx_timestamp:          completion status @2 TS_VALID clear -> -ENODATA; else lo = u32 LE @8,
 *                          hi = u32 LE @12.
 */
import { Errno, type NetDevice } from "@devtx/core"
import { SimTxCmd, SimTxCompl, SimTxComplStatus, SimTxDesc } from "./SimTxDescriptor.js"

/** core's DevtxInlineOps, named through the NetDevice member that carries it */
type DevtxInlineOps = NonNullable<NetDevice["devtxInline"]>

const orCmd = (bits: number) => ({ offset: SimTxDesc.CMD, width: 1, bigEndian: false, value: { constant: bits }, mode: "or" }) as const

export const simDevtxInlineOps: DevtxInlineOps = {
  driver: "sim",
  submitLocator: { view: "desc", offset: "descOff" },
  completeLocator: { view: "compl", offset: "complOff" },
  xmoRequestTxTimestamp: { checks: [], stores: [orCmd(SimTxCmd.TSTAMP)] },
  xmoRequestL4Checksum: {
    checks: [{ terms: [{ arg: 0 }, { arg: 1 }, { constant: 2 }], limit: { context: ["len"] }, rc: -Errno.EINVAL }],
    stores: [
      { offset: SimTxDesc.CSUM_START, width: 2, bigEndian: false, value: { arg: 0 }, mode: "set" },
      { offset: SimTxDesc.CSUM_OFFSET, width: 2, bigEndian: false, value: { arg: 1 }, mode: "set" },
      orCmd(SimTxCmd.L4_CSUM)
    ]
  },
  xmoRequestLaunchTime: {
    checks: [],
    stores: [
      { offset: SimTxDesc.LAUNCH_LO, width: 4, bigEndian: false, value: { arg: 1 }, mode: "set" },
      { offset: SimTxDesc.LAUNCH_HI, width: 4, bigEndian: false, value: { arg: 0 }, mode: "set" },
      orCmd(SimTxCmd.LAUNCH)
    ]
  },
  xmoTxTimestamp: {
    cases: [
      {
        tests: [{ field: { offset: SimTxCompl.STATUS, width: 1, bigEndian: false }, mask: SimTxComplStatus.TS_VALID, when: "clear" }],
        rc: -Errno.ENODATA,
        writes: {}
      },
      {
        tests: [],
        rc: 0,
        writes: {
          lo: { field: { offset: SimTxCompl.TS_LO, width: 4, bigEndian: false } },
          hi: { field: { offset: SimTxCompl.TS_HI, width: 4, bigEndian: false } }
        }
      }
    ]
  }
}
