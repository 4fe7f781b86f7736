// Generator of the golden send-WQE fixtures (golden-wqes.json next to this file): regression
// fixtures, the driver's and model's own output, not independent truth.
// Rebuild: npm run golden -w @devtx/drivers-mlx   (builds the package with tsc -b, then runs both generators)
// Each case builds a frame with core's FrameBuilder, sends it through the mlx5 model (AF_XDP
// zero-copy or the skb path) and dumps the WQEBBs the driver posted, the send CQE the hardware
// model wrote, the frame, and the bytes that went on the wire (all hex).
import { writeFileSync } from "node:fs"
import { buildFrame, makeXskSocket, registerUmem, TxSkb, xskTxProduce } from "@devtx/core"
import { driver } from "../../dist/index.js"

const mac = { dstMac: [0x02, 0, 0, 0, 0, 2], srcMac: [0x02, 0, 0, 0, 0, 1] }
const base = { ...mac, vlans: [], badL4Checksum: false, udpZeroChecksum: false, padToMin: false, payloadSeed: 7, corruptMask: 0 }
const v4 = { kind: "ipv4", src: [192, 0, 2, 1], dst: [198, 51, 100, 2], tos: 0, id: 0x1234, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false }
const udp = (payloadLen) => ({ kind: "udp", srcPort: 4000, dstPort: 5000, payloadLen })
const tcp = (payloadLen) => ({ kind: "tcp", srcPort: 4000, dstPort: 5000, seq: 1, ack: 2, flags: 0x18, window: 512, options: [], payloadLen })

const META = 24
const XDP_TXMD_FLAGS_TIMESTAMP = 1
const XDP_TXMD_FLAGS_CHECKSUM = 2
const XDP_TX_METADATA = 2
const hex = (b) => Buffer.from(b).toString("hex")
const common = { ringSize: 64, txRingSize: 64, tsFormat: "real-time", phcStartNs: "1700000000000000000", tickNs: 5000 }

const xskCase = (name, config, frames) => {
  const dev = driver.createDevice({ ...driver.defaultConfig, ...common, ...config }, { ifname: "mlx0", ifindex: 3 })
  const u = registerUmem({ len: 8 * 4096, chunkSize: 4096, headroom: 0, flags: 4, txMetadataLen: META })
  const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
  if (dev.xskBindZeroCopy(s) !== 0) throw new Error("bind")
  const wire = []
  dev.wire = (m, o, l) => wire.push(hex(m.subarray(o, o + l)))
  frames.forEach((f, i) => {
    const addr = i * 4096 + META
    u.area.bytes.set(f, addr)
    // garbage in the UDP/TCP checksum field: the NIC computes it
    u.area.view.setUint32(addr - META, XDP_TXMD_FLAGS_CHECKSUM | XDP_TXMD_FLAGS_TIMESTAMP, true)
    if (!xskTxProduce(s, addr, f.length, XDP_TX_METADATA)) throw new Error("produce")
  })
  if (dev.xskWakeupTx(0, 8) !== frames.length) throw new Error("wakeup")
  const sq = dev.channels[0].xsksq
  const wqebbs = sq.pc
  dev.hwTransmit(0, 8)
  dev.napiPollTx(0, 8)
  return {
    name,
    config,
    path: "xsk",
    umemRegion: sq.socketRegion,
    addrs: frames.map((_, i) => i * 4096 + META),
    frames: frames.map(hex),
    wqebbs: hex(sq.mem.sq.subarray(0, wqebbs * 64)),
    cqe: hex(sq.mem.cq.subarray(0, 64)),
    wire
  }
}

const skbCase = (name, config, frame) => {
  const dev = driver.createDevice({ ...driver.defaultConfig, ...common, ...config }, { ifname: "mlx0", ifindex: 3 })
  const wire = []
  dev.wire = (m, o, l) => wire.push(hex(m.subarray(o, o + l)))
  const skb = new TxSkb()
  skb.mem = frame.slice()
  skb.len = frame.length
  skb.csumStart = 0
  skb.hwTstamp = true
  if (dev.xmitSkb(0, skb) !== 0) throw new Error("xmit")
  const sq = dev.channels[0].txqsq
  const wqebbs = sq.pc
  dev.hwTransmit(0, 8)
  dev.napiPollTx(0, 8)
  return { name, config, path: "skb", skbRegion: dev.dmaRegions.indexOf(skb.mem), frames: [hex(frame)], wqebbs: hex(sq.mem.sq.subarray(0, wqebbs * 64)), cqe: hex(sq.mem.cq.subarray(0, 64)), wire }
}

const f1 = buildFrame({ ...base, l3: v4, l4: udp(32) })
const f2 = buildFrame({ ...base, l3: v4, l4: udp(40) })
const fv = buildFrame({ ...base, vlans: [{ tpid: 0x8100, pcp: 3, dei: 0, vid: 100 }], l3: v4, l4: tcp(20) })
for (const f of [f1, f2]) f[14 + 20 + 6] = 0xde
const cases = [
  xskCase("xsk-send-l2-inline", { txMinInline: "l2" }, [f1]),
  xskCase("xsk-mpwqe", { txMinInline: "none", xdpTxMpwqe: true }, [f1, f2]),
  skbCase("skb-vlan-csum-partial", { txMinInline: "l2" }, fv)
]
writeFileSync(new URL("./golden-wqes.json", import.meta.url), `${JSON.stringify({ generator: "build-golden-wqe.mjs", cases }, null, 2)}\n`)
console.log(`wrote ${cases.length} cases`)
