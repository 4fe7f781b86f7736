/**
 * TrafficCorpus: a deterministic, seeded generator of test traffic with ground truth.
 *
 * - `generateCorpus({ seed, count, mix })` draws `count` FrameSpecs with a SeededRandom
 *   (xoshiro128**), builds each with FrameBuilder and derives its FrameTruth from the spec.
 *   Same seed and mix = the same bytes on every machine.
 * - `builtinCorpus()` is the fixed corpus every NIC model and test shares: seed
 *   BUILTIN_CORPUS_SEED, BUILTIN_CORPUS_SIZE frames, DEFAULT_CORPUS_MIX; generated once, cached.
 *
 * What the mix covers: IPv4/IPv6 with TCP, UDP, SCTP, ICMP/ICMPv6, and ARP; untagged, 802.1Q,
 * 802.1ad+802.1Q and 802.1Q+802.1Q (QinQ) tags with random PCP/DEI/VID; IPv4 options, IPv6
 * extension headers (Hop-by-Hop, Routing, AH, Destination Options); first and non-first
 * fragments (IPv6 fragments carry Hop-by-Hop/Routing before the Fragment header); bad IPv4
 * header checksums, bad L4 checksums, UDP/IPv4 without checksum; runts (unpadded frames
 * shorter than 60 bytes: ARP, and IPv4 TCP/UDP/ICMP with little or no payload); jumbo frames
 * (IP datagrams of 1600..9000 bytes).
 *
 * Control plane / test code: allocates freely.
 */
import { buildFrame } from "./FrameBuilder.js"
import type { FrameSpec, FragmentSpec, Ipv6ExtSpec, L4Spec, VlanTagSpec } from "./FrameSpec.js"
import { type FrameTruth, segmentLength, truthOf } from "./FrameTruth.js"
import { EthProto } from "../kernel/EthProto.js"
import { SeededRandom } from "./SeededRandom.js"

export type CorpusKind =
  | "ipv4-tcp"
  | "ipv4-udp"
  | "ipv4-sctp"
  | "ipv4-icmp"
  | "ipv6-tcp"
  | "ipv6-udp"
  | "ipv6-sctp"
  | "ipv6-icmpv6"
  | "arp"

export const CORPUS_KINDS: ReadonlyArray<CorpusKind> = [
  "ipv4-tcp",
  "ipv4-udp",
  "ipv4-sctp",
  "ipv4-icmp",
  "ipv6-tcp",
  "ipv6-udp",
  "ipv6-sctp",
  "ipv6-icmpv6",
  "arp"
]

/** Relative weights of the base kinds and probabilities of the modifiers. */
export interface CorpusMix {
  readonly kinds: Readonly<Record<CorpusKind, number>>
  readonly vlanSingle: number
  readonly vlanDouble: number
  readonly ipv4Options: number
  readonly ipv6Ext: number
  readonly fragment: number
  readonly badIpv4Checksum: number
  readonly badL4Checksum: number
  readonly udpZeroChecksum: number
  readonly runt: number
  readonly jumbo: number
}

export const DEFAULT_CORPUS_MIX: CorpusMix = {
  kinds: {
    "ipv4-tcp": 6,
    "ipv4-udp": 5,
    "ipv4-sctp": 2,
    "ipv4-icmp": 2,
    "ipv6-tcp": 5,
    "ipv6-udp": 4,
    "ipv6-sctp": 2,
    "ipv6-icmpv6": 2,
    arp: 1
  },
  vlanSingle: 0.25,
  vlanDouble: 0.15,
  ipv4Options: 0.15,
  ipv6Ext: 0.25,
  fragment: 0.12,
  badIpv4Checksum: 0.08,
  badL4Checksum: 0.1,
  udpZeroChecksum: 0.15,
  runt: 0.06,
  jumbo: 0.03
}

export interface CorpusFrame {
  readonly index: number
  readonly kind: CorpusKind
  readonly spec: FrameSpec
  readonly bytes: Uint8Array
  readonly truth: FrameTruth
}

export interface CorpusOptions {
  readonly seed: number
  readonly count: number
  readonly mix?: Partial<CorpusMix>
}

export const BUILTIN_CORPUS_SEED = 0x64657674 // "devt"
export const BUILTIN_CORPUS_SIZE = 400

const pickKind = (rnd: SeededRandom, weights: Readonly<Record<CorpusKind, number>>): CorpusKind => {
  const total = CORPUS_KINDS.reduce((n, k) => n + Math.max(0, weights[k] ?? 0), 0)
  let r = rnd.float() * total
  for (const k of CORPUS_KINDS) {
    r -= Math.max(0, weights[k] ?? 0)
    if (r < 0) return k
  }
  return CORPUS_KINDS[0]!
}

const unicastMac = (rnd: SeededRandom): number[] => {
  const m = rnd.bytes(6)
  m[0] = (m[0]! & 0xfc) | 0x02 // locally administered, unicast
  return m
}

const drawVlans = (rnd: SeededRandom, mix: CorpusMix): VlanTagSpec[] => {
  const tag = (tpid: number): VlanTagSpec => ({ tpid, pcp: rnd.int(0, 7), dei: rnd.int(0, 1), vid: rnd.int(0, 4095) })
  const r = rnd.float()
  if (r < mix.vlanDouble) {
    const outer = rnd.chance(0.7) ? EthProto.P_8021AD : EthProto.P_8021Q
    return [tag(outer), tag(EthProto.P_8021Q)]
  }
  if (r < mix.vlanDouble + mix.vlanSingle) return [tag(EthProto.P_8021Q)]
  return []
}

const TCP_FLAGS = [0x02, 0x10, 0x18, 0x11, 0x12, 0x04] as const
/** MSS 1460, NOP, NOP, SACK-permitted (RFC 9293 / RFC 2018). */
const TCP_OPTIONS = [0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02] as const

const drawIpv4Options = (rnd: SeededRandom): number[] => {
  const words = rnd.int(1, 10)
  // Router Alert (RFC 2113), then NOPs, ending with End of Option List
  const o = [0x94, 0x04, 0x00, 0x00]
  while (o.length < words * 4) o.push(0x01)
  if (words > 1) o[o.length - 1] = 0x00
  return o
}

const drawIpv6Ext = (rnd: SeededRandom, fragmented: boolean): Ipv6ExtSpec[] => {
  for (;;) {
    const ext: Ipv6ExtSpec[] = []
    if (rnd.chance(0.5)) ext.push({ type: 0, extraUnits: rnd.int(0, 2) })
    if (rnd.chance(0.4)) ext.push({ type: 43, extraUnits: 0 })
    if (!fragmented && rnd.chance(0.3)) ext.push({ type: 51, extraUnits: 0 })
    if (!fragmented && rnd.chance(0.4)) ext.push({ type: 60, extraUnits: rnd.int(0, 1) })
    if (ext.length > 0) return ext
  }
}

const l4HeaderLen = (l4: L4Spec): number => (l4.kind === "tcp" ? 20 + l4.options.length : l4.kind === "sctp" ? 28 : 8)

const drawFragment = (rnd: SeededRandom, l4: L4Spec): FragmentSpec => {
  const seg = segmentLength(l4)
  const ident = rnd.nextU32()
  const lastUnit = Math.floor((seg - 1) / 8)
  if (rnd.chance(0.5)) {
    const minUnits = Math.ceil(l4HeaderLen(l4) / 8)
    return { offsetUnits: 0, dataLen: 8 * rnd.int(minUnits, lastUnit), more: true, ident }
  }
  const offsetUnits = rnd.int(1, lastUnit)
  const remaining = seg - offsetUnits * 8
  if (remaining <= 8 || rnd.chance(0.5)) return { offsetUnits, dataLen: remaining, more: false, ident }
  return { offsetUnits, dataLen: 8 * rnd.int(1, Math.floor((remaining - 1) / 8)), more: true, ident }
}

const drawSpec = (rnd: SeededRandom, kind: CorpusKind, mix: CorpusMix): FrameSpec => {
  const vlans = drawVlans(rnd, mix)
  const srcMac = unicastMac(rnd)
  const corruptMask = (rnd.nextU32() | 1) >>> 0
  const payloadSeed = rnd.nextU32()
  if (kind === "arp") {
    const op = rnd.int(1, 2)
    const senderIp = rnd.bytes(4)
    const targetIp = rnd.bytes(4)
    const targetMac = op === 1 ? [0, 0, 0, 0, 0, 0] : unicastMac(rnd)
    return {
      dstMac: op === 1 ? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : targetMac,
      srcMac,
      vlans,
      l3: { kind: "arp", op, senderMac: srcMac, senderIp, targetMac, targetIp },
      badL4Checksum: false,
      udpZeroChecksum: false,
      padToMin: !rnd.chance(mix.runt),
      payloadSeed,
      corruptMask
    }
  }
  const isV4 = kind.startsWith("ipv4")
  const proto = kind.slice(5) as "tcp" | "udp" | "sctp" | "icmp" | "icmpv6"
  const l3Off = 14 + 4 * vlans.length
  const tcpOptions = proto === "tcp" && rnd.chance(0.3) ? [...TCP_OPTIONS] : []
  const baseL4Header = proto === "tcp" ? 20 + tcpOptions.length : proto === "sctp" ? 28 : 8

  // runts: IPv4 without options, unpadded, with little or no payload
  const runtRoom = 59 - (l3Off + 20 + baseL4Header)
  const runt = isV4 && runtRoom >= 0 && rnd.chance(mix.runt)
  const jumbo = !runt && rnd.chance(mix.jumbo)
  const fragmented = !runt && !jumbo && rnd.chance(mix.fragment)
  const options = isV4 && !runt && rnd.chance(mix.ipv4Options) ? drawIpv4Options(rnd) : []
  const ext = !isV4 && rnd.chance(mix.ipv6Ext) ? drawIpv6Ext(rnd, fragmented) : []
  const extBytes = ext.reduce((n, e) => n + (e.type === 43 || e.type === 51 ? 24 : 8 * (1 + e.extraUnits)), 0)
  const l3Header = isV4 ? 20 + options.length : 40 + extBytes + (fragmented ? 8 : 0)

  let payloadLen: number
  if (runt) payloadLen = rnd.int(0, runtRoom)
  else if (jumbo) payloadLen = rnd.int(1600, 9000) - l3Header - baseL4Header
  else if (fragmented) payloadLen = rnd.int(64, 1200)
  else payloadLen = rnd.int(0, 1200)

  const srcPort = rnd.int(1, 65535)
  const dstPort = rnd.pick([22, 53, 80, 443, 4789, 5201, 9000, rnd.int(1, 65535)])
  let l4: L4Spec
  switch (proto) {
    case "tcp":
      l4 = {
        kind: "tcp",
        srcPort,
        dstPort,
        seq: rnd.nextU32(),
        ack: rnd.nextU32(),
        flags: rnd.pick(TCP_FLAGS),
        window: rnd.int(0, 0xffff),
        options: tcpOptions,
        payloadLen
      }
      break
    case "udp":
      l4 = { kind: "udp", srcPort, dstPort, payloadLen }
      break
    case "sctp":
      l4 = { kind: "sctp", srcPort, dstPort, verificationTag: rnd.nextU32(), payloadLen }
      break
    case "icmp":
      l4 = { kind: "icmp", type: rnd.pick([8, 0]), code: 0, payloadLen }
      break
    case "icmpv6":
      l4 = { kind: "icmpv6", type: rnd.pick([128, 129]), code: 0, payloadLen }
      break
  }
  const fragment = fragmented ? drawFragment(rnd, l4) : undefined
  const badL4Checksum = !fragmented && rnd.chance(mix.badL4Checksum)
  const udpZeroChecksum = isV4 && proto === "udp" && !fragmented && !badL4Checksum && rnd.chance(mix.udpZeroChecksum)
  const l3 = isV4
    ? {
        kind: "ipv4" as const,
        src: rnd.bytes(4),
        dst: rnd.bytes(4),
        tos: rnd.int(0, 255),
        id: rnd.int(0, 0xffff),
        ttl: rnd.int(1, 255),
        dontFragment: rnd.chance(0.5),
        options,
        badHeaderChecksum: rnd.chance(mix.badIpv4Checksum)
      }
    : {
        kind: "ipv6" as const,
        src: [0x20, 0x01, 0x0d, 0xb8, ...rnd.bytes(12)],
        dst: [0x20, 0x01, 0x0d, 0xb8, ...rnd.bytes(12)],
        trafficClass: rnd.int(0, 255),
        flowLabel: rnd.int(0, 0xfffff),
        hopLimit: rnd.int(1, 255),
        ext
      }
  return {
    dstMac: unicastMac(rnd),
    srcMac,
    vlans,
    l3,
    l4,
    ...(fragment === undefined ? {} : { fragment }),
    badL4Checksum,
    udpZeroChecksum,
    padToMin: !runt,
    payloadSeed,
    corruptMask
  }
}

/** Generate `count` frames from `seed`. Deterministic. */
export const generateCorpus = (opts: CorpusOptions): ReadonlyArray<CorpusFrame> => {
  const mix: CorpusMix = {
    ...DEFAULT_CORPUS_MIX,
    ...opts.mix,
    kinds: { ...DEFAULT_CORPUS_MIX.kinds, ...opts.mix?.kinds }
  }
  const rnd = new SeededRandom(opts.seed)
  const frames: CorpusFrame[] = []
  for (let index = 0; index < opts.count; index++) {
    const kind = pickKind(rnd, mix.kinds)
    const spec = drawSpec(rnd, kind, mix)
    frames.push({ index, kind, spec, bytes: buildFrame(spec), truth: truthOf(spec) })
  }
  return frames
}

let cached: ReadonlyArray<CorpusFrame> | undefined

/**
 * The shared built-in corpus (generated on first use, then cached). The frames are shared by
 * every caller: copy `bytes` before changing them (e.g. a model that strips VLAN tags in place).
 */
export const builtinCorpus = (): ReadonlyArray<CorpusFrame> => {
  cached ??= generateCorpus({ seed: BUILTIN_CORPUS_SEED, count: BUILTIN_CORPUS_SIZE })
  return cached
}
