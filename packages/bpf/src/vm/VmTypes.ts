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

// ---------------------------------------------------------------------------------------------
// Execution contract (added by the vm branch; everything above is unchanged).
// ---------------------------------------------------------------------------------------------

/** bpf-to-bpf call depth limit (include/linux/bpf_verifier.h MAX_CALL_FRAMES). */
export const VM_MAX_CALL_FRAMES = 8
/** Bytes of stack per frame (include/linux/filter.h MAX_BPF_STACK). */
export const VM_FRAME_STACK_BYTES = 512
/** Tail calls per run (include/linux/bpf.h MAX_TAIL_CALL_CNT). */
export const VM_MAX_TAIL_CALL_CNT = 33
/** Default instruction budget per run (include/linux/bpf.h BPF_COMPLEXITY_LIMIT_INSNS, the verifier's limit). */
export const VM_DEFAULT_INSN_BUDGET = 1_000_000
/** Region index of the stack in every VM (region 0, created by the VM itself). */
export const VM_STACK_REGION = 0
/** Helper id of bpf_tail_call (enum bpf_func_id, include/uapi/linux/bpf.h): handled by the VM. */
export const VM_HELPER_TAIL_CALL = 12

/**
 * Run status. `run` returns 0 when the program reached its final `exit` (r0 is then in
 * `vm.r0hi`/`vm.r0lo`), or one of these negative codes with the details in `vm.fault`.
 */
export const enum VmFaultCode {
  None = 0,
  /** access outside the region's valid window [lo, hi) */
  OutOfBounds = -1,
  /** the pointer's high half names no region (a scalar or corrupted pointer was dereferenced) */
  NoRegion = -2,
  /** write to a read-only region (map value of .rodata, kernel memory, ...) */
  ReadOnly = -3,
  /** read of stack bytes not written in this frame's activation */
  UninitStack = -4,
  /** the per-run instruction budget ran out (an unbounded loop) */
  Budget = -5,
  /** bpf-to-bpf call deeper than VM_MAX_CALL_FRAMES */
  CallDepth = -6,
  /** context access the program type refused (ctxLoad/ctxStore returned -1, or no ctxStore) */
  CtxAccess = -7,
  /** load or store through a map handle (LD_IMM64 BPF_PSEUDO_MAP_FD): not dereferencable */
  NotDereferencable = -8,
  /** a helper or kfunc reported a fault (it filled `vm.fault.detail`/`message` itself) */
  CallFault = -9,
  /**
   * BPF_STX | BPF_ATOMIC into the packet: the verifier's check_atomic refuses atomics whose
   * destination is ctx, packet, flow keys or a socket (kernel/bpf/verifier.c, -EACCES); the VM
   * cannot see pointer types at load, so it refuses the access when it happens (ctx atomics are
   * already CtxAccess).
   */
  AtomicNotAllowed = -10
}

/**
 * Fault details, preallocated once per VM and overwritten by the fault that ended a run.
 * Numbers only on the fault path of memory accesses; `message` is set only by helpers/kfuncs
 * that report a CallFault (it is a fixed string of theirs, not built per packet).
 */
export interface VmFault {
  code: number
  /** program that faulted (the tail-called program when the fault was in one) */
  program: string
  /** instruction slot index (LD_IMM64 occupies two slots, as in llvm-objdump and verifier logs) */
  insn: number
  /** the faulting address as (hi, lo) */
  addrHi: number
  addrLo: number
  /** access size in bytes (0 when not a memory access) */
  size: number
  /** 1 for a write, 0 for a read */
  write: number
  /** region index (-1 when none) */
  region: number
  /** the region's valid window [windowLo, windowHi) when the fault happened */
  windowLo: number
  windowHi: number
  /** code-specific detail: the budget for Budget, the call depth for CallDepth, the helper id or kfunc index for CallFault */
  detail: number
  /** CallFault only: the helper's own one-line reason */
  message: string
}

/**
 * What helpers and kfuncs see: the contract's VmCallFrame plus the fault slot they fill to
 * report a CallFault (set `fault.code = VmFaultCode.CallFault`, `fault.message`, return 0; the
 * VM stops the run after the call and fills insn/program).
 */
export interface VmExecFrame extends VmCallFrame {
  readonly fault: VmFault
}

/** A context store (devtx hooks with writable ctx fields). Returns 0, or -1 when refused. */
export type VmCtxStoreFn = (frame: VmCallFrame, off: number, size: number, hi: number, lo: number) => number

/**
 * bpf_tail_call target resolution: the program type's prog-array map lookup. Receives the
 * map pointer (r2) and index (r3's low half, u32) and returns
 *   - the program in that slot,
 *   - `undefined` for an empty slot (the tail-call count is still consumed), or
 *   - `null` when the index is >= max_entries or r2 is no prog array (count not consumed),
 * in the order of kernel/bpf/core.c JMP_TAIL_CALL: index check, count check (at most
 * VM_MAX_TAIL_CALL_CNT per run), count++, slot lookup. On every failure the call falls through.
 */
export type VmTailCallFn = (
  frame: VmCallFrame,
  mapHi: number,
  mapLo: number,
  index: number
) => VmProgram | undefined | null

/** Where LD_IMM64 pseudo sources of map index `i` point. */
export interface VmMapRegions {
  /** region of the map handle (BPF_PSEUDO_MAP_FD / BPF_PSEUDO_MAP_IDX -> pointer to offset 0) */
  readonly handle: number
  /** region of the map's value (BPF_PSEUDO_MAP_VALUE / MAP_IDX_VALUE -> pointer to the offset), -1 if none */
  readonly value: number
}

/** Which engine runs a program. */
export type VmEngine = "jit" | "interpreter"

/** Everything a program needs to be loaded into a VM. */
export interface VmProgramSpec {
  /** program name, used in every error message (e.g. the ELF symbol `xdp_prog`) */
  readonly name: string
  /** host-order 8-byte instructions: the main program, then its subprograms */
  readonly insns: Uint8Array
  /** helpers by bpf_func_id; a call to an id without an entry fails the load */
  readonly helpers: ReadonlyArray<VmCallFn | undefined>
  /** helper names by id, for messages (optional) */
  readonly helperNames?: ReadonlyArray<string | undefined>
  /** kfuncs by the loader's index (call src_reg 2, imm = index) */
  readonly kfuncs: ReadonlyArray<VmCallFn>
  /** kfunc names by index, for messages (optional) */
  readonly kfuncNames?: ReadonlyArray<string>
  /** LD_IMM64 map pseudo sources: map index -> regions */
  readonly maps?: ReadonlyArray<VmMapRegions>
  /** loads from the Ctx region */
  readonly ctxLoad?: VmCtxLoadFn
  /** stores to the Ctx region (absent: every ctx store faults with CtxAccess) */
  readonly ctxStore?: VmCtxStoreFn
  /** bpf_tail_call (helper 12) resolution; without it a tail call is an unknown helper at load */
  readonly tailCall?: VmTailCallFn
}

/** Load-time options. */
export interface VmLoadOptions {
  /** default "jit" */
  readonly engine?: VmEngine
  /** count instructions/helper/kfunc calls into `counters` (default true) */
  readonly count?: boolean
  /** keep the entry frame's registers after each run (tests and debugging; default false) */
  readonly exposeRegisters?: boolean
}

/** A loaded program, bound to one VM. */
export interface VmProgram {
  readonly name: string
  readonly engine: VmEngine
  /** number of 8-byte instruction slots */
  readonly slots: number
  readonly counters: VmCounters
  /**
   * Run once with r1 = (r1hi, r1lo) (normally the ctx pointer). Returns 0 (r0 in vm.r0hi/r0lo)
   * or a negative VmFaultCode (details in vm.fault). Never throws, never allocates.
   */
  run(r1hi: number, r1lo: number): number
}
