/**
 * The devtx hook program type (SEC("devtx/xdp/submit"), "devtx/xdp/complete", and the skb
 * pair): the context a program sees, its conversion and its kfuncs, over core's DevtxCtx.
 * struct devtx_ctx as packages/programs/bpf/include/kfuncs_devtx.h declares it:
 *
 *    0 +----------+----------+---------+---------+ 16 +-----------+ 24 +-----------+ 32
 *      | data u32 | data_end | ifindex | queue   |    | desc u64  |    | compl u64 |
 *      +----------+----------+---------+---------+    +-----------+    +-----------+
 *
 * data / data_end are packet pointers into the frame (read-only: a devtx program observes the
 * frame); desc points at the driver's TX descriptor at submit (writable: the raw design writes
 * it), compl at the completion entry at complete (read-only); each is 0 on the other side.
 * 4-byte loads of the u32 fields, 8-byte loads of desc / compl; anything else is refused.
 *
 * kfuncs (core devtx/DevtxOps.ts, bound by @devtx/kfuncs' loadBoundDevtx):
 *   int bpf_devtx_request_tx_timestamp(const struct devtx_ctx *)               submit
 *   int bpf_devtx_tx_timestamp(const struct devtx_ctx *, __u64 *timestamp)       complete
 *   int bpf_devtx_request_l4_csum(const struct devtx_ctx *, __u16, __u16)        submit
 *   int bpf_devtx_request_launch_time(const struct devtx_ctx *, __u64)           submit
 * Per packet: field writes, no allocation.
 */
import { Vm, type VmCallFn, type VmCallFrame, type VmExecFrame, vmAccess } from "@devtx/bpf"
import { type DevtxCtx, type DevtxKfuncs, isSubmitPoint, RxTimestampOut } from "@devtx/core"

export const DevtxCtxOff = { DATA: 0, DATA_END: 4, IFINDEX: 8, QUEUE: 12, DESC: 16, COMPL: 24, SIZE: 32 } as const

export class DevtxRunState {
  ctx: DevtxCtx | undefined = undefined
  readonly ts = new RxTimestampOut()
  constructor(
    readonly vm: Vm,
    readonly packetRegion: number,
    readonly descRegion: number,
    readonly complRegion: number,
    readonly ctxRegion: number,
    readonly kfuncs: DevtxKfuncs
  ) {}
}

const EMPTY = new Uint8Array(0)
const EMPTY_VIEW = new DataView(EMPTY.buffer)

const point = (st: DevtxRunState, region: number, view: DataView, off: number, on: boolean): void => {
  const r = st.vm.regions[region]!
  if (on) {
    r.bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
    r.view = view
    r.lo = off
    r.hi = view.byteLength
  } else {
    r.bytes = EMPTY
    r.view = EMPTY_VIEW
    r.lo = 0
    r.hi = 0
  }
}

/**
 * Re-point the regions at the hook's frame and descriptor. The descriptor and completion memory
 * are the driver's rings: their Uint8Array views are made when the ring changes, not per packet.
 */
export const bindDevtx = (st: DevtxRunState, ctx: DevtxCtx): void => {
  st.ctx = ctx
  const p = st.vm.regions[st.packetRegion]!
  if (p.bytes !== ctx.mem) {
    p.bytes = ctx.mem
    p.view = new DataView(ctx.mem.buffer, ctx.mem.byteOffset, ctx.mem.byteLength)
  }
  p.lo = ctx.data
  p.hi = ctx.data + ctx.len
  const submit = isSubmitPoint(ctx.point)
  const d = st.vm.regions[st.descRegion]!
  if (!submit) point(st, st.descRegion, EMPTY_VIEW, 0, false)
  else if (d.view !== ctx.desc) point(st, st.descRegion, ctx.desc, 0, true)
  const c = st.vm.regions[st.complRegion]!
  if (submit) point(st, st.complRegion, EMPTY_VIEW, 0, false)
  else if (c.view !== ctx.compl) point(st, st.complRegion, ctx.compl, 0, true)
}

export const devtxCtxLoad = (frame: VmCallFrame, off: number, size: number, out: Uint32Array): number => {
  const st = frame.runState as DevtxRunState
  const ctx = st.ctx!
  const submit = isSubmitPoint(ctx.point)
  if (size === 4 && off >= 0 && off < DevtxCtxOff.DESC && (off & 3) === 0) {
    out[0] = off < DevtxCtxOff.IFINDEX ? Vm.ptrHi(st.packetRegion) : 0
    out[1] = off === DevtxCtxOff.DATA ? ctx.data : off === DevtxCtxOff.DATA_END ? ctx.data + ctx.len : off === DevtxCtxOff.IFINDEX ? ctx.ifindex : ctx.queue
    return 0
  }
  if (size === 8 && off === DevtxCtxOff.DESC) {
    out[0] = submit ? Vm.ptrHi(st.descRegion) : 0
    out[1] = submit ? ctx.descOff : 0
    return 0
  }
  if (size === 8 && off === DevtxCtxOff.COMPL) {
    out[0] = submit ? 0 : Vm.ptrHi(st.complRegion)
    out[1] = submit ? 0 : ctx.complOff
    return 0
  }
  return -1
}

const ret = (frame: VmExecFrame, rc: number): number => {
  frame.r0hi = rc < 0 ? 0xffffffff : 0
  return rc >>> 0
}

const requestTxTimestamp: VmCallFn = (f) => {
  const st = f.runState as DevtxRunState
  return ret(f as VmExecFrame, st.kfuncs.requestTxTimestamp(st.ctx!))
}

const txTimestamp: VmCallFn = (f, _r1h, _r1l, r2h, r2l) => {
  const frame = f as VmExecFrame
  const st = f.runState as DevtxRunState
  const r = vmAccess(frame, r2h, r2l, 8, true)
  if (r < 0) return 0
  const rc = st.kfuncs.txTimestamp(st.ctx!, st.ts)
  if (rc === 0) {
    const v = frame.regions[r]!.view
    v.setUint32(r2l, st.ts.lo, true)
    v.setUint32(r2l + 4, st.ts.hi, true)
  }
  return ret(frame, rc)
}

const requestL4Csum: VmCallFn = (f, _r1h, _r1l, _r2h, r2l, _r3h, r3l) => {
  const st = f.runState as DevtxRunState
  return ret(f as VmExecFrame, st.kfuncs.requestL4Checksum(st.ctx!, r2l & 0xffff, r3l & 0xffff))
}

const requestLaunchTime: VmCallFn = (f, _r1h, _r1l, r2h, r2l) => {
  const st = f.runState as DevtxRunState
  return ret(f as VmExecFrame, st.kfuncs.requestLaunchTime(st.ctx!, r2h, r2l))
}

export const DEVTX_KFUNC_CALLS: Readonly<Record<string, VmCallFn>> = {
  bpf_devtx_request_tx_timestamp: requestTxTimestamp,
  bpf_devtx_tx_timestamp: txTimestamp,
  bpf_devtx_request_l4_csum: requestL4Csum,
  bpf_devtx_request_launch_time: requestLaunchTime
}
