/**
 * devtx timestamping + checksum offload, raw-descriptor style, for drivers-sim: at submit the
 * program writes the sim TX descriptor's request bits itself through CO-RE-relocated fields of
 * `struct sim_tx_desc___devtx` (DevtxCtx.desc/descOff); at completion it reads the stamp from
 * `struct sim_tx_compl___devtx` (DevtxCtx.compl/complOff) — no devtx kfunc is called.
 *
 *   sim_tx_desc (SimTxDescriptor.ts)          sim_tx_compl
 *    7 | cmd: bit2 l4_csum, bit3 tstamp |       2 | status: bit1 ts_valid |
 *    8 | csum_start (u16) | csum_offset (u16) | 8 | ts_lo (u32) | ts_hi (u32) |
 *
 * Submit: tstamp = 1 when asked; for a UDP/TCP frame (FrameL4Locator), csum_start = transport
 * header, csum_offset = its checksum field, l4_csum = 1 — the hardware then sums from csum_start,
 * seeded with the 16 bits already in the field (CHECKSUM_PARTIAL: the sender puts the
 * pseudo-header sum there), as the sim's devtx kfunc / tmo_request_checksum program it.
 * Complete: ts_valid -> 0 with ts_hi:ts_lo, else -ENODATA, into a TxStampLog.
 * Per packet: no allocation.
 */
import { type DevtxCtx, DevtxPoint, Errno, type RawDevtxProgramSpec } from "@devtx/core"
import { L4Location, l4Locate } from "./FrameL4Locator.js"
import type { TxStampLog } from "./TxStampLog.js"

export interface RawDevtxSubmitOptions {
  readonly timestamp: boolean
  readonly checksum: boolean
  /** SUBMIT_XDP (default) or SUBMIT_SKB */
  readonly point?: DevtxPoint
}

export const simRawDevtxSubmit = (opts: RawDevtxSubmitOptions): RawDevtxProgramSpec => ({
  name: "devtx_submit_raw_sim",
  point: opts.point ?? DevtxPoint.SUBMIT_XDP,
  structs: [
    {
      name: "sim_tx_desc___devtx",
      fields: [
        { name: "l4_csum", type: "u8", bits: 1 },
        { name: "tstamp", type: "u8", bits: 1 },
        { name: "csum_start", type: "u16" },
        { name: "csum_offset", type: "u16" }
      ]
    }
  ],
  instantiate: ({ fields }) => {
    const F = fields.sim_tx_desc!
    const l4csum = F.l4_csum!.write
    const tstamp = F.tstamp!.write
    const start = F.csum_start!.write
    const offset = F.csum_offset!.write
    const loc = new L4Location()
    return (ctx: DevtxCtx): void => {
      const d = ctx.desc
      const o = ctx.descOff
      if (opts.timestamp) tstamp(d, o, 1)
      if (opts.checksum && l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0) {
        start(d, o, loc.start)
        offset(d, o, loc.offset)
        l4csum(d, o, 1)
      }
    }
  }
})

export const simRawDevtxComplete = (log: TxStampLog, point: DevtxPoint = DevtxPoint.COMPLETE_XDP): RawDevtxProgramSpec => ({
  name: "devtx_complete_raw_sim",
  point,
  structs: [
    {
      name: "sim_tx_compl___devtx",
      fields: [
        { name: "ts_valid", type: "u8", bits: 1 },
        { name: "ts_lo", type: "u32" },
        { name: "ts_hi", type: "u32" }
      ]
    }
  ],
  instantiate: ({ fields }) => {
    const F = fields.sim_tx_compl!
    const valid = F.ts_valid!.read
    const lo = F.ts_lo!.read
    const hi = F.ts_hi!.read
    return (ctx: DevtxCtx): void => {
      const c = ctx.compl
      const o = ctx.complOff
      if (valid(c, o) !== 0) log.push(0, hi(c, o), lo(c, o), ctx.data)
      else log.push(-Errno.ENODATA, 0, 0, ctx.data)
    }
  }
})
