/**
 * The reference NIC's DMA region table: what the TX descriptor's one-byte `region` field
 * (SimTxDescriptor.ts, byte 12) indexes. A real NIC's descriptor carries a 64-bit DMA address;
 * the sim carries (region, u32 offset), so every memory the device transmits from — its own frame
 * memory, each queue's bounce frames, a bound AF_XDP UMEM, the memory of an skb — needs a slot.
 *
 * Invariants: at most SIM_DMA_REGIONS (256, what a u8 can name) memories are mapped at once; a
 * memory maps to one slot (found by identity, so the per-packet lookup of an already mapped
 * memory is one Map.get and allocates nothing); a slot is only reused when its owner's `inUse`
 * says no descriptor in flight and no bound socket still names it — a descriptor never reads
 * another memory's bytes. `map` returns -1 when every slot is in use (the caller refuses:
 * -ENOMEM at bind, NETDEV_TX_BUSY at xmit, so nothing submitted is lost).
 */

/** how many memories the u8 region field can name */
export const SIM_DMA_REGIONS = 256

export class SimDmaRegions {
  /** slot -> memory (what SimTxHardware reads a descriptor's bytes from) */
  readonly mem: Array<Uint8Array | undefined> = new Array(SIM_DMA_REGIONS).fill(undefined)
  private readonly slotOf = new Map<Uint8Array, number>()
  /** whether a mapped slot is still needed (set by the device: pinned memory, bound sockets, in-flight descriptors) */
  inUse: (slot: number) => boolean = () => true

  /** The slot of `m`, mapping it into a free (or no longer used) slot first; -1 when all 256 are in use. */
  map(m: Uint8Array): number {
    const known = this.slotOf.get(m)
    if (known !== undefined) return known
    let reuse = -1
    for (let s = 0; s < SIM_DMA_REGIONS; s++) {
      if (this.mem[s] === undefined) return this.install(s, m)
      if (reuse < 0 && !this.inUse(s)) reuse = s
    }
    if (reuse < 0) return -1
    this.slotOf.delete(this.mem[reuse]!)
    return this.install(reuse, m)
  }

  private install(s: number, m: Uint8Array): number {
    this.mem[s] = m
    this.slotOf.set(m, s)
    return s
  }

  /** how many slots hold a mapping */
  get mapped(): number {
    return this.slotOf.size
  }
}
