/**
 * The frames the lane sends: IPv4/UDP between the rig's two ends, built by core's FrameBuilder
 * (correct IPv4 and UDP checksums, deterministic payload). Addresses are documentation ranges
 * (192.0.2.0/24, RFC 5737); the frames never leave the veth pair.
 */
import { buildFrame } from "@devtx/core"

export interface UdpFrameOptions {
  readonly dstMac: ReadonlyArray<number>
  readonly srcMac: ReadonlyArray<number>
  /** total frame length in bytes (>= 60; no FCS) */
  readonly size: number
  readonly srcPort?: number
  readonly dstPort?: number
  readonly seed?: number
}

export const FRAME_HEADERS = 14 + 20 + 8

export const udpFrame = (o: UdpFrameOptions): Uint8Array => {
  if (!Number.isInteger(o.size) || o.size < 60 || o.size > 1514) throw new RangeError(`frame size ${o.size} is not an integer in [60, 1514]`)
  return buildFrame({
    dstMac: o.dstMac,
    srcMac: o.srcMac,
    vlans: [],
    l3: { kind: "ipv4", src: [192, 0, 2, 1], dst: [192, 0, 2, 2], tos: 0, id: 1, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false },
    l4: { kind: "udp", srcPort: o.srcPort ?? 40000, dstPort: o.dstPort ?? 5678, payloadLen: o.size - FRAME_HEADERS },
    badL4Checksum: false,
    udpZeroChecksum: false,
    padToMin: true,
    payloadSeed: o.seed ?? 1,
    corruptMask: 1
  })
}
