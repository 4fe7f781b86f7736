/**
 * FrameSpec: the plain-data description of one generated frame. The traffic generator draws a
 * spec; FrameBuilder turns it into bytes; FrameTruth derives the ground truth from it by
 * arithmetic on the spec alone (never by reading the bytes), so the parser can be checked
 * against something it did not produce.
 *
 * Invariants a valid spec keeps (TrafficCorpus only draws valid ones):
 * - vlans: 0..2 tags, outer first; tpid 0x8100 or 0x88A8; pcp 0..7, dei 0..1, vid 0..4095.
 * - ipv4.options: a multiple of 4 bytes, at most 40.
 * - ipv6.ext: extension headers before the fragment header / upper layer, in RFC 8200 §4.1
 *   order; when `fragment` is set, only Hop-by-Hop and Routing may appear (they are not part
 *   of the fragmentable part), and the Fragment header follows them.
 * - fragment: offsetUnits*8 + dataLen <= the full L4 segment; dataLen a multiple of 8 when
 *   `more`; a first fragment (offsetUnits 0) carries the whole L4 header.
 * - badL4Checksum only on unfragmented frames; udpZeroChecksum only on UDP over IPv4.
 */

export interface VlanTagSpec {
  /** 0x88A8 (802.1ad S-tag) or 0x8100 (802.1Q C-tag) */
  readonly tpid: number
  readonly pcp: number
  readonly dei: number
  readonly vid: number
}

export interface Ipv4Spec {
  readonly kind: "ipv4"
  readonly src: ReadonlyArray<number>
  readonly dst: ReadonlyArray<number>
  readonly tos: number
  readonly id: number
  readonly ttl: number
  readonly dontFragment: boolean
  /** Option bytes (IHL = 5 + options.length / 4). */
  readonly options: ReadonlyArray<number>
  readonly badHeaderChecksum: boolean
}

/** An IPv6 extension header that precedes the upper layer (Fragment is described apart). */
export interface Ipv6ExtSpec {
  /** 0 Hop-by-Hop, 43 Routing (SRH type 4, Segments Left 0), 60 Destination Options, 51 AH */
  readonly type: 0 | 43 | 60 | 51
  /** Hop-by-Hop / Destination Options: extra 8-byte units of PadN (hdr ext len). */
  readonly extraUnits: number
}

export interface Ipv6Spec {
  readonly kind: "ipv6"
  readonly src: ReadonlyArray<number>
  readonly dst: ReadonlyArray<number>
  readonly trafficClass: number
  readonly flowLabel: number
  readonly hopLimit: number
  readonly ext: ReadonlyArray<Ipv6ExtSpec>
}

export interface ArpSpec {
  readonly kind: "arp"
  /** 1 request, 2 reply */
  readonly op: number
  readonly senderMac: ReadonlyArray<number>
  readonly senderIp: ReadonlyArray<number>
  readonly targetMac: ReadonlyArray<number>
  readonly targetIp: ReadonlyArray<number>
}

export type L4Spec =
  | {
      readonly kind: "tcp"
      readonly srcPort: number
      readonly dstPort: number
      readonly seq: number
      readonly ack: number
      /** TCP flag byte (CWR..FIN) */
      readonly flags: number
      readonly window: number
      /** Option bytes (data offset = 5 + options.length / 4). */
      readonly options: ReadonlyArray<number>
      readonly payloadLen: number
    }
  | { readonly kind: "udp"; readonly srcPort: number; readonly dstPort: number; readonly payloadLen: number }
  | {
      readonly kind: "sctp"
      readonly srcPort: number
      readonly dstPort: number
      readonly verificationTag: number
      /** User data bytes in one DATA chunk (padded to 4 inside the chunk). */
      readonly payloadLen: number
    }
  | { readonly kind: "icmp"; readonly type: number; readonly code: number; readonly payloadLen: number }
  | { readonly kind: "icmpv6"; readonly type: number; readonly code: number; readonly payloadLen: number }

export interface FragmentSpec {
  /** Fragment offset in 8-octet units (0 = first fragment). */
  readonly offsetUnits: number
  /** Bytes of the L4 segment this fragment carries. */
  readonly dataLen: number
  /** More-fragments flag. */
  readonly more: boolean
  readonly ident: number
}

export interface FrameSpec {
  readonly dstMac: ReadonlyArray<number>
  readonly srcMac: ReadonlyArray<number>
  readonly vlans: ReadonlyArray<VlanTagSpec>
  readonly l3: Ipv4Spec | Ipv6Spec | ArpSpec
  /** Absent for ARP. */
  readonly l4?: L4Spec
  readonly fragment?: FragmentSpec
  /** Store a wrong L4 checksum (the correct one with bits flipped). */
  readonly badL4Checksum: boolean
  /** UDP over IPv4 sent without a checksum (field 0). */
  readonly udpZeroChecksum: boolean
  /** Pad the frame with zeros to ETH_ZLEN (60); false lets a short frame stay a runt. */
  readonly padToMin: boolean
  /** Seed of the payload bytes (they carry no truth). */
  readonly payloadSeed: number
  /** XOR mask applied to a corrupted checksum (non-zero, chosen by the generator). */
  readonly corruptMask: number
}
