/**
 * AF_XDP copy mode TX (__xsk_generic_xmit / xsk_build_skb / xsk_destruct_skb, net/xdp/xsk.c):
 * the core turns each TX descriptor into an skb submission for the driver's ndo_start_xmit.
 *
 * Per descriptor, in order: invalid -> consumed and counted (tx_invalid_descs); no completion
 * room -> stop with -EAGAIN; metadata (first descriptor of a packet, XDP_TX_METADATA, a UMEM with
 * tx_metadata_len): an unknown flag, or csum_start + csum_offset + 2 > len -> -EINVAL with the
 * descriptor left in place and the completion reservation cancelled ("let application retry");
 * CHECKSUM -> CHECKSUM_PARTIAL, or done in software with XDP_UMEM_TX_SW_CSUM (skb_checksum_help);
 * LAUNCH_TIME -> skb->skb_mstamp_ns; TIMESTAMP -> the completion address is remembered. A busy
 * driver -> -EAGAIN, descriptor left in place. At completion (`xskCopyModeCompleted`) a software
 * CLOCK_TAI timestamp is written to completion.tx_timestamp, then the completion becomes visible.
 * Multi-buffer (XDP_PKT_CONTD) packets are not modelled in copy mode: -EOPNOTSUPP, typed at the
 * host, descriptor left in place.
 */
import { Errno } from "../kernel/Errno.js"
import { RxTimestampOut } from "../metadata/RxMetadataOut.js"
import { csumFinishMangled, csumPartial } from "../net/InternetChecksum.js"
import type { TaiClock } from "../clock/TaiClock.js"
import { addrRingCancel, addrRingReserve, addrRingSubmit } from "../ring/AddrRing.js"
import { NetdevTx, TxSkb } from "./TxSubmission.js"
import { XDP_DESC_SIZE, XdpDescOff, XdpDescOption } from "./XdpDesc.js"
import { type XskSocket, xskValidateDesc } from "./XskSocket.js"
import { XdpTxmdFlags, XskTxMetadataOff, xskBuffValidTxMetadata } from "./XskTxMetadata.js"

/**
 * What copy mode needs of the device: its ndo_start_xmit (NetDevice.xmitSkb, driver/NetDevice.ts,
 * which sits above AF_XDP in core's layers — docs/architecture.md).
 */
export interface XskXmitDevice {
  xmitSkb(queue: number, skb: TxSkb): number
}

/** Per-socket copy-mode state: the completion addresses (tx_timestamp pointers) of in-flight skbs, in order. */
export class XskCopyState {
  readonly skb = new TxSkb()
  readonly compl: Int32Array
  head = 0
  tail = 0
  readonly scratch = new RxTimestampOut()
  constructor(readonly socket: XskSocket) {
    this.compl = new Int32Array(socket.comp.size)
  }
}

/** Send up to `budget` descriptors; returns how many were handed to the driver, or -errno. */
export const xskGenericXmit = (st: XskCopyState, dev: XskXmitDevice, budget: number): number => {
  const s = st.socket
  const r = s.tx
  const u = s.umem
  const view = u.area.view
  let sent = 0
  while (sent < budget && r.consumer !== r.producer) {
    const o = (r.consumer & r.mask) * XDP_DESC_SIZE
    const addr = r.view.getUint32(o + XdpDescOff.ADDR, true)
    const hi = r.view.getUint32(o + XdpDescOff.ADDR + 4, true)
    const len = r.view.getUint32(o + XdpDescOff.LEN, true)
    const options = r.view.getUint32(o + XdpDescOff.OPTIONS, true)
    if (!xskValidateDesc(s, hi, addr, len, options)) {
      s.stats.txInvalidDescs++
      r.consumer = (r.consumer + 1) >>> 0
      continue
    }
    if ((options & XdpDescOption.PKT_CONTD) !== 0) return -Errno.EOPNOTSUPP
    if (!addrRingReserve(s.comp, addr)) return sent > 0 ? sent : -Errno.EAGAIN
    const skb = st.skb
    skb.reset()
    skb.mem = u.area.bytes
    skb.data = addr
    skb.len = len
    let compl = -1
    if ((options & XdpDescOption.TX_METADATA) !== 0 && u.txMetadataLen !== 0) {
      const meta = addr - u.txMetadataLen
      if (!xskBuffValidTxMetadata(view, meta)) {
        addrRingCancel(s.comp)
        return -Errno.EINVAL
      }
      const flags = view.getUint32(meta + XskTxMetadataOff.FLAGS, true)
      if ((flags & XdpTxmdFlags.CHECKSUM) !== 0) {
        const start = view.getUint16(meta + XskTxMetadataOff.CSUM_START, true)
        const off = view.getUint16(meta + XskTxMetadataOff.CSUM_OFFSET, true)
        if (start + off + 2 > len) {
          addrRingCancel(s.comp)
          return -Errno.EINVAL
        }
        if (u.txSwCsum) {
          // skb_checksum_help: the sum from csum_start to the end (the field holds the seed),
          // stored as csum_fold(csum) ?: CSUM_MANGLED_0
          view.setUint16(addr + start + off, csumFinishMangled(csumPartial(u.area.bytes, addr + start, len - start)), false)
        } else {
          skb.csumStart = start
          skb.csumOffset = off
        }
      }
      if ((flags & XdpTxmdFlags.LAUNCH_TIME) !== 0) {
        skb.launchLo = view.getUint32(meta + XskTxMetadataOff.LAUNCH_TIME, true)
        skb.launchHi = view.getUint32(meta + XskTxMetadataOff.LAUNCH_TIME + 4, true)
      }
      if ((flags & XdpTxmdFlags.TIMESTAMP) !== 0) compl = meta + XskTxMetadataOff.TX_TIMESTAMP
    }
    skb.cookie = st.tail
    if (dev.xmitSkb(s.queue, skb) === NetdevTx.BUSY) {
      addrRingCancel(s.comp)
      return sent > 0 ? sent : -Errno.EAGAIN
    }
    st.compl[st.tail % st.compl.length] = compl
    st.tail++
    r.consumer = (r.consumer + 1) >>> 0
    sent++
  }
  return sent
}

/**
 * The skb of the oldest in-flight copy-mode descriptor was freed (xsk_destruct_skb): write the
 * software timestamp (CLOCK_TAI now) where TIMESTAMP asked for one, then make its completion visible.
 */
export const xskCopyModeCompleted = (st: XskCopyState, clock: TaiClock): void => {
  if (st.head === st.tail) return
  const compl = st.compl[st.head % st.compl.length]!
  st.head++
  if (compl >= 0) {
    clock.read(st.scratch)
    const v = st.socket.umem.area.view
    v.setUint32(compl, st.scratch.lo, true)
    v.setUint32(compl + 4, st.scratch.hi, true)
  }
  addrRingSubmit(st.socket.comp, 1)
}
