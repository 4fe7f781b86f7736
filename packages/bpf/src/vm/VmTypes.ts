/**
 * The eBPF VM's contract: how a loaded program, its memory and its calls look to the VM, to the
 * loader (object/) that produces programs and to the program types (XDP, devtx hooks) that give
 * them a context, helpers and kfuncs. Everything here is plain data and plain functions: the VM's
 * per-packet path never allocates, never throws and never uses BigInt.
 *
 * Registers. r0..r10 are 64-bit; the VM keeps each as two u32 halves (hi, lo). A value crosses
 * this contract as a pair of JS numbers `hi >>> 0`, `lo >>> 0`.
 *
 * Pointers. A pointer is a 64-bit value whose high half names a memory region and whose low half
 * is a byte offset inside it:
 *
 *     63                32 31                    0
 *    +--------------------+-----------------------+
 *    | VM_PTR_HI_BASE + r |  byte offset in region |
 *    +--------------------+-----------------------+
 *
 * so pointers look like x86-64 direct-map kernel addresses (0xffff8000_xxxxxxxx), pointer
 * arithmetic is ordinary 64-bit arithmetic, comparing two pointers into one region compares their
 * offsets (packet bounds checks `data + 14 > data_end` work unchanged), and a pointer is never
 * NULL. An access whose high half is no region, or whose [off, off+size) leaves the region's valid
 * window, is a fault: a typed run-time error naming the instruction — except in a region with
 * `faultReadsZero` (memory reached through a BTF-typed kernel pointer, bpf_rdonly_cast /
 * bpf_cast_to_kern_ctx), where a read that faults yields 0 as the kernel's BPF_PROBE_MEM loads do.
 *
 * Calls. Helpers are indexed by `enum bpf_func_id` (include/uapi/linux/bpf.h); kfuncs by the index
 * the loader gave each `__ksym` extern the program calls (the call instruction's imm after load,
 * src_reg BPF_PSEUDO_KFUNC_CALL). Both receive r1..r5 as ten u32 halves and return r0's low half;
 * a call that sets a non-zero high half of r0 writes it to `VmCallFrame.r0hi` before returning
 * (the VM clears it before every call).
 */

/** High half of region 0's pointers. Region `r` has high half `VM_PTR_HI_BASE + r`. */
export const VM_PTR_HI_BASE = 0xffff8000
/** At most this many regions in one VM instance. */
export const VM_MAX_REGIONS = 0x7fff

export const enum VmRegionKind {
  /** the packet: valid window [data_meta, data_end), set by the program type per packet */
  Packet = 1,
  /** the program's 512-byte stack; r10 points at its end */
  Stack = 2,
  /** the program's context (struct xdp_md, the devtx context): loads go through ctxLoad */
  Ctx = 3,
  /** a map value (array/hash element, .data/.bss/.rodata as a one-element array map) */
  MapValue = 4,
  /** a map itself (LD_IMM64 BPF_PSEUDO_MAP_FD / MAP_IDX): not dereferencable, passed to helpers */
  MapHandle = 5,
  /** kernel memory reached through a BTF-typed pointer: read-only, faults read as zero */
  Kernel = 6
}

/** One memory region. Mutable fields let the program type re-point it per packet without allocating. */
export interface VmRegion {
  readonly name: string
  readonly kind: VmRegionKind
  bytes: Uint8Array
  view: DataView
  /** valid window [lo, hi) in byte offsets of `bytes` */
  lo: number
  hi: number
  readonly writable: boolean
  readonly faultReadsZero: boolean
  /** MapHandle regions: the map object the helpers act on (the VM never reads it) */
  readonly map?: unknown
}

/**
 * What a helper or kfunc sees of the running VM. One per VM instance, reused across calls.
 * `regions[i]` is the region whose pointers have high half VM_PTR_HI_BASE + i.
 */
export interface VmCallFrame {
  /** high half of r0 for the current call; the VM sets it to 0 before each call */
  r0hi: number
  readonly regions: ReadonlyArray<VmRegion>
  /** opaque per-run state of the program type (the XdpBuff being processed, the devtx ctx) */
  runState: unknown
}

/** A helper or kfunc: r1..r5 as (hi, lo) halves, returns r0's low half. */
export type VmCallFn = (
  frame: VmCallFrame,
  r1h: number,
  r1l: number,
  r2h: number,
  r2l: number,
  r3h: number,
  r3l: number,
  r4h: number,
  r4l: number,
  r5h: number,
  r5l: number
) => number

/**
 * A context load, converted as the verifier's convert_ctx_access does: `size`-byte load at
 * `off` of the context. Writes the 64-bit result into out[0] (hi) and out[1] (lo) and returns 0,
 * or returns -1 for an access the program type does not allow (the VM then raises a typed error
 * naming the instruction and offset).
 */
export type VmCtxLoadFn = (frame: VmCallFrame, off: number, size: number, out: Uint32Array) => number

/** How executed work is counted: the architecture-neutral cost the report needs. */
export interface VmCounters {
  /** instructions executed in the program (all subprograms), summed over runs */
  insns: number
  /** runs (packets) */
  runs: number
  /** calls per helper id */
  readonly helperCalls: Float64Array
  /** calls per kfunc index */
  readonly kfuncCalls: Float64Array
  /** instructions a kfunc call stood for, per kfunc index (inlined kfuncs: the spliced insns executed) */
  readonly kfuncInsns: Float64Array
}
