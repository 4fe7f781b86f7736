/**
 * How a driver publishes its RX metadata getters in a form the loader can splice into a program
 * (the "inlined" kfunc binding mode, packages/kfuncs InlineCompiler.ts): a declarative
 * description of each xmo_* op as reads of its own descriptor — byte offsets, widths, byte
 * order, masks, shifts, small translation tables, status-bit tests — instead of a function.
 * From it the loader generates straight-line code with constant offsets; the description must
 * give, for every descriptor, exactly what the driver's function returns (the binding-mode tests
 * check this over the whole corpus).
 *
 * Semantics of one op:
 *   cases are tried in order; a case applies when every test holds; the first that applies
 *   writes its `writes` (out-parameter member -> value) and returns its `rc` (0 or -errno).
 *   The last case usually has no tests (the default). No case applying is a description error.
 *   test:  ((read(field) & mask) !== 0) === (when === "set")
 *   value: read(field), then >>> shift, & mask, then table[value] when a table is given; or a
 *          constant.
 *   read:  width 1/2/4 bytes at descriptor + offset, little- or big-endian, unsigned.
 * The descriptor is found through two members of the driver's XdpBuff wrapper: a DataView and an
 * offset into it (`locator`), as mlx5e_xdp_buff.cqe or SimXdpBuff.desc/descOff.
 * An op the driver implements but does not describe stays a call to its function.
 *
 * Driver state (issue 8 extension): what a hint reads besides its descriptor — mlx5's
 * rq->tstamp rx_filter and timecounter, ice's pkt_ctx cached_phctime / vlan_proto — is named
 * as a CONTEXT WORD: a path of member names from the driver's context wrapper to a number (or
 * boolean, read as 0/1) the driver keeps there, e.g. ["pktCtx", "cachedPhcHi"] for
 * IceXdpBuff.pktCtx.cachedPhcHi. The generated read is `(ctx.a?.b?.c >>> 0)`: a u32, never an
 * exception (a missing member reads 0). Tests and values may use context words.
 * A 64-bit timestamp conversion the value language cannot spell (multiplications and carries
 * over u64) is one of a FIXED set of declared conversions (`convert`), implemented once by the
 * loader (packages/kfuncs fast/InlineConversions.ts): the description supplies its u32 inputs as
 * values; the conversion writes the out-parameter's hi/lo. `zeroRc`: a zero result returns that
 * rc and writes nothing (ice: ice_ptp_get_rx_hwts returning 0 -> -ENODATA).
 * `delegate`: the case calls the driver's own function for this op (a condition the language
 * cannot evaluate, e.g. mlx5's CHECKSUM_COMPLETE branch that parses the packet).
 */

export interface InlineField {
  readonly offset: number
  readonly width: 1 | 2 | 4
  readonly bigEndian: boolean
  readonly shift?: number
  readonly mask?: number
  /** translate the extracted value through this table (e.g. a hardware hash-type code to enum xdp_rss_hash_type) */
  readonly table?: ReadonlyArray<number>
}

/** A driver-state word: member names from the driver's context wrapper (1..4 identifiers). */
export type InlineContextPath = ReadonlyArray<string>

export type InlineValue = { readonly field: InlineField } | { readonly constant: number } | { readonly context: InlineContextPath }

export type InlineTest =
  | { readonly field: InlineField; readonly mask: number; readonly when: "set" | "clear" }
  | { readonly context: InlineContextPath; readonly mask: number; readonly when: "set" | "clear" }

/**
 * The declared 64-bit timestamp conversions (each input a u32 value):
 * - "sec-nsec-to-ns": ns = sec * NSEC_PER_SEC + nsec (u64) — mlx5_real_time_cyc2time,
 *   REAL_TIME_TO_NS (drivers/net/ethernet/mellanox/mlx5/core/lib/clock.h).
 * - "timecounter-cyc2time": timecounter_cyc2time (include/linux/timecounter.h) of the 64-bit
 *   cycle value over a cyclecounter with mask CLOCKSOURCE_MASK(maskBits) (33..64; a constant)
 *   and the timecounter state mult, shift, frac, cycle_last, nsec (u64 values as hi/lo words).
 * - "extend-32b-ts": ice_ptp_extend_32b_ts(cached, in32) (drivers/net/ethernet/intel/ice/ice_ptp.c).
 */
export type InlineConversion =
  | { readonly op: "sec-nsec-to-ns"; readonly sec: InlineValue; readonly nsec: InlineValue }
  | {
      readonly op: "timecounter-cyc2time"
      readonly maskBits: number
      readonly cyclesHi: InlineValue
      readonly cyclesLo: InlineValue
      readonly mult: InlineValue
      readonly shift: InlineValue
      readonly frac: InlineValue
      readonly cycleLastHi: InlineValue
      readonly cycleLastLo: InlineValue
      readonly nsecHi: InlineValue
      readonly nsecLo: InlineValue
    }
  | { readonly op: "extend-32b-ts"; readonly cachedHi: InlineValue; readonly cachedLo: InlineValue; readonly in32: InlineValue }

export interface InlineCase {
  readonly tests: ReadonlyArray<InlineTest>
  /** 0, or a negative errno */
  readonly rc: number
  /** out-parameter member name -> value */
  readonly writes: Readonly<Record<string, InlineValue>>
  /** timestamp ops only (out members hi, lo): the declared conversion that writes them; `writes` must be empty */
  readonly convert?: InlineConversion
  /** with `convert`: a result of 0 returns this rc (a negative errno) and writes nothing */
  readonly zeroRc?: number
  /** call the driver's own function for this op instead (rc must be 0 and writes empty) */
  readonly delegate?: true
}

export interface InlineOpDescription {
  readonly cases: ReadonlyArray<InlineCase>
}

export interface InlineDescriptorLocator {
  /** member of the driver's context holding the descriptor memory (a DataView) */
  readonly view: string
  /** member holding the descriptor's byte offset in it */
  readonly offset: string
}

export interface InlineMetadataOps {
  readonly driver: string
  readonly locator: InlineDescriptorLocator
  readonly xmoRxTimestamp?: InlineOpDescription
  readonly xmoRxHash?: InlineOpDescription
  readonly xmoRxVlanTag?: InlineOpDescription
  readonly xmoRxChecksum?: InlineOpDescription
}
