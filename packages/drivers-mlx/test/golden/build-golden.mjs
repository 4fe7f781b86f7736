// Generator of the golden CQE fixtures (golden-cqes.json next to this file): regression fixtures,
// the model's own output, not independent truth (see Mlx5IndependentCqe.test.ts for that).
// Rebuild: npm run golden -w @devtx/drivers-mlx   (builds the package with tsc -b, then runs this)
// Frames are built by core's FrameBuilder from the specs below; each case runs the mlx5 hardware
// model and dumps the CQ slots it wrote (64 bytes each, hex) plus the frames (hex).
import { writeFileSync } from "node:fs"
import { buildFrame } from "@devtx/core"
import { driver } from "../../dist/index.js"

const mac = { dstMac: [0x02, 0, 0, 0, 0, 2], srcMac: [0x02, 0, 0, 0, 0, 1] }
const base = { ...mac, vlans: [], badL4Checksum: false, udpZeroChecksum: false, padToMin: false, payloadSeed: 7, corruptMask: 0 }
// Microsoft RSS verification vectors (src 66.9.149.187:2794 -> dst 161.142.100.80:1766, and the IPv6 pair)
const v4 = { kind: "ipv4", src: [66, 9, 149, 187], dst: [161, 142, 100, 80], tos: 0, id: 0x1234, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false }
const v6src = [0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 7]
const v6dst = [0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 1]
const v6 = { kind: "ipv6", src: v6src, dst: v6dst, trafficClass: 0, flowLabel: 0x12345, hopLimit: 64, ext: [] }
const tcp = (payloadLen, srcPort = 2794) => ({ kind: "tcp", srcPort, dstPort: 1766, seq: 1000, ack: 2000, flags: 0x18, window: 512, options: [], payloadLen })
const udp = (payloadLen) => ({ kind: "udp", srcPort: 2794, dstPort: 1766, payloadLen })

const cases = [
  { name: "ipv4-tcp", config: {}, frames: [{ ...base, l3: v4, l4: tcp(100) }] },
  { name: "ipv6-udp", config: {}, frames: [{ ...base, l3: v6, l4: udp(64) }] },
  { name: "vlan-ipv4-tcp", config: {}, frames: [{ ...base, vlans: [{ tpid: 0x8100, pcp: 5, dei: 0, vid: 100 }], l3: v4, l4: tcp(100) }] },
  { name: "bad-l4-checksum", config: {}, frames: [{ ...base, l3: v4, l4: udp(50), badL4Checksum: true }] },
  {
    name: "compressed-session",
    config: { cqeCompression: true, rxTimestamp: "none" },
    frames: [
      { ...base, l3: v4, l4: tcp(100) },
      { ...base, l3: v4, l4: tcp(200, 2795) },
      { ...base, l3: v4, l4: tcp(300, 2796) }
    ]
  }
]

const hex = (b) => Buffer.from(b).toString("hex")
const out = []
for (const c of cases) {
  const config = { ...driver.defaultConfig, ringSize: 64, rxTimestamp: "all", tsFormat: "real-time", phcStartNs: "1700000000000000000", tickNs: 5000, ...c.config }
  const dev = driver.createDevice(config, { ifname: "mlx0", ifindex: 3 })
  const frames = c.frames.map((s) => buildFrame(s))
  for (const f of frames) if (dev.hwReceive(f, 0, f.length) !== 0) throw new Error(`${c.name}: frame dropped`)
  dev.hardware.flush(0)
  const mem = dev.rqs[0].mem
  const slots = []
  for (let i = 0; i < frames.length; i++) slots.push(hex(mem.cq.subarray(i * 64, i * 64 + 64)))
  out.push({ name: c.name, config: c.config, frames: frames.map(hex), cqSlots: slots })
}
writeFileSync(new URL("./golden-cqes.json", import.meta.url), `${JSON.stringify({ generator: "build-golden.mjs", cases: out }, null, 2)}\n`)
console.log(`wrote ${out.length} cases`)
