/**
 * xdpDoRedirect into an XSKMAP (copy mode) and bpf_redirect_map's flag rules, against the kernel's
 * order of checks (net/xdp/xsk.c xsk_rcv_check then __xsk_rcv; include/linux/filter.h
 * __bpf_xdp_redirect_map), with the numbers written out here rather than taken from the code:
 * a 2048-byte chunk with no UMEM headroom leaves 2048 - 256 = 1792 packet bytes, metadata not
 * counted; errnos ENOSPC 28, ENOMEM 12, ENOBUFS 105 (include/uapi/asm-generic/errno*.h).
 */
import {
  bpfRedirectMap,
  BpfRedirectFlag,
  CpuMap,
  DevMap,
  makeFrameArea,
  makeXskSocket,
  registerUmem,
  XdpAction,
  XdpBuff,
  xdpDoRedirect,
  xdpPrepareBuff,
  XdpDescOff,
  XskMap,
  type XskSocket
} from "@devtx/core"
import { describe, expect, it } from "vitest"

const setup = (rxSize = 4) => {
  const u = registerUmem({ len: 8 * 2048, chunkSize: 2048, headroom: 0, flags: 0, txMetadataLen: 0 })
  if (!("area" in u)) throw u
  const s = makeXskSocket(u, "copy", 2, 0, { fill: 8, comp: 8, rx: rxSize, tx: 8 })
  if (s instanceof RangeError) throw s
  const map = new XskMap(1)
  map.entries[0] = s
  return { u, s, map }
}

const buff = (len: number, metalen: number): XdpBuff => {
  const area = makeFrameArea({ frameCount: 1 })
  const x = new XdpBuff(area, { ifindex: 2, queueIndex: 0 })
  xdpPrepareBuff(x, 0, 256, len, 4096, true)
  for (let i = 0; i < len; i++) area.bytes[x.data + i] = i & 0xff
  x.dataMeta = x.data - metalen
  for (let i = 0; i < metalen; i++) area.bytes[x.dataMeta + i] = 0xa0 + i
  return x
}

const give = (s: XskSocket, ...addrs: number[]) => {
  for (const a of addrs) s.fill.addrs[s.fill.producer++ & s.fill.mask] = a
  s.fill.reserved = s.fill.producer
}

const redirect = (map: XskMap, x: XdpBuff): number => {
  expect(bpfRedirectMap(map, 0, XdpAction.PASS)).toBe(XdpAction.REDIRECT)
  return xdpDoRedirect(x)
}

describe("XSKMAP copy-mode receive (xsk_rcv_check, __xsk_rcv)", () => {
  it("the frame-size limit counts packet bytes only: 1792 bytes + 32 bytes of metadata is delivered, 1793 is -ENOSPC", () => {
    const { u, s, map } = setup()
    give(s, 0, 2048)
    expect(redirect(map, buff(1792, 32))).toBe(0)
    const addr = s.rx.view.getUint32(XdpDescOff.ADDR, true)
    expect(addr).toBe(256)
    expect(s.rx.view.getUint32(XdpDescOff.LEN, true)).toBe(1792)
    expect(u.area.bytes[addr + 1791]).toBe(1791 & 0xff)
    expect([...u.area.bytes.subarray(addr - 32, addr - 30)]).toEqual([0xa0, 0xa1])
    expect(redirect(map, buff(1793, 0))).toBe(-28)
    expect(s.stats.rxDropped).toBe(1)
    expect(s.fill.consumer).toBe(1)
  })

  it("no fill buffer is -ENOMEM (rx_dropped) even when the RX ring is also full; a full RX ring alone is -ENOBUFS (rx_queue_full)", () => {
    const { s, map } = setup(1)
    give(s, 0)
    expect(redirect(map, buff(64, 0))).toBe(0)
    // fill empty and RX ring full: __xsk_rcv fails the allocation first
    expect(redirect(map, buff(64, 0))).toBe(-12)
    expect([s.stats.rxDropped, s.stats.rxRingFull]).toEqual([1, 0])
    give(s, 2048)
    expect(redirect(map, buff(64, 0))).toBe(-105)
    expect([s.stats.rxDropped, s.stats.rxRingFull]).toEqual([1, 1])
    // the buffer is not lost: once user space consumes the RX entry, the next frame gets it
    s.rx.consumer++
    expect(redirect(map, buff(64, 0))).toBe(0)
    expect(s.rx.view.getUint32(XdpDescOff.ADDR, true)).toBe(2048 + 256)
  })
})

describe("bpf_redirect_map flags (__bpf_xdp_redirect_map)", () => {
  it("a failed lookup returns flags & (ABORTED|DROP|PASS|TX); bits outside the action mask and the map's flags abort", () => {
    const xsk = new XskMap(1)
    expect(bpfRedirectMap(xsk, 0, XdpAction.TX)).toBe(XdpAction.TX)
    expect(bpfRedirectMap(xsk, 0, XdpAction.DROP)).toBe(XdpAction.DROP)
    // XDP_REDIRECT (4) is not an action the lookup may fall back to
    expect(bpfRedirectMap(xsk, 0, XdpAction.REDIRECT)).toBe(XdpAction.ABORTED)
    // BPF_F_EXCLUDE_INGRESS (1 << 4) belongs to DEVMAP only
    expect(bpfRedirectMap(xsk, 0, 16 | XdpAction.PASS)).toBe(XdpAction.ABORTED)
    expect(bpfRedirectMap(new CpuMap(1), 0, 16 | XdpAction.PASS)).toBe(XdpAction.ABORTED)
    expect(bpfRedirectMap(new DevMap(1), 0, 16 | XdpAction.PASS)).toBe(XdpAction.PASS)
  })

  it("DEVMAP broadcast is not modelled: the program gets XDP_ABORTED, not a redirect to one entry", () => {
    expect(BpfRedirectFlag).toEqual({ BROADCAST: 8, EXCLUDE_INGRESS: 16 })
    expect(bpfRedirectMap(new DevMap(1), 0, 8)).toBe(XdpAction.ABORTED)
  })
})
