/**
 * bpf_trace_printk's output: the kernel formats into the trace pipe (bpf_bprintf_prepare +
 * bstr_printf, kernel/bpf/helpers.c, kernel/trace/bpf_trace.c); devtx formats into a
 * preallocated byte ring that the CLI prints after the run (`lines()`, control plane).
 *
 * Conversions accepted, as bpf_bprintf_prepare accepts them: %% %c %d %i %u %x %X %s %p %px
 * (%p prints the pointer's 64 bits in hex; devtx has no hashed %p), with the l / ll length
 * modifiers, at most three arguments (bpf_trace_printk's limit). Anything else, a fmt that is not
 * NUL-terminated within fmt_size, or more conversions than arguments: -EINVAL, nothing printed.
 * Returns the number of bytes of the formatted line, as the kernel does. A full ring drops the
 * line and counts it (`dropped`); the line is never truncated silently.
 * Per call: byte copies and integer arithmetic; no allocation, no BigInt.
 */
const EINVAL = 22
const MAX_LINE = 512

export class TraceBuffer {
  readonly bytes: Uint8Array
  /** bytes used */
  used = 0
  /** lines that did not fit */
  dropped = 0
  private readonly line = new Uint8Array(MAX_LINE)
  private readonly digits = new Uint8Array(24)

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(capacity)
  }

  reset(): void {
    this.used = 0
    this.dropped = 0
  }

  /** The lines printed so far (host side). */
  lines(): string[] {
    return new TextDecoder().decode(this.bytes.subarray(0, this.used)).split("\n").filter((l) => l.length > 0)
  }

  /**
   * Format `fmt[0 .. fmtSize)` with up to three 64-bit arguments (hi, lo halves); `str` reads a
   * NUL-terminated string argument from VM memory into `into` at `at` (returns bytes copied, or
   * -1 for a bad pointer). Returns the line length or -EINVAL.
   */
  print(
    fmt: Uint8Array,
    fmtOff: number,
    fmtSize: number,
    args: Uint32Array,
    nargs: number,
    str: (hi: number, lo: number, into: Uint8Array, at: number, max: number) => number
  ): number {
    let end = -1
    for (let i = 0; i < fmtSize; i++) {
      if (fmt[fmtOff + i] === 0) {
        end = fmtOff + i
        break
      }
    }
    if (end < 0) return -EINVAL
    const out = this.line
    let n = 0
    let arg = 0
    for (let p = fmtOff; p < end; p++) {
      const c = fmt[p]!
      if (c !== 0x25 /* % */) {
        if (n >= MAX_LINE) return -EINVAL
        out[n++] = c
        continue
      }
      p++
      if (p >= end) return -EINVAL
      if (fmt[p] === 0x25) {
        if (n >= MAX_LINE) return -EINVAL
        out[n++] = 0x25
        continue
      }
      let longs = 0
      while (p < end && fmt[p] === 0x6c /* l */ && longs < 2) {
        longs++
        p++
      }
      if (p >= end || arg >= nargs) return -EINVAL
      const conv = fmt[p]!
      const hi = longs === 2 || (longs === 1 && conv !== 0x63) ? args[2 * arg]! : 0
      const lo = args[2 * arg + 1]!
      arg++
      if (conv === 0x64 || conv === 0x69) {
        // %d %i: signed, of the argument's width
        const neg = longs > 0 ? hi >= 0x80000000 : lo >= 0x80000000
        let h = longs > 0 ? hi : 0
        let l = lo
        if (neg) {
          // two's complement negate (64-bit, or 32-bit for int)
          if (longs === 0) l = (0x100000000 - l) >>> 0
          else {
            l = (~l + 1) >>> 0
            h = (~h + (l === 0 ? 1 : 0)) >>> 0
          }
          if (n >= MAX_LINE) return -EINVAL
          out[n++] = 0x2d
        }
        n = this.decimal(h, l, n)
      } else if (conv === 0x75) n = this.decimal(hi, lo, n)
      else if (conv === 0x78 || conv === 0x58) n = this.hex(hi, lo, n, conv === 0x58)
      else if (conv === 0x70) {
        // %p / %px: the 64-bit pointer
        if (p + 1 < end && fmt[p + 1] === 0x78) p++
        if (n + 2 > MAX_LINE) return -EINVAL
        out[n++] = 0x30
        out[n++] = 0x78
        n = this.hex(args[2 * (arg - 1)]!, lo, n, false)
      } else if (conv === 0x63) {
        if (n >= MAX_LINE) return -EINVAL
        out[n++] = lo & 0xff
      } else if (conv === 0x73) {
        const got = str(args[2 * (arg - 1)]!, lo, out, n, MAX_LINE - n)
        if (got < 0) return -EINVAL
        n += got
      } else return -EINVAL
      if (n < 0) return -EINVAL
    }
    if (this.used + n + 1 > this.capacity) {
      this.dropped++
      return n
    }
    this.bytes.set(out.subarray(0, n), this.used)
    this.used += n
    this.bytes[this.used++] = 0x0a
    return n
  }

  /** u64 (hi:lo) in decimal at out[n..]; returns the new length or -1 when the line is full. */
  private decimal(hi: number, lo: number, n: number): number {
    const d = this.digits
    let k = 0
    let h = hi >>> 0
    let l = lo >>> 0
    do {
      // divide the 64-bit value by 10 in two 32-bit steps (each partial fits a double exactly)
      const hq = Math.floor(h / 10)
      const r = h - hq * 10
      const cur = r * 0x100000000 + l
      const lq = Math.floor(cur / 10)
      d[k++] = 0x30 + (cur - lq * 10)
      h = hq
      l = lq >>> 0
    } while (h !== 0 || l !== 0)
    if (n + k > MAX_LINE) return -1
    for (let i = k - 1; i >= 0; i--) this.line[n++] = d[i]!
    return n
  }

  private hex(hi: number, lo: number, n: number, upper: boolean): number {
    const d = this.digits
    let k = 0
    let h = hi >>> 0
    let l = lo >>> 0
    const a = upper ? 0x41 : 0x61
    do {
      const v = l & 15
      d[k++] = v < 10 ? 0x30 + v : a + v - 10
      l = ((l >>> 4) | ((h & 15) << 28)) >>> 0
      h = h >>> 4
    } while (h !== 0 || l !== 0)
    if (n + k > MAX_LINE) return -1
    for (let i = k - 1; i >= 0; i--) this.line[n++] = d[i]!
    return n
  }
}
