/**
 * A minimal XDP-like harness for the vm_rx_meta.bpf.c fixture (tests and the micro benchmark):
 * a packet region with 32 bytes of headroom, struct xdp_md loads converted to packet pointers
 * (data 0, data_end 4, data_meta 8 — include/uapi/linux/bpf.h), bpf_xdp_adjust_meta (helper 54,
 * as net/core/filter.c: the new data_meta must stay inside the headroom and not pass data) and
 * the three metadata stand-ins (helpers 200..202) writing fixed values through vmAccess.
 * Not the program type: the xdprt branch builds that.
 */
import { loadVmProgramSync, Vm, type VmCallFn, type VmCtxLoadFn, VmLoadError, type VmLoadedProgram, vmAccess, VmRegionKind } from "@devtx/bpf"

export const HEADROOM = 32
export const RX_TS = 0x1122334455667788n
export const RX_HASH = 0xcafef00d
export const RX_HASH_TYPE = 3
export const VLAN_PROTO = 0x8100
export const VLAN_TCI = 0x0123

export interface RxMetaRig {
  readonly vm: Vm
  readonly prog: VmLoadedProgram
  readonly bytes: Uint8Array
  readonly packetRegion: number
  readonly ctxHi: number
  /** sets a frame of `len` bytes (copied from `frame`) at HEADROOM, data_meta = data */
  setFrame(frame: Uint8Array): void
  /** the stand-ins fail (-ENODATA) when false */
  available: { ts: boolean; hash: boolean; vlan: boolean }
}

export const rxMetaRig = (insns: Uint8Array, engine: "jit" | "interpreter"): RxMetaRig => {
  const vm = new Vm()
  const bytes = new Uint8Array(HEADROOM + 1600)
  const packetRegion = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes, lo: HEADROOM, hi: HEADROOM, writable: true })
  const ctx = vm.addRegion({ name: "ctx", kind: VmRegionKind.Ctx, bytes: new Uint8Array(0), writable: false })
  const pkt = vm.regions[packetRegion]!
  const state = { data: HEADROOM, end: HEADROOM }
  const pHi = Vm.ptrHi(packetRegion)
  const ctxLoad: VmCtxLoadFn = (_f, off, size, out) => {
    if (size !== 4) return -1
    out[0] = pHi
    if (off === 0) out[1] = state.data
    else if (off === 4) out[1] = state.end
    else if (off === 8) out[1] = pkt.lo
    else return -1
    return 0
  }
  const available = { ts: true, hash: true, vlan: true }
  const adjustMeta: VmCallFn = (_f, _r1h, _r1l, _r2h, r2l) => {
    const meta = pkt.lo + (r2l | 0)
    if (meta < 0 || meta > state.data) return -22 >>> 0 // -EINVAL
    pkt.lo = meta
    return 0
  }
  const ENODATA = -61 >>> 0
  const dv = new DataView(bytes.buffer)
  const ts: VmCallFn = (frame, _a, _b, r2h, r2l) => {
    if (!available.ts) return ENODATA
    if (vmAccess(frame, r2h, r2l, 8, true) < 0) return 0
    dv.setBigUint64(r2l, RX_TS, true)
    return 0
  }
  const hash: VmCallFn = (frame, _a, _b, r2h, r2l, r3h, r3l) => {
    if (!available.hash) return ENODATA
    if (vmAccess(frame, r2h, r2l, 4, true) < 0 || vmAccess(frame, r3h, r3l, 4, true) < 0) return 0
    dv.setUint32(r2l, RX_HASH, true)
    dv.setUint32(r3l, RX_HASH_TYPE, true)
    return 0
  }
  const vlan: VmCallFn = (frame, _a, _b, r2h, r2l, r3h, r3l) => {
    if (!available.vlan) return ENODATA
    if (vmAccess(frame, r2h, r2l, 2, true) < 0 || vmAccess(frame, r3h, r3l, 2, true) < 0) return 0
    dv.setUint16(r2l, VLAN_PROTO, true)
    dv.setUint16(r3l, VLAN_TCI, true)
    return 0
  }
  const helpers: Array<VmCallFn | undefined> = []
  helpers[54] = adjustMeta
  helpers[200] = ts
  helpers[201] = hash
  helpers[202] = vlan
  const prog = loadVmProgramSync(vm, { name: "vm_rx_meta", insns, helpers, kfuncs: [], ctxLoad }, { engine })
  if (prog instanceof VmLoadError) throw new Error(prog.message)
  return {
    vm,
    prog,
    bytes,
    packetRegion,
    ctxHi: Vm.ptrHi(ctx),
    available,
    setFrame(frame: Uint8Array) {
      bytes.fill(0, 0, HEADROOM)
      bytes.set(frame, HEADROOM)
      state.end = HEADROOM + frame.length
      pkt.lo = HEADROOM
      pkt.hi = state.end
    }
  }
}

/** an Ethernet/IPv4/UDP frame to `port` with `payload` bytes */
export const udpFrame = (port: number, payload: number, proto = 17): Uint8Array => {
  const f = new Uint8Array(42 + payload)
  const dv = new DataView(f.buffer)
  dv.setUint16(12, 0x0800)
  f[14] = 0x45
  f[23] = proto
  dv.setUint16(34, 40000)
  dv.setUint16(36, port)
  for (let i = 42; i < f.length; i++) f[i] = i & 0xff
  return f
}
