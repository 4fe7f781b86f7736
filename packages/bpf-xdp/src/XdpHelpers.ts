/**
 * The BPF helpers an XDP program may call, indexed by enum bpf_func_id (include/uapi/linux/bpf.h;
 * every id is checked against /sys/kernel/btf/vmlinux in the tests), as VmCallFn over the run
 * state (XdpRunState.ts). Return values are the kernel's: a negative errno is a 64-bit value
 * (r0's high half 0xffffffff), an XDP action a small positive one.
 *
 *   1  bpf_map_lookup_elem     ARRAY maps (.data/.bss/.rodata are one-element arrays): a pointer
 *                              into the value region, or NULL (0) for a key out of range
 *   2  bpf_map_update_elem     ARRAY: copy the value in (BPF_ANY / BPF_EXIST; BPF_NOEXIST -> -EEXIST)
 *   3  bpf_map_delete_elem     ARRAY: -EINVAL, as array_map_delete_elem
 *   5  bpf_ktime_get_ns        CLOCK_MONOTONIC (a simulated clock of its own)
 *   6  bpf_trace_printk        into the TraceBuffer
 *  23  bpf_redirect            ifindex, flags must be 0 (else XDP_ABORTED): the device the host knows
 *                              by that ifindex; an unknown one makes xdp_do_redirect fail (-EINVAL)
 *  44  bpf_xdp_adjust_head     core adjustHead
 *  51  bpf_redirect_map        XSKMAP / DEVMAP / CPUMAP through core's bpfRedirectMap (flags rules
 *                              as core models them; a flags high half is outside every mask)
 *  54  bpf_xdp_adjust_meta     core adjustMeta
 * 208  bpf_ktime_get_tai_ns    the program's CLOCK_TAI (ProgramEnv.clock)
 *  12  bpf_tail_call           run by the VM itself through the program type's tail-call resolver
 * Per call: no allocation, no exceptions; a bad pointer argument leaves the VM fault that ends the run.
 */
import { type VmCallFn, type VmExecFrame, VmFaultCode, VmRegionKind, vmAccess, VM_PTR_HI_BASE } from "@devtx/bpf"
import { adjustHead, adjustMeta, bpfRedirectMap, CpuMap, DevMap, redirectInfo, XdpAction, XskMap } from "@devtx/core"
import type { ArrayMapRef } from "./ArrayMapStore.js"
import { syncPacketWindow, type XdpRunState } from "./XdpRunState.js"

export const BpfFunc = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  ktime_get_ns: 5,
  trace_printk: 6,
  tail_call: 12,
  redirect: 23,
  xdp_adjust_head: 44,
  redirect_map: 51,
  xdp_adjust_meta: 54,
  ktime_get_tai_ns: 208
} as const

const EINVAL = 22
const EEXIST = 17
const E2BIG = 7
/** BPF_ANY, BPF_NOEXIST, BPF_EXIST (include/uapi/linux/bpf.h) */
const BPF_NOEXIST = 1
const BPF_EXIST = 2

/** r0 for a C int result: sign-extend to 64 bits */
const ret = (frame: VmExecFrame, rc: number): number => {
  frame.r0hi = rc < 0 ? 0xffffffff : 0
  return rc >>> 0
}

const callFault = (frame: VmExecFrame, message: string): number => {
  frame.fault.code = VmFaultCode.CallFault
  frame.fault.message = message
  return 0
}

/** The map object behind a map-handle pointer, or undefined. */
export const mapOf = (frame: VmExecFrame, hi: number): unknown => {
  const r = frame.regions[(hi - VM_PTR_HI_BASE) >>> 0]
  return r !== undefined && r.kind === VmRegionKind.MapHandle ? r.map : undefined
}

const isArrayStore = (m: unknown): m is ArrayMapRef =>
  typeof m === "object" && m !== null && (m as { kind?: unknown }).kind === "array"

const bpfMapLookupElem: VmCallFn = (f, r1h, _r1l, r2h, r2l) => {
  const frame = f as VmExecFrame
  const m = mapOf(frame, r1h)
  if (!isArrayStore(m)) return callFault(frame, "bpf_map_lookup_elem: not an array map (hash maps come with the object loader)")
  const kr = vmAccess(frame, r2h, r2l, 4, false)
  if (kr < 0) return 0
  const key = frame.regions[kr]!.view.getUint32(r2l, true)
  frame.r0hi = 0
  if (key >= m.store.maxEntries) return 0
  frame.r0hi = m.valuePtrHi
  return key * m.store.valueSize
}

const bpfMapUpdateElem: VmCallFn = (f, r1h, _r1l, r2h, r2l, r3h, r3l, _r4h, r4l) => {
  const frame = f as VmExecFrame
  const m = mapOf(frame, r1h)
  if (!isArrayStore(m)) return callFault(frame, "bpf_map_update_elem: not an array map (hash maps come with the object loader)")
  if (r4l > BPF_EXIST) return ret(frame, -EINVAL)
  const kr = vmAccess(frame, r2h, r2l, 4, false)
  if (kr < 0) return 0
  const key = frame.regions[kr]!.view.getUint32(r2l, true)
  const s = m.store
  if (key >= s.maxEntries) return ret(frame, -E2BIG)
  if (r4l === BPF_NOEXIST) return ret(frame, -EEXIST)
  if (s.readonly) return ret(frame, -EINVAL)
  const vr = vmAccess(frame, r3h, r3l, s.valueSize, false)
  if (vr < 0) return 0
  const src = frame.regions[vr]!.bytes
  const at = key * s.valueSize
  for (let i = 0; i < s.valueSize; i++) s.bytes[at + i] = src[r3l + i]!
  return ret(frame, 0)
}

const bpfMapDeleteElem: VmCallFn = (f, r1h) => {
  const frame = f as VmExecFrame
  const m = mapOf(frame, r1h)
  if (!isArrayStore(m)) return callFault(frame, "bpf_map_delete_elem: not an array map (hash maps come with the object loader)")
  return ret(frame, -EINVAL)
}

const bpfKtimeGetNs: VmCallFn = (f) => {
  const st = f.runState as XdpRunState
  st.monoClock.read(st.clockOut)
  f.r0hi = st.clockOut.hi
  return st.clockOut.lo
}

const bpfKtimeGetTaiNs: VmCallFn = (f) => {
  const st = f.runState as XdpRunState
  st.taiClock.read(st.clockOut)
  f.r0hi = st.clockOut.hi
  return st.clockOut.lo
}

const traceArgs = new Uint32Array(6)
/** %s: copy a NUL-terminated string from VM memory */
const traceStr = (frame: VmExecFrame) => (hi: number, lo: number, into: Uint8Array, at: number, max: number): number => {
  for (let i = 0; i < max; i++) {
    const r = vmAccess(frame, hi, lo + i, 1, false)
    if (r < 0) {
      frame.fault.code = 0
      return -1
    }
    const c = frame.regions[r]!.bytes[lo + i]!
    if (c === 0) return i
    into[at + i] = c
  }
  return -1
}

export const makeTracePrintk = (frame: VmExecFrame): VmCallFn => {
  const str = traceStr(frame)
  return (f, r1h, r1l, _r2h, r2l, r3h, r3l, r4h, r4l, r5h, r5l) => {
    const ex = f as VmExecFrame
    const st = f.runState as XdpRunState
    const size = r2l
    if (size === 0) return ret(ex, -EINVAL)
    const r = vmAccess(ex, r1h, r1l, size, false)
    if (r < 0) return 0
    traceArgs[0] = r3h
    traceArgs[1] = r3l
    traceArgs[2] = r4h
    traceArgs[3] = r4l
    traceArgs[4] = r5h
    traceArgs[5] = r5l
    return ret(ex, st.trace.print(ex.regions[r]!.bytes, r1l, size, traceArgs, 3, str))
  }
}

const bpfRedirect: VmCallFn = (f, _r1h, r1l, r2h, r2l) => {
  const st = f.runState as XdpRunState
  f.r0hi = 0
  if (r2h !== 0 || r2l !== 0) {
    redirectInfo.map = undefined
    return XdpAction.ABORTED
  }
  const devs = st.devices
  if (r1l < devs.maxEntries && devs.entries[r1l] !== undefined) {
    redirectInfo.map = devs
    redirectInfo.key = r1l
  } else redirectInfo.map = undefined
  return XdpAction.REDIRECT
}

const bpfRedirectMapHelper: VmCallFn = (f, r1h, _r1l, _r2h, r2l, r3h, r3l) => {
  const frame = f as VmExecFrame
  const m = mapOf(frame, r1h)
  frame.r0hi = 0
  if (!(m instanceof XskMap || m instanceof DevMap || m instanceof CpuMap))
    return callFault(frame, "bpf_redirect_map: the map is not a DEVMAP, CPUMAP or XSKMAP")
  if (r3h !== 0) {
    redirectInfo.map = undefined
    return XdpAction.ABORTED
  }
  return bpfRedirectMap(m, r2l, r3l)
}

const bpfXdpAdjustMeta: VmCallFn = (f, _r1h, _r1l, _r2h, r2l) => {
  const st = f.runState as XdpRunState
  const rc = adjustMeta(st.xdp!, r2l | 0)
  if (rc === 0) syncPacketWindow(st)
  return ret(f as VmExecFrame, rc)
}

const bpfXdpAdjustHead: VmCallFn = (f, _r1h, _r1l, _r2h, r2l) => {
  const st = f.runState as XdpRunState
  const rc = adjustHead(st.xdp!, r2l | 0)
  if (rc === 0) syncPacketWindow(st)
  return ret(f as VmExecFrame, rc)
}

/** The XDP helper table for one VM (trace_printk's string reader is bound to the frame). */
export const xdpHelpers = (frame: VmExecFrame): Array<VmCallFn | undefined> => {
  const t: Array<VmCallFn | undefined> = []
  t[BpfFunc.map_lookup_elem] = bpfMapLookupElem
  t[BpfFunc.map_update_elem] = bpfMapUpdateElem
  t[BpfFunc.map_delete_elem] = bpfMapDeleteElem
  t[BpfFunc.ktime_get_ns] = bpfKtimeGetNs
  t[BpfFunc.trace_printk] = makeTracePrintk(frame)
  t[BpfFunc.redirect] = bpfRedirect
  t[BpfFunc.xdp_adjust_head] = bpfXdpAdjustHead
  t[BpfFunc.redirect_map] = bpfRedirectMapHelper
  t[BpfFunc.xdp_adjust_meta] = bpfXdpAdjustMeta
  t[BpfFunc.ktime_get_tai_ns] = bpfKtimeGetTaiNs
  return t
}

/** Helper names by id, for the VM's messages and the CLI's per-helper counts. */
export const xdpHelperNames = (): Array<string | undefined> => {
  const t: Array<string | undefined> = []
  for (const [name, id] of Object.entries(BpfFunc)) t[id] = `bpf_${name}`
  return t
}
