/**
 * A driver's DMA region table: what the region part of a modelled DMA address names. A real NIC's
 * descriptor carries a 64-bit bus address from dma_map_*; the models carry (region, offset), so
 * every memory a device transmits from — its own frame memory, bounce frames, a bound AF_XDP
 * UMEM, the memory of an skb — needs a slot while the device may read it. The index width is the
 * driver's (the sim's u8 descriptor field: 256 slots; ice's and mlx5's u16 per-slot region arrays:
 * 65536), given as `capacity`.
 *
 * Invariants:
 * - at most `capacity` memories are mapped at once; a memory maps to one slot, found by identity
 *   (an already mapped memory costs one Map.get and allocates nothing);
 * - a slot is unmapped only when the driver's `inUse(slot)` says nothing needs it (pinned memory,
 *   a bound socket, a posted descriptor not yet completed), so a descriptor never reads another
 *   memory's bytes;
 * - unused slots are given back: every new mapping first advances a clock hand over `sweep`
 *   mapped slots and unmaps those no longer in use (dma_unmap when the last user is gone), so the
 *   table does not keep every memory it ever saw; only when no slot is free is the whole table
 *   swept once;
 * - `map` returns -1 when every slot is in use; the caller refuses (-ENOMEM at bind,
 *   NETDEV_TX_BUSY at xmit), so nothing submitted is lost.
 * Per packet: plain code over preallocated arrays; no effect, no exceptions.
 */

/** the sim's u8 region field */
export const DMA_REGIONS_U8 = 256
/** a u16 region index (ice, mlx5) */
export const DMA_REGIONS_U16 = 65536

export class DmaRegionTable {
  /** slot -> memory (what a hardware model reads a descriptor's bytes from); undefined = unmapped */
  readonly mem: Array<Uint8Array | undefined> = []
  private readonly slotOf = new Map<Uint8Array, number>()
  /** unmapped slots below mem.length, as a stack */
  private readonly free: Int32Array
  private freeTop = 0
  private hand = 0
  /** whether a mapped slot is still needed (set by the driver) */
  inUse: (slot: number) => boolean = () => true

  constructor(
    /** how many memories the driver's region index can name */
    readonly capacity: number,
    /** mapped slots examined for reuse per new mapping */
    readonly sweep = 2
  ) {
    this.free = new Int32Array(capacity)
  }

  /** The slot of `m`, mapping it first; -1 when all `capacity` slots are in use. */
  map(m: Uint8Array): number {
    const known = this.slotOf.get(m)
    if (known !== undefined) return known
    this.reclaim(this.sweep)
    if (this.freeTop === 0 && this.mem.length >= this.capacity) this.reclaim(this.capacity)
    if (this.freeTop > 0) return this.install(this.free[--this.freeTop]!, m)
    if (this.mem.length < this.capacity) {
      this.mem.push(undefined)
      return this.install(this.mem.length - 1, m)
    }
    return -1
  }

  /** Unmap slot `s` now (a driver that knows its last user is gone). No-op on an unmapped slot. */
  unmap(s: number): void {
    const m = this.mem[s]
    if (m === undefined) return
    this.slotOf.delete(m)
    this.mem[s] = undefined
    this.free[this.freeTop++] = s
  }

  /** how many slots hold a mapping */
  get mapped(): number {
    return this.slotOf.size
  }

  /** Advance the clock hand over up to `n` slots, unmapping the mapped ones no longer in use. */
  private reclaim(n: number): void {
    const len = this.mem.length
    if (len === 0) return
    for (let i = 0; i < n && i < len; i++) {
      const s = this.hand
      this.hand = s + 1 === len ? 0 : s + 1
      if (this.mem[s] !== undefined && !this.inUse(s)) this.unmap(s)
    }
  }

  private install(s: number, m: Uint8Array): number {
    this.mem[s] = m
    this.slotOf.set(m, s)
    return s
  }
}
