/**
 * bpf_cast_to_kern_ctx and bpf_rdonly_cast (kernel/bpf/helpers.c; prototypes from the 6.18 BTF:
 * `void *bpf_cast_to_kern_ctx(void *obj)`, `void *bpf_rdonly_cast(const void *obj__ign,
 * u32 btf_id__k)`), over the bound driver's kernel memory (core driver/KernelMemory.ts):
 *
 * - bpf_cast_to_kern_ctx(ctx): the driver fills the xdp_buff wrapper of the packet's queue and
 *   the call returns a pointer to it — region 0 of the driver's kernel memory, read-only, faults
 *   read as zero (PROBE_MEM). The kernel returns the struct xdp_buff the wrapper begins with; the
 *   address is the same.
 * - bpf_rdonly_cast(obj, btf_id): returns obj unchanged once btf_id is checked against the
 *   driver's BTF (ids as the loader relocated them: base then split): it must name a struct or
 *   union, and a pointer into the wrappers must be cast to the wrapper type or struct xdp_buff.
 *   Anything else ends the run with a CallFault naming the id — never a silently mistyped read.
 * Per call: no allocation.
 */
import { type VmCallFn, type VmExecFrame, VmFaultCode } from "@devtx/bpf"
import type { XdpRunState } from "./XdpRunState.js"

export interface KernCtxTypes {
  /** BTF ids (driver base + split numbering) that are structs or unions */
  readonly isComposite: Uint8Array
  readonly wrapperId: number
  readonly xdpBuffId: number
}

const fault = (frame: VmExecFrame, message: string): number => {
  frame.fault.code = VmFaultCode.CallFault
  frame.fault.message = message
  return 0
}

export const castToKernCtx: VmCallFn = (f) => {
  const frame = f as VmExecFrame
  const st = f.runState as XdpRunState
  const km = st.kernel!
  const at = km.fill(st.xdp!, st.packetHi)
  if (at < 0) return fault(frame, `bpf_cast_to_kern_ctx: driver ${km.driver} has no kernel memory for this packet's descriptor`)
  frame.r0hi = km.ptrHi[0]!
  return at
}

export const makeRdonlyCast = (types: KernCtxTypes): VmCallFn => (f, r1h, r1l, _r2h, r2l) => {
  const frame = f as VmExecFrame
  const st = f.runState as XdpRunState
  const id = r2l
  if (id >= types.isComposite.length || types.isComposite[id] === 0)
    return fault(frame, `bpf_rdonly_cast: btf_id ${id} is not a struct or union of the bound driver's BTF`)
  if (st.kernel !== undefined && r1h === st.kernel.ptrHi[0] && id !== types.wrapperId && id !== types.xdpBuffId)
    return fault(frame, `bpf_rdonly_cast: the kernel context cast to btf_id ${id}, neither the driver's xdp_buff wrapper (${types.wrapperId}) nor struct xdp_buff (${types.xdpBuffId})`)
  frame.r0hi = r1h
  return r1l
}
