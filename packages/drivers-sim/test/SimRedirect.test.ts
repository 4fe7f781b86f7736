/**
 * XDP_TX and XDP_REDIRECT on the reference NIC: frames reach the wire (XDP_TX, DEVMAP), an AF_XDP
 * socket with the metadata the program stored (XSKMAP), or a remote CPU whose skb carries only
 * what the frame carried (CPUMAP: no hash, VLAN or hardware timestamp — the RX descriptor is gone).
 */
import {
  adjustMeta,
  attachXdp,
  bpfRedirectMap,
  builtinCorpus,
  CpuMap,
  CpuMapQueue,
  cpuMapRun,
  decodeDriverConfig,
  DevMap,
  loadXdpProgram,
  makeFrameArea,
  makeXskSocket,
  registerUmem,
  XdpAction,
  XdpBuff,
  xdpConvertBuffToFrame,
  XdpFrameView,
  XdpDescOff,
  type XdpProgramSpec,
  xdpPrepareBuff,
  XskMap
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { createSimDevice, type SimConfig } from "@devtx/drivers-sim/internals"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const dev = (ifindex: number, o: Partial<SimConfig> = {}) =>
  createSimDevice(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, ...o })), { ifname: `sim${ifindex}`, ifindex })

const frames = builtinCorpus().filter((f) => !f.truth.isRunt && f.truth.vlans.length === 0 && f.bytes.length <= 1514)

const attach = (d: ReturnType<typeof dev>, spec: XdpProgramSpec) =>
  Effect.runPromise(Effect.flatMap(loadXdpProgram(spec), (p) => attachXdp(d, p)))

const pump = (d: ReturnType<typeof dev>) => {
  for (let q = 0; q < d.numRxQueues; q++) while (d.napiPoll(q, 64) > 0) {}
  for (let q = 0; q < d.numTxQueues; q++) {
    d.hwTransmit(q, 1024)
    d.napiPollTx(q, 1024)
  }
}

describe("XDP_TX", () => {
  it("bounces every frame back out unchanged, through devtx submit_xdp, with no frame leaked over many ring wraps", async () => {
    const d = dev(2)
    await attach(d, { name: "xdp_tx", kfuncs: [], instantiate: () => () => XdpAction.TX })
    const wire: Uint8Array[] = []
    d.wire = (m, o, l) => wire.push(m.slice(o, o + l))
    let hooked = 0
    d.devtx.submitXdp = () => {
      hooked++
    }
    const sent = [...frames, ...frames, ...frames].slice(0, 1000)
    for (const f of sent) {
      expect(d.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
      pump(d)
    }
    expect(wire.length).toBe(sent.length)
    wire.forEach((w, i) => expect(w).toEqual(sent[i]!.bytes))
    expect(hooked).toBe(sent.length)
    expect(d.rxStats.xdpTx).toBe(sent.length)
    expect(d.rxStats.xdpTxErrors).toBe(0)
    expect(d.txInFlight(0)).toBe(0)
  })
})

describe("XDP_REDIRECT", () => {
  it("XSKMAP: the frame and the metadata the program stored reach the AF_XDP socket; an empty fill ring drops (-ENOMEM)", async () => {
    const d = dev(2)
    const u = registerUmem({ len: 8 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
    if (!("area" in u)) throw u
    const s = makeXskSocket(u, "copy", 2, 0, { fill: 8, comp: 8, rx: 8, tx: 8 })
    if (s instanceof RangeError) throw s
    const map = new XskMap(4)
    map.entries[0] = s
    await attach(d, {
      name: "to_xsk",
      kfuncs: [],
      instantiate: () => (ctx) => {
        if (adjustMeta(ctx, -8) !== 0) return XdpAction.ABORTED
        ctx.area.view.setUint32(ctx.dataMeta, 0xc0ffee00 + (ctx.dataEnd - ctx.data), true)
        ctx.area.view.setUint32(ctx.dataMeta + 4, 42, true)
        return bpfRedirectMap(map, ctx.rxq.queueIndex, XdpAction.PASS)
      }
    })
    for (let i = 0; i < 3; i++) s.fill.addrs[i] = i * 4096
    s.fill.producer = s.fill.reserved = 3
    for (const f of frames.slice(0, 4)) {
      d.hwReceive(f.bytes, 0, f.bytes.length)
      pump(d)
    }
    expect(s.rx.producer).toBe(3)
    for (let i = 0; i < 3; i++) {
      const o = i * 16
      const addr = s.rx.view.getUint32(o + XdpDescOff.ADDR, true)
      const len = s.rx.view.getUint32(o + XdpDescOff.LEN, true)
      expect(addr).toBe(i * 4096 + 256)
      expect(u.area.bytes.slice(addr, addr + len)).toEqual(frames[i]!.bytes)
      expect(u.area.view.getUint32(addr - 8, true)).toBe(0xc0ffee00 + frames[i]!.bytes.length)
      expect(u.area.view.getUint32(addr - 4, true)).toBe(42)
    }
    expect(d.rxStats.xdpRedirectErrors).toBe(1)
    expect(s.stats.rxDropped).toBe(1)
  })

  it("XSKMAP: a socket bound to another queue refuses the frame (-EINVAL)", async () => {
    const d = dev(2)
    const u = registerUmem({ len: 4 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
    if (!("area" in u)) throw u
    const s = makeXskSocket(u, "copy", 2, 1, { fill: 4, comp: 4, rx: 4, tx: 4 })
    if (s instanceof RangeError) throw s
    const map = new XskMap(1)
    map.entries[0] = s
    await attach(d, { name: "to_xsk", kfuncs: [], instantiate: () => () => bpfRedirectMap(map, 0, 0) })
    d.hwReceive(frames[0]!.bytes, 0, frames[0]!.bytes.length)
    pump(d)
    expect(d.rxStats.xdpRedirectErrors).toBe(1)
    expect(s.rx.producer).toBe(0)
  })

  it("a missing map entry returns the fallback action from the flags' low bits", async () => {
    const d = dev(2)
    const map = new XskMap(2)
    let passed = 0
    d.stack = () => {
      passed++
    }
    await attach(d, { name: "fallback", kfuncs: [], instantiate: () => () => bpfRedirectMap(map, 1, XdpAction.PASS) })
    d.hwReceive(frames[0]!.bytes, 0, frames[0]!.bytes.length)
    pump(d)
    expect(passed).toBe(1)
  })

  it("DEVMAP: frames leave through the other device's wire", async () => {
    const a = dev(2)
    const b = dev(3)
    const map = new DevMap(4)
    map.entries[1] = b
    await attach(a, { name: "to_dev", kfuncs: [], instantiate: () => () => bpfRedirectMap(map, 1, 0) })
    const wire: Uint8Array[] = []
    b.wire = (m, o, l) => wire.push(m.slice(o, o + l))
    for (const f of frames.slice(0, 100)) {
      a.hwReceive(f.bytes, 0, f.bytes.length)
      pump(a)
      pump(b)
    }
    expect(wire).toEqual(frames.slice(0, 100).map((f) => f.bytes))
  })

  it("CPUMAP: the remote skb has the bytes and the metadata, but no hash, VLAN or hardware timestamp", async () => {
    const d = dev(2)
    const cpus = new CpuMap(2)
    const q = new CpuMapQueue(64)
    cpus.entries[1] = q
    await attach(d, {
      name: "to_cpu",
      kfuncs: [],
      instantiate: () => (ctx) => {
        adjustMeta(ctx, -4)
        ctx.area.view.setUint32(ctx.dataMeta, 0x1234abcd, true)
        return bpfRedirectMap(cpus, 1, 0)
      }
    })
    const tagged = builtinCorpus().filter((f) => !f.truth.isRunt && f.truth.vlans.length === 1 && f.truth.l3 !== "arp" && f.bytes.length <= 1518)
    for (const f of tagged.slice(0, 10)) {
      d.hwReceive(f.bytes, 0, f.bytes.length)
      pump(d)
    }
    const skbs: Array<{ hash: number; vlan: boolean; ts: number; meta: number; len: number; first: number }> = []
    expect(
      cpuMapRun(q, (skb, mem) => {
        const v = new DataView(mem.buffer, mem.byteOffset, mem.byteLength)
        skbs.push({
          hash: skb.hash,
          vlan: skb.vlanPresent,
          ts: skb.hwtstampHi + skb.hwtstampLo,
          meta: v.getUint32(skb.dataAddr - skb.metaLen, true),
          len: skb.len,
          first: mem[skb.dataAddr]!
        })
      })
    ).toBe(10)
    skbs.forEach((s, i) => {
      expect(s).toEqual({ hash: 0, vlan: false, ts: 0, meta: 0x1234abcd, len: tagged[i]!.bytes.length - 4, first: tagged[i]!.bytes[0]! })
    })
  })
})

describe("xdp_frame conversion (xdp_convert_buff_to_frame)", () => {
  it("writes the frame's geometry into the headroom, and fails when the metadata leaves no room for it", () => {
    const area = makeFrameArea({ frameCount: 1 })
    const x = new XdpBuff(area, { ifindex: 9, queueIndex: 0 })
    xdpPrepareBuff(x, 0, 256, 100, 4096, true)
    expect(adjustMeta(x, -16)).toBe(0)
    const f = xdpConvertBuffToFrame(x, 2)
    expect(f).toBe(0)
    expect({ ...new XdpFrameView().read(area.view, f) }).toEqual({
      data: 256,
      len: 100,
      headroom: 216,
      metasize: 16,
      memType: 2,
      devRx: 9,
      frameSz: 4096,
      flags: 0
    })
    const y = new XdpBuff(area, { ifindex: 9, queueIndex: 0 })
    xdpPrepareBuff(y, 0, 64, 100, 4096, true)
    expect(adjustMeta(y, -24)).toBe(0) // 64 - 24 = 40 = sizeof(xdp_frame): still fits
    expect(xdpConvertBuffToFrame(y, 2)).toBe(0)
    const z = new XdpBuff(area, { ifindex: 9, queueIndex: 0 })
    xdpPrepareBuff(z, 0, 64, 100, 4096, true)
    expect(adjustMeta(z, -24)).toBe(0)
    z.data += 0
    z.hardStart += 4 // 4 bytes less headroom: 60 - 24 < 40
    expect(xdpConvertBuffToFrame(z, 2)).toBe(-1)
  })
})
