/**
 * Differential: XSKMAP receive of data_meta in copy mode (net/xdp/xsk.c xsk_rcv_check,
 * __xsk_rcv) against core's xdpDoRedirect (redirect/XdpRedirect.ts). xdp_xsk_meta.bpf.o on the
 * rig's rx veth grows 8 bytes of metadata, writes { "dtxd", packet length } and redirects to
 * the AF_XDP socket of queue 0; the model runs the same steps (adjustMeta, bpfRedirectMap,
 * xdpDoRedirect) on the same frames in the same order. UMEM: 2048-byte chunks, 512 bytes of
 * umem headroom, so the RX frame size is 2048 - 512 - XDP_PACKET_HEADROOM = 1280 bytes and a
 * 1281-byte frame is dropped (-ENOSPC); four-entry rings, so the fifth frame finds the fill ring
 * empty (-ENOMEM). Required identical: each RX descriptor (addr, len, options), the metadata and
 * packet bytes at addr - 8 .. addr + len, and rx_dropped.
 */
import { join } from "node:path"
import {
  adjustMeta,
  addrRingPush,
  bpfRedirectMap,
  makeFrameArea,
  makeXskSocket,
  registerUmem,
  XDP_PACKET_HEADROOM,
  XdpAction,
  XdpBuff,
  XdpDescOff,
  xdpDoRedirect,
  xdpPrepareBuff,
  XskMap
} from "@devtx/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { udpFrame } from "../src/KernelFrames.js"
import { kcall, kernelSession } from "../src/KernelSession.js"
import { KernelXsk, XDP_COPY } from "../src/KernelXsk.js"
import { describeKernel } from "./support/KernelLane.js"

const OBJ = join(import.meta.dirname, "..", "bpf", "xdp_xsk_meta.bpf.o")
const CHUNK = 2048
const UMEM_HEADROOM = 512
const CHUNKS = 8
const RING = 4
const META = 8

interface Rx {
  addr: number
  len: number
  options: number
  bytes: string
}

describeKernel("XSKMAP receive of data_meta: model == kernel", () => {
  it("descriptors, metadata bytes and drops (-ENOSPC, -ENOMEM) agree", async () => {
    const sizes1 = [60, 300, 1281, 1280, 64, 100]
    const sizes2 = [90, 1514, 61]
    const kernel = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* kernelSession()
          const rig = s.requireRig
          const frames = [...sizes1, ...sizes2].map((size, i) => udpFrame({ dstMac: rig.rx.mac, srcMac: rig.peer.mac, size, seed: 100 + i }))
          const x = yield* kcall(() =>
            KernelXsk.open(s, {
              netnsPath: "-",
              ifname: rig.rx.ifname,
              queue: 0,
              bindFlags: XDP_COPY,
              umemFlags: 0,
              txMetadataLen: 0,
              frames: CHUNKS,
              frameSize: CHUNK,
              ringSize: RING,
              umemHeadroom: UMEM_HEADROOM
            })
          )
          const o = yield* kcall(() => s.openObject(OBJ))
          const p = yield* kcall(() => s.load(o, "xdp_xsk_meta", rig.rx.ifindex, true))
          yield* kcall(() => s.attach(p, rig.rx.ifindex, "drv"))
          yield* kcall(() => x.intoMap(o.obj, "xsks", 0))
          const received: Rx[] = []
          const drain = async () => {
            for (const d of await x.rx()) received.push({ ...d, bytes: Buffer.from(await x.read(d.addr - META, d.len + META)).toString("hex") })
          }
          yield* kcall(() => x.fill([0, 1, 2, 3].map((i) => i * CHUNK)))
          for (const f of frames.slice(0, sizes1.length)) yield* kcall(() => s.sendPacket(f, 1))
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
          yield* kcall(drain)
          yield* kcall(() => x.fill([4, 5, 6, 7].map((i) => i * CHUNK)))
          for (const f of frames.slice(sizes1.length)) yield* kcall(() => s.sendPacket(f, 1))
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
          yield* kcall(drain)
          const st = yield* kcall(() => x.state())
          return { received, rxDropped: st.rxDropped, frames, ifindex: rig.rx.ifindex }
        })
      )
    )

    // the model, the same frames in the same order
    const u = registerUmem({ len: CHUNKS * CHUNK, chunkSize: CHUNK, headroom: UMEM_HEADROOM, flags: 0, txMetadataLen: 0 })
    if (!("area" in u)) throw new Error(u.message)
    const sock = makeXskSocket(u, "copy", kernel.ifindex, 0, { fill: RING, comp: RING, rx: RING, tx: RING })
    if (sock instanceof RangeError) throw sock
    const map = new XskMap(4)
    map.entries[0] = sock
    const area = makeFrameArea({ frameCount: 1, frameSize: 4096 })
    const xdp = new XdpBuff(area, { ifindex: kernel.ifindex, queueIndex: 0 })
    const rets: number[] = []
    const modelRx: Rx[] = []
    const drain = () => {
      const r = sock.rx
      while (r.consumer !== r.producer) {
        const off = (r.consumer & r.mask) * 16
        const addr = r.view.getUint32(off + XdpDescOff.ADDR, true)
        const len = r.view.getUint32(off + XdpDescOff.LEN, true)
        const options = r.view.getUint32(off + XdpDescOff.OPTIONS, true)
        modelRx.push({ addr, len, options, bytes: Buffer.from(u.area.bytes.subarray(addr - META, addr + len)).toString("hex") })
        r.consumer = (r.consumer + 1) >>> 0
      }
    }
    const receive = (f: Uint8Array) => {
      area.bytes.fill(0)
      xdpPrepareBuff(xdp, 0, XDP_PACKET_HEADROOM, f.length, 4096, true)
      area.bytes.set(f, xdp.data)
      expect(adjustMeta(xdp, -META)).toBe(0)
      area.view.setUint32(xdp.dataMeta, 0x64747864, true)
      area.view.setUint32(xdp.dataMeta + 4, f.length, true)
      expect(bpfRedirectMap(map, 0, XdpAction.PASS)).toBe(XdpAction.REDIRECT)
      rets.push(xdpDoRedirect(xdp))
    }
    for (const i of [0, 1, 2, 3]) addrRingPush(sock.fill, i * CHUNK)
    for (const f of kernel.frames.slice(0, sizes1.length)) receive(f)
    drain()
    for (const i of [4, 5, 6, 7]) addrRingPush(sock.fill, i * CHUNK)
    for (const f of kernel.frames.slice(sizes1.length)) receive(f)
    drain()

    expect(rets).toEqual([0, 0, -28, 0, 0, -12, 0, -28, 0]) // -ENOSPC above 1280 bytes, -ENOMEM on an empty fill ring
    expect(kernel.received.map((r) => ({ addr: r.addr, len: r.len, options: r.options }))).toEqual(modelRx.map((r) => ({ addr: r.addr, len: r.len, options: r.options })))
    expect(kernel.received.map((r) => r.bytes)).toEqual(modelRx.map((r) => r.bytes))
    expect(kernel.rxDropped).toBe(sock.stats.rxDropped)
    expect(kernel.received.length).toBe(6)
  })
})
