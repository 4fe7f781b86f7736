/**
 * An address ring as AF_XDP's fill and completion rings are: a power-of-two array of frame
 * addresses with a producer and a consumer counter (struct xdp_ring, net/xdp/xsk_queue.h;
 * libxdp's xsk_ring_prod / xsk_ring_cons). Addresses are u32 byte offsets into a FrameArea.
 *
 * Contract: reserve never overwrites — a full ring reserves fewer than asked (possibly 0) and
 * the caller sees it; peek never returns more than was submitted. No allocation after creation.
 */
import { isPowerOfTwo, ringUsed } from "./RingIndex.js"

export interface AddrRing {
  readonly addrs: Uint32Array
  readonly size: number
  readonly mask: number
  /** entries visible to the consumer */
  producer: number
  /** entries written but not yet visible (xskq_prod_reserve_addr / cached_prod); >= producer */
  reserved: number
  consumer: number
}

export const makeAddrRing = (size: number): AddrRing | RangeError => {
  if (!isPowerOfTwo(size)) return new RangeError(`ring size ${size} is not a power of two`)
  return { addrs: new Uint32Array(size), size, mask: size - 1, producer: 0, reserved: 0, consumer: 0 }
}

export const addrRingUsed = (ring: AddrRing): number => ringUsed(ring.producer, ring.consumer)
export const addrRingFree = (ring: AddrRing): number => ring.size - ringUsed(ring.reserved, ring.consumer)

/** Produce one address; returns false (and changes nothing) when the ring is full. */
export const addrRingPush = (ring: AddrRing, addr: number): boolean => {
  if (!addrRingReserve(ring, addr)) return false
  addrRingSubmit(ring, 1)
  return true
}

/**
 * Write an address in the next slot without making it visible (xskq_prod_reserve_addr): the
 * kernel's TX backpressure reserves the completion slot at submit time. False when full.
 */
export const addrRingReserve = (ring: AddrRing, addr: number): boolean => {
  if (ringUsed(ring.reserved, ring.consumer) === ring.size) return false
  ring.addrs[ring.reserved & ring.mask] = addr
  ring.reserved = (ring.reserved + 1) >>> 0
  return true
}

/** Give back the last reservation (xskq_prod_cancel_n(1)). */
export const addrRingCancel = (ring: AddrRing): void => {
  if (ring.reserved !== ring.producer) ring.reserved = (ring.reserved - 1) >>> 0
}

/** Make `n` reserved entries visible, in order (xskq_prod_submit_n). Returns how many were. */
export const addrRingSubmit = (ring: AddrRing, n: number): number => {
  const avail = ringUsed(ring.reserved, ring.producer)
  const k = n < avail ? n : avail
  ring.producer = (ring.producer + k) >>> 0
  return k
}

/** Consume one address; returns -1 when the ring is empty. */
export const addrRingPop = (ring: AddrRing): number => {
  if (ring.producer === ring.consumer) return -1
  const addr = ring.addrs[ring.consumer & ring.mask]!
  ring.consumer = (ring.consumer + 1) >>> 0
  return addr
}
