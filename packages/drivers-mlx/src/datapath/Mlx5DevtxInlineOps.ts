/**
 * mlx5's devtx kfunc ops (Mlx5DevtxOps.ts, the RFC design) as a description the loader can
 * splice (core devtx/DevtxInlineOps.ts; the "inlined" devtx binding). At the submit hooks
 * Mlx5DevtxCtx.desc/descOff is the WQE's eth segment (struct mlx5_wqe_eth_seg); at the complete
 * hooks compl/complOff is the send CQE (struct mlx5_cqe64, big-endian).
 *
 * - request_tx_timestamp: nothing to set (every send CQE carries a timestamp); 0.
 * - request_l4_csum(start, offset): eth segment cs_flags (u8 @4) |= MLX5_ETH_WQE_L3_CSUM |
 *   MLX5_ETH_WQE_L4_CSUM (include/linux/mlx5/qp.h); start/offset ignored ("HW/FW is doing
 *   parsing", mlx5e_xsk_request_checksum); 0.
 * - request_launch_time: mlx5 has no launch-time op in the RFC (no description; the kfunc
 *   stays -EOPNOTSUPP).
 * - tx_timestamp: always 0: sq->ptp_cyc2time(get_cqe_ts(cqe)) of timestamp_h BE32 @48 /
 *   timestamp_l BE32 @52, the converter chosen by the sq_ts_format capability (configuration):
 *   "sec-nsec-to-ns" (mlx5_real_time_cyc2time) or "timecounter-cyc2time" over
 *   CLOCKSOURCE_MASK(41) with the live timecounter state as context words
 *   ["tc", "mult" | "shift" | "frac" | "cycleLastHi" | "cycleLastLo" | "nsecHi" | "nsecLo"]
 *   (Mlx5DevtxCtx.tc).
 */
import type { NetDevice } from "@devtx/core"
import type { Mlx5Config } from "../Mlx5Config.js"
import { Cqe64 } from "./Mlx5Cqe.js"
import { MLX5_CYCLECOUNTER_MASK_BITS } from "./Mlx5InlineOps.js"
import { Mlx5EthWqeCsum, WqeEth } from "./Mlx5Wqe.js"

/** core's DevtxInlineOps, named through the NetDevice member that carries it */
type DevtxInlineOps = NonNullable<NetDevice["devtxInline"]>

const be32 = (offset: number) => ({ field: { offset, width: 4, bigEndian: true } }) as const
const tc = (member: string) => ({ context: ["tc", member] }) as const

export const mlx5DevtxInlineOps = (config: Pick<Mlx5Config, "tsFormat">): DevtxInlineOps => ({
  driver: "mlx5",
  submitLocator: { view: "desc", offset: "descOff" },
  completeLocator: { view: "compl", offset: "complOff" },
  xmoRequestTxTimestamp: { checks: [], stores: [] },
  xmoRequestL4Checksum: {
    checks: [],
    stores: [{ offset: WqeEth.CS_FLAGS, width: 1, bigEndian: false, value: { constant: Mlx5EthWqeCsum.L3 | Mlx5EthWqeCsum.L4 }, mode: "or" }]
  },
  xmoTxTimestamp: {
    cases: [
      config.tsFormat === "real-time"
        ? { tests: [], rc: 0, writes: {}, convert: { op: "sec-nsec-to-ns", sec: be32(Cqe64.TIMESTAMP_H), nsec: be32(Cqe64.TIMESTAMP_L) } }
        : {
            tests: [],
            rc: 0,
            writes: {},
            convert: {
              op: "timecounter-cyc2time",
              maskBits: MLX5_CYCLECOUNTER_MASK_BITS,
              cyclesHi: be32(Cqe64.TIMESTAMP_H),
              cyclesLo: be32(Cqe64.TIMESTAMP_L),
              mult: tc("mult"),
              shift: tc("shift"),
              frac: tc("frac"),
              cycleLastHi: tc("cycleLastHi"),
              cycleLastLo: tc("cycleLastLo"),
              nsecHi: tc("nsecHi"),
              nsecLo: tc("nsecLo")
            }
          }
    ]
  }
})
