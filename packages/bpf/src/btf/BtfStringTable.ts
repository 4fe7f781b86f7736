/**
 * A decoded BTF string section, chained to its base for split BTF (libbpf btf__str_by_offset).
 *
 * Contract:
 * - Offsets below `startStrOff` belong to the base table; own offsets are
 *   `startStrOff .. startStrOff + length - 1` (startStrOff = base.startStrOff + base.length).
 * - `at(off)` returns the NUL-terminated string starting at `off`, or undefined when `off` is
 *   outside every section. The section's last byte is NUL (checked by the decoder), so every
 *   in-range offset has a terminator.
 * - All-ASCII sections (every real BTF) are decoded to one JS string up front, so a lookup is an
 *   indexOf + slice; other sections decode each string as UTF-8.
 * - `firstOffsetOf(s)` finds a whole string (one starting at a string boundary) with its first
 *   offset, as libbpf's strset does, for the encoder's base-string reuse.
 */
export class BtfStringTable {
  private readonly text: string | undefined
  private index: Map<string, number> | undefined

  constructor(
    /** the section's bytes (own strings only) */
    readonly bytes: Uint8Array,
    readonly startStrOff: number,
    readonly base: BtfStringTable | undefined
  ) {
    let ascii = true
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false
        break
      }
    }
    this.text = ascii ? new TextDecoder().decode(bytes) : undefined
  }

  get length(): number {
    return this.bytes.length
  }

  /** start offset of the next table split on this one (base.start_str_off + str_len) */
  get endStrOff(): number {
    return this.startStrOff + this.bytes.length
  }

  /** Is `off` inside this table or one of its bases? */
  contains(off: number): boolean {
    if (off >= this.startStrOff) return off - this.startStrOff < this.bytes.length
    return this.base?.contains(off) ?? false
  }

  at(off: number): string | undefined {
    if (off < this.startStrOff) return this.base?.at(off)
    const local = off - this.startStrOff
    if (local >= this.bytes.length) return undefined
    if (this.text !== undefined) {
      const end = this.text.indexOf("\0", local)
      return this.text.slice(local, end < 0 ? this.text.length : end)
    }
    let end = this.bytes.indexOf(0, local)
    if (end < 0) end = this.bytes.length
    return new TextDecoder().decode(this.bytes.subarray(local, end))
  }

  /** The first offset at which the whole string `s` starts, searching only this table (not the base). */
  firstOffsetOf(s: string): number | undefined {
    if (this.index === undefined) {
      const index = new Map<string, number>()
      let start = 0
      for (let i = 0; i < this.bytes.length; i++) {
        if (this.bytes[i] === 0) {
          const str = this.at(this.startStrOff + start)!
          if (!index.has(str)) index.set(str, this.startStrOff + start)
          start = i + 1
        }
      }
      this.index = index
    }
    return this.index.get(s)
  }
}
