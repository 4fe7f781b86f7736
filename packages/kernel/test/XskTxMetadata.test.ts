/**
 * AF_XDP TX metadata in copy mode on the veth (net/xdp/xsk.c: __xsk_generic_xmit,
 * xsk_build_skb, xsk_skb_metadata, xsk_destruct_skb), against core's model
 * (xsk/XskGenericXmit.ts) fed the same UMEM bytes and descriptors:
 *   - UAPI: struct xdp_umem_reg / xsk_tx_metadata as the running kernel's BTF lays them out;
 *     XDP_TXMD_FLAGS_* bit by bit (accepted or -EINVAL) and the XDP_UMEM_* flags;
 *   - CHECKSUM with XDP_UMEM_TX_SW_CSUM: the frame on the peer (tcpdump, read by tshark) has a
 *     correct UDP checksum and equals the model's bytes; without SW_CSUM the skb leaves
 *     CHECKSUM_PARTIAL and veth never finishes it: the capture shows the seed, as the model keeps it;
 *   - TIMESTAMP: the completion's tx_timestamp is CLOCK_TAI, taken between send and completion;
 *   - LAUNCH_TIME: accepted and sent (skb->skb_mstamp_ns; veth has no launch-time qdisc);
 *   - an unknown flag bit, or csum_start + csum_offset + 2 > len: -EINVAL, the descriptor stays
 *     on the TX ring (consumer unchanged), no completion; fixing it in place lets it go;
 *   - completions in submission order.
 * The socket is bound to the rig's rx end (root netns) and sends to the peer, whose netns
 * routes nothing.
 */
import { readFileSync } from "node:fs"
import {
  addrRingPop,
  addrRingUsed,
  csumPartial,
  makeXskSocket,
  NetdevTx,
  type NetDevice,
  pseudoHeaderSum,
  registerUmem,
  SimulatedTaiClock,
  type TxSkb,
  XDP_TXMD_FLAGS_VALID,
  XdpDescOption,
  XdpTxmdFlags,
  XdpUmemFlag,
  XskCopyState,
  XskTxMetadataOff,
  xskCopyModeCompleted,
  xskGenericXmit,
  xskTxProduce
} from "@devtx/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { udpFrame } from "../src/KernelFrames.js"
import { kcall, kernelSession, type KernelSession } from "../src/KernelSession.js"
import { KernelXsk, XDP_COPY } from "../src/KernelXsk.js"
import { describeKernel } from "./support/KernelLane.js"
import { startPeerCapture, tsharkFields } from "./support/PeerCapture.js"

const CHUNK = 4096
const FRAMES = 16
const MD = 24
const HEADROOM = 256
const addrOf = (i: number) => i * CHUNK + HEADROOM
const UDP = 34

/** IPv4/UDP frame to the peer with the UDP checksum field holding the pseudo-header seed. */
const seededFrame = (dst: ReadonlyArray<number>, src: ReadonlyArray<number>, seed: number): Uint8Array => {
  const f = udpFrame({ dstMac: dst, srcMac: src, size: 98, seed })
  const udpLen = f.length - UDP
  const v = new DataView(f.buffer)
  v.setUint16(UDP + 6, pseudoHeaderSum(f, 26, 8, 17, udpLen), false)
  return f
}

interface Md {
  flags: number
  csumStart?: number
  csumOffset?: number
  launch?: bigint
}
const metadata = (m: Md): Uint8Array => {
  const b = new Uint8Array(MD)
  const v = new DataView(b.buffer)
  v.setUint32(XskTxMetadataOff.FLAGS, m.flags >>> 0, true)
  v.setUint16(XskTxMetadataOff.CSUM_START, m.csumStart ?? 0, true)
  v.setUint16(XskTxMetadataOff.CSUM_OFFSET, m.csumOffset ?? 0, true)
  v.setBigUint64(XskTxMetadataOff.LAUNCH_TIME, m.launch ?? 0n, true)
  return b
}

/** The model: the same UMEM contents and descriptors through core's copy-mode xmit. */
class ModelXsk {
  readonly sent: Array<{ bytes: string; csumStart: number; launch: bigint }> = []
  readonly st: XskCopyState
  private readonly clock = new SimulatedTaiClock(0, 1000, 1)
  constructor(umemFlags: number) {
    const u = registerUmem({ len: FRAMES * CHUNK, chunkSize: CHUNK, headroom: 0, flags: umemFlags, txMetadataLen: MD })
    if (!("area" in u)) throw new Error(`model umem: ${u.message}`)
    const s = makeXskSocket(u, "copy", 1, 0, { fill: 16, comp: 16, rx: 16, tx: 16 })
    if (s instanceof RangeError) throw s
    this.st = new XskCopyState(s)
  }
  write(off: number, b: Uint8Array) {
    this.st.socket.umem.area.bytes.set(b, off)
  }
  private readonly dev = {
    xmitSkb: (_q: number, skb: TxSkb) => {
      this.sent.push({
        bytes: Buffer.from(skb.mem.subarray(skb.data, skb.data + skb.len)).toString("hex"),
        csumStart: skb.csumStart,
        launch: (BigInt(skb.launchHi) << 32n) | BigInt(skb.launchLo)
      })
      return NetdevTx.OK
    }
  } as unknown as NetDevice
  /** like sendto: 0, or the errno */
  kick(): number {
    const r = xskGenericXmit(this.st, this.dev, 64)
    while (this.st.head !== this.st.tail) xskCopyModeCompleted(this.st, this.clock)
    return r < 0 ? -r : 0
  }
  completions(): number[] {
    const out: number[] = []
    while (addrRingUsed(this.st.socket.comp) > 0) out.push(addrRingPop(this.st.socket.comp))
    return out
  }
}

const struct = (c: string, name: string): string[] => {
  const start = c.indexOf(`\nstruct ${name} {`)
  expect(start, `struct ${name} in BTF`).toBeGreaterThan(0)
  return c.slice(c.indexOf("{", start) + 1, c.indexOf("\n};", start)).split("\n").map((l) => l.trim()).filter((l) => l !== "")
}

const settle = () => new Promise((r) => setTimeout(r, 30))

describeKernel("AF_XDP TX metadata, copy mode on veth: model == kernel", () => {
  it("UAPI layouts and flag values are the running kernel's", async () => {
    const { execFileSync } = await import("node:child_process")
    const c = execFileSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], { maxBuffer: 512 << 20, encoding: "utf8" })
    // xdp_umem_reg: six naturally aligned members, 32 bytes, tx_metadata_len @28 (KernelXsk.ts, the helper's struct)
    expect(struct(c, "xdp_umem_reg")).toEqual(["__u64 addr;", "__u64 len;", "__u32 chunk_size;", "__u32 headroom;", "__u32 flags;", "__u32 tx_metadata_len;"])
    expect(struct(c, "xsk_tx_metadata").join(" ")).toBe(
      "__u64 flags; union { struct { __u16 csum_start; __u16 csum_offset; __u64 launch_time; } request; struct { __u64 tx_timestamp; } completion; };"
    )
    expect([XskTxMetadataOff.FLAGS, XskTxMetadataOff.CSUM_START, XskTxMetadataOff.CSUM_OFFSET, XskTxMetadataOff.LAUNCH_TIME, XskTxMetadataOff.TX_TIMESTAMP]).toEqual([0, 8, 10, 16, 8])
    // the netdev xsk-features bits name the same three offloads in the same order (include/uapi/linux/netdev.h)
    const m = /enum netdev_xsk_flags \{\s*NETDEV_XSK_FLAGS_TX_TIMESTAMP = (\d+),\s*NETDEV_XSK_FLAGS_TX_CHECKSUM = (\d+),\s*NETDEV_XSK_FLAGS_TX_LAUNCH_TIME_FIFO = (\d+),/.exec(c)
    expect(m?.slice(1).map(Number)).toEqual([XdpTxmdFlags.TIMESTAMP, XdpTxmdFlags.CHECKSUM, XdpTxmdFlags.LAUNCH_TIME])
  })

  it("checksum, timestamp, launch time, unknown flags, bad csum offsets and completion order", async () => {
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* kernelSession()
          yield* kcall(() => txChecks(s))
        })
      )
    )
  })
})

const txChecks = async (s: KernelSession): Promise<void> => {
  const rig = s.requireRig
  const frameFor = (seed: number) => seededFrame(rig.peer.mac, rig.rx.mac, seed)

  // UMEM flags: an unknown bit is refused at registration; the 6.8+ bits are accepted
  await expect(
    KernelXsk.open(s, { netnsPath: "-", ifname: rig.rx.ifname, queue: 0, bindFlags: XDP_COPY, umemFlags: 1 << 3, txMetadataLen: MD, frames: FRAMES, frameSize: CHUNK, ringSize: 16 })
  ).rejects.toMatchObject({ errno: 22 })
  expect(registerUmem({ len: FRAMES * CHUNK, chunkSize: CHUNK, headroom: 0, flags: 1 << 3, txMetadataLen: MD })).toMatchObject({ field: "flags" })

  const open = (umemFlags: number) =>
    KernelXsk.open(s, { netnsPath: "-", ifname: rig.rx.ifname, queue: 0, bindFlags: XDP_COPY, umemFlags, txMetadataLen: MD, frames: FRAMES, frameSize: CHUNK, ringSize: 16 })

  // ---------------------------------------------------------------- SW checksum socket
  const swFlags = XdpUmemFlag.TX_METADATA_LEN | XdpUmemFlag.TX_SW_CSUM
  const k = await open(swFlags)
  const m = new ModelXsk(swFlags)
  const both = async (i: number, frame: Uint8Array, md: Md | null) => {
    const a = addrOf(i)
    const meta = metadata(md ?? { flags: 0 })
    await k.write(a - MD, meta)
    await k.write(a, frame)
    m.write(a - MD, meta)
    m.write(a, frame)
    const opt = md === null ? 0 : XdpDescOption.TX_METADATA
    await k.tx(a, frame.length, opt)
    expect(xskTxProduce(m.st.socket, a, frame.length, opt)).toBe(true)
  }
  const kickBoth = async (what: string) => {
    const ke = await k.kick()
    const me = m.kick()
    await settle()
    expect(ke, `${what}: sendto errno, kernel vs model`).toBe(me)
    return ke
  }

  const cap = await startPeerCapture(rig.netns, rig.peer.ifname)
  const frames: Uint8Array[] = []
  /** per frame on the wire, in order: was CHECKSUM requested when it went */
  const csumAsked: boolean[] = []
  try {
    // 1. checksum in software: correct on the wire
    frames.push(frameFor(1))
    await both(0, frames[0]!, { flags: XdpTxmdFlags.CHECKSUM, csumStart: UDP, csumOffset: 6 })
    expect(await kickBoth("checksum")).toBe(0)
    csumAsked.push(true)
    // 2. timestamp: CLOCK_TAI between the send and the completion
    const before = await s.clock()
    frames.push(frameFor(2))
    await both(1, frames[1]!, { flags: XdpTxmdFlags.TIMESTAMP })
    expect(await kickBoth("timestamp")).toBe(0)
    csumAsked.push(false)
    const after = await s.clock()
    expect(await k.completions()).toEqual([addrOf(0), addrOf(1)])
    expect(m.completions()).toEqual([addrOf(0), addrOf(1)])
    const stamp = new DataView((await k.read(addrOf(1) - MD + XskTxMetadataOff.TX_TIMESTAMP, 8)).buffer).getBigUint64(0, true)
    expect(stamp >= BigInt(before.tai) && stamp <= BigInt(after.tai), `tx_timestamp ${stamp} in TAI [${before.tai}, ${after.tai}]`).toBe(true)
    if (Math.abs(after.tai - after.realtime) > 1e9) expect(stamp < BigInt(before.realtime) || stamp > BigInt(after.realtime)).toBe(true)
    expect(stamp > BigInt(after.monotonic) + 1_000_000_000n).toBe(true) // not CLOCK_MONOTONIC
    // 3. launch time: accepted and sent
    frames.push(frameFor(3))
    await both(2, frames[2]!, { flags: XdpTxmdFlags.LAUNCH_TIME, launch: BigInt(after.tai) + 1_000_000n })
    expect(await kickBoth("launch time")).toBe(0)
    csumAsked.push(false)
    expect(m.sent.at(-1)!.launch).toBe(BigInt(after.tai) + 1_000_000n)
    expect(await k.completions()).toEqual([addrOf(2)])
    expect(m.completions()).toEqual([addrOf(2)])
    // 4. every flag bit: the valid ones go, the others are -EINVAL and stay on the ring
    for (let bit = 0; bit < 8; bit++) {
      const flag = 1 << bit
      const i = 3 + (bit % 4)
      const f = frameFor(10 + bit)
      await both(i, f, { flags: flag, csumStart: UDP, csumOffset: 6 })
      const st0 = await k.state()
      const e = await kickBoth(`flag bit ${bit}`)
      const valid = (flag & XDP_TXMD_FLAGS_VALID) !== 0
      expect(e, `flag 1 << ${bit}`).toBe(valid ? 0 : 22)
      if (valid) {
        frames.push(f)
        csumAsked.push(flag === XdpTxmdFlags.CHECKSUM)
      } else {
        const st1 = await k.state()
        expect(st1.txConsumer, "descriptor left on the TX ring").toBe(st0.txConsumer)
        expect(await k.kick(), "still refused on retry").toBe(22)
        expect(m.kick()).toBe(22)
        // fix the metadata in place (flags 0): the same descriptor now goes
        await k.write(addrOf(i) - MD, metadata({ flags: 0 }))
        m.write(addrOf(i) - MD, metadata({ flags: 0 }))
        expect(await kickBoth(`flag bit ${bit}, fixed`)).toBe(0)
        frames.push(f)
        csumAsked.push(false)
      }
      expect(await k.completions()).toEqual([addrOf(i)])
      expect(m.completions()).toEqual([addrOf(i)])
    }
    // 5. csum_start + csum_offset + 2 > len: -EINVAL (the boundary itself is allowed)
    const f5 = frameFor(30)
    await both(8, f5, { flags: XdpTxmdFlags.CHECKSUM, csumStart: f5.length - 2, csumOffset: 1 })
    expect(await kickBoth("csum beyond the frame")).toBe(22)
    await k.write(addrOf(8) - MD, metadata({ flags: XdpTxmdFlags.CHECKSUM, csumStart: UDP, csumOffset: 6 }))
    m.write(addrOf(8) - MD, metadata({ flags: XdpTxmdFlags.CHECKSUM, csumStart: UDP, csumOffset: 6 }))
    expect(await kickBoth("csum fixed")).toBe(0)
    frames.push(f5)
    csumAsked.push(true)
    await k.completions()
    m.completions()
    // 6. completion order over a batch of four
    for (let j = 0; j < 4; j++) {
      const f = frameFor(40 + j)
      frames.push(f)
      csumAsked.push(true)
      await both(9 + j, f, { flags: XdpTxmdFlags.CHECKSUM | XdpTxmdFlags.TIMESTAMP, csumStart: UDP, csumOffset: 6 })
    }
    expect(await kickBoth("batch")).toBe(0)
    const order = [9, 10, 11, 12].map(addrOf)
    expect(await k.completions()).toEqual(order)
    expect(m.completions()).toEqual(order)

    const file = await cap.stop()
    const got = tsharkFields(file, ["frame.len", "udp.checksum", "udp.checksum.status", "data.data"])
    expect(got.length, "frames on the peer").toBe(m.sent.length)
    const raw = readPcapFrames(file)
    expect(raw, "the peer's frames are the model's bytes, in order").toEqual(m.sent.map((x) => x.bytes))
    // tshark's own verdict (udp.checksum.status: 1 Good, 0 Bad): a correct checksum exactly
    // where CHECKSUM was requested; elsewhere the seed went out as written
    expect(got.map((g) => g[2])).toEqual(csumAsked.map((c) => (c ? "1" : "0")))
    expect(frames.length).toBe(got.length)
  } finally {
    cap.cleanup()
  }
  await k.close()

  // ---------------------------------------------------------------- no SW checksum: CHECKSUM_PARTIAL
  const hw = await open(XdpUmemFlag.TX_METADATA_LEN)
  const mh = new ModelXsk(XdpUmemFlag.TX_METADATA_LEN)
  const cap2 = await startPeerCapture(rig.netns, rig.peer.ifname)
  try {
    const f = frameFor(50)
    const a = addrOf(0)
    const meta = metadata({ flags: XdpTxmdFlags.CHECKSUM, csumStart: UDP, csumOffset: 6 })
    await hw.write(a - MD, meta)
    await hw.write(a, f)
    mh.write(a - MD, meta)
    mh.write(a, f)
    await hw.tx(a, f.length, XdpDescOption.TX_METADATA)
    xskTxProduce(mh.st.socket, a, f.length, XdpDescOption.TX_METADATA)
    expect(await hw.kick()).toBe(mh.kick())
    await settle()
    expect(mh.sent[0]!.csumStart).toBe(UDP) // CHECKSUM_PARTIAL handed to the device
    const file = await cap2.stop()
    const raw = readPcapFrames(file)
    expect(raw).toEqual([mh.sent[0]!.bytes])
    // the seed went out unfinished: veth has NETIF_F_HW_CSUM and never completes it
    expect(raw[0]!.slice((UDP + 6) * 2, (UDP + 8) * 2)).toBe(Buffer.from(f.subarray(UDP + 6, UDP + 8)).toString("hex"))
    expect(tsharkFields(file, ["udp.checksum.status"])).toEqual([["0"]])
    // and the seed is what a device finishing CHECKSUM_PARTIAL would start from: folding the
    // segment sum with it gives the correct checksum
    expect(csumPartial(f, UDP, f.length - UDP)).not.toBe(0)
  } finally {
    cap2.cleanup()
  }
  await hw.close()
}

/** Classic pcap (tcpdump -w): every record's bytes as hex, in order. */
const readPcapFrames = (file: string): string[] => {
  const b = readFileSync(file)
  const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o))
  const out: string[] = []
  for (let o = 24; o + 16 <= b.length; ) {
    const incl = u32(o + 8)
    out.push(b.subarray(o + 16, o + 16 + incl).toString("hex"))
    o += 16 + incl
  }
  return out
}
