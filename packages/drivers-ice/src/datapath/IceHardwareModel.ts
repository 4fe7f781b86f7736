/**
 * The ice hardware model, RX: from the wire to the 32-byte write-back descriptor. Per frame:
 *   1. PHC advances by phcTickNs; the frame's timestamp is the advanced PHC.
 *   2. MAC: drop runts (< ETH_ZLEN 60 without FCS) and frames longer than the queue's rxmax,
 *      rlan_ctx.rxmax = vsi->max_frame = MTU + ICE_ETH_PKT_HDR_PAD (ETH_HLEN + ETH_FCS_LEN +
 *      2 * VLAN_HLEN = 26), compared with the frame length including its 4-byte FCS.
 *   3. Parse (IceRxParser): ptype, integrity bits, RSS input. Toeplitz over the input with the
 *      52-byte key; queue = LUT[hash & (ICE_LUT_PF_SIZE 2048 - 1)], LUT i -> i % rxQueues
 *      (ice_fill_rss_lut); with NETIF_F_RXHASH off the LUT is all zero (queue 0) but rss_hash is
 *      still written. Tunnelled frames hash the innermost IP (+ ports) (ICE_RSS_ANY_HEADERS).
 *   4. Take the next posted buffer of that queue; none -> -ENOBUFS, nothing overwritten.
 *   5. VLAN stripping of the outermost tag when it matches the configured TPID (SVM: 0x8100 for
 *      CTAG; DVM: 0x8100 / 0x88A8 as the outer tag type): the tag leaves the packet and goes to
 *      l2tag1 + STATUS0.L2TAG1P (l2tsel 1, SVM) or l2tag2_2nd + STATUS1.L2TAG2P (l2tsel 0, DVM).
 *   6. E830: raw_csum = ones'-complement sum of the delivered packet from byte 14 (after the MAC
 *      header) to its end, network order, as LE16 (what CHECKSUM_COMPLETE needs after
 *      eth_type_trans). E810 writes 0 there (l2tag2_1st, unused with l2tsel as ice sets it).
 *   7. Write the descriptor; status_error0 with DD is written last.
 *
 * Per packet: no allocation, no exceptions, numeric status codes.
 */
import { csumPartial, Errno, ETH_ZLEN, type ToeplitzKey, toeplitzHash, XDP_PACKET_HEADROOM } from "@devtx/core"
import { IceParsed, iceParseFrame, IceRssFlow } from "./IceRxParser.js"
import { ICE_PTP_TS_VALID, ICE_RX_FLEX_DESC_SIZE, IceRxDesc, IceRxdid, IceStatus0, IceStatus1 } from "./IceRxFlexDesc.js"
import type { IcePhc } from "./IceTimestamp.js"

/** ICE_LUT_PF_SIZE (ice_adminq_cmd.h enum ice_lut_size) */
export const ICE_LUT_PF_SIZE = 2048
/** ICE_ETH_PKT_HDR_PAD = ETH_HLEN + ETH_FCS_LEN + VLAN_HLEN * 2 (ice.h) */
export const ICE_ETH_PKT_HDR_PAD = 26
const ETH_FCS_LEN = 4

/** Per flow type: 0 none, 1 addresses, 2 addresses + ports (compiled from ethtool rx-flow-hash sets) */
export interface IceRssSelect {
  readonly tcp4: number
  readonly udp4: number
  readonly sctp4: number
  readonly other4: number
  readonly tcp6: number
  readonly udp6: number
  readonly sctp6: number
  readonly other6: number
}

export interface IceHwConfig {
  readonly rxQueues: number
  readonly mtu: number
  readonly rxdid: number
  readonly e830: boolean
  /** true: DVM (l2tsel 0) */
  readonly dvm: boolean
  /** TPID the hardware strips as the outer/single tag, 0 = stripping off */
  readonly stripTpid: number
  readonly rxhash: boolean
  readonly rssKey: ToeplitzKey
  readonly rss: IceRssSelect
  readonly vxlanPorts: Uint16Array
  readonly vxlanPortCount: number
  readonly phcTickNs: number
}

/** One RX queue as the hardware sees it. */
export interface IceHwRxQueue {
  readonly ring: { readonly bytes: Uint8Array; readonly view: DataView; readonly mask: number; producer: number }
  /** the driver's per-slot buffer start (the write-back overwrites pkt_addr, so the hardware reads the read format first) */
  hwHead: number
}

export class IceHardwareModel {
  readonly parsed = new IceParsed()
  readonly rssIn = new Uint8Array(36)
  readonly lut: Uint8Array
  lastQueue = -1
  lastHash = 0

  constructor(
    readonly config: IceHwConfig,
    readonly queues: ReadonlyArray<IceHwRxQueue>,
    readonly memory: Uint8Array,
    readonly phc: IcePhc
  ) {
    this.lut = new Uint8Array(ICE_LUT_PF_SIZE)
    if (config.rxhash) for (let i = 0; i < ICE_LUT_PF_SIZE; i++) this.lut[i] = i % config.rxQueues
  }

  /** Toeplitz hash of the parsed frame per the configured field sets; 0 = no profile matched. */
  rssHash(b: Uint8Array): number {
    const p = this.parsed
    if (p.hashAddrOff < 0 || p.hashFlow === IceRssFlow.NONE) return 0
    const r = this.config.rss
    const v6 = p.hashV6
    const f = p.hashFlow
    const sel =
      f === IceRssFlow.TCP
        ? v6 ? r.tcp6 : r.tcp4
        : f === IceRssFlow.UDP
          ? v6 ? r.udp6 : r.udp4
          : f === IceRssFlow.SCTP
            ? v6 ? r.sctp6 : r.sctp4
            : v6 ? r.other6 : r.other4
    if (sel === 0) return 0
    const n = p.hashAddrLen * 2
    const inp = this.rssIn
    for (let i = 0; i < n; i++) inp[i] = b[p.hashAddrOff + i]!
    let len = n
    if (sel === 2 && p.hashPortsOff >= 0) {
      for (let i = 0; i < 4; i++) inp[n + i] = b[p.hashPortsOff + i]!
      len += 4
    }
    return toeplitzHash(this.config.rssKey, inp, 0, len)
  }

  /**
   * The wire delivers frame[off .. off+len). Returns the queue (>= 0), -EINVAL (dropped by the
   * MAC) or -ENOBUFS (no posted buffer).
   */
  receive(frame: Uint8Array, off: number, len: number): number {
    const cfg = this.config
    this.phc.advance(cfg.phcTickNs)
    if (len < ETH_ZLEN || len + ETH_FCS_LEN > cfg.mtu + ICE_ETH_PKT_HDR_PAD) return -Errno.EINVAL
    const p = this.parsed
    iceParseFrame(frame, off, len, cfg.vxlanPorts, cfg.vxlanPortCount, p)
    if (p.status < 0) return -Errno.EINVAL
    const hash = this.rssHash(frame)
    this.lastHash = hash
    const queue = this.lut[hash & (ICE_LUT_PF_SIZE - 1)]!
    this.lastQueue = queue
    const q = this.queues[queue]!
    const ring = q.ring
    if (q.hwHead === ring.producer) return -Errno.ENOBUFS
    const d = (q.hwHead & ring.mask) * ICE_RX_FLEX_DESC_SIZE
    const view = ring.view
    // read format: pkt_addr (LE64; devtx addresses fit in the low half)
    const bufAddr = view.getUint32(d + IceRxDesc.PKT_ADDR, true)
    q.hwHead = (q.hwHead + 1) >>> 0

    const strip = cfg.stripTpid !== 0 && p.vlanCount > 0 && p.vlan0Tpid === cfg.stripTpid
    const mem = this.memory
    let outLen = len
    if (strip) {
      mem.set(frame.subarray(off, off + 12), bufAddr)
      mem.set(frame.subarray(off + 16, off + len), bufAddr + 12)
      outLen = len - 4
    } else mem.set(frame.subarray(off, off + len), bufAddr)

    let s0 = IceStatus0.EOF | p.status0
    let s1 = p.status1
    if (hash !== 0) s0 |= IceStatus0.RSS_VALID
    let l2tag1 = 0
    let l2tag2 = 0
    if (strip) {
      if (cfg.dvm) {
        s1 |= IceStatus1.L2TAG2P
        l2tag2 = p.vlan0Tci
      } else {
        s0 |= IceStatus0.L2TAG1P
        l2tag1 = p.vlan0Tci
      }
    }
    const rawCsum = cfg.e830 && outLen > 14 ? csumPartial(mem, bufAddr + 14, outLen - 14, 0) : 0

    view.setUint8(d + IceRxDesc.RXDID, cfg.rxdid)
    view.setUint8(d + IceRxDesc.MIR_ID_UMB_CAST, 0)
    view.setUint16(d + IceRxDesc.PTYPE_FLEX_FLAGS0, p.ptype, true)
    view.setUint16(d + IceRxDesc.PKT_LEN, outLen, true)
    view.setUint16(d + IceRxDesc.HDR_LEN_SPH_FLEX_FLAGS1, 0, true)
    view.setUint16(d + IceRxDesc.L2TAG1, l2tag1, true)
    view.setUint32(d + IceRxDesc.RSS_HASH, hash, true)
    view.setUint16(d + IceRxDesc.STATUS_ERROR1, s1, true)
    view.setUint8(d + IceRxDesc.FLEX_FLAGS2, 0)
    // ts_low: valid bit, sub-ns bits 7:1 zero (the modelled PHC counts whole ns)
    view.setUint8(d + IceRxDesc.TS_LOW, ICE_PTP_TS_VALID)
    view.setUint16(d + IceRxDesc.RAW_CSUM, rawCsum, true)
    view.setUint16(d + IceRxDesc.L2TAG2_2ND, l2tag2, true)
    if (cfg.rxdid === IceRxdid.FLEX_NIC_2) {
      view.setUint16(d + IceRxDesc.FLOW_ID, 0, true)
      view.setUint16(d + IceRxDesc.SRC_VSI, 0, true)
    } else view.setUint32(d + IceRxDesc.FLOW_ID, 0, true)
    view.setUint32(d + IceRxDesc.TS_HIGH, this.phc.lo, true)
    // DD last
    view.setUint16(d + IceRxDesc.STATUS_ERROR0, s0 | IceStatus0.DD, true)
    return queue
  }
}

/** Where the hardware DMAs a posted buffer: past the XDP headroom. */
export const iceDmaAddr = (frameStart: number): number => frameStart + XDP_PACKET_HEADROOM
