/**
 * Classic pcap reader (libpcap savefile; draft-ietf-opsawg-pcap). Both byte orders (the magic
 * tells), microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) resolution.
 *
 * File header, 24 bytes, in the writer's byte order:
 *
 *    0                   1                   2                   3
 *    +---------------------------------------------------------------+
 *  0 | magic 0xa1b2c3d4 (us) / 0xa1b23c4d (ns)                        |
 *  4 | version_major = 2             | version_minor = 4             |
 *  8 | thiszone (reserved1)                                          |
 * 12 | sigfigs (reserved2)                                           |
 * 16 | snaplen                                                       |
 * 20 | FCS len:4 | P:1 | reserved:11 | link type:16                  |
 *    +---------------------------------------------------------------+
 *
 * Then records, each a 16-byte header and caplen bytes of data:
 *
 *  0 | ts_sec | 4 | ts_usec or ts_nsec | 8 | caplen | 12 | origlen | 16 data[caplen] ...
 *
 * Contract: never throws; stops at the first malformed or truncated record with a
 * CaptureFormatError (offset of the bad field, index of the packet) and returns the packets read
 * before it. A caplen above max(snaplen, MAXIMUM_SNAPLEN) is rejected as libpcap does (it would
 * otherwise be a huge allocation on garbage). Packet data are views into `bytes`, not copies.
 */
import { CaptureFormatError } from "./CaptureErrors.js"
import type { CapturedPacket } from "./CapturedPacket.js"
import {
  ltFcsLength,
  ltFcsLengthPresent,
  ltLinkType,
  PCAP_FILE_HEADER_SIZE,
  PCAP_MAGIC_MICRO,
  PCAP_MAGIC_NANO,
  PCAP_MAXIMUM_SNAPLEN,
  PCAP_RECORD_HEADER_SIZE,
  PCAP_VERSION_MAJOR
} from "./PcapFormat.js"

export interface ClassicPcapRead {
  readonly littleEndian: boolean
  readonly nanosecond: boolean
  readonly snaplen: number
  readonly linkType: number
  readonly packets: ReadonlyArray<CapturedPacket>
  /** the first problem found; the packets before it are in `packets` */
  readonly error: CaptureFormatError | undefined
}

const swap32 = (v: number): number =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0

/** True when `bytes` starts with a classic pcap magic in either byte order. */
export const isClassicPcap = (bytes: Uint8Array): boolean => {
  if (bytes.length < 4) return false
  const m = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)
  return m === PCAP_MAGIC_MICRO || m === PCAP_MAGIC_NANO || swap32(m) === PCAP_MAGIC_MICRO || swap32(m) === PCAP_MAGIC_NANO
}

const fail = (offset: number, packetIndex: number, reason: string, value: number | string) =>
  new CaptureFormatError({ format: "pcap", offset, packetIndex, reason, value })

export const readClassicPcap = (bytes: Uint8Array): ClassicPcapRead => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const empty = { littleEndian: true, nanosecond: false, snaplen: 0, linkType: 0, packets: [] }
  if (bytes.length < 4) return { ...empty, error: fail(0, 0, "file shorter than the pcap magic", bytes.length) }
  const magicLe = view.getUint32(0, true)
  let le: boolean
  let nano: boolean
  if (magicLe === PCAP_MAGIC_MICRO || magicLe === PCAP_MAGIC_NANO) {
    le = true
    nano = magicLe === PCAP_MAGIC_NANO
  } else if (swap32(magicLe) === PCAP_MAGIC_MICRO || swap32(magicLe) === PCAP_MAGIC_NANO) {
    le = false
    nano = swap32(magicLe) === PCAP_MAGIC_NANO
  } else return { ...empty, error: fail(0, 0, "not a pcap magic number", magicLe) }
  if (bytes.length < PCAP_FILE_HEADER_SIZE)
    return { ...empty, littleEndian: le, nanosecond: nano, error: fail(bytes.length, 0, "truncated file header (24 bytes)", bytes.length) }
  const major = view.getUint16(4, le)
  if (major !== PCAP_VERSION_MAJOR)
    return { ...empty, littleEndian: le, nanosecond: nano, error: fail(4, 0, "unsupported version_major (expected 2)", major) }
  const snaplen = view.getUint32(16, le)
  const lt = view.getUint32(20, le)
  const linkType = ltLinkType(lt)
  // FCS length is in 16-bit units (pcap-common.h LT_FCS_LENGTH, libpcap's DAG writer)
  const fcsLength = ltFcsLengthPresent(lt) ? ltFcsLength(lt) * 2 : 0
  const maxCaplen = Math.max(snaplen, PCAP_MAXIMUM_SNAPLEN)
  const unit = nano ? 1n : 1000n
  const packets: CapturedPacket[] = []
  let off = PCAP_FILE_HEADER_SIZE
  let error: CaptureFormatError | undefined
  while (off < bytes.length) {
    const index = packets.length
    if (bytes.length - off < PCAP_RECORD_HEADER_SIZE) {
      error = fail(off, index, "truncated record header (16 bytes)", bytes.length - off)
      break
    }
    const sec = view.getUint32(off, le)
    const frac = view.getUint32(off + 4, le)
    const caplen = view.getUint32(off + 8, le)
    const origlen = view.getUint32(off + 12, le)
    if (caplen > maxCaplen) {
      error = fail(off + 8, index, `caplen larger than max(snaplen, ${PCAP_MAXIMUM_SNAPLEN})`, caplen)
      break
    }
    const data = off + PCAP_RECORD_HEADER_SIZE
    if (caplen > bytes.length - data) {
      error = fail(off + 8, index, `truncated packet data (caplen ${caplen}, ${bytes.length - data} bytes left)`, caplen)
      break
    }
    packets.push({
      index,
      interfaceId: 0,
      linkType,
      fcsLength,
      timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * unit,
      originalLength: origlen,
      data: bytes.subarray(data, data + caplen)
    })
    off = data + caplen
  }
  return { littleEndian: le, nanosecond: nano, snaplen, linkType, packets, error }
}
