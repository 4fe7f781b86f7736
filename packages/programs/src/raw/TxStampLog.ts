/**
 * What a devtx completion program reports, per completed frame, in preallocated arrays (the role
 * of a BPF ring buffer / array map the userspace side reads): the status code (0, -ENODATA,
 * -EOPNOTSUPP, ...), the timestamp as u32 halves, and the frame's address (the AF_XDP umem
 * address, so a host can find the stamp of the frame it sent). Full: further records are counted
 * in `dropped`, never written past the end.
 */
export class TxStampLog {
  readonly rc: Int32Array
  readonly hi: Uint32Array
  readonly lo: Uint32Array
  readonly addr: Float64Array
  count = 0
  dropped = 0

  constructor(readonly capacity: number) {
    this.rc = new Int32Array(capacity)
    this.hi = new Uint32Array(capacity)
    this.lo = new Uint32Array(capacity)
    this.addr = new Float64Array(capacity)
  }

  push(rc: number, hi: number, lo: number, addr: number): void {
    const i = this.count
    if (i >= this.capacity) {
      this.dropped++
      return
    }
    this.rc[i] = rc
    this.hi[i] = hi
    this.lo[i] = lo
    this.addr[i] = addr
    this.count = i + 1
  }

  /** index of the newest record for `addr`, -1 if none (host side) */
  findLast(addr: number): number {
    for (let i = this.count - 1; i >= 0; i--) if (this.addr[i] === addr) return i
    return -1
  }
}
