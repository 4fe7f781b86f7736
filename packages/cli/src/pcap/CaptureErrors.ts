/**
 * Typed errors of the capture readers and writer. A reader never throws on bad bytes: it stops at
 * the first malformed record and reports where (byte offset from the start of the file), which
 * packet it was reading (0-based index among the packets of the file; the index the next packet
 * would have had when the error is in a header or a non-packet block), why, and the offending
 * value. The packets before the error are still returned (CaptureFile.ts).
 */
import { Data } from "effect"

export class CaptureFormatError extends Data.TaggedError("CaptureFormatError")<{
  /** "pcap" or "pcapng" (or "capture" before the format is known) */
  readonly format: "pcap" | "pcapng" | "capture"
  /** byte offset in the file of the field that is wrong */
  readonly offset: number
  /** index of the packet being read (or that would come next) */
  readonly packetIndex: number
  readonly reason: string
  /** the offending value (number, or a short description) */
  readonly value: number | string
}> {
  override get message(): string {
    const v = typeof this.value === "number" ? `${this.value} (0x${this.value.toString(16)})` : this.value
    return `${this.format}: ${this.reason} at byte offset ${this.offset} (packet index ${this.packetIndex}; value ${v})`
  }
}

/** A captured frame whose link-layer header cannot be turned into an Ethernet header. */
export class LinkLayerError extends Data.TaggedError("LinkLayerError")<{
  readonly packetIndex: number
  readonly linkType: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `packet ${this.packetIndex}: link type ${this.linkType}: ${this.reason} (value ${this.value} / 0x${this.value.toString(16)})`
  }
}

/** Input the writer cannot express in the format (e.g. a frame longer than the snap length). */
export class CaptureWriteError extends Data.TaggedError("CaptureWriteError")<{
  readonly packetIndex: number
  readonly reason: string
  readonly value: number
}> {
  override get message(): string {
    return `pcap writer: packet ${this.packetIndex}: ${this.reason} (value ${this.value})`
  }
}
