/**
 * The shape of a benchmark run as written to `results.json` (issue 9 names these keys; scripts
 * read them — do not rename): `{ meta: {node, v8, cpu, revision, date, quick}, results: [...] }`.
 *
 * Invariants: `ns_per_packet` is the mean time of one timed iteration divided by the packets (or
 * operations, for the core suite) it processed; `mpps` = 1000 / ns_per_packet; `rme` is tinybench's
 * relative margin of error in percent; `samples` the timed iterations; `ratio_to_floor` is
 * ns_per_packet over the raw fixed-offset floor measured in the same worker (same driver, same
 * hint set), or null where a floor does not apply (core suite) or was not measured.
 *
 * Optional keys (added later; a reader must accept rows without them):
 *   hint_set   the hints the row's program reads, by name (RX: hash, timestamp, vlan-tag, checksum;
 *              TX: tx-timestamp, l4-checksum); absent = the first `hints` of the path's order
 *   lane       where the figure comes from: "model" (absent: devtx's JS model on V8), "vm" (a
 *              clang-built BPF object run by devtx's eBPF VM over the modelled NICs), "kernel"
 *              (the same object loaded on the running kernel, device-bound to a veth)
 *   insns_per_packet, kfunc_insns_per_packet   (vm lane) BPF instructions executed per packet by
 *              the program, and by the kfuncs it called (the architecture-neutral figure)
 *   xlated_insns, jited_bytes   (kernel lane) the verifier's translated instruction count and the
 *              JIT image size (bpftool prog show), beside bpf_stats' ns_per_packet
 *   engine     (vm lane) what ran the program: "jit" / "interp" (devtx's eBPF VM engines) or "ts"
 *              (the TypeScript program of the same design, the same-run baseline)
 *   program    (vm lane) the object file, or the TypeScript program, the row timed
 *   ratio_to_ts   (vm lane) ns_per_packet over the same-style TypeScript program's, same worker
 *   ratio_to_jit  (vm lane, interp rows) ns_per_packet over the JIT's, same worker
 *   helper_calls_per_packet, kfunc_calls_per_packet   (vm lane) calls per packet (VmCounters);
 *              kfunc_insns_per_packet is absent when the program type does not count the
 *              instructions a kfunc call stands for (TypeScript-bound kfuncs)
 *   mode       the xdp-bench mode the RX program ran in (drop when absent: XDP_DROP, no skb)
 *   size       frame length in bytes when every frame of the batch has one size (absent: the corpus)
 */
export type BenchPath = "rx" | "tx-submit" | "tx-complete" | "placement" | "core"

export type BenchStyle =
  | "raw-fixed"
  | "raw-core"
  | "kfunc-inlined"
  | "kfunc-dev-bound"
  | "kfunc-generic"
  | "btf-id"
  | "empty"
  | (string & {})

export interface BenchResultRow {
  readonly suite: string
  readonly path: BenchPath
  readonly driver: string
  readonly style: BenchStyle
  /** hints read per packet (0 for the empty program and the core suite) */
  readonly hints: number
  readonly ns_per_packet: number
  readonly mpps: number
  readonly rme: number
  readonly samples: number
  readonly ratio_to_floor: number | null
  /** packets (or operations) per timed iteration */
  readonly batch: number
  /** "packet" or "op" (core suite: one BTF decode, one relocation, one hash) */
  readonly unit: "packet" | "op"
  /** what the floor of this row is, when it is not the raw-fixed probe with the same hints */
  readonly floor?: string
  readonly hint_set?: ReadonlyArray<string>
  readonly lane?: BenchLane
  readonly insns_per_packet?: number
  readonly kfunc_insns_per_packet?: number
  readonly xlated_insns?: number
  readonly jited_bytes?: number
  readonly mode?: string
  readonly size?: number
  readonly engine?: string
  readonly program?: string
  readonly ratio_to_ts?: number | null
  readonly ratio_to_jit?: number | null
  readonly helper_calls_per_packet?: number
  readonly kfunc_calls_per_packet?: number
}

/** model: devtx's JS model on V8; vm: a BPF object in devtx's eBPF VM; kernel: the running kernel */
export type BenchLane = "model" | "vm" | "kernel"

/** A style/driver/suite combination that was not measured, and why. */
export interface BenchSkip {
  readonly suite: string
  readonly driver: string
  readonly style: string
  readonly reason: string
}

export interface BenchMeta {
  readonly node: string
  readonly v8: string
  readonly cpu: string
  readonly revision: string
  readonly date: string
  readonly quick: boolean
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly batch: number
  readonly filter: string | null
  readonly durationS: number
  /** run options (absent: the defaults — every driver, rxdrop, the corpus, the default configuration) */
  readonly drivers?: ReadonlyArray<string>
  readonly mode?: string
  readonly size?: number
  readonly pcap?: string
  readonly config?: string
}

export interface BenchResultsFile {
  readonly meta: BenchMeta
  readonly results: ReadonlyArray<BenchResultRow>
  readonly skipped: ReadonlyArray<BenchSkip>
  /** equality checks that passed before timing, one line per group */
  readonly checks: ReadonlyArray<string>
}
