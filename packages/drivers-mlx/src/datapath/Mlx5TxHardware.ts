/**
 * The ConnectX hardware model, TX: between a send queue's doorbell record and the wire. Per SQ,
 * WQEs are executed in ring order (hwCc = the device's WQEBB consumer counter, 16 bits):
 *
 *  1. Stop when hwCc reaches the doorbell record's producer counter (nothing more exposed), or
 *     when the WQE asks for a CQE and the CQ has no free entry (a CQE is never written over one
 *     the driver has not released through the CQ doorbell record): backpressure, nothing lost.
 *  2. Decode the ctrl segment: opcode, DS count (WQE size = DIV_ROUND_UP(ds, 4) WQEBBs), fm_ce_se.
 *     - NOP: nothing leaves.
 *     - SEND: gather one frame: inline_hdr.sz header bytes (2 in eth.inline_hdr.start, the rest in
 *       the following DS), then every data segment (byte_count bytes at lkey/addr).
 *     - ENHANCED_MPSW: one frame per data segment after the eth segment (or per inline segment,
 *       byte_count with MLX5_INLINE_SEG); the eth segment (cs_flags) applies to all of them.
 *  3. For each frame: the clock moves (tickNs / tickCycles: the frame's time on the wire), the
 *     checksum offload of the eth segment's cs_flags is applied to the wire copy
 *     (Mlx5TxChecksumOffload.ts), and the frame is handed to the wire with the PHC time it left.
 *  4. If fm_ce_se has MLX5_WQE_CTRL_CQ_UPDATE: write a send CQE (struct mlx5_cqe64): opcode
 *     MLX5_CQE_REQ (0), wqe_counter = this WQE's index (opmod_idx_opcode bits 23:8, i.e. the LAST
 *     WQE the CQE completes: everything since the previous CQE is covered), timestamp = the clock
 *     when this WQE's last frame left (real-time sec:nsec or free-running cycles, as on RX),
 *     sop_drop_qpn = WQE opcode << 24 | SQ number (model choice; mlx5e reads neither), op_own last
 *     with the owner bit = wrap parity of the CQ producer counter.
 *
 * DMA addresses: the model's IOVA layout maps DMA region r (device frame memory, bounce frames,
 * bound UMEMs, skb memory) at r << 32, so addr = (region, offset) and lkey is the single mkey
 * mlx5e uses for everything (sq->mkey_be); a segment whose lkey differs is not sent.
 *
 * Per packet: no allocation, no exceptions; numeric returns.
 */
import { ParsedFrame, type TxWire, U64 } from "@devtx/core"
import { type Mlx5HwClock, type Mlx5Timecounter, Mlx5TsFormat, realTimeCyc2time } from "./Mlx5Clock.js"
import { Cqe64, MLX5_CQE64_SIZE, Mlx5CqeFormat, Mlx5CqeOpcode, makeOpOwn } from "./Mlx5Cqe.js"
import { MLX5_CQ_DBREC_CI_MASK } from "./Mlx5RxQueueMemory.js"
import { mlx5ApplyTxChecksumOffload } from "./Mlx5TxChecksumOffload.js"
import type { Mlx5TxQueueMemory } from "./Mlx5TxQueueMemory.js"
import {
  ctrlDsCount,
  ctrlFmCeSe,
  ctrlOpcode,
  ctrlWqeIndex,
  dataAddrHi,
  dataAddrLo,
  dataByteCount,
  dataLkey,
  ethCsFlags,
  ethInlineHdrSz,
  INL_HDR_START_SZ,
  inlineDsCount,
  MLX5_INLINE_SEG,
  MLX5_SEND_WQE_BB,
  MLX5_SEND_WQE_DS,
  MLX5_WQE_CTRL_CQ_UPDATE,
  MLX5_WQE_INLINE_SEG_BYTE_COUNT_MASK,
  MLX5E_TX_WQE_EMPTY_DS_COUNT,
  Mlx5Opcode,
  TxWqe,
  WqeEth,
  wqebbsOfDs
} from "./Mlx5Wqe.js"

/** The single memory key mlx5e puts in every data segment (mdev->mlx5e_res.hw_objs.mkey, model value). */
export const MLX5_MODEL_MKEY = 0x00004200

/** The device's view of one send queue. */
export class Mlx5HwSq {
  /** WQEBB consumer counter (u16) */
  hwCc = 0
  /** CQ producer counter */
  cqPc = 0
  /** WQEs the device refused (bad lkey / address): counted, consumed, nothing sent */
  badWqes = 0
  constructor(readonly mem: Mlx5TxQueueMemory) {}
}

export interface Mlx5TxHwConfig {
  readonly tsFormat: number
  readonly tickNs: number
  readonly tickCycles: number
  readonly maxFrame: number
}

export class Mlx5TxHardware {
  readonly wireBuf: Uint8Array
  private readonly parsed = new ParsedFrame()
  private readonly ns = new U64()
  /** PHC ns (hi:lo) when the last frame left, and the raw CQE stamp of it */
  lastTxHi = 0
  lastTxLo = 0

  constructor(
    readonly config: Mlx5TxHwConfig,
    /** DMA regions by IOVA high word */
    readonly regions: ReadonlyArray<Uint8Array | undefined>,
    readonly clock: Mlx5HwClock,
    readonly tc: Mlx5Timecounter,
    public wire: TxWire
  ) {
    this.wireBuf = new Uint8Array(config.maxFrame)
  }

  private cqFull(q: Mlx5HwSq): boolean {
    const ci = q.mem.cqDbrec.getUint32(0, false)
    return ((q.cqPc - ci) & MLX5_CQ_DBREC_CI_MASK) >= q.mem.size
  }

  /** Copy `len` bytes at IOVA (hi:lo) with `lkey` into the wire buffer at `at`; false if unmapped. */
  private gather(lkey: number, hi: number, lo: number, len: number, at: number): boolean {
    const mem = this.regions[hi]
    if (lkey !== MLX5_MODEL_MKEY || mem === undefined || lo + len > mem.length || at + len > this.wireBuf.length) return false
    this.wireBuf.set(mem.subarray(lo, lo + len), at)
    return true
  }

  /** One frame of `len` bytes in wireBuf leaves: clock, checksum offload, wire. */
  private emit(len: number, csFlags: number): void {
    const clk = this.clock
    clk.advance(this.config.tickNs, this.config.tickCycles)
    mlx5ApplyTxChecksumOffload(this.wireBuf, 0, len, csFlags, this.parsed)
    if (this.config.tsFormat === Mlx5TsFormat.REAL_TIME) realTimeCyc2time(clk.sec, clk.nsec, this.ns)
    else this.tc.cyc2time(clk.cyclesHi, clk.cyclesLo, this.ns)
    this.lastTxHi = this.ns.hi
    this.lastTxLo = this.ns.lo
    this.wire(this.wireBuf, 0, len, this.ns.hi, this.ns.lo)
  }

  /** Execute up to `budget` frames' worth of WQEs of `q` (a WQE is executed whole). Returns frames sent. */
  transmit(q: Mlx5HwSq, budget: number): number {
    const mem = q.mem
    const v = mem.sqView
    let sent = 0
    while (sent < budget) {
      const pc = mem.sqDbrec.getUint32(0, false) & 0xffff
      if (q.hwCc === pc) break
      const w = (q.hwCc & mem.mask) * MLX5_SEND_WQE_BB
      const opcode = ctrlOpcode(v, w)
      const ds = ctrlDsCount(v, w)
      const ce = (ctrlFmCeSe(v, w) & MLX5_WQE_CTRL_CQ_UPDATE) === MLX5_WQE_CTRL_CQ_UPDATE
      if (ce && this.cqFull(q)) break
      const wqebbs = Math.max(1, wqebbsOfDs(ds))
      if (opcode === Mlx5Opcode.SEND) {
        const eth = w + TxWqe.ETH
        const sz = ethInlineHdrSz(v, eth)
        let len = 0
        let ok = true
        if (sz > 0) {
          // inline_hdr.start[2], then the rest in the DS that follow the eth segment
          this.wireBuf[0] = mem.sq[eth + WqeEth.INLINE_HDR_START]!
          this.wireBuf[1] = mem.sq[eth + WqeEth.INLINE_HDR_START + 1]!
          if (sz > INL_HDR_START_SZ) this.wireBuf.set(mem.sq.subarray(w + TxWqe.DATA, w + TxWqe.DATA + sz - INL_HDR_START_SZ), INL_HDR_START_SZ)
          len = sz
        }
        for (let d = MLX5E_TX_WQE_EMPTY_DS_COUNT + inlineDsCount(sz); d < ds; d++) {
          const s = w + d * MLX5_SEND_WQE_DS
          const bc = dataByteCount(v, s)
          if (!this.gather(dataLkey(v, s), dataAddrHi(v, s), dataAddrLo(v, s), bc, len)) {
            ok = false
            break
          }
          len += bc
        }
        if (ok) {
          this.emit(len, ethCsFlags(v, eth))
          sent++
        } else q.badWqes++
      } else if (opcode === Mlx5Opcode.ENHANCED_MPSW) {
        const cs = ethCsFlags(v, w + TxWqe.ETH)
        let d = MLX5E_TX_WQE_EMPTY_DS_COUNT
        while (d < ds) {
          const s = w + d * MLX5_SEND_WQE_DS
          const bc = dataByteCount(v, s)
          if ((bc & MLX5_INLINE_SEG) !== 0) {
            const n = bc & MLX5_WQE_INLINE_SEG_BYTE_COUNT_MASK
            this.wireBuf.set(mem.sq.subarray(s + 4, s + 4 + n), 0)
            this.emit(n, cs)
            d += (4 + n + MLX5_SEND_WQE_DS - 1) >>> 4
          } else {
            if (this.gather(dataLkey(v, s), dataAddrHi(v, s), dataAddrLo(v, s), bc, 0)) this.emit(bc, cs)
            else q.badWqes++
            d++
          }
          sent++
        }
      }
      q.hwCc = (q.hwCc + wqebbs) & 0xffff
      if (ce) this.writeSendCqe(q, ctrlWqeIndex(v, w), opcode)
    }
    return sent
  }

  private writeSendCqe(q: Mlx5HwSq, wqeCounter: number, wqeOpcode: number): void {
    const mem = q.mem
    const c = mem.cqView
    const slot = (q.cqPc & mem.mask) * MLX5_CQE64_SIZE
    mem.cq.fill(0, slot, slot + MLX5_CQE64_SIZE - 1)
    const clk = this.clock
    if (this.config.tsFormat === Mlx5TsFormat.REAL_TIME) {
      c.setUint32(slot + Cqe64.TIMESTAMP_H, clk.sec, false)
      c.setUint32(slot + Cqe64.TIMESTAMP_L, clk.nsec, false)
    } else {
      c.setUint32(slot + Cqe64.TIMESTAMP_H, clk.cyclesHi, false)
      c.setUint32(slot + Cqe64.TIMESTAMP_L, clk.cyclesLo, false)
    }
    c.setUint32(slot + Cqe64.SOP_DROP_QPN, (((wqeOpcode & 0xff) << 24) | (mem.sqn & 0xffffff)) >>> 0, false)
    c.setUint16(slot + Cqe64.WQE_COUNTER, wqeCounter, false)
    const owner = (q.cqPc >>> mem.logSize) & 1
    c.setUint8(slot + Cqe64.OP_OWN, makeOpOwn(Mlx5CqeOpcode.REQ, Mlx5CqeFormat.NO_INLINE_DATA, owner))
    q.cqPc = (q.cqPc + 1) >>> 0
  }
}
