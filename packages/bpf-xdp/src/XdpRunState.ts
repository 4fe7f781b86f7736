/**
 * What one VM instance running an XDP program knows about the packet in flight — the VM's
 * `runState` (VmTypes.ts VmCallFrame): the XdpBuff the driver passed, the VM region that shows
 * its bytes and the ctx region r1 points at. `bindPacket` re-points the packet region at the
 * buffer before each run; the helpers that move data_meta / data call `syncPacketWindow` so the
 * region's valid window stays [min(data_meta, data), data_end) — what the verifier's packet
 * range checks allow a program to touch. Per packet: field writes only, no allocation.
 */
import { Vm } from "@devtx/bpf"
import type { DeviceKernelMemory, RxKfuncs, TaiClock, XdpBuff } from "@devtx/core"
import { type DevMap, RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut } from "@devtx/core"
import type { TraceBuffer } from "./TraceBuffer.js"

export class XdpRunState {
  /** the packet in flight (undefined between runs) */
  xdp: XdpBuff | undefined = undefined
  /** egress_ifindex for programs run from a DEVMAP entry; 0 on RX */
  egressIfindex = 0
  /** scratch outputs of the RX metadata kfuncs */
  readonly ts = new RxTimestampOut()
  readonly hash = new RxHashOut()
  readonly vlan = new RxVlanTagOut()
  readonly csum = new RxChecksumOut()
  readonly clockOut = new RxTimestampOut()

  constructor(
    readonly vm: Vm,
    /** VM region index of the packet */
    readonly packetRegion: number,
    /** VM region index of the ctx (struct xdp_md) */
    readonly ctxRegion: number,
    readonly kfuncs: RxKfuncs,
    /** bpf_ktime_get_tai_ns */
    readonly taiClock: TaiClock,
    /** bpf_ktime_get_ns (CLOCK_MONOTONIC) */
    readonly monoClock: TaiClock,
    readonly trace: TraceBuffer,
    /** bpf_redirect's ifindex -> device table (the devices the host knows) */
    readonly devices: DevMap,
    /** the bound device's kernel memory, when the program reaches it (bpf_cast_to_kern_ctx) */
    readonly kernel: DeviceKernelMemory | undefined
  ) {}

  get packetHi(): number {
    return Vm.ptrHi(this.packetRegion)
  }
}

/** Re-point the packet region at `xdp` before a run. */
export const bindPacket = (st: XdpRunState, xdp: XdpBuff): void => {
  st.xdp = xdp
  const r = st.vm.regions[st.packetRegion]!
  r.bytes = xdp.area.bytes
  r.view = xdp.area.view
  r.lo = xdp.dataMeta < xdp.data ? xdp.dataMeta : xdp.data
  r.hi = xdp.dataEnd
}

/** After bpf_xdp_adjust_meta / adjust_head: the window follows data_meta, data and data_end. */
export const syncPacketWindow = (st: XdpRunState): void => {
  const xdp = st.xdp!
  const r = st.vm.regions[st.packetRegion]!
  r.lo = xdp.dataMeta < xdp.data ? xdp.dataMeta : xdp.data
  r.hi = xdp.dataEnd
}
