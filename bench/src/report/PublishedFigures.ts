/**
 * The kernel community's published figures the report puts beside ours, as context (not as
 * targets a JS simulation can meet), each with the lore message or xdp-project note it was
 * published in (`source`).
 */
export interface PublishedFigure {
  readonly what: string
  readonly figure: string
  readonly setup: string
  readonly source: string
}

export const PUBLISHED_FIGURES: ReadonlyArray<PublishedFigure> = [
  {
    what: "Function-call baselines (time_bench kmod)",
    figure: "direct call 4 cycles / 1.266 ns; indirect call (retpoline) 30 cycles / 8.463 ns; empty loop 0.265 ns",
    setup: "Intel Xeon E5-1650 v4 @ 3.6 GHz",
    source: "xdp-project areas/hints/traits01_bench_kmod.org"
  },
  {
    what: "ice RX hints (timestamp, hash, VLAN)",
    figure: "ZC mode: full hints implementation decreases pps by less than 3% (64 B, rxdrop)",
    setup: "ice",
    source: "lore:20231115175301.534113-1-larysa.zaremba@intel.com"
  },
  {
    what: "AF_XDP TX metadata, mlx5, one TX queue",
    figure: "200 B: 23.5 -> 19.2-19.3 Mpps (~18%) with driver support and metadata in use; 1400 B unchanged (line rate)",
    setup: "mlx5, xskgen",
    source: "lore:20231102225837.1141915-1-sdf@google.com (v5 cover)"
  },
  {
    what: "traits kfuncs (traits-009 selftest bench)",
    figure: "Intel: get 5.530 ns, set 7.538 ns; function call 1.319 ns, indirect 8.922 ns",
    setup: "kernel 6.14-rc3",
    source: "xdp-project areas/hints/traits07_bench-009.org"
  },
  {
    what: "Per-packet time budgets, min-size frames",
    figure: "10G 14.88 Mpps = 67.2 ns; 25G 37.2 Mpps = 26.88 ns; 100G 148.8 Mpps = 6.72 ns",
    setup: "arithmetic",
    source: "xdp-project areas/hints/traits03_bench_AMD.org"
  }
]

/** The RX kfuncs are bound to a direct call into the driver (kernel-apis.md §1.6 / §6 notes). */
export const PUBLISHED_NOTE =
  "RX metadata kfuncs are rewritten at load to a direct call into the driver (bpf_dev_bound_resolve_kfunc): per call roughly a normal function call (~1.3 ns on the Intel box above) plus the descriptor reads. No published ns-per-call figure for bpf_xdp_metadata_rx_* itself is known."
