/**
 * The reference NIC's hardware model, RX: what the silicon does between the wire and the
 * write-back descriptor. Per frame:
 *   1. MAC: drop runts (< ETH_ZLEN, 60 B without FCS) and frames whose L2 payload exceeds the MTU.
 *   2. Parse (FrameParser, verifying checksums), compute the Toeplitz RSS hash over the fields
 *      configured for the flow type, pick the queue through a 128-entry indirection table
 *      (ethtool's default spread: entry i -> queue i % rxQueues). Steering hashes even when
 *      NETIF_F_RXHASH is off; only the reporting (RSS_VALID) depends on it.
 *   3. Take the next posted buffer of that queue (none: rx_missed, -ENOBUFS; nothing overwritten).
 *   4. Strip the outermost VLAN tag when stripping is on for its TPID; DMA the frame.
 *   5. Write the descriptor (SimRxDescriptor.ts), status byte with DD last; advance the PHC.
 *
 * Hash input and type: core's RssInput (ethtool rx-flow-hash field sets per flow type, only named
 * enum xdp_rss_hash_type values: L4 types for TCP/UDP/SCTP hashed with ports, _EX for IPv6 with
 * extension headers, L3_IPV4_OPT for IPv4 options on an L3-only hash; fragments and ICMP hash
 * on addresses only).
 */
import {
  CsumStatus,
  Errno,
  csumFold,
  csumPartial,
  EthProto,
  ETH_ZLEN,
  type CompiledRssHashFields,
  FragKind,
  L3Kind,
  L4Kind,
  ParsedFrame,
  ParseOption,
  parseFrame,
  RssInput,
  rssHashFrame,
  type ToeplitzKey,
  VLAN_HLEN,
  XDP_PACKET_HEADROOM,
} from "@devtx/core"
import { SimRxError, type SimRxLayout, SimRxStatus } from "./SimRxDescriptor.js"
import type { SimPhc } from "./SimPhc.js"

export interface SimHwConfig {
  readonly rxQueues: number
  readonly mtu: number
  readonly rxhash: boolean
  readonly rssKey: ToeplitzKey
  readonly rssFields: CompiledRssHashFields
  readonly vlanStripCtag: boolean
  readonly vlanStripStag: boolean
  readonly rxTimestampAll: boolean
  readonly rxcsum: boolean
  readonly csumComplete: boolean
  readonly phcTickNs: number
  readonly layout: SimRxLayout
}

/** One RX queue as the hardware sees it: the descriptor ring, its head, the driver's tail. */
export interface SimHwRxQueue {
  readonly ring: { readonly bytes: Uint8Array; readonly view: DataView; readonly mask: number; producer: number }
  /** hardware's next descriptor (RDH) */
  hwHead: number
}

export const RSS_INDIR_SIZE = 128

export class SimHardwareModel {
  readonly parsed = new ParsedFrame()
  readonly rssInput = new RssInput()
  readonly indir: Uint8Array
  /** outputs of the last frame, for hosts and tests */
  lastQueue = -1
  lastHash = 0
  lastRssType = 0

  constructor(
    readonly config: SimHwConfig,
    readonly queues: ReadonlyArray<SimHwRxQueue>,
    readonly memory: Uint8Array,
    readonly phc: SimPhc
  ) {
    this.indir = new Uint8Array(RSS_INDIR_SIZE)
    for (let i = 0; i < RSS_INDIR_SIZE; i++) this.indir[i] = i % config.rxQueues
  }

  /** Hash + type of the parsed frame into lastHash / lastRssType; false when not hashable. */
  rss(frame: Uint8Array): boolean {
    this.lastHash = rssHashFrame(this.parsed, frame, this.config.rssFields, this.config.rssKey, this.rssInput)
    this.lastRssType = this.rssInput.hashType
    return this.rssInput.length !== 0
  }

  /**
   * The wire delivers frame[off .. off+len). Returns the queue it landed on (>= 0), or a negative
   * errno: -EINVAL dropped by the MAC (runt / over MTU), -ENOBUFS no posted buffer.
   */
  receive(frame: Uint8Array, off: number, len: number): number {
    const cfg = this.config
    this.phc.advance(cfg.phcTickNs)
    if (len < ETH_ZLEN) return -Errno.EINVAL
    const p = this.parsed
    parseFrame(frame, off, len, p, ParseOption.VerifyAll)
    const l2 = p.l3Offset >= 0 ? p.l3Offset : 14
    if (len - l2 > cfg.mtu) return -Errno.EINVAL

    const hashed = this.rss(frame)
    const queue = hashed ? this.indir[this.lastHash & (RSS_INDIR_SIZE - 1)]! : 0
    this.lastQueue = queue
    const q = this.queues[queue]!
    const ring = q.ring
    if (q.hwHead === ring.producer) return -Errno.ENOBUFS
    const d = (q.hwHead & ring.mask) * 32
    const view = ring.view
    const L = cfg.layout
    const bufAddr = view.getUint32(d + L.BUF_ADDR, true)
    q.hwHead = (q.hwHead + 1) >>> 0

    // VLAN stripping of the outermost tag
    let status = SimRxStatus.EOP
    let tci = 0
    let tpid = 0
    const strip =
      p.vlanCount > 0 &&
      ((p.vlan0Tpid === EthProto.P_8021Q && cfg.vlanStripCtag) || (p.vlan0Tpid === EthProto.P_8021AD && cfg.vlanStripStag))
    const mem = this.memory
    let outLen = len
    if (strip) {
      status |= SimRxStatus.VLAN_STRIPPED
      tpid = p.vlan0Tpid
      tci = p.vlan0Tci
      mem.set(frame.subarray(off, off + 12), bufAddr)
      mem.set(frame.subarray(off + 12 + VLAN_HLEN, off + len), bufAddr + 12)
      outLen = len - VLAN_HLEN
    } else {
      mem.set(frame.subarray(off, off + len), bufAddr)
    }

    let errors = 0
    let rawCsum = 0
    if (cfg.rxcsum && (p.l3Kind === L3Kind.IPv4 || p.l3Kind === L3Kind.IPv6)) {
      status |= SimRxStatus.L3L4P
      if (p.ipv4CsumStatus === CsumStatus.Bad) errors |= SimRxError.L3_CSUM
      const l4checkable =
        p.fragKind === FragKind.None &&
        (p.l4Kind === L4Kind.TCP || p.l4Kind === L4Kind.UDP || p.l4Kind === L4Kind.SCTP) &&
        p.l4CsumStatus !== CsumStatus.NotChecked
      if (l4checkable) {
        status |= SimRxStatus.L4_CHECKED
        if (p.l4CsumStatus === CsumStatus.Bad) errors |= SimRxError.L4_CSUM
      }
      if (cfg.csumComplete) {
        status |= SimRxStatus.RAW_CSUM_VALID
        const l3 = bufAddr + p.l3Offset - (strip ? VLAN_HLEN : 0)
        rawCsum = csumFold(csumPartial(mem, l3, bufAddr + outLen - l3))
      }
    }

    view.setUint32(d + L.RSS_HASH, cfg.rxhash && hashed ? this.lastHash : 0, true)
    if (cfg.rxhash && hashed) status |= SimRxStatus.RSS_VALID
    view.setUint16(d + L.PKT_LEN, outLen, true)
    view.setUint8(d + L.VERSION, L.VERSION_VALUE)
    view.setUint16(d + L.RSS_TYPE, cfg.rxhash && hashed ? this.lastRssType : 0, true)
    view.setUint16(d + L.ERRORS, errors, true)
    view.setUint16(d + L.VLAN_TCI, tci, true)
    view.setUint16(d + L.VLAN_TPID, tpid, true)
    if (cfg.rxTimestampAll) {
      status |= SimRxStatus.TS_VALID
      view.setUint32(d + L.TS_LO, this.phc.lo, true)
      view.setUint32(d + L.TS_HI, this.phc.hi, true)
    } else {
      view.setUint32(d + L.TS_LO, 0, true)
      view.setUint32(d + L.TS_HI, 0, true)
    }
    view.setUint16(d + L.RAW_CSUM, rawCsum, true)
    view.setUint8(d + L.CSUM_LEVEL, 0)
    if (L.FLOW_MARK >= 0) view.setUint32(d + L.FLOW_MARK, hashed ? this.lastHash & (RSS_INDIR_SIZE - 1) : 0, true)
    view.setUint8(d + L.STATUS, status | SimRxStatus.DD)
    return queue
  }
}

/** Where the hardware DMAs a posted frame: past the XDP headroom. */
export const simDmaAddr = (frameStart: number): number => frameStart + XDP_PACKET_HEADROOM
