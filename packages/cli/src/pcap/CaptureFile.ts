/**
 * Read a capture file of either format, told apart by its first four bytes (pcapng: the SHB
 * block type 0x0A0D0D0A; pcap: 0xa1b2c3d4 / 0xa1b23c4d in either byte order). Returns the
 * packets up to the first malformed record and that record's error (undefined when the whole
 * file is good). Never throws.
 */
import { CaptureFormatError } from "./CaptureErrors.js"
import type { CapturedPacket } from "./CapturedPacket.js"
import { isClassicPcap, readClassicPcap } from "./ClassicPcapReader.js"
import { isPcapng, readPcapng } from "./PcapngReader.js"

export interface CaptureRead {
  readonly format: "pcap" | "pcapng" | "unknown"
  readonly packets: ReadonlyArray<CapturedPacket>
  readonly error: CaptureFormatError | undefined
}

export const readCapture = (bytes: Uint8Array): CaptureRead => {
  if (isPcapng(bytes)) {
    const r = readPcapng(bytes)
    return { format: "pcapng", packets: r.packets, error: r.error }
  }
  if (isClassicPcap(bytes)) {
    const r = readClassicPcap(bytes)
    return { format: "pcap", packets: r.packets, error: r.error }
  }
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : bytes.length
  return {
    format: "unknown",
    packets: [],
    error: new CaptureFormatError({
      format: "capture",
      offset: 0,
      packetIndex: 0,
      reason: bytes.length < 4 ? "file shorter than a magic number" : "neither a pcap nor a pcapng magic number",
      value: magic
    })
  }
}
