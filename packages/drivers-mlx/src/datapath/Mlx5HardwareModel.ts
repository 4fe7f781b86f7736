/**
 * The ConnectX hardware model, RX: between the wire and the CQE. Per frame:
 *  1. Clock: advance the real-time clock and the free-running counter (one tick per frame), so
 *     the frame's stamp is the clock right after arrival.
 *  2. MAC: drop frames shorter than ETH_ZLEN (60, FCS stripped) and frames longer than the
 *     hardware MTU: sw MTU + ETH_HLEN + VLAN_HLEN (MLX5E_SW2HW_MTU adds ETH_HLEN + VLAN_HLEN +
 *     ETH_FCS_LEN; the FCS is not part of the bytes modelled here).
 *  3. Parse; RSS: Toeplitz over the fields of the frame's traffic type (TCP/UDP over IPv4/IPv6:
 *     addresses [+ ports when the rx-flow-hash set is "sdfn"]; every other IP packet, SCTP
 *     and ICMP included, and fragments: addresses only; non-IP: no hash, hash 0, type 0);
 *     queue = indirection table[hash & 255] (uniform spread).
 *  4. RQ: take the next posted WQE (HW counter != doorbell-record counter), else count
 *     rx_out_of_buffer and return -ENOBUFS; likewise when the CQ has no free entry
 *     (a CQE is never written over one the driver has not released through the CQ doorbell record).
 *  5. DMA the frame to the WQE's address, stripping the outer 802.1Q tag when CTAG stripping is on
 *     (802.1ad S-tags are never stripped: mlx5e has no NETIF_F_HW_VLAN_STAG_RX).
 *  6. Build the CQE (Mlx5Cqe.ts): rss_hash_result/rss_hash_type, check_sum = ones' complement
 *     sum of the IP header through the end of the IP datagram (the driver adds VLAN and tail
 *     padding itself, mlx5e_skb_csum_fixup), hds_ip_ext L2/L3/L4_OK, l4_l3_hdr_type, vlan_info,
 *     byte_cnt, timestamp (sec:nsec or cycles), wqe_counter, op_own (RESP_SEND, owner bit =
 *     wrap parity of the CQ producer counter), written last.
 *  7. CQE compression (basic layout, mini CQE format CSUM): consecutive CQEs that agree on every
 *     field except the hash, check_sum, byte_cnt, timestamp and wqe_counter are held as a session;
 *     a session of n >= 2 is written as a title CQE (format COMPRESSED, byte_cnt = n) at slot pc
 *     and arrays of 8 mini CQEs at slots pc+1, pc+8, pc+16, ... (where mlx5e_decompress_cqes_*
 *     reads them), occupying n slots; a session of 1 is written as a plain CQE. A session is
 *     written out when a non-matching CQE comes, when it reaches MLX5_MODEL_MAX_SESSION, or when
 *     the host polls (`flush`). Which fields the silicon requires to match is not public: the
 *     set above is this model's assumption.
 *
 * Per packet: no allocation, no exceptions; numeric return codes.
 */
import {
  CsumStatus,
  type CompiledRssHashFields,
  csumPartial,
  ETH_HLEN,
  ETH_ZLEN,
  EthProto,
  Errno,
  FragKind,
  L3Kind,
  L4Kind,
  ParsedFrame,
  ParseOption,
  ParseStatus,
  parseFrame,
  RssInput,
  buildRssInput,
  type ToeplitzKey,
  toeplitzHash,
  VLAN_HLEN
} from "@devtx/core"
import type { Mlx5HwClock } from "./Mlx5Clock.js"
import { Mlx5TsFormat } from "./Mlx5Clock.js"
import {
  Cqe64,
  CqeHdsIpExt,
  CqeL3HdrType,
  CqeL4HdrType,
  CqeRssIp,
  CqeRssL4,
  MLX5_CQE64_SIZE,
  MLX5_MINI_CQE8_SIZE,
  MLX5_MINI_CQE_ARRAY_SIZE,
  Mlx5CqeFormat,
  Mlx5CqeOpcode,
  makeL4L3HdrType,
  makeOpOwn,
  makeRssHashType,
  writeMiniCqe
} from "./Mlx5Cqe.js"
import { MLX5_CQ_DBREC_CI_MASK, type Mlx5RxQueueMemory, WqeDataSeg } from "./Mlx5RxQueueMemory.js"

export interface Mlx5HwConfig {
  readonly rxQueues: number
  readonly mtu: number
  readonly rssKey: ToeplitzKey
  readonly rssFields: CompiledRssHashFields
  readonly vlanStripCtag: boolean
  readonly tsFormat: number
  readonly cqeCompression: boolean
  readonly tickNs: number
  readonly tickCycles: number
}

/** Indirection table entries (uniform spread i % rxQueues, as mlx5e_rss_params_indir_init_uniform). */
export const MLX5_MODEL_INDIR_SIZE = 256
/** The model's cap on a compression session (the silicon's is not public). */
export const MLX5_MODEL_MAX_SESSION = 64
/** hard MTU overhead without FCS: ETH_HLEN + VLAN_HLEN */
export const MLX5_HW_MTU_OVERHEAD = ETH_HLEN + VLAN_HLEN
/** TCP ACK flag in the flags byte (TCP header byte 13) */
const TCP_FLAG_ACK = 0x10

/** The device's view of one RX queue. */
export class Mlx5HwRxQueue {
  /** HW consumer counter of the RQ (16-bit, as the WQE index it reports) */
  wqeCounter = 0
  /** CQ producer counter */
  pc = 0
  /** compression session */
  pending = 0
  readonly title = new Uint8Array(MLX5_CQE64_SIZE)
  readonly titleView = new DataView(this.title.buffer)
  readonly miniCsum = new Uint16Array(MLX5_MODEL_MAX_SESSION)
  readonly miniBcnt = new Uint32Array(MLX5_MODEL_MAX_SESSION)
  /** frames dropped for lack of a WQE / CQ room (rx_out_of_buffer) */
  outOfBuffer = 0
  constructor(readonly mem: Mlx5RxQueueMemory) {}
}

/** Fields compared to keep a CQE in a compression session: [offset, length] pairs. */
const SESSION_MATCH: ReadonlyArray<number> = [
  Cqe64.TLS_OUTER_L3_TUNNELED, 2,
  Cqe64.ML_PATH, 1,
  Cqe64.SLID, 2,
  Cqe64.FLAGS_RQPN, 4,
  Cqe64.HDS_IP_EXT, 4,
  Cqe64.SRQN, 8,
  Cqe64.SOP_DROP_QPN, 4
]

export class Mlx5HardwareModel {
  readonly parsed = new ParsedFrame()
  readonly rssInput = new RssInput()
  readonly indir = new Uint8Array(MLX5_MODEL_INDIR_SIZE)
  readonly queues: ReadonlyArray<Mlx5HwRxQueue>
  /** the CQE being built */
  readonly cur = new Uint8Array(MLX5_CQE64_SIZE)
  readonly curView = new DataView(this.cur.buffer)
  /** outputs of the last frame, for hosts and tests */
  lastQueue = -1
  lastHash = 0

  constructor(
    readonly config: Mlx5HwConfig,
    queues: ReadonlyArray<Mlx5RxQueueMemory>,
    readonly memory: Uint8Array,
    readonly clock: Mlx5HwClock
  ) {
    this.queues = queues.map((m) => new Mlx5HwRxQueue(m))
    for (let i = 0; i < MLX5_MODEL_INDIR_SIZE; i++) this.indir[i] = i % config.rxQueues
  }

  /** CQ entries the driver has not released (producer minus the doorbell record's ci). */
  private cqUsed(q: Mlx5HwRxQueue): number {
    const ci = q.mem.cqDbrec.getUint32(0, false)
    return ((q.pc & MLX5_CQ_DBREC_CI_MASK) - ci) & MLX5_CQ_DBREC_CI_MASK
  }

  /**
   * The wire delivers frame[off .. off+len). Returns the queue (>= 0), or -EINVAL (dropped by
   * the MAC), or -ENOBUFS (no posted WQE / no CQ room).
   */
  receive(frame: Uint8Array, off: number, len: number): number {
    const cfg = this.config
    this.clock.advance(cfg.tickNs, cfg.tickCycles)
    if (len < ETH_ZLEN || len > cfg.mtu + MLX5_HW_MTU_OVERHEAD) return -Errno.EINVAL
    const p = this.parsed
    parseFrame(frame, off, len, p, ParseOption.VerifyAll)
    const ipOk = (p.status === ParseStatus.Ok || p.status === ParseStatus.Runt) && (p.l3Kind === L3Kind.IPv4 || p.l3Kind === L3Kind.IPv6)

    // RSS
    let hash = 0
    let rssType = 0
    if (ipOk || p.status === ParseStatus.TruncatedL4 || p.status === ParseStatus.MalformedL4) {
      const n = buildRssInput(p, frame, cfg.rssFields, this.rssInput)
      if (n !== 0) {
        hash = toeplitzHash(cfg.rssKey, this.rssInput.bytes, 0, n)
        const ip = p.l3Kind === L3Kind.IPv4 ? CqeRssIp.IPV4 : CqeRssIp.IPV6
        const ported = n === 12 || n === 36
        const l4 = !ported ? CqeRssL4.NONE : p.ipProto === 6 ? CqeRssL4.TCP : CqeRssL4.UDP
        rssType = makeRssHashType(ip, l4)
      }
    }
    const queue = this.indir[hash & (MLX5_MODEL_INDIR_SIZE - 1)]!
    this.lastQueue = queue
    this.lastHash = hash
    const q = this.queues[queue]!
    const mem = q.mem
    const posted = mem.rqDbrec.getUint32(0, false) & 0xffff
    if (posted === q.wqeCounter || this.cqUsed(q) + q.pending >= mem.size) {
      q.outOfBuffer++
      return -Errno.ENOBUFS
    }
    const wqeOff = (q.wqeCounter & mem.mask) * 16
    const addr = mem.rqView.getUint32(wqeOff + WqeDataSeg.ADDR + 4, false)
    const wqeIndex = q.wqeCounter
    q.wqeCounter = (q.wqeCounter + 1) & 0xffff

    // VLAN stripping (outer 802.1Q only) and DMA
    const strip = cfg.vlanStripCtag && p.vlanCount > 0 && p.vlan0Tpid === EthProto.P_8021Q
    const dst = this.memory
    let outLen = len
    if (strip) {
      dst.set(frame.subarray(off, off + 12), addr)
      dst.set(frame.subarray(off + 12 + VLAN_HLEN, off + len), addr + 12)
      outLen = len - VLAN_HLEN
    } else dst.set(frame.subarray(off, off + len), addr)

    // checksum results
    let ext = CqeHdsIpExt.L2_OK
    let sum = 0
    let l3Type: number = CqeL3HdrType.NONE
    let l4Type: number = CqeL4HdrType.NONE
    if (ipOk || p.status === ParseStatus.TruncatedL4 || p.status === ParseStatus.MalformedL4) {
      const v4 = p.l3Kind === L3Kind.IPv4
      l3Type = v4 ? CqeL3HdrType.IPV4 : CqeL3HdrType.IPV6
      if (!v4 || p.ipv4CsumStatus === CsumStatus.Good) ext |= CqeHdsIpExt.L3_OK
      const l4Checked =
        p.fragKind === FragKind.None &&
        (p.l4Kind === L4Kind.TCP || p.l4Kind === L4Kind.UDP) &&
        (p.l4CsumStatus === CsumStatus.Good || p.l4CsumStatus === CsumStatus.Absent)
      if (l4Checked) ext |= CqeHdsIpExt.L4_OK
      const ipEnd = Math.min(p.l3Offset + p.ipTotalLen, len)
      sum = csumPartial(frame, off + p.l3Offset, ipEnd - p.l3Offset)
      if (p.l4Kind === L4Kind.UDP) l4Type = CqeL4HdrType.UDP
      else if (p.l4Kind === L4Kind.TCP) {
        const ack = (frame[off + p.l4Offset + 13]! & TCP_FLAG_ACK) !== 0
        const data = p.l4Len > p.l4HeaderLen
        l4Type = !ack ? CqeL4HdrType.TCP_NO_ACK : data ? CqeL4HdrType.TCP_ACK_AND_DATA : CqeL4HdrType.TCP_ACK_NO_DATA
      }
    }

    // the CQE
    const c = this.curView
    this.cur.fill(0)
    c.setUint32(Cqe64.RSS_HASH_RESULT, hash, false)
    c.setUint8(Cqe64.RSS_HASH_TYPE, rssType)
    c.setUint16(Cqe64.CHECK_SUM, sum, false)
    c.setUint8(Cqe64.HDS_IP_EXT, ext)
    c.setUint8(Cqe64.L4_L3_HDR_TYPE, makeL4L3HdrType(l4Type, l3Type, strip))
    c.setUint16(Cqe64.VLAN_INFO, strip ? p.vlan0Tci : 0, false)
    c.setUint32(Cqe64.BYTE_CNT, outLen, false)
    const clk = this.clock
    if (cfg.tsFormat === Mlx5TsFormat.REAL_TIME) {
      c.setUint32(Cqe64.TIMESTAMP_H, clk.sec, false)
      c.setUint32(Cqe64.TIMESTAMP_L, clk.nsec, false)
    } else {
      c.setUint32(Cqe64.TIMESTAMP_H, clk.cyclesHi, false)
      c.setUint32(Cqe64.TIMESTAMP_L, clk.cyclesLo, false)
    }
    c.setUint16(Cqe64.WQE_COUNTER, wqeIndex, false)
    c.setUint8(Cqe64.OP_OWN, makeOpOwn(Mlx5CqeOpcode.RESP_SEND, Mlx5CqeFormat.NO_INLINE_DATA, 0))

    if (!cfg.cqeCompression) {
      this.writePlain(q, this.cur)
      return queue
    }
    if (q.pending > 0 && (q.pending >= MLX5_MODEL_MAX_SESSION || !this.matchesTitle(q))) this.flushQueue(q)
    if (q.pending === 0) q.title.set(this.cur)
    q.miniCsum[q.pending] = sum
    q.miniBcnt[q.pending] = outLen
    q.pending++
    return queue
  }

  private matchesTitle(q: Mlx5HwRxQueue): boolean {
    const a = this.cur
    const b = q.title
    for (let i = 0; i < SESSION_MATCH.length; i += 2) {
      const o = SESSION_MATCH[i]!
      const n = SESSION_MATCH[i + 1]!
      for (let j = o; j < o + n; j++) if (a[j] !== b[j]) return false
    }
    return (a[Cqe64.OP_OWN]! & 0xf0) === (b[Cqe64.OP_OWN]! & 0xf0)
  }

  /** Write `cqe` at the producer slot with the owner bit of this pass; op_own last. */
  private writePlain(q: Mlx5HwRxQueue, cqe: Uint8Array): void {
    const mem = q.mem
    const slot = (q.pc & mem.mask) * MLX5_CQE64_SIZE
    mem.cq.set(cqe.subarray(0, MLX5_CQE64_SIZE - 1), slot)
    const owner = (q.pc >>> mem.logSize) & 1
    mem.cq[slot + Cqe64.OP_OWN] = (cqe[Cqe64.OP_OWN]! & 0xfe) | owner
    q.pc = (q.pc + 1) >>> 0
  }

  /** Write out a pending compression session of queue `q`. */
  private flushQueue(q: Mlx5HwRxQueue): void {
    const n = q.pending
    if (n === 0) return
    q.pending = 0
    const mem = q.mem
    if (n === 1) {
      q.titleView.setUint16(Cqe64.CHECK_SUM, q.miniCsum[0]!, false)
      q.titleView.setUint32(Cqe64.BYTE_CNT, q.miniBcnt[0]!, false)
      this.writePlain(q, q.title)
      return
    }
    // mini CQE arrays first: array k at slot pc+1 (k = 0) or pc+8k, holding minis 8k..8k+7
    for (let k = 0; k * MLX5_MINI_CQE_ARRAY_SIZE < n; k++) {
      const slotCtr = q.pc + (k === 0 ? 1 : k * MLX5_MINI_CQE_ARRAY_SIZE)
      const base = (slotCtr & mem.mask) * MLX5_CQE64_SIZE
      mem.cq.fill(0, base, base + MLX5_CQE64_SIZE)
      for (let i = 0; i < MLX5_MINI_CQE_ARRAY_SIZE && k * MLX5_MINI_CQE_ARRAY_SIZE + i < n; i++) {
        const m = k * MLX5_MINI_CQE_ARRAY_SIZE + i
        writeMiniCqe(mem.cqView, base + i * MLX5_MINI_CQE8_SIZE, q.miniCsum[m]!, q.miniBcnt[m]!)
      }
    }
    // the title: the first CQE with byte_cnt = number of CQEs in the session, format COMPRESSED
    const t = q.titleView
    t.setUint32(Cqe64.BYTE_CNT, n, false)
    const slot = (q.pc & mem.mask) * MLX5_CQE64_SIZE
    mem.cq.set(q.title.subarray(0, MLX5_CQE64_SIZE - 1), slot)
    const owner = (q.pc >>> mem.logSize) & 1
    mem.cq[slot + Cqe64.OP_OWN] = makeOpOwn(q.title[Cqe64.OP_OWN]! >>> 4, Mlx5CqeFormat.COMPRESSED, owner)
    q.pc = (q.pc + n) >>> 0
  }

  /** The host is looking: write out any pending compression session of `queue`. */
  flush(queue: number): void {
    this.flushQueue(this.queues[queue]!)
  }

  /** CQEs written to the CQ and not yet released by the driver, plus any pending session. */
  written(queue: number): number {
    const q = this.queues[queue]!
    return this.cqUsed(q) + q.pending
  }
}
