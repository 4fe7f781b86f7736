/**
 * Traffic for the ping-pong: UDP datagrams to port 9091 (the selftest's `echo -n xdp | nc -u
 * -q1 <ip> 9091`), IPv4 and IPv6, untagged and 802.1Q-tagged, built with core's frame builder.
 */
import { buildFrame, type FrameSpec } from "@devtx/core"

export const PING_PONG_PORT = 9091

export const pingPongFrames = (count: number): Uint8Array[] => {
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const v6 = i % 2 === 1
    const spec: FrameSpec = {
      dstMac: [0x02, 0, 0, 0, 0, 0x02],
      srcMac: [0x02, 0, 0, 0, 0, 0x01],
      vlans: i % 3 === 2 ? [{ tpid: 0x8100, pcp: 0, dei: 0, vid: 100 }] : [],
      l3: v6
        ? { kind: "ipv6", src: [0xfd, 0, ...new Array(13).fill(0), 1], dst: [0xfd, 0, ...new Array(13).fill(0), 2], trafficClass: 0, flowLabel: i, hopLimit: 64, ext: [] }
        : { kind: "ipv4", src: [10, 0, 0, 1], dst: [10, 0, 0, 2], tos: 0, id: i, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false },
      l4: { kind: "udp", srcPort: 40000 + i, dstPort: PING_PONG_PORT, payloadLen: 3 },
      badL4Checksum: false,
      udpZeroChecksum: false,
      padToMin: true,
      payloadSeed: i,
      corruptMask: 1
    }
    out.push(buildFrame(spec))
  }
  return out
}
