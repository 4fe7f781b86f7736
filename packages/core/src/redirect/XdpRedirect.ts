/**
 * xdp_do_redirect (net/core/filter.c) for the three map types devtx models. After it returns the
 * driver recycles the RX buffer: the RX descriptor is gone, and only what the frame itself
 * carries survives — its bytes and the data_meta area the program wrote. Returns 0, or a
 * negative errno (the driver then drops the frame and counts xdp_redirect errors):
 *
 * - XSKMAP (copy mode; net/xdp/xsk.c xsk_rcv_check then __xsk_rcv, in that order): the socket
 *   must be bound to this device and queue (-EINVAL); packet bytes (data_end - data: the
 *   metadata does not count, it lands in the XDP_PACKET_HEADROOM) beyond the pool's RX frame
 *   size, chunk_size - umem headroom - XDP_PACKET_HEADROOM (xsk_pool_get_rx_frame_size), drop
 *   with -ENOSPC (rx_dropped); then no buffer to allocate: -ENOMEM (rx_dropped); then RX ring
 *   full: -ENOBUFS (rx_queue_full, from __xsk_rcv_zc's xskq_prod_reserve_desc). The kernel has
 *   already taken the fill-ring address into the pool's free list when the RX ring turns out
 *   full and hands it out on the next receive; the model leaves it in the fill ring instead —
 *   the same address comes next either way, only the fill ring's consumer index differs.
 *   The metadata is copied with the packet (memcpy from data_meta), so the consumer finds it at
 *   desc.addr - metalen. The RX descriptor's addr is chunk + umem headroom + XDP_PACKET_HEADROOM.
 * - DEVMAP: the buffer becomes an xdp_frame and goes to the target's ndo_xdp_xmit (NetDevice
 *   xdpXmit). The model's target copies the frame into its own memory (real drivers DMA-map the
 *   source page and return it at completion); the data_meta area travels with it.
 * - CPUMAP: the xdp_frame is queued for the remote CPU (a copy of the whole buffer); a
 *   full queue drops (-ENOBUFS). cpuMapRun later builds skbs from the frames
 *   (__xdp_build_skb_from_frame): data, length, metadata length — and no hash, VLAN or hardware
 *   timestamp, because those lived in the RX descriptor.
 */
import { PktHashType, SkbRecord, type SkbSink } from "../hook/SkbRecord.js"
import { Errno } from "../kernel/Errno.js"
import { XDP_PACKET_HEADROOM } from "../kernel/XdpGeometry.js"
import { type XdpBuff, xdpDataMetaUnsupported } from "../memory/XdpBuff.js"
import { addrRingPop, addrRingUsed } from "../ring/AddrRing.js"
import { XDP_DESC_SIZE, XdpDescOff } from "../xsk/XdpDesc.js"
import { xdpConvertBuffToFrame, XdpFrameView, XdpMemType } from "./XdpFrame.js"
import { type CpuMap, type CpuMapQueue, DevMap, redirectInfo, XskMap } from "./XdpMaps.js"

export const xdpDoRedirect = (xdp: XdpBuff): number => {
  const map = redirectInfo.map
  redirectInfo.map = undefined
  if (map === undefined) return -Errno.EINVAL
  if (map instanceof XskMap) {
    const s = map.entries[redirectInfo.key]!
    if (s.ifindex !== xdp.rxq.ifindex || s.queue !== xdp.rxq.queueIndex) return -Errno.EINVAL
    const len = xdp.dataEnd - xdp.data
    const metalen = xdpDataMetaUnsupported(xdp) ? 0 : xdp.data - xdp.dataMeta
    const u = s.umem
    if (len > u.chunkSize - u.headroom - XDP_PACKET_HEADROOM) {
      s.stats.rxDropped++
      return -Errno.ENOSPC
    }
    if (addrRingUsed(s.fill) === 0) {
      s.stats.rxDropped++
      s.stats.rxFillRingEmptyDescs++
      return -Errno.ENOMEM
    }
    const rx = s.rx
    if (((rx.producer - rx.consumer) >>> 0) === rx.size) {
      s.stats.rxRingFull++
      return -Errno.ENOBUFS
    }
    const chunk = addrRingPop(s.fill)
    const base = chunk - (chunk % u.chunkSize)
    const data = base + u.headroom + XDP_PACKET_HEADROOM
    u.area.bytes.set(xdp.area.bytes.subarray(xdp.data - metalen, xdp.dataEnd), data - metalen)
    const o = (rx.producer & rx.mask) * XDP_DESC_SIZE
    rx.view.setUint32(o + XdpDescOff.ADDR, data, true)
    rx.view.setUint32(o + XdpDescOff.ADDR + 4, 0, true)
    rx.view.setUint32(o + XdpDescOff.LEN, len, true)
    rx.view.setUint32(o + XdpDescOff.OPTIONS, 0, true)
    rx.producer = (rx.producer + 1) >>> 0
    return 0
  }
  const f = xdpConvertBuffToFrame(xdp, XdpMemType.PAGE_POOL)
  if (f < 0) return -Errno.EOVERFLOW
  if (map instanceof DevMap) {
    const target = map.entries[redirectInfo.key]!
    return target.xdpXmit(xdp.area.bytes, f) === 1 ? 0 : -Errno.ENOSPC
  }
  const q = (map as CpuMap).entries[redirectInfo.key]!
  if (q.frames.length >= q.capacity) {
    q.dropped++
    return -Errno.ENOBUFS
  }
  // the remote CPU gets the whole buffer (the kernel hands over the page): hard start .. frame end,
  // so anything the program stored beyond data_end (skb_shared_info.hwtstamps) comes along
  q.frames.push(xdp.area.bytes.slice(f, xdp.hardStart + xdp.frameSz))
  q.frameAddrs.push(f)
  return 0
}

/**
 * The cpumap kthread: build an skb from each queued frame (__xdp_build_skb_from_frame) and hand it
 * to the stack. Returns how many were delivered.
 */
export const cpuMapRun = (q: CpuMapQueue, stack: SkbSink): number => {
  const skb = new SkbRecord()
  const fv = new XdpFrameView()
  let n = 0
  while (q.frames.length > 0) {
    const mem = q.frames.shift()!
    const base = q.frameAddrs.shift()!
    fv.read(new DataView(mem.buffer, mem.byteOffset, mem.byteLength), 0)
    skb.reset()
    skb.ifindex = fv.devRx
    skb.dataAddr = fv.data - base
    skb.len = fv.len
    skb.metaLen = fv.metasize
    skb.hashType = PktHashType.NONE
    stack(skb, mem)
    n++
  }
  return n
}

