/**
 * A UMEM-like packet memory: one ArrayBuffer cut into `frameCount` fixed-size frames
 * (default 4096 B, one page each, as a page pool or an aligned AF_XDP UMEM hands out).
 *
 * Invariants: frame `i` starts at byte `i * frameSize`; addresses are byte offsets into
 * `bytes` (devtx UMEMs stay below 4 GiB, so an address is an exact u32 number). The
 * `bytes` and `view` fields alias the same buffer and are created once.
 */
import { DEFAULT_FRAME_SIZE, SKB_SHARED_INFO_SIZE, XDP_PACKET_HEADROOM } from "../kernel/XdpGeometry.js"

export interface FrameArea {
  readonly buffer: ArrayBuffer
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly frameSize: number
  readonly frameCount: number
}

export interface FrameAreaOptions {
  readonly frameCount: number
  readonly frameSize?: number
}

/** Smallest frame that holds the headroom, a minimum Ethernet frame and skb_shared_info. */
export const MIN_FRAME_SIZE = 2048

export const makeFrameArea = (options: FrameAreaOptions): FrameArea => {
  const frameSize = options.frameSize ?? DEFAULT_FRAME_SIZE
  const buffer = new ArrayBuffer(frameSize * options.frameCount)
  return {
    buffer,
    bytes: new Uint8Array(buffer),
    view: new DataView(buffer),
    frameSize,
    frameCount: options.frameCount
  }
}

/** Start address of frame `index`. */
export const frameAddr = (area: FrameArea, index: number): number => index * area.frameSize

/** Frame index containing `addr` (any address inside the frame). */
export const frameIndexOf = (area: FrameArea, addr: number): number => Math.floor(addr / area.frameSize)

/**
 * Bytes of packet data a frame can receive with the standard headroom and the tailroom for
 * skb_shared_info: frameSize - XDP_PACKET_HEADROOM - SKB_SHARED_INFO_SIZE (3520 for 4096).
 */
export const frameDataCapacity = (frameSize: number): number =>
  frameSize - XDP_PACKET_HEADROOM - SKB_SHARED_INFO_SIZE
