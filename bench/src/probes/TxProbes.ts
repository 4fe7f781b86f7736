/**
 * The TX probes: devtx programs that request a TX timestamp and an L4 checksum at submit
 * (SUBMIT_XDP) and read the TX timestamp at completion (COMPLETE_XDP), in each style the TX
 * suite times. Every submit probe does the same frame work — it finds the transport header with
 * the programs package's l4Locate (csum_start / csum_offset, the CHECKSUM_PARTIAL convention) —
 * so styles differ only in how the descriptor is written or read. Every completion probe pushes
 * (rc, hi, lo, frame address) into a TxStampLog, the record the styles are compared on.
 *
 * raw-fixed, the floor of the TX paths: the minimal fixed-offset descriptor write / read. The
 * struct declaration carries the offsets the program was compiled with (the raw loader checks
 * them against the driver's BTF, a mismatch fails the load) and the body writes / reads at those
 * offsets as literals:
 *   sim  sim_tx_desc  byte 7 cmd: bit 2 l4_csum, bit 3 tstamp; csum_start u16 @8, csum_offset u16 @10
 *        sim_tx_compl byte 2 status: bit 1 ts_valid; ts_lo u32 @8, ts_hi u32 @12
 *   mlx5 mlx5_wqe_eth_seg cs_flags u8 @4 |= MLX5_ETH_WQE_L3_CSUM BIT(6) | MLX5_ETH_WQE_L4_CSUM BIT(7)
 *        (include/linux/mlx5/qp.h; no timestamp request: every send CQE is stamped)
 *        mlx5_cqe64 timestamp_h be32 @48, timestamp_l be32 @52, converted by mlx5RawStampToNs, whose
 *        real-time branch is core's u64SecNsecToNs — the conversion the driver's kfunc calls, so the
 *        floor and the kfunc styles pay for the same arithmetic
 *   ice  none: the request bits are in the 64-bit cmd_type_offset_bsz word / a PHY index, and the
 *        stamp is not in any descriptor (programs IceRawDevtx.ts)
 *
 * Every submit probe takes a TxRequests (both by default; one alone for the marginal cost of each
 * request), and an empty submit / complete program measures the fixed cost of the paths.
 *
 * kfunc styles: the same program calling bpf_devtx_request_tx_timestamp, bpf_devtx_request_l4_csum
 * and bpf_devtx_tx_timestamp, bound by @devtx/kfuncs loadBoundDevtx. Its source is generated per
 * load (`new Function`, numbers and fixed identifiers only) so each binding mode's program has its
 * own V8 type feedback, as each BPF load has its own JIT image.
 */
import {
  type DevtxCtx,
  DevtxPoint,
  Errno,
  type DevtxProgramFn,
  type DevtxProgramSpec,
  type RawDevtxProgramSpec,
  RxTimestampOut,
  U64
} from "@devtx/core"
import { L4Location, l4Locate, type Mlx5RawRodata, mlx5RawStampToNs, type TxStampLog } from "@devtx/programs"



/**
 * What a submit probe requests: both (the TX suite's main figure), or one of them alone (the
 * marginal cost of each request). Names are the report's hint names for the TX paths.
 */
export interface TxRequests {
  readonly timestamp: boolean
  readonly checksum: boolean
}
export const TX_BOTH: TxRequests = { timestamp: true, checksum: true }
export const txRequestNames = (r: TxRequests): string[] => [...(r.timestamp ? ["tx-timestamp"] : []), ...(r.checksum ? ["l4-checksum"] : [])]
const reqTag = (r: TxRequests): string => (r.timestamp && r.checksum ? "" : r.timestamp ? "_ts" : r.checksum ? "_csum" : "_none")

/** The raw-fixed submit + complete programs of a driver, or why there are none. */
export type RawFixedTx = { readonly submit: RawDevtxProgramSpec; readonly complete: RawDevtxProgramSpec } | { readonly reason: string }

export const ICE_NO_RAW_TX =
  "no raw TX path on ice: the request bits live in the 64-bit cmd_type_offset_bsz word and a driver-allocated PHY timestamp index, and the TX stamp is read from PHY timestamp memory, not from any descriptor (ice_ptp_process_tx_tstamp; programs IceRawDevtx.ts)"

const simSubmit = (req: TxRequests): RawDevtxProgramSpec => ({
  name: `probe_tx_submit_raw_fixed_sim${reqTag(req)}`,
  point: DevtxPoint.SUBMIT_XDP,
  structs: [
    {
      name: "sim_tx_desc___probe",
      fields: [
        { name: "l4_csum", type: "u8", bits: 1, at: 7, atBit: 2 },
        { name: "tstamp", type: "u8", bits: 1, at: 7, atBit: 3 },
        { name: "csum_start", type: "u16", at: 8 },
        { name: "csum_offset", type: "u16", at: 10 }
      ]
    }
  ],
  instantiate: () => {
    const loc = new L4Location()
    return (ctx: DevtxCtx): void => {
      const d = ctx.desc
      const o = ctx.descOff
      if (req.timestamp) d.setUint8(o + 7, d.getUint8(o + 7) | 8)
      if (req.checksum && l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0) {
        d.setUint16(o + 8, loc.start, true)
        d.setUint16(o + 10, loc.offset, true)
        d.setUint8(o + 7, d.getUint8(o + 7) | 4)
      }
    }
  }
})

const simComplete = (log: TxStampLog): RawDevtxProgramSpec => ({
  name: "probe_tx_complete_raw_fixed_sim",
  point: DevtxPoint.COMPLETE_XDP,
  structs: [
    {
      name: "sim_tx_compl___probe",
      fields: [
        { name: "ts_valid", type: "u8", bits: 1, at: 2, atBit: 1 },
        { name: "ts_lo", type: "u32", at: 8 },
        { name: "ts_hi", type: "u32", at: 12 }
      ]
    }
  ],
  instantiate: () => (ctx: DevtxCtx): void => {
    const c = ctx.compl
    const o = ctx.complOff
    if ((c.getUint8(o + 2) & 2) !== 0) log.push(0, c.getUint32(o + 12, true), c.getUint32(o + 8, true), ctx.data)
    else log.push(-Errno.ENODATA, 0, 0, ctx.data)
  }
})

const mlx5Submit = (req: TxRequests): RawDevtxProgramSpec => ({
  name: `probe_tx_submit_raw_fixed_mlx5${reqTag(req)}`,
  point: DevtxPoint.SUBMIT_XDP,
  structs: [{ name: "mlx5_wqe_eth_seg___probe", fields: [{ name: "cs_flags", type: "u8", at: 4 }] }],
  instantiate: () => {
    const loc = new L4Location()
    return (ctx: DevtxCtx): void => {
      // req.timestamp: nothing to write, every send CQE is stamped
      if (req.checksum && l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0) ctx.desc.setUint8(ctx.descOff + 4, ctx.desc.getUint8(ctx.descOff + 4) | 0xc0)
    }
  }
})

const mlx5Complete = (rodata: Mlx5RawRodata, log: TxStampLog): RawDevtxProgramSpec => ({
  name: "probe_tx_complete_raw_fixed_mlx5",
  point: DevtxPoint.COMPLETE_XDP,
  structs: [
    {
      name: "mlx5_cqe64___probe",
      fields: [
        { name: "timestamp_h", type: "be32", at: 48 },
        { name: "timestamp_l", type: "be32", at: 52 }
      ]
    }
  ],
  instantiate: () => {
    const ns = new U64()
    const scratch = new U64()
    return (ctx: DevtxCtx): void => {
      const c = ctx.compl
      const o = ctx.complOff
      const rc = mlx5RawStampToNs(rodata, c.getUint32(o + 48, false), c.getUint32(o + 52, false), ns, scratch)
      log.push(rc, rc === 0 ? ns.hi : 0, rc === 0 ? ns.lo : 0, ctx.data)
    }
  }
})

export const rawFixedTxFor = (driver: string, rodata: Mlx5RawRodata | undefined, log: TxStampLog, req: TxRequests = TX_BOTH): RawFixedTx => {
  if (driver === "sim") return { submit: simSubmit(req), complete: simComplete(log) }
  if (driver === "mlx5") {
    if (rodata === undefined) return { reason: "mlx5 raw TX floor needs the program's .rodata (clock format) from the configuration" }
    return { submit: mlx5Submit(req), complete: mlx5Complete(rodata, log) }
  }
  if (driver === "ice") return { reason: ICE_NO_RAW_TX }
  return { reason: `no raw TX floor for driver ${driver} in bench/src/probes` }
}

const SUBMIT_SRC = (tag: string, req: TxRequests): string =>
  [
    `"use strict";`,
    `const loc = new L4Location();`,
    `return function probe_tx_submit_${tag}(ctx) {`,
    ...(req.timestamp ? [`  K_requestTxTimestamp(ctx);`] : []),
    ...(req.checksum ? [`  if (l4Locate(ctx.mem, ctx.data, ctx.len, loc) === 0) K_requestL4Checksum(ctx, loc.start, loc.offset);`] : []),
    `}`
  ].join("\n")

const COMPLETE_SRC = (tag: string): string =>
  [
    `"use strict";`,
    `const out = new Out();`,
    `return function probe_tx_complete_${tag}(ctx) {`,
    `  const rc = K_txTimestamp(ctx, out);`,
    `  if (rc === 0) log.push(0, out.hi, out.lo, ctx.data); else log.push(rc, 0, 0, ctx.data);`,
    `}`
  ].join("\n")

/** kfunc-style submit probe: request timestamp, then the L4 checksum of a UDP/TCP frame (or one of them). */
export const kfuncTxSubmitSpec = (tag: string, req: TxRequests = TX_BOTH): DevtxProgramSpec => ({
  name: `probe_tx_submit_${tag}${reqTag(req)}`,
  point: DevtxPoint.SUBMIT_XDP,
  kfuncs: [...(req.timestamp ? ["bpf_devtx_request_tx_timestamp"] : []), ...(req.checksum ? ["bpf_devtx_request_l4_csum"] : [])],
  instantiate: ({ kfuncs }) => {
    const make = new Function("K_requestTxTimestamp", "K_requestL4Checksum", "L4Location", "l4Locate", SUBMIT_SRC(`${tag}${reqTag(req)}`, req)) as (...a: unknown[]) => DevtxProgramFn
    return make(kfuncs.requestTxTimestamp, kfuncs.requestL4Checksum, L4Location, l4Locate)
  }
})

/** kfunc-style completion probe: read the TX timestamp into the log. */
export const kfuncTxCompleteSpec = (tag: string, log: TxStampLog): DevtxProgramSpec => ({
  name: `probe_tx_complete_${tag}`,
  point: DevtxPoint.COMPLETE_XDP,
  kfuncs: ["bpf_devtx_tx_timestamp"],
  instantiate: ({ kfuncs }) => {
    const make = new Function("K_txTimestamp", "Out", "log", COMPLETE_SRC(tag)) as (...a: unknown[]) => DevtxProgramFn
    return make(kfuncs.txTimestamp, RxTimestampOut, log)
  }
})

/** The empty devtx programs (no request, no read): the TX paths' fixed cost every figure includes. */
export const emptyTxSubmitSpec = (): DevtxProgramSpec => ({
  name: "probe_tx_submit_empty",
  point: DevtxPoint.SUBMIT_XDP,
  kfuncs: [],
  instantiate: () => new Function(`"use strict"; return function probe_tx_submit_empty(ctx) {}`)() as DevtxProgramFn
})
export const emptyTxCompleteSpec = (): DevtxProgramSpec => ({
  name: "probe_tx_complete_empty",
  point: DevtxPoint.COMPLETE_XDP,
  kfuncs: [],
  instantiate: () => new Function(`"use strict"; return function probe_tx_complete_empty(ctx) {}`)() as DevtxProgramFn
})
