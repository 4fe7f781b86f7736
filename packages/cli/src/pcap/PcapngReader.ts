/**
 * pcapng reader (draft-ietf-opsawg-pcapng): Section Header, Interface Description, Enhanced
 * Packet, Simple Packet and the obsolete Packet Block; every other block type is skipped by its
 * length. Several sections (each SHB restarts the interface list and may change byte order) and
 * several interfaces per section (each with its own link type, snap length, if_tsresol,
 * if_tsoffset and if_fcslen).
 *
 * Every block, in the section's byte order:
 *
 *    +---------------------------------------------------------------+
 *  0 | Block Type                                                    |
 *  4 | Block Total Length (multiple of 4, >= 12)                     |
 *  8 / Block Body (fixed part, then options)                         /
 *    | Block Total Length (again)                                    |
 *    +---------------------------------------------------------------+
 *
 * SHB body:  8 Byte-Order Magic 0x1A2B3C4D | 12 major=1 | 14 minor=0 | 16 Section Length (s64) | 24 options
 * IDB body:  8 LinkType u16 | 10 reserved | 12 SnapLen | 16 options
 * EPB body:  8 Interface ID | 12 ts high | 16 ts low | 20 Captured Len | 24 Original Len | 28 data, pad to 4 | options
 * SPB body:  8 Original Len | 12 data (captured = min(original, IDB 0 snaplen if not 0)), pad to 4
 * PB body:   8 Interface ID u16 | 10 drops u16 | 12 ts high | 16 ts low | 20 Captured | 24 Original | 28 data | options
 * option:    code u16 | length u16 | value, padded to 4; opt_endofopt (0) ends the list
 *
 * Timestamps: (high << 32 | low) units of the interface's if_tsresol (default 10^-6 s; MSB set:
 * 2^-n s), converted to ns exactly when the unit is at least 1 ns and floored below it;
 * if_tsoffset seconds added.
 *
 * Contract: never throws, never loops without consuming bytes (every block advances by its
 * total length >= 12); stops at the first malformed block with a CaptureFormatError naming the
 * byte offset of the bad field and the packet index, and returns the packets read before it.
 */
import { CaptureFormatError } from "./CaptureErrors.js"
import type { CapturedPacket } from "./CapturedPacket.js"
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_VERSION_MAJOR, PcapngBlock, PcapngOption } from "./PcapFormat.js"

export interface PcapngInterface {
  readonly linkType: number
  readonly snaplen: number
  /** raw if_tsresol byte (6 = microseconds when absent) */
  readonly tsresol: number
  /** if_tsoffset, seconds */
  readonly tsoffset: bigint
  /** if_fcslen, bytes (0 when absent) */
  readonly fcsLength: number
}

export interface PcapngRead {
  /** sections seen; interfaces of each */
  readonly sections: ReadonlyArray<{ readonly littleEndian: boolean; readonly interfaces: ReadonlyArray<PcapngInterface> }>
  readonly packets: ReadonlyArray<CapturedPacket>
  readonly error: CaptureFormatError | undefined
}

/** True when `bytes` starts with a pcapng Section Header Block. */
export const isPcapng = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === PcapngBlock.SHB

const fail = (offset: number, packetIndex: number, reason: string, value: number | string) =>
  new CaptureFormatError({ format: "pcapng", offset, packetIndex, reason, value })

/** ns per unit for if_tsresol `r`, as a rational num/den (exact). */
const resolution = (r: number): { readonly num: bigint; readonly den: bigint } => {
  const n = BigInt(r & 0x7f)
  if ((r & 0x80) !== 0) return { num: 1_000_000_000n, den: 1n << n }
  return n <= 9n ? { num: 10n ** (9n - n), den: 1n } : { num: 1n, den: 10n ** (n - 9n) }
}

interface Section {
  readonly le: boolean
  readonly interfaces: PcapngInterface[]
}

/** Walk the options in [start, end); returns an error or undefined. */
const walkOptions = (
  view: DataView,
  start: number,
  end: number,
  le: boolean,
  packetIndex: number,
  visit: (code: number, valueAt: number, length: number) => CaptureFormatError | undefined
): CaptureFormatError | undefined => {
  let o = start
  while (o < end) {
    if (end - o < 4) return fail(o, packetIndex, "truncated option header", end - o)
    const code = view.getUint16(o, le)
    const length = view.getUint16(o + 2, le)
    if (code === PcapngOption.END_OF_OPT) return undefined
    const padded = (length + 3) & ~3
    if (padded > end - o - 4) return fail(o + 2, packetIndex, `option ${code} runs past the end of its block`, length)
    const e = visit(code, o + 4, length)
    if (e !== undefined) return e
    o += 4 + padded
  }
  return undefined
}

export const readPcapng = (bytes: Uint8Array): PcapngRead => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const sections: Section[] = []
  const packets: CapturedPacket[] = []
  const done = (error: CaptureFormatError | undefined): PcapngRead => ({
    sections: sections.map((s) => ({ littleEndian: s.le, interfaces: s.interfaces })),
    packets,
    error
  })
  let off = 0
  let section: Section | undefined
  while (off < bytes.length) {
    const index = packets.length
    const left = bytes.length - off
    if (left < 12) return done(fail(off, index, "truncated block header", left))
    const typeLe = view.getUint32(off, true)
    if (typeLe === PcapngBlock.SHB) {
      const bom = view.getUint32(off + 8, true)
      let le: boolean
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = true
      else if (view.getUint32(off + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false
      else return done(fail(off + 8, index, "bad Byte-Order Magic in Section Header Block", bom))
      section = { le, interfaces: [] }
      sections.push(section)
    } else if (section === undefined) return done(fail(off, index, "file does not start with a Section Header Block", typeLe))
    const le = section.le
    const type = view.getUint32(off, le)
    const total = view.getUint32(off + 4, le)
    if (total < 12 || total % 4 !== 0) return done(fail(off + 4, index, "Block Total Length not a multiple of 4 >= 12", total))
    if (total > left) return done(fail(off + 4, index, `block runs past the end of the file (${left} bytes left)`, total))
    const trailer = view.getUint32(off + total - 4, le)
    if (trailer !== total) return done(fail(off + total - 4, index, `trailing Block Total Length differs from the leading one (${total})`, trailer))
    const body = off + 8
    const bodyEnd = off + total - 4
    const need = (n: number, what: string): CaptureFormatError | undefined =>
      bodyEnd - body < n ? fail(off + 4, index, `${what} body shorter than its ${n}-byte fixed part`, total) : undefined
    switch (type) {
      case PcapngBlock.SHB: {
        const e = need(16, "Section Header Block")
        if (e) return done(e)
        const major = view.getUint16(body + 4, le)
        if (major !== PCAPNG_VERSION_MAJOR) return done(fail(body + 4, index, "unsupported pcapng major version (expected 1)", major))
        const oe = walkOptions(view, body + 16, bodyEnd, le, index, () => undefined)
        if (oe) return done(oe)
        break
      }
      case PcapngBlock.IDB: {
        const e = need(8, "Interface Description Block")
        if (e) return done(e)
        let tsresol = 6
        let tsoffset = 0n
        let fcsLength = 0
        const oe = walkOptions(view, body + 8, bodyEnd, le, index, (code, at, length) => {
          if (code === PcapngOption.IF_TSRESOL) {
            if (length !== 1) return fail(at - 2, index, "if_tsresol length must be 1", length)
            tsresol = view.getUint8(at)
          } else if (code === PcapngOption.IF_TSOFFSET) {
            if (length !== 8) return fail(at - 2, index, "if_tsoffset length must be 8", length)
            tsoffset = view.getBigInt64(at, le)
          } else if (code === PcapngOption.IF_FCSLEN) {
            if (length !== 1) return fail(at - 2, index, "if_fcslen length must be 1", length)
            fcsLength = view.getUint8(at)
          }
          return undefined
        })
        if (oe) return done(oe)
        section.interfaces.push({ linkType: view.getUint16(body, le), snaplen: view.getUint32(body + 4, le), tsresol, tsoffset, fcsLength })
        break
      }
      case PcapngBlock.EPB:
      case PcapngBlock.PB: {
        const what = type === PcapngBlock.EPB ? "Enhanced Packet Block" : "Packet Block"
        const e = need(20, what)
        if (e) return done(e)
        const ifId = type === PcapngBlock.EPB ? view.getUint32(body, le) : view.getUint16(body, le)
        const iface = section.interfaces[ifId]
        if (iface === undefined)
          return done(fail(body, index, `interface id not described by an IDB in this section (${section.interfaces.length} interfaces)`, ifId))
        const caplen = view.getUint32(body + 12, le)
        const origlen = view.getUint32(body + 16, le)
        const data = body + 20
        if (caplen > bodyEnd - data) return done(fail(body + 12, index, `Captured Packet Length runs past the end of the block (${bodyEnd - data} bytes)`, caplen))
        const oe = walkOptions(view, data + ((caplen + 3) & ~3), bodyEnd, le, index, () => undefined)
        if (oe) return done(oe)
        const units = (BigInt(view.getUint32(body + 4, le)) << 32n) | BigInt(view.getUint32(body + 8, le))
        const r = resolution(iface.tsresol)
        packets.push({
          index,
          interfaceId: ifId,
          linkType: iface.linkType,
          fcsLength: iface.fcsLength,
          timestampNs: (units * r.num) / r.den + iface.tsoffset * 1_000_000_000n,
          originalLength: origlen,
          data: bytes.subarray(data, data + caplen)
        })
        break
      }
      case PcapngBlock.SPB: {
        const e = need(4, "Simple Packet Block")
        if (e) return done(e)
        const iface = section.interfaces[0]
        if (iface === undefined) return done(fail(off, index, "Simple Packet Block before any Interface Description Block", type))
        const origlen = view.getUint32(body, le)
        const caplen = iface.snaplen !== 0 ? Math.min(origlen, iface.snaplen) : origlen
        const data = body + 4
        if (caplen > bodyEnd - data) return done(fail(body, index, `packet data runs past the end of the block (${bodyEnd - data} bytes)`, caplen))
        packets.push({
          index,
          interfaceId: 0,
          linkType: iface.linkType,
          fcsLength: iface.fcsLength,
          // an SPB has no timestamp
          timestampNs: 0n,
          originalLength: origlen,
          data: bytes.subarray(data, data + caplen)
        })
        break
      }
      default:
        // NRB, ISB, DSB, custom and unknown blocks: skipped by their length
        break
    }
    off += total
  }
  return done(undefined)
}
