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
 * three mainline kfuncs), 4 the proposed checksum. A probe reads a hint set (HintMask: bit i =
 * HINT_ORDER[i]): the prefixes k = 1..4, and for the marginal cost of each hint the sets with one
 * hint alone and with all hints but one (RX_HINT_SETS). A hint that fails writes its negative errno
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

/** A set of hints as a bit mask over HINT_ORDER (bit 0 hash .. bit 3 checksum). */
export type HintMask = number
export const ALL_HINTS: HintMask = 0xf

export const prefixMask = (k: number): HintMask => (1 << k) - 1
export const hintCount = (m: HintMask): number => ((m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1)) | 0
export const hintNames = (m: HintMask): HintName[] => HINT_ORDER.filter((_, i) => (m & (1 << i)) !== 0)
/** the mask of a list of hint names; -1 when a name is not a hint */
export const maskOfNames = (names: ReadonlyArray<string>): HintMask => {
  let m = 0
  for (const n of names) {
    const i = HINT_ORDER.indexOf(n as HintName)
    if (i < 0) return -1
    m |= 1 << i
  }
  return m
}

/**
 * A hint set the RX suite times: `id` is the last part of its task id (`rx/DRIVER/STYLE/ID`) —
 * the prefixes keep their count ("1".."4"), the others are "only-NAME" and "all-but-NAME".
 */
export interface HintSet {
  readonly mask: HintMask
  readonly id: string
  readonly kind: "prefix" | "only" | "all-but"
}

/**
 * The sets of the RX suite: the prefixes, then each hint alone (only-hash is prefix 1) and all hints
 * but one (all-but-checksum is prefix 3) — together enough for each hint's cost alone (over the
 * empty program) and its increment over the other three (over all-but-it).
 */
export const RX_HINT_SETS: ReadonlyArray<HintSet> = [
  ...[1, 2, 3, 4].map((k) => ({ mask: prefixMask(k), id: String(k), kind: "prefix" as const })),
  ...HINT_ORDER.map((n, i) => ({ mask: 1 << i, id: `only-${n}`, kind: "only" as const })).filter((x) => x.mask !== prefixMask(1)),
  ...HINT_ORDER.map((n, i) => ({ mask: ALL_HINTS & ~(1 << i), id: `all-but-${n}`, kind: "all-but" as const })).filter((x) => x.mask !== prefixMask(3))
]

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
