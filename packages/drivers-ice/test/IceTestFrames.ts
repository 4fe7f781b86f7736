/**
 * Hand-built frames for the ice tests: Ethernet with tags, IPv4/IPv6, TCP/UDP, and the tunnels
 * the ice ptype table names (IP-in-IP, GRE, VXLAN). Checksums are computed with core's RFC 1071
 * helpers; everything else is literal bytes, so a test reader can check each offset by hand.
 */
import { csumFinish, csumPartial, ipv4HeaderChecksum, pseudoHeaderSum } from "@devtx/core"

export const MAC_DST = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]
export const MAC_SRC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02]

export const eth = (type: number, tags: ReadonlyArray<[number, number]> = []): number[] => {
  const b = [...MAC_DST, ...MAC_SRC]
  for (const [tpid, tci] of tags) b.push(tpid >> 8, tpid & 0xff, tci >> 8, tci & 0xff)
  b.push(type >> 8, type & 0xff)
  return b
}

export const ipv4 = (src: number[], dst: number[], proto: number, payload: number[], opts: { badHeader?: boolean; mf?: boolean } = {}): number[] => {
  const total = 20 + payload.length
  const h = [0x45, 0, total >> 8, total & 0xff, 0x12, 0x34, opts.mf ? 0x20 : 0x40, 0, 64, proto, 0, 0, ...src, ...dst]
  const c = ipv4HeaderChecksum(Uint8Array.from(h), 0, 20)
  h[10] = c >> 8
  h[11] = (c & 0xff) ^ (opts.badHeader ? 0x5a : 0)
  return [...h, ...payload]
}

export const ipv6 = (src: number[], dst: number[], nh: number, payload: number[]): number[] => [
  0x60, 0, 0, 0, payload.length >> 8, payload.length & 0xff, nh, 64, ...src, ...dst, ...payload
]

/** TCP (20-byte header) or UDP segment with a correct checksum for the given addresses. */
export const l4 = (proto: 6 | 17, src: number[], dst: number[], sport: number, dport: number, data: number[], opts: { bad?: boolean } = {}): number[] => {
  const seg =
    proto === 6
      ? [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x10, 0x00, 0, 0, 0, 0, ...data]
      : [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, (8 + data.length) >> 8, (8 + data.length) & 0xff, 0, 0, ...data]
  const addrs = Uint8Array.from([...src, ...dst])
  const pseudo = pseudoHeaderSum(addrs, 0, addrs.length, proto, seg.length)
  let c = csumFinish(csumPartial(Uint8Array.from(seg), 0, seg.length, pseudo))
  if (proto === 17 && c === 0) c = 0xffff
  if (opts.bad) c ^= 0x0101
  const at = proto === 6 ? 16 : 6
  seg[at] = c >> 8
  seg[at + 1] = c & 0xff
  return seg
}

/** GRE header without options (RFC 2784), protocol type `proto` */
export const gre = (proto: number): number[] => [0, 0, proto >> 8, proto & 0xff]
/** VXLAN header (RFC 7348) with VNI */
export const vxlan = (vni: number): number[] => [0x08, 0, 0, 0, (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, 0]

export const pad60 = (b: number[]): Uint8Array => {
  while (b.length < 60) b.push(0)
  return Uint8Array.from(b)
}

export const A4 = [192, 0, 2, 1]
export const B4 = [198, 51, 100, 7]
export const C4 = [10, 1, 2, 3]
export const D4 = [10, 9, 8, 7]
export const A6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
export const B6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]
export const C6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c]
export const D6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0d]

const data = (n: number) => Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff)

/** The named hand-checked frames; `hashInput` is the Toeplitz input bytes ice hashes (innermost headers). */
export interface NamedFrame {
  readonly name: string
  readonly bytes: Uint8Array
  readonly hashInput: number[]
}

export const HAND_FRAMES: ReadonlyArray<NamedFrame> = [
  {
    name: "ipv4-tcp-ctag",
    bytes: pad60(eth(0x0800, [[0x8100, 0xa064]]).concat(ipv4(A4, B4, 6, l4(6, A4, B4, 40000, 443, data(10))))),
    hashInput: [...A4, ...B4, 40000 >> 8, 40000 & 0xff, 443 >> 8, 443 & 0xff]
  },
  {
    name: "ipv4-udp-qinq-stag-ctag",
    bytes: pad60(eth(0x0800, [[0x88a8, 0x2123], [0x8100, 0x0456]]).concat(ipv4(A4, B4, 17, l4(17, A4, B4, 5353, 53, data(12))))),
    hashInput: [...A4, ...B4, 5353 >> 8, 5353 & 0xff, 0, 53]
  },
  {
    name: "ipv6-udp-untagged",
    bytes: pad60(eth(0x86dd).concat(ipv6(A6, B6, 17, l4(17, A6, B6, 1234, 4321, data(6))))),
    hashInput: [...A6, ...B6, 1234 >> 8, 1234 & 0xff, 4321 >> 8, 4321 & 0xff]
  },
  {
    name: "ipv4-gre-ipv4-tcp",
    bytes: pad60(eth(0x0800).concat(ipv4(A4, B4, 47, [...gre(0x0800), ...ipv4(C4, D4, 6, l4(6, C4, D4, 1111, 80, data(8)))]))),
    hashInput: [...C4, ...D4, 1111 >> 8, 1111 & 0xff, 0, 80]
  },
  {
    name: "ipv6-ipip-ipv4-udp",
    bytes: pad60(eth(0x86dd).concat(ipv6(A6, B6, 4, ipv4(C4, D4, 17, l4(17, C4, D4, 7777, 8888, data(4)))))),
    hashInput: [...C4, ...D4, 7777 >> 8, 7777 & 0xff, 8888 >> 8, 8888 & 0xff]
  },
  {
    name: "ipv4-vxlan-vlan-ipv6-tcp",
    bytes: pad60(
      eth(0x0800).concat(
        ipv4(A4, B4, 17, [
          ...udpNoCsum(49152, 4789, [...vxlan(42), ...eth(0x86dd, [[0x8100, 0x0064]]), ...ipv6(C6, D6, 6, l4(6, C6, D6, 2222, 22, data(3)))])
        ])
      )
    ),
    hashInput: [...C6, ...D6, 2222 >> 8, 2222 & 0xff, 0, 22]
  },
  {
    name: "ipv6-gre-ipv4badhdr-tcp",
    bytes: pad60(eth(0x86dd).concat(ipv6(A6, B6, 47, [...gre(0x0800), ...ipv4(C4, D4, 6, l4(6, C4, D4, 1, 2, data(2)), { badHeader: true })]))),
    hashInput: [...C4, ...D4, 0, 1, 0, 2]
  }
]

/** UDP header with checksum 0 (allowed over IPv4, as VXLAN senders usually do) */
function udpNoCsum(sport: number, dport: number, payload: number[]): number[] {
  const n = 8 + payload.length
  return [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, n >> 8, n & 0xff, 0, 0, ...payload]
}
