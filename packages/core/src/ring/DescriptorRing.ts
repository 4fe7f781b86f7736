/**
 * A ring of fixed-size hardware descriptors over one ArrayBuffer (an RX/TX descriptor ring or
 * completion queue), with producer/consumer counters (see RingIndex.ts).
 *
 *   bytes: | slot 0 (entrySize) | slot 1 | ... | slot size-1 |
 *   slot(i) = (i & mask) * entrySize
 *
 * Who produces depends on the ring: on an RX ring the driver produces posted buffers and the
 * hardware consumes them and writes completions; the counters here are the driver's view.
 * Descriptor layout and ownership bits belong to the driver (mlx5 owner bit, Intel DD bit).
 */
import { isPowerOfTwo, log2, ringUsed } from "./RingIndex.js"

export interface DescriptorRing {
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly entrySize: number
  readonly size: number
  readonly mask: number
  readonly logSize: number
  /** next slot the producer fills */
  producer: number
  /** next slot the consumer reads */
  consumer: number
}

export const makeDescriptorRing = (size: number, entrySize: number): DescriptorRing | RangeError => {
  if (!isPowerOfTwo(size)) return new RangeError(`ring size ${size} is not a power of two`)
  if (!(entrySize > 0 && entrySize % 4 === 0)) return new RangeError(`descriptor size ${entrySize} is not a positive multiple of 4`)
  const buffer = new ArrayBuffer(size * entrySize)
  return {
    bytes: new Uint8Array(buffer),
    view: new DataView(buffer),
    entrySize,
    size,
    mask: size - 1,
    logSize: log2(size),
    producer: 0,
    consumer: 0
  }
}

/** Byte offset of the slot for counter value `index`. */
export const slotOffset = (ring: DescriptorRing, index: number): number => (index & ring.mask) * ring.entrySize

export const descUsed = (ring: DescriptorRing): number => ringUsed(ring.producer, ring.consumer)
export const descFree = (ring: DescriptorRing): number => ring.size - descUsed(ring)
