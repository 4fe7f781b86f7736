/**
 * An AF_XDP socket bound to one queue of a device: UMEM + four rings (fill, RX, TX, completion),
 * as net/xdp/xsk.c and xsk_queue.h run them, for both modes:
 *
 * - zero-copy (driver mode): the driver pulls descriptors with `xskTxPeekDesc` during its TX
 *   poll. Backpressure: a completion slot is reserved (with the descriptor's address) before the
 *   descriptor is consumed, so a full completion ring stops TX and nothing is dropped;
 *   `xskTxCompleted(n)` makes n reservations visible, in submit order. Metadata with an unknown
 *   flag is ignored ("no way to signal the error to the user", xsk_buff_get_metadata).
 * - copy mode (generic xmit): the core builds an skb-like submission per descriptor; metadata
 *   with an unknown flag, or a checksum request past the frame, fails sendmsg with -EINVAL and
 *   leaves the descriptor at the head of the TX ring for the application to fix (the CQ
 *   reservation is cancelled); a full completion ring gives -EAGAIN. XDP_UMEM_TX_SW_CSUM
 *   computes requested checksums in software; the completion timestamp is a software one
 *   (CLOCK_TAI at skb destruction, xsk_destruct_skb).
 * Invalid descriptors (xp_aligned_validate_desc: len 0, addr below tx_metadata_len, crossing
 * the chunk, past the UMEM, unknown options) are consumed and counted in txInvalidDescs, as the
 * kernel's XDP_STATISTICS tx_invalid_descs; they get no completion (that is the kernel's contract).
 * Metadata is read from the first descriptor of a packet only; XDP_TX_METADATA on an
 * XDP_PKT_CONTD continuation is ignored (xsk_build_skb reads it only for the first frag).
 */
import type { AddrRing } from "../ring/AddrRing.js"
import { addrRingReserve, addrRingSubmit, makeAddrRing } from "../ring/AddrRing.js"
import { type DescriptorRing, makeDescriptorRing } from "../ring/DescriptorRing.js"
import { ringUsed } from "../ring/RingIndex.js"
import { XDP_DESC_OPTIONS_VALID, XDP_DESC_SIZE, XdpDescOff, XdpDescOption } from "./XdpDesc.js"
import { xskBuffValidTxMetadata } from "./XskTxMetadata.js"
import type { XskUmem } from "./XskUmem.js"

export type XskMode = "zerocopy" | "copy"

/** XDP_STATISTICS-like counters (struct xdp_statistics, include/uapi/linux/if_xdp.h) */
export class XskStats {
  rxDropped = 0
  rxInvalidDescs = 0
  txInvalidDescs = 0
  rxRingFull = 0
  rxFillRingEmptyDescs = 0
  txRingEmptyDescs = 0
  /** devtx: zero-copy descriptors whose metadata had an unknown flag and was ignored */
  txMetadataIgnored = 0
}

export interface XskSocket {
  readonly umem: XskUmem
  readonly mode: XskMode
  readonly ifindex: number
  readonly queue: number
  readonly fill: AddrRing
  readonly comp: AddrRing
  readonly rx: DescriptorRing
  readonly tx: DescriptorRing
  readonly stats: XskStats
}

export interface XskRingSizes {
  readonly fill: number
  readonly comp: number
  readonly rx: number
  readonly tx: number
}

export const makeXskSocket = (
  umem: XskUmem,
  mode: XskMode,
  ifindex: number,
  queue: number,
  sizes: XskRingSizes
): XskSocket | RangeError => {
  const fill = makeAddrRing(sizes.fill)
  const comp = makeAddrRing(sizes.comp)
  const rx = makeDescriptorRing(sizes.rx, XDP_DESC_SIZE)
  const tx = makeDescriptorRing(sizes.tx, XDP_DESC_SIZE)
  for (const r of [fill, comp, rx, tx]) if (r instanceof RangeError) return r
  return {
    umem,
    mode,
    ifindex,
    queue,
    fill: fill as AddrRing,
    comp: comp as AddrRing,
    rx: rx as DescriptorRing,
    tx: tx as DescriptorRing,
    stats: new XskStats()
  }
}

/** Preallocated view of one descriptor. */
export class XdpDescOut {
  addr = 0
  len = 0
  options = 0
  /** UMEM offset of struct xsk_tx_metadata, or -1 when the descriptor carries none (or it was ignored) */
  meta = -1
}

/** Application side: produce a TX descriptor. False (nothing written) when the TX ring is full. */
export const xskTxProduce = (s: XskSocket, addr: number, len: number, options: number): boolean => {
  const r = s.tx
  if (ringUsed(r.producer, r.consumer) === r.size) return false
  const o = (r.producer & r.mask) * XDP_DESC_SIZE
  r.view.setUint32(o + XdpDescOff.ADDR, addr, true)
  r.view.setUint32(o + XdpDescOff.ADDR + 4, 0, true)
  r.view.setUint32(o + XdpDescOff.LEN, len, true)
  r.view.setUint32(o + XdpDescOff.OPTIONS, options, true)
  r.producer = (r.producer + 1) >>> 0
  return true
}

/** xp_aligned_validate_desc */
export const xskValidateDesc = (s: XskSocket, addrHi: number, addr: number, len: number, options: number): boolean => {
  const u = s.umem
  if (len === 0 || addrHi !== 0) return false
  if (addr < u.txMetadataLen) return false
  const start = addr - u.txMetadataLen
  const offset = start & (u.chunkSize - 1)
  if (offset + len + u.txMetadataLen > u.chunkSize) return false
  if (start >= u.area.bytes.length) return false
  return (options & ~XDP_DESC_OPTIONS_VALID) === 0
}

/** Read the descriptor at the TX consumer into out (no validation, no consumption). */
const readTxDesc = (s: XskSocket, out: XdpDescOut): number => {
  const r = s.tx
  const o = (r.consumer & r.mask) * XDP_DESC_SIZE
  out.addr = r.view.getUint32(o + XdpDescOff.ADDR, true)
  out.len = r.view.getUint32(o + XdpDescOff.LEN, true)
  out.options = r.view.getUint32(o + XdpDescOff.OPTIONS, true)
  return r.view.getUint32(o + XdpDescOff.ADDR + 4, true)
}

/**
 * Zero-copy: the next valid TX descriptor, with its completion slot reserved (xsk_tx_peek_desc).
 * `firstFrag` tells whether this descriptor starts a packet (metadata is read only then);
 * the caller keeps it across calls. Returns false when the TX ring is empty or the completion
 * ring has no room (backpressure).
 */
export const xskTxPeekDesc = (s: XskSocket, out: XdpDescOut, firstFrag: boolean): boolean => {
  const r = s.tx
  while (r.consumer !== r.producer) {
    const hi = readTxDesc(s, out)
    if (!xskValidateDesc(s, hi, out.addr, out.len, out.options)) {
      s.stats.txInvalidDescs++
      r.consumer = (r.consumer + 1) >>> 0
      continue
    }
    if (!addrRingReserve(s.comp, out.addr)) return false
    r.consumer = (r.consumer + 1) >>> 0
    out.meta = -1
    if (firstFrag && (out.options & XdpDescOption.TX_METADATA) !== 0 && s.umem.txMetadataLen !== 0) {
      const meta = out.addr - s.umem.txMetadataLen
      if (xskBuffValidTxMetadata(s.umem.area.view, meta)) out.meta = meta
      else s.stats.txMetadataIgnored++
    }
    return true
  }
  s.stats.txRingEmptyDescs++
  return false
}

/** xsk_tx_completed: n descriptors finished, in order; their reserved completions become visible. */
export const xskTxCompleted = (s: XskSocket, n: number): number => addrRingSubmit(s.comp, n)

/** Outstanding (consumed, not yet completed) TX descriptors. */
export const xskTxInFlight = (s: XskSocket): number => ringUsed(s.comp.reserved, s.comp.producer)
