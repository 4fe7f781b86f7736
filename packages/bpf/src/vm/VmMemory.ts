/**
 * Checked memory access through VM pointers: the one definition of what a load or store may do,
 * used by the interpreter for every access, by the JIT for everything its inline fast path does
 * not cover, and by helpers/kfuncs for the pointers they are given (`vmAccess`).
 *
 * A pointer (hi, lo) names region hi - VM_PTR_HI_BASE at byte offset lo. An access of `size`
 * bytes is valid iff the region exists, lo >= region.lo and lo + size <= region.hi, and:
 *   - Ctx: goes through the program type's ctxLoad / ctxStore (never raw bytes);
 *   - MapHandle: never (not dereferencable);
 *   - Stack reads: every byte written in its frame's current activation (Vm.ts);
 *   - writes: the region is writable;
 *   - faultReadsZero regions (BPF_PROBE_MEM): an out-of-window read yields 0, not a fault.
 * Data is little-endian (host order, as on x86). On failure the function fills vm.fault (all but
 * `program`, which the engine sets) and returns the negative VmFaultCode.
 */
import type { Vm } from "./Vm.js"
import {
  VM_PTR_HI_BASE,
  type VmCallFrame,
  type VmCtxLoadFn,
  type VmCtxStoreFn,
  VmFaultCode,
  type VmRegion,
  VmRegionKind
} from "./VmTypes.js"

const fail = (vm: Vm, code: number, insn: number, hi: number, lo: number, size: number, write: number, region: number): number => {
  const f = vm.fault
  f.code = code
  f.insn = insn
  f.addrHi = hi >>> 0
  f.addrLo = lo >>> 0
  f.size = size
  f.write = write
  f.region = region
  f.detail = 0
  const rg = region >= 0 ? vm.regions[region] : undefined
  f.windowLo = rg === undefined ? 0 : rg.lo
  f.windowHi = rg === undefined ? 0 : rg.hi
  return code
}

/** True iff every byte of stack [off, off+size) was written in its frame's current activation. */
export const stackInitialised = (vm: Vm, off: number, size: number): boolean => {
  const st = vm.stackStamp
  const bg = vm.blockGen
  for (let i = off; i < off + size; i++) if (st[i] !== bg[i >> 9]) return false
  return true
}

/** Marks stack [off, off+size) written in its frame's current activation. */
export const stackMarkWritten = (vm: Vm, off: number, size: number): void => {
  const st = vm.stackStamp
  const bg = vm.blockGen
  for (let i = off; i < off + size; i++) st[i] = bg[i >> 9] as number
}

const regionOf = (vm: Vm, hi: number): number => {
  const r = ((hi >>> 0) - VM_PTR_HI_BASE) | 0
  return r >= 0 && r < vm.regions.length ? r : -1
}

const readRaw = (rg: VmRegion, lo: number, size: number, out: Uint32Array): void => {
  const v = rg.view
  switch (size) {
    case 1:
      out[0] = 0
      out[1] = v.getUint8(lo)
      return
    case 2:
      out[0] = 0
      out[1] = v.getUint16(lo, true)
      return
    case 4:
      out[0] = 0
      out[1] = v.getUint32(lo, true)
      return
    default:
      out[1] = v.getUint32(lo, true)
      out[0] = v.getUint32(lo + 4, true)
  }
}

const writeRaw = (rg: VmRegion, lo: number, size: number, vhi: number, vlo: number): void => {
  const v = rg.view
  switch (size) {
    case 1:
      v.setUint8(lo, vlo & 0xff)
      return
    case 2:
      v.setUint16(lo, vlo & 0xffff, true)
      return
    case 4:
      v.setUint32(lo, vlo >>> 0, true)
      return
    default:
      v.setUint32(lo, vlo >>> 0, true)
      v.setUint32(lo + 4, vhi >>> 0, true)
  }
}

/**
 * Load `size` (1, 2, 4, 8) bytes at (hi, lo), zero-extended, into vm.scratch [hi, lo].
 * `atomic`: the access is half of a read-modify-write (ctx refuses it).
 */
export const vmLoad = (
  vm: Vm,
  ctxLoad: VmCtxLoadFn | undefined,
  hi: number,
  lo: number,
  size: number,
  insn: number,
  atomic: boolean
): number => {
  lo = lo >>> 0
  const r = regionOf(vm, hi)
  if (r < 0) return fail(vm, VmFaultCode.NoRegion, insn, hi, lo, size, 0, -1)
  const rg = vm.regions[r] as VmRegion
  const out = vm.scratch
  if (rg.kind === VmRegionKind.Ctx) {
    if (ctxLoad === undefined || atomic || ctxLoad(vm, lo, size, out) !== 0) {
      return fail(vm, VmFaultCode.CtxAccess, insn, hi, lo, size, 0, r)
    }
    return 0
  }
  if (rg.kind === VmRegionKind.MapHandle) return fail(vm, VmFaultCode.NotDereferencable, insn, hi, lo, size, 0, r)
  if (lo < rg.lo || lo + size > rg.hi) {
    if (rg.faultReadsZero && !atomic) {
      out[0] = 0
      out[1] = 0
      return 0
    }
    return fail(vm, VmFaultCode.OutOfBounds, insn, hi, lo, size, 0, r)
  }
  if (rg.kind === VmRegionKind.Stack && !stackInitialised(vm, lo, size)) {
    return fail(vm, VmFaultCode.UninitStack, insn, hi, lo, size, 0, r)
  }
  readRaw(rg, lo, size, out)
  return 0
}

/** Store the low `size` bytes of (vhi, vlo) at (hi, lo). */
export const vmStore = (
  vm: Vm,
  ctxStore: VmCtxStoreFn | undefined,
  hi: number,
  lo: number,
  size: number,
  vhi: number,
  vlo: number,
  insn: number,
  atomic: boolean
): number => {
  lo = lo >>> 0
  const r = regionOf(vm, hi)
  if (r < 0) return fail(vm, VmFaultCode.NoRegion, insn, hi, lo, size, 1, -1)
  const rg = vm.regions[r] as VmRegion
  if (rg.kind === VmRegionKind.Ctx) {
    if (ctxStore === undefined || atomic || ctxStore(vm, lo, size, vhi >>> 0, vlo >>> 0) !== 0) {
      return fail(vm, VmFaultCode.CtxAccess, insn, hi, lo, size, 1, r)
    }
    return 0
  }
  if (rg.kind === VmRegionKind.MapHandle) return fail(vm, VmFaultCode.NotDereferencable, insn, hi, lo, size, 1, r)
  if (lo < rg.lo || lo + size > rg.hi) return fail(vm, VmFaultCode.OutOfBounds, insn, hi, lo, size, 1, r)
  if (!rg.writable) return fail(vm, VmFaultCode.ReadOnly, insn, hi, lo, size, 1, r)
  if (rg.kind === VmRegionKind.Stack) stackMarkWritten(vm, lo, size)
  writeRaw(rg, lo, size, vhi, vlo)
  return 0
}

/**
 * For helpers and kfuncs: check that `size` bytes at (hi, lo) may be read (write = false) or
 * written (write = true) as raw bytes. Returns the region index (the bytes are then
 * `frame.regions[index].bytes[lo .. lo+size)`), or a negative VmFaultCode with frame.fault
 * filled; any fault left in frame.fault when a call returns ends the run (the engine fills in
 * the call's instruction index and the program). A checked write marks stack bytes written; a
 * checked read of stack requires them written. Ctx and map handles are never raw bytes.
 */
export const vmAccess = (frame: VmCallFrame, hi: number, lo: number, size: number, write: boolean): number => {
  const vm = frame as Vm
  lo = lo >>> 0
  // fast path: plain packet / map-value / kernel bytes inside the window (regionFlags, Vm.ts)
  const fr = ((hi >>> 0) - VM_PTR_HI_BASE) | 0
  const fl = fr >= 0 && fr < vm.regions.length ? (vm.regionFlags[fr] as number) : 0
  if ((fl & (write ? 2 : 1)) !== 0 && size >= 0) {
    const g = vm.regions[fr] as VmRegion
    if (lo >= g.lo && lo + size <= g.hi) return fr
  }
  const w = write ? 1 : 0
  const r = regionOf(vm, hi)
  if (r < 0) return fail(vm, VmFaultCode.NoRegion, -1, hi, lo, size, w, -1)
  const rg = vm.regions[r] as VmRegion
  if (rg.kind === VmRegionKind.Ctx) return fail(vm, VmFaultCode.CtxAccess, -1, hi, lo, size, w, r)
  if (rg.kind === VmRegionKind.MapHandle) return fail(vm, VmFaultCode.NotDereferencable, -1, hi, lo, size, w, r)
  if (size < 0 || lo < rg.lo || lo + size > rg.hi) return fail(vm, VmFaultCode.OutOfBounds, -1, hi, lo, size, w, r)
  if (write) {
    if (!rg.writable) return fail(vm, VmFaultCode.ReadOnly, -1, hi, lo, size, 1, r)
    if (rg.kind === VmRegionKind.Stack) stackMarkWritten(vm, lo, size)
  } else if (rg.kind === VmRegionKind.Stack && !stackInitialised(vm, lo, size)) {
    return fail(vm, VmFaultCode.UninitStack, -1, hi, lo, size, 0, r)
  }
  return r
}

/**
 * BPF_STX | BPF_ATOMIC of `size` (4, 8) bytes at (hi, lo) with operation `op` (the insn's imm),
 * source (sh, sl) and r0 (r0h, r0l) for CMPXCHG. Reads, computes, writes through vmLoad/vmStore;
 * CMPXCHG always writes (the old value back on a mismatch), so a read-only target faults either
 * way. A packet target faults AtomicNotAllowed (the verifier refuses it; ctx: CtxAccess). On success the old value (zero-extended for W) is left in vm.scratch for FETCH/CMPXCHG.
 */
export const vmAtomic = (
  vm: Vm,
  hi: number,
  lo: number,
  size: number,
  op: number,
  sh: number,
  sl: number,
  r0h: number,
  r0l: number,
  insn: number
): number => {
  // kernel/bpf/verifier.c check_atomic: no atomics into ctx, packet, flow keys or sockets
  const pr = regionOf(vm, hi)
  if (pr >= 0 && (vm.regions[pr] as VmRegion).kind === VmRegionKind.Packet) {
    return fail(vm, VmFaultCode.AtomicNotAllowed, insn, hi, lo, size, 1, pr)
  }
  let st = vmLoad(vm, undefined, hi, lo, size, insn, true)
  if (st < 0) return st
  const w = size === 8
  const oh = w ? (vm.scratch[0] as number) : 0
  const ol = vm.scratch[1] as number
  if (!w) sh = 0
  sh >>>= 0
  sl >>>= 0
  let nh: number
  let nl: number
  if (op === 0xe1) {
    nh = sh
    nl = sl
  } else if (op === 0xf1) {
    const eq = (w ? r0h >>> 0 === oh : true) && r0l >>> 0 === ol
    nh = eq ? sh : oh
    nl = eq ? sl : ol
  } else {
    switch (op & 0xf0) {
      case 0x00: {
        const t = ol + sl
        nl = t >>> 0
        nh = (oh + sh + (t > 0xffffffff ? 1 : 0)) >>> 0
        break
      }
      case 0x40:
        nh = (oh | sh) >>> 0
        nl = (ol | sl) >>> 0
        break
      case 0x50:
        nh = (oh & sh) >>> 0
        nl = (ol & sl) >>> 0
        break
      default:
        nh = (oh ^ sh) >>> 0
        nl = (ol ^ sl) >>> 0
    }
  }
  st = vmStore(vm, undefined, hi, lo, size, nh, nl, insn, true)
  if (st < 0) return st
  vm.scratch[0] = oh
  vm.scratch[1] = ol
  return 0
}

/**
 * For helpers and kfuncs: the region a pointer's high half names (a map handle's `map`, the
 * packet a ctx points into), or undefined for a scalar.
 */
export const vmRegionAt = (frame: VmCallFrame, hi: number): VmRegion | undefined => {
  const r = ((hi >>> 0) - VM_PTR_HI_BASE) | 0
  return r >= 0 && r < frame.regions.length ? frame.regions[r] : undefined
}
