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

export type InlineValue = { readonly field: InlineField } | { readonly constant: number }

export interface InlineTest {
  readonly field: InlineField
  readonly mask: number
  readonly when: "set" | "clear"
}

export interface InlineCase {
  readonly tests: ReadonlyArray<InlineTest>
  /** 0, or a negative errno */
  readonly rc: number
  /** out-parameter member name -> value */
  readonly writes: Readonly<Record<string, InlineValue>>
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
