/**
 * Expected RX metadata of a frame, from its ground truth (FrameTruth: what the generator built,
 * never parsed from the bytes) and the driver's declared semantics. The rules restate the
 * kernel API (include/net/xdp.h, net/core/xdp.c kernel-doc) and ethtool's rx-flow-hash field
 * sets independently of any driver and of core's own RssInput/FrameParser:
 *   hash: Toeplitz over src|dst[|sport|dport] with the named enum xdp_rss_hash_type value
 *   vlan: the outermost tag if stripped; proto network order, tci host order
 *   csum: UNNECESSARY when an unfragmented TCP/UDP/SCTP checksum and any IPv4 header sum are good
 */
import { Errno } from "../kernel/Errno.js"
import { EthProto } from "../kernel/EthProto.js"
import { XdpChecksum } from "../kernel/XdpChecksum.js"
import { XdpRssHashType } from "../kernel/XdpRssHashType.js"
import { csumFold } from "../net/InternetChecksum.js"
import type { FrameTruth } from "../net/FrameTruth.js"
import type { RssFlowFields } from "../net/RssInput.js"
import { toeplitzHash, toeplitzKey } from "../net/Toeplitz.js"
import type { RxSemantics } from "../driver/RxSemantics.js"

export interface ExpectedRx {
  readonly received: boolean
  /** 0 or -errno, and the values when 0 */
  readonly hash: { readonly rc: number; readonly hash: number; readonly type: number }
  readonly vlan: { readonly rc: number; readonly proto: number; readonly tci: number }
  readonly csum: { readonly rc: number; readonly ipSummed: number; readonly cksum: number; readonly level: number }
  /** timestamps: expected rc (value is the PHC at arrival, known only at run time) */
  readonly tsRc: number
}

/** IPv6 next-header numbers of the extension headers, as Ipv6ExtBit bits (RFC 8200). */
const EXT_BIT: Readonly<Record<number, number>> = { 0: 1, 43: 2, 44: 4, 60: 8, 51: 16 }

const bytesOfHex = (h: string): number[] => (h.match(/../g) ?? []).map((b) => Number.parseInt(b, 16))

const keyCache = new WeakMap<Uint8Array, ReturnType<typeof toeplitzKey>>()

export const expectedHash = (t: FrameTruth, sem: RxSemantics): ExpectedRx["hash"] => {
  const none = { rc: -Errno.ENODATA, hash: 0, type: 0 }
  if (sem.rss === "off" || t.l3 === "arp" || t.srcAddr === null || t.dstAddr === null) return none
  const v4 = t.l3 === "ipv4"
  const f = sem.rss.fields
  const proto = t.ipProto
  let sel: RssFlowFields
  let l4bit = 0
  if (proto === 6) {
    sel = v4 ? f.tcp4 : f.tcp6
    l4bit = XdpRssHashType.L4_TCP
  } else if (proto === 17) {
    sel = v4 ? f.udp4 : f.udp6
    l4bit = XdpRssHashType.L4_UDP
  } else if (proto === 132) {
    sel = v4 ? f.sctp4 : f.sctp6
    l4bit = XdpRssHashType.L4_SCTP
  } else sel = v4 ? f.other4 : f.other6
  if (sel === "none") return none
  const ports = sel === "sdfn" && l4bit !== 0 && t.fragment === "none" && t.srcPort !== null && t.dstPort !== null
  const input = [...bytesOfHex(t.srcAddr), ...bytesOfHex(t.dstAddr)]
  if (ports) input.push(t.srcPort! >> 8, t.srcPort! & 0xff, t.dstPort! >> 8, t.dstPort! & 0xff)
  const extMask = f.ipv6DynHdrExtMask ?? 0x1f
  const dyn = v4
    ? t.hasIpOptions && (f.ipv4OptionsDynHdr ?? true)
    : t.ipv6ExtHeaders.some((nh) => ((EXT_BIT[nh] ?? 0) & extMask) !== 0)
  let type: number = v4 ? XdpRssHashType.L3_IPV4 : XdpRssHashType.L3_IPV6
  if (ports) {
    type |= XdpRssHashType.L4 | l4bit
    if (!v4 && dyn) type |= XdpRssHashType.L3_DYNHDR
  } else if (dyn) type |= XdpRssHashType.L3_DYNHDR
  let key = keyCache.get(sem.rss.key)
  if (key === undefined) {
    key = toeplitzKey(sem.rss.key)
    keyCache.set(sem.rss.key, key)
  }
  return { rc: 0, hash: toeplitzHash(key, Uint8Array.from(input), 0, input.length), type }
}

export const expectedVlan = (t: FrameTruth, sem: RxSemantics): ExpectedRx["vlan"] => {
  const outer = t.vlans[0]
  const stripped =
    outer !== undefined &&
    ((outer.tpid === EthProto.P_8021Q && sem.vlanStrip.ctag) || (outer.tpid === EthProto.P_8021AD && sem.vlanStrip.stag))
  if (!stripped) return { rc: -Errno.ENODATA, proto: 0, tci: 0 }
  return {
    rc: 0,
    proto: sem.vlanProto === "always-8021q" ? EthProto.P_8021Q : outer!.tpid,
    tci: (outer!.pcp << 13) | (outer!.dei << 12) | outer!.vid
  }
}

/** `bytes` is the frame as offered on the wire (the sum covers L3 to the end of the frame). */
export const expectedCsum = (t: FrameTruth, bytes: Uint8Array, sem: RxSemantics): ExpectedRx["csum"] => {
  if (sem.checksum === "off" || t.l3 === "arp") return { rc: -Errno.ENODATA, ipSummed: 0, cksum: 0, level: 0 }
  if (sem.checksum === "complete") {
    let sum = 0
    for (let i = t.l3Offset; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0)
    return { rc: 0, ipSummed: XdpChecksum.COMPLETE, cksum: csumFold(sum), level: 0 }
  }
  const verified =
    t.fragment === "none" &&
    (t.l4 === "tcp" || t.l4 === "udp" || t.l4 === "sctp") &&
    (t.l4Checksum === "good" || t.l4Checksum === "absent") &&
    t.ipv4HeaderChecksumValid !== false
  return { rc: 0, ipSummed: verified ? XdpChecksum.UNNECESSARY : XdpChecksum.NONE, cksum: 0, level: 0 }
}

export const expectedRx = (t: FrameTruth, bytes: Uint8Array, sem: RxSemantics): ExpectedRx => ({
  received: !t.isRunt && t.frameLen - 14 - 4 * t.vlans.length <= sem.mtu,
  hash: expectedHash(t, sem),
  vlan: expectedVlan(t, sem),
  csum: expectedCsum(t, bytes, sem),
  tsRc: sem.timestamps ? 0 : -Errno.ENODATA
})
