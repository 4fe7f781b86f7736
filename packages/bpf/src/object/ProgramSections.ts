/**
 * Which ELF section names hold which program type, as libbpf's section_defs table does
 * (libbpf.c SEC_DEF: "xdp" → BPF_PROG_TYPE_XDP attach BPF_XDP; "xdp.frags" → the same with
 * BPF_F_XDP_HAS_FRAGS), plus the devtx TX hooks. Names match exactly (libbpf matches a
 * SEC_DEF without a trailing '+' or '/' only exactly). The caller may pass its own table.
 */

export interface ProgramSectionDef {
  /** the exact ELF section name */
  readonly section: string
  /** program type name as devtx's program types know it */
  readonly programType: "xdp" | "devtx"
  /** BPF_F_XDP_HAS_FRAGS: the program accepts multi-buffer frames (xdp.frags) */
  readonly frags: boolean
  /** the devtx hook this section attaches to; undefined for XDP */
  readonly hook?: "xdp/submit" | "xdp/complete" | "skb/submit" | "skb/complete"
}

export const DEFAULT_PROGRAM_SECTIONS: ReadonlyArray<ProgramSectionDef> = [
  { section: "xdp", programType: "xdp", frags: false },
  { section: "xdp.frags", programType: "xdp", frags: true },
  { section: "devtx/xdp/submit", programType: "devtx", frags: false, hook: "xdp/submit" },
  { section: "devtx/xdp/complete", programType: "devtx", frags: false, hook: "xdp/complete" },
  { section: "devtx/skb/submit", programType: "devtx", frags: false, hook: "skb/submit" },
  { section: "devtx/skb/complete", programType: "devtx", frags: false, hook: "skb/complete" }
]
