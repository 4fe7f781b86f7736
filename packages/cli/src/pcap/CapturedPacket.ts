/**
 * One packet as a capture file records it, format-independent. `data` is a view into the file's
 * bytes (captured length); `originalLength` is the length on the wire (>= data.length when the
 * capture was truncated by the snap length). The timestamp is exact nanoseconds since the Unix
 * epoch (pcapng if_tsoffset applied), a BigInt: u64 does not fit a JS number and this is the
 * control plane.
 */
export interface CapturedPacket {
  /** 0-based index of the packet in the file */
  readonly index: number
  /** pcapng interface id within its section (0 for classic pcap) */
  readonly interfaceId: number
  /** LINKTYPE_* (low 16 bits of the pcap header's LinkType field / the IDB's LinkType) */
  readonly linkType: number
  /** FCS bytes at the end of each packet, when the file says (pcap LinkType FCS bits, pcapng if_fcslen); else 0 */
  readonly fcsLength: number
  readonly timestampNs: bigint
  readonly originalLength: number
  readonly data: Uint8Array
}

/** What a capture file held up to the first error. */
export interface CaptureContents {
  readonly format: "pcap" | "pcapng"
  readonly packets: ReadonlyArray<CapturedPacket>
}
