/**
 * Classic pcap writer (libpcap's layout, host-independent): little-endian, microsecond
 * (0xa1b2c3d4) or nanosecond (0xa1b23c4d) magic, version 2.4, thiszone = sigfigs = 0, one link
 * type for the file. The layout is drawn in ClassicPcapReader.ts. Timestamps are exact ns
 * since the epoch (BigInt), written as seconds + (us | ns); microsecond files floor to the us.
 */
import { Result } from "effect"
import { CaptureWriteError } from "./CaptureErrors.js"
import {
  PCAP_FILE_HEADER_SIZE,
  PCAP_MAGIC_MICRO,
  PCAP_MAGIC_NANO,
  PCAP_RECORD_HEADER_SIZE,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR
} from "./PcapFormat.js"

export interface PcapRecordInput {
  readonly timestampNs: bigint
  readonly data: Uint8Array
  /** defaults to data.length */
  readonly originalLength?: number
}

export interface PcapWriteOptions {
  readonly linkType: number
  /** default 262144 (MAXIMUM_SNAPLEN) */
  readonly snaplen?: number
  readonly nanosecond?: boolean
}

export const writeClassicPcap = (
  records: ReadonlyArray<PcapRecordInput>,
  options: PcapWriteOptions
): Result.Result<Uint8Array, CaptureWriteError> => {
  const snaplen = options.snaplen ?? 262144
  const nano = options.nanosecond ?? false
  let size = PCAP_FILE_HEADER_SIZE
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    if (r.data.length > snaplen) return Result.fail(new CaptureWriteError({ packetIndex: i, reason: `longer than the snap length ${snaplen}`, value: r.data.length }))
    const sec = r.timestampNs / 1_000_000_000n
    if (r.timestampNs < 0n || sec > 0xffffffffn)
      return Result.fail(new CaptureWriteError({ packetIndex: i, reason: "timestamp outside the u32 seconds of a pcap record", value: Number(sec) }))
    if ((r.originalLength ?? r.data.length) < r.data.length)
      return Result.fail(new CaptureWriteError({ packetIndex: i, reason: "original length below the captured length", value: r.originalLength ?? 0 }))
    size += PCAP_RECORD_HEADER_SIZE + r.data.length
  }
  const out = new Uint8Array(size)
  const v = new DataView(out.buffer)
  v.setUint32(0, nano ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO, true)
  v.setUint16(4, PCAP_VERSION_MAJOR, true)
  v.setUint16(6, PCAP_VERSION_MINOR, true)
  v.setUint32(16, snaplen, true)
  v.setUint32(20, options.linkType, true)
  let off = PCAP_FILE_HEADER_SIZE
  for (const r of records) {
    const sec = r.timestampNs / 1_000_000_000n
    const ns = r.timestampNs % 1_000_000_000n
    v.setUint32(off, Number(sec), true)
    v.setUint32(off + 4, Number(nano ? ns : ns / 1000n), true)
    v.setUint32(off + 8, r.data.length, true)
    v.setUint32(off + 12, r.originalLength ?? r.data.length, true)
    out.set(r.data, off + PCAP_RECORD_HEADER_SIZE)
    off += PCAP_RECORD_HEADER_SIZE + r.data.length
  }
  return Result.succeed(out)
}
