/**
 * The per-packet output record every RX probe writes, whatever its style, so the styles can be
 * compared value for value before any timing (a benchmark of a wrong answer is worthless).
 *
 *   slot  0 rc(hash)   1 hash        2 rss_type
 *   slot  3 rc(ts)     4 ts hi       5 ts lo
 *   slot  6 rc(vlan)   7 vlan_proto  8 vlan_tci
 *   slot  9 rc(csum)  10 ip_summed  11 cksum     12 cksum_level
 *
 * Hints are read in this order: k = 1 reads the hash, 2 adds the timestamp, 3 the VLAN tag (the
 * three mainline kfuncs), 4 the proposed checksum. A hint that fails writes its negative errno
 * and zeroes its value slots; slots of hints not read stay 0. Records are written at
 * `(cursor[0]++ & mask) * REC_WORDS` of an Int32Array (u32 values are stored modulo 2^32, the
 * same way for every style).
 */
export const REC_WORDS = 13
export const HINT_ORDER = ["hash", "timestamp", "vlan-tag", "checksum"] as const
export type HintName = (typeof HINT_ORDER)[number]

/** Kernel symbols of the first k hints (the kfuncs a k-hint kfunc probe calls). */
export const HINT_KFUNCS: Readonly<Record<HintName, string>> = {
  hash: "bpf_xdp_metadata_rx_hash",
  timestamp: "bpf_xdp_metadata_rx_timestamp",
  "vlan-tag": "bpf_xdp_metadata_rx_vlan_tag",
  checksum: "bpf_xdp_metadata_rx_checksum"
}

export class ProbeSink {
  readonly rec: Int32Array
  readonly cursor = new Int32Array(1)
  readonly mask: number
  constructor(readonly batch: number) {
    let size = 1
    while (size < batch) size <<= 1
    this.mask = size - 1
    this.rec = new Int32Array(size * REC_WORDS)
  }
  reset(): void {
    this.cursor[0] = 0
    this.rec.fill(0)
  }
}

/** First index where two record arrays differ over `packets` records, or -1. */
export const firstRecordDifference = (a: Int32Array, b: Int32Array, packets: number): number => {
  for (let i = 0; i < packets * REC_WORDS; i++) if (a[i] !== b[i]) return Math.floor(i / REC_WORDS)
  return -1
}

export const describeRecord = (r: Int32Array, p: number): string => Array.from(r.subarray(p * REC_WORDS, (p + 1) * REC_WORDS)).join(",")
