/**
 * adjustMeta / adjustHead against the kernel's rules (net/core/filter.c bpf_xdp_adjust_meta,
 * bpf_xdp_adjust_head; include/net/xdp.h xdp_metalen_invalid): the new meta start must be in
 * [hard_start + sizeof(struct xdp_frame) = 40, data] (-EINVAL), the length 4-aligned and <= 255
 * (-EACCES), metadata unsupported -> -ENOTSUPP; a failed call changes nothing.
 */
import {
  adjustHead,
  adjustMeta,
  Errno,
  makeFrameArea,
  XdpBuff,
  xdpGetMetalen,
  xdpPrepareBuff,
  XDP_PACKET_HEADROOM
} from "@devtx/core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const fresh = (headroom = XDP_PACKET_HEADROOM, len = 100, metaValid = true): XdpBuff => {
  const area = makeFrameArea({ frameCount: 2 })
  const x = new XdpBuff(area, { ifindex: 1, queueIndex: 0 })
  xdpPrepareBuff(x, 4096, headroom, len, 4096, metaValid)
  return x
}
const snapshot = (x: XdpBuff) => ({ meta: x.dataMeta, data: x.data, end: x.dataEnd })

describe("adjustMeta", () => {
  it("grows by an aligned amount and shrinks back", () => {
    const x = fresh()
    expect(adjustMeta(x, -32)).toBe(0)
    expect(xdpGetMetalen(x)).toBe(32)
    expect(adjustMeta(x, 32)).toBe(0)
    expect(xdpGetMetalen(x)).toBe(0)
  })

  it("rejects unaligned lengths with -EACCES and changes nothing", () => {
    const x = fresh()
    const before = snapshot(x)
    expect(adjustMeta(x, -6)).toBe(-Errno.EACCES)
    expect(snapshot(x)).toEqual(before)
  })

  it("with 256 B headroom: -256 passes the frame area (-EINVAL); 216 is the most that fits", () => {
    const x = fresh()
    const before = snapshot(x)
    expect(adjustMeta(x, -256)).toBe(-Errno.EINVAL)
    expect(snapshot(x)).toEqual(before)
    expect(adjustMeta(x, -(XDP_PACKET_HEADROOM - 40 + 4))).toBe(-Errno.EINVAL)
    expect(adjustMeta(x, -(XDP_PACKET_HEADROOM - 40))).toBe(0)
    expect(xdpGetMetalen(x)).toBe(216)
  })

  it("exhausting the headroom: once data_meta reaches the xdp_frame area, any further growth is -EINVAL", () => {
    const x = fresh()
    expect(adjustMeta(x, -216)).toBe(0)
    expect(adjustMeta(x, -4)).toBe(-Errno.EINVAL)
  })

  it("with headroom to spare: 252 is the largest length, 256 is -EACCES (u8 meta_len)", () => {
    const x = fresh(512)
    expect(adjustMeta(x, -252)).toBe(0)
    expect(adjustMeta(x, -4)).toBe(-Errno.EACCES)
    expect(xdpGetMetalen(x)).toBe(252)
    const y = fresh(512)
    expect(adjustMeta(y, -256)).toBe(-Errno.EACCES)
  })

  it("cannot move data_meta past data (-EINVAL)", () => {
    const x = fresh()
    expect(adjustMeta(x, 4)).toBe(-Errno.EINVAL)
  })

  it("returns -ENOTSUPP when the driver marked metadata unsupported", () => {
    const x = fresh(XDP_PACKET_HEADROOM, 100, false)
    expect(adjustMeta(x, -8)).toBe(-Errno.ENOTSUPP)
    expect(xdpGetMetalen(x)).toBe(0)
  })

  it("property: success iff the kernel conditions hold; failure changes nothing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.integer({ min: -400, max: 400 }), (headroom, delta) => {
        const x = fresh(Math.max(headroom, 40), 100)
        const before = snapshot(x)
        const meta = x.dataMeta + delta
        const len = x.data - meta
        const expected =
          meta < x.hardStart + 40 || meta > x.data ? -Errno.EINVAL : len % 4 !== 0 || len > 255 ? -Errno.EACCES : 0
        const r = adjustMeta(x, delta)
        expect(r).toBe(expected)
        if (r !== 0) expect(snapshot(x)).toEqual(before)
        else expect(x.dataMeta).toBe(meta)
      })
    )
  })
})

describe("adjustHead", () => {
  it("moves data and carries the metadata with it", () => {
    const x = fresh()
    expect(adjustMeta(x, -8)).toBe(0)
    x.area.bytes.set([1, 2, 3, 4, 5, 6, 7, 8], x.dataMeta)
    expect(adjustHead(x, -16)).toBe(0)
    expect(xdpGetMetalen(x)).toBe(8)
    expect([...x.area.bytes.subarray(x.dataMeta, x.data)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it("refuses to leave less than ETH_HLEN of packet, or to eat into xdp_frame + meta (-EINVAL)", () => {
    const x = fresh(XDP_PACKET_HEADROOM, 100)
    expect(adjustHead(x, 100 - 13)).toBe(-Errno.EINVAL)
    expect(adjustHead(x, 100 - 14)).toBe(0)
    const y = fresh()
    expect(adjustMeta(y, -8)).toBe(0)
    expect(adjustHead(y, -(XDP_PACKET_HEADROOM - 40 - 8) - 1)).toBe(-Errno.EINVAL)
    expect(adjustHead(y, -(XDP_PACKET_HEADROOM - 40 - 8))).toBe(0)
  })
})
