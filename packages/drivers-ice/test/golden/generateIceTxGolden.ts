/**
 * Generator of test/golden/ice-tx-descriptors.hex (regression fixtures: the driver's and model's
 * own output, not independent truth): hand-built frames of IceTestFrames sent through
 * a fresh ice device (txRingSize 64, one queue) on the path each case names; the TX descriptors the
 * driver posted are dumped as hex (16 bytes each, ring order), then the same slots after the
 * hardware sent the packet (DD write-back), one "case: hex" and one "case/done: hex" line each.
 *
 * DMA regions of such a device: 0 = RX frame memory, 1 = the XDP ring's bounce memory, 2 = the
 * first memory the skb path or an AF_XDP bind maps (buf_addr's high 32 bits).
 *
 * Rebuild: npm run golden -w @devtx/drivers-ice   (DEVTX_REBUILD_GOLDEN=1 vitest run IceGolden IceTxGolden)
 */
import { decodeDriverConfig, makeXskSocket, registerUmem, TxSkb, xskTxProduce } from "@devtx/core"
import { driver, type IceNetDevice } from "@devtx/drivers-ice"
import { Effect } from "effect"
import { HAND_FRAMES } from "../IceTestFrames.js"

export interface TxGoldenCase {
  readonly name: string
  readonly frame: string
  readonly config: Record<string, unknown>
  readonly path: "skb" | "xdp" | "xsk-devtx"
  /** CHECKSUM_PARTIAL: transport header offset and checksum field offset from it */
  readonly csum?: { readonly start: number; readonly offset: number; readonly l3: number; readonly proto: number }
  readonly tstamp?: boolean
  readonly vlan?: number
}

export const TX_GOLDEN_CASES: ReadonlyArray<TxGoldenCase> = [
  { name: "skb/svm/ipv4-tcp-ctag/csum", frame: "ipv4-tcp-ctag", config: {}, path: "skb", csum: { start: 38, offset: 16, l3: 18, proto: 6 } },
  { name: "skb/svm/ipv6-udp/csum+tstamp", frame: "ipv6-udp-untagged", config: {}, path: "skb", csum: { start: 54, offset: 6, l3: 14, proto: 17 }, tstamp: true },
  { name: "skb/svm/ipv4-udp-qinq/vlan", frame: "ipv4-udp-qinq-stag-ctag", config: {}, path: "skb", vlan: 0x0064 },
  { name: "skb/dvm/ipv4-tcp-ctag/vlan+tstamp", frame: "ipv4-tcp-ctag", config: { vlanMode: "double" }, path: "skb", vlan: 0x0123, tstamp: true },
  { name: "xdp/ipv6-ipip-ipv4-udp", frame: "ipv6-ipip-ipv4-udp", config: {}, path: "xdp" },
  { name: "xsk-devtx/ipv4-gre-ipv4-tcp/tstamp", frame: "ipv4-gre-ipv4-tcp", config: {}, path: "xsk-devtx" }
]

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join("")

/** The stack's CHECKSUM_PARTIAL seed: the folded pseudo-header sum, not complemented. */
const seedPseudo = (b: Uint8Array, c: NonNullable<TxGoldenCase["csum"]>): void => {
  const v4 = (b[c.l3]! >>> 4) === 4
  const alen = v4 ? 4 : 16
  const addr = c.l3 + (v4 ? 12 : 8)
  const l4len = v4 ? ((b[c.l3 + 2]! << 8) | b[c.l3 + 3]!) - (c.start - c.l3) : (b[c.l3 + 4]! << 8) | b[c.l3 + 5]!
  let s = c.proto + l4len
  for (let i = 0; i < alen * 2; i += 2) s += (b[addr + i]! << 8) | b[addr + i + 1]!
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  b[c.start + c.offset] = s >>> 8
  b[c.start + c.offset + 1] = s & 0xff
}

/** Run one case: [posted descriptors, the same slots after the DD write-back]. */
export const txGoldenDescriptors = (c: TxGoldenCase): Promise<[Uint8Array, Uint8Array]> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, txRingSize: 64, ringSize: 64, ...c.config })
      const dev = driver.createDevice(cfg, { ifname: "ice0", ifindex: 3 }) as IceNetDevice
      dev.wire = () => {}
      const f = HAND_FRAMES.find((x) => x.name === c.frame)!
      let ring = dev.txRings[0]!
      if (c.path === "skb") {
        const mem = new Uint8Array(4096)
        mem.set(f.bytes)
        if (c.csum !== undefined) seedPseudo(mem, c.csum)
        const skb = new TxSkb()
        skb.mem = mem
        skb.len = f.bytes.length
        skb.hwTstamp = c.tstamp === true
        if (c.csum !== undefined) {
          skb.csumStart = c.csum.start
          skb.csumOffset = c.csum.offset
        }
        const rc = c.vlan !== undefined ? dev.xmitSkbVlan(0, skb, c.vlan) : dev.xmitSkb(0, skb)
        if (rc !== 0) return yield* Effect.die(new Error(`xmit ${rc}`))
      } else if (c.path === "xdp") {
        ring = dev.xdpRings[0]!
        const mem = new Uint8Array(4096)
        mem.set(f.bytes, 256)
        const v = new DataView(mem.buffer)
        v.setUint32(0, 256, true)
        v.setUint32(8, f.bytes.length, true)
        if (dev.xdpXmit(mem, 0) !== 1) return yield* Effect.die(new Error("xdpXmit refused"))
      } else {
        ring = dev.xdpRings[0]!
        dev.devtx.submitXdp = (ctx) => {
          dev.devtxOps!.xmoRequestTxTimestamp!(ctx)
        }
        const u = registerUmem({ len: 4 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
        if (!("area" in u)) return yield* Effect.die(u)
        const s = makeXskSocket(u, "zerocopy", 3, 0, { fill: 4, comp: 4, rx: 4, tx: 4 })
        if (s instanceof RangeError) return yield* Effect.die(s)
        dev.xskBindZeroCopy(s)
        u.area.bytes.set(f.bytes, 4096)
        xskTxProduce(s, 4096, f.bytes.length, 0)
        dev.xskWakeupTx(0, 4)
      }
      const n = ring.ntu * 16
      const posted = ring.ring.bytes.slice(0, n)
      dev.hwTransmit(0, 8)
      return [posted, ring.ring.bytes.slice(0, n)] as [Uint8Array, Uint8Array]
    })
  )

export const generateTxGolden = async (): Promise<string> => {
  const lines: string[] = []
  for (const c of TX_GOLDEN_CASES) {
    const [posted, done] = await txGoldenDescriptors(c)
    lines.push(`${c.name}: ${hex(posted)}`)
    lines.push(`${c.name}/done: ${hex(done)}`)
  }
  return `${lines.join("\n")}\n`
}
