/**
 * One VM instance: the region table every pointer indexes, the call stack, the fault slot and
 * r0 of the last run. Programs are loaded against one VM (their map regions and the stack are
 * its regions) and a tail call only reaches programs of the same VM.
 *
 * Stack. Region 0 (VM_STACK_REGION) is VM_MAX_CALL_FRAMES * 512 bytes. Frame d (0 = the program's
 * entry) owns [4096 - 512 (d+1), 4096 - 512 d); its r10 is the frame's end. The valid window is
 * [start of the deepest live frame, 4096): a callee may use pointers into its callers' stacks
 * (as the verifier allows) but nothing below its own frame.
 *
 * Uninitialised stack. Each stack byte carries the generation stamp of its last write; each
 * 512-byte block the generation of the frame activation that owns it (`blockGen`). A byte is
 * initialised iff its stamp equals its block's generation, so entering a frame costs one counter
 * increment instead of clearing 512 bytes.
 *
 * Invariants: regions are only appended; `regions[i]` has pointer high half VM_PTR_HI_BASE + i.
 */
import {
  VM_DEFAULT_INSN_BUDGET,
  VM_FRAME_STACK_BYTES,
  VM_MAX_CALL_FRAMES,
  VM_MAX_REGIONS,
  VM_PTR_HI_BASE,
  type VmExecFrame,
  type VmFault,
  VmFaultCode,
  type VmRegion,
  VmRegionKind
} from "./VmTypes.js"

export const VM_STACK_BYTES = VM_MAX_CALL_FRAMES * VM_FRAME_STACK_BYTES

/** Fields of a new region (`lo`/`hi` default to the whole buffer). */
export interface VmRegionInit {
  readonly name: string
  readonly kind: VmRegionKind
  readonly bytes: Uint8Array
  readonly lo?: number
  readonly hi?: number
  readonly writable: boolean
  readonly faultReadsZero?: boolean
  readonly map?: unknown
}

export interface VmOptions {
  /** instructions per run before a Budget fault (default VM_DEFAULT_INSN_BUDGET) */
  readonly insnBudget?: number
}

const newFault = (): VmFault => ({
  code: 0,
  program: "",
  insn: -1,
  addrHi: 0,
  addrLo: 0,
  size: 0,
  write: 0,
  region: -1,
  windowLo: 0,
  windowHi: 0,
  detail: 0,
  message: ""
})

export class Vm implements VmExecFrame {
  r0hi = 0
  readonly regions: VmRegion[] = []
  runState: unknown = undefined
  readonly fault: VmFault = newFault()
  /** r0 of the last successful run */
  resultHi = 0
  resultLo = 0
  /** instructions per run */
  insnBudget: number
  /** remaining budget of the current run (engine-owned) */
  budgetLeft = 0
  /** tail calls taken in the current run (engine-owned) */
  tailCalls = 0
  /** the stack region (regions[0]) */
  readonly stack: VmRegion
  /** per stack byte: generation of its last write */
  readonly stackStamp: Float64Array = new Float64Array(VM_STACK_BYTES)
  /** per 512-byte stack block: generation of the frame activation owning it */
  readonly blockGen: Float64Array = new Float64Array(VM_MAX_CALL_FRAMES)
  /** last generation handed out */
  gen = 0
  /** scratch for ctx loads and 64-bit helpers: [hi, lo] */
  readonly scratch: Uint32Array = new Uint32Array(2)

  constructor(options: VmOptions = {}) {
    this.insnBudget = options.insnBudget ?? VM_DEFAULT_INSN_BUDGET
    const bytes = new Uint8Array(VM_STACK_BYTES)
    this.stack = {
      name: "stack",
      kind: VmRegionKind.Stack,
      bytes,
      view: new DataView(bytes.buffer),
      lo: VM_STACK_BYTES - VM_FRAME_STACK_BYTES,
      hi: VM_STACK_BYTES,
      writable: true,
      faultReadsZero: false,
      map: undefined
    }
    this.regions.push(this.stack)
  }

  /**
   * Appends a region; returns its index (pointer high half VM_PTR_HI_BASE + index), or -1 when
   * the table already holds VM_MAX_REGIONS regions.
   */
  addRegion(init: VmRegionInit): number {
    if (this.regions.length >= VM_MAX_REGIONS) return -1
    const region: VmRegion = {
      name: init.name,
      kind: init.kind,
      bytes: init.bytes,
      view: new DataView(init.bytes.buffer, init.bytes.byteOffset, init.bytes.byteLength),
      lo: init.lo ?? 0,
      hi: init.hi ?? init.bytes.byteLength,
      writable: init.writable,
      faultReadsZero: init.faultReadsZero ?? false,
      // every region has the same shape (the JIT's region lookups stay monomorphic)
      map: init.map
    }
    this.regions.push(region)
    return this.regions.length - 1
  }

  /** Re-points a region at other bytes (e.g. per packet) without allocating a DataView when `view` is given. */
  setRegionBytes(index: number, bytes: Uint8Array, view: DataView, lo: number, hi: number): void {
    const r = this.regions[index]
    if (r === undefined) return
    r.bytes = bytes
    r.view = view
    r.lo = lo
    r.hi = hi
  }

  /** Pointer high half of region `index`. */
  static ptrHi(index: number): number {
    return (VM_PTR_HI_BASE + index) >>> 0
  }

  /** Engine entry: resets the stack to frame 0 and the per-run state. */
  beginRun(): void {
    this.stack.lo = VM_STACK_BYTES - VM_FRAME_STACK_BYTES
    this.blockGen[VM_MAX_CALL_FRAMES - 1] = ++this.gen
    this.budgetLeft = this.insnBudget
    this.tailCalls = 0
    this.fault.code = VmFaultCode.None
    this.r0hi = 0
  }

  /** Engine: enter frame `depth` (1..7): a fresh activation of its 512-byte block. */
  enterFrame(depth: number): void {
    this.blockGen[VM_MAX_CALL_FRAMES - 1 - depth] = ++this.gen
    this.stack.lo = VM_STACK_BYTES - VM_FRAME_STACK_BYTES * (depth + 1)
  }

  /** Engine: back in frame `depth` after a call returned. */
  leaveFrame(depth: number): void {
    this.stack.lo = VM_STACK_BYTES - VM_FRAME_STACK_BYTES * (depth + 1)
  }

  /** Engine (tail call): the current frame's block becomes a fresh activation. */
  renewFrame(depth: number): void {
    this.blockGen[VM_MAX_CALL_FRAMES - 1 - depth] = ++this.gen
  }
}
