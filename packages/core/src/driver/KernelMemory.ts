/**
 * A driver's kernel-side memory for the raw escape hatch (bpf_cast_to_kern_ctx, then
 * bpf_rdonly_cast to the driver's xdp_buff wrapper, then CO-RE reads): the wrapper struct and
 * the structs it points at, as bytes laid out by the driver's own published BTF — the memory a
 * real kernel has there and the BPF verifier lets a program read with PROBE_MEM loads.
 *
 * Contract:
 * - `regions` is fixed when the device is created: region 0 holds one wrapper per RX queue at
 *   `queue * wrapperSize`; the driver's other regions follow (its descriptor ring memory, its
 *   ring contexts). A host running a program in a VM adds each region to the VM once (read-only,
 *   faults read as zero) and stores the pointer high half it got in `ptrHi[i]`.
 * - `fill(ctx, packetPtrHi)` runs per packet, when a program asks for the kernel context: it
 *   writes the wrapper of `ctx.rxq.queueIndex` — the embedded struct xdp_buff (packet pointers
 *   with high half `packetPtrHi`) and the driver's pointer members as VM pointers
 *   (`ptrHi[region] << 32 | offset`, packages/bpf's VmTypes.ts) into its registered regions —
 *   and returns the wrapper's byte offset in region 0, or -1 when the packet's descriptor is in
 *   no registered region or the queue has no wrapper (never a pointer to the wrong bytes).
 *   No allocation, no exceptions.
 * - A device without this capability leaves `NetDevice.kernelMemory` undefined; hosts report
 *   KernelMemoryUnavailableError.
 *
 * struct xdp_buff as devtx's base BTF lays it out (include/net/xdp.h, 64-bit):
 *
 *    0 +---------------------------+  8 +---------------------------+
 *      | void *data                |    | void *data_end            |
 *   16 +---------------------------+ 24 +---------------------------+
 *      | void *data_meta           |    | void *data_hard_start     |
 *   32 +---------------------------+ 40 +---------------------------+
 *      | struct xdp_rxq_info *rxq  |    | struct xdp_txq_info *txq  |
 *   48 +-------------+-------------+ 56
 *      | u32 frame_sz| u32 flags   |
 *      +-------------+-------------+
 * rxq and txq are written as 0 (not exposed: a read through them faults and reads zero).
 */
import { Data } from "effect"
import { type Btf, type BtfComposite, BtfKind } from "@devtx/bpf"
import type { XdpBuff } from "../memory/XdpBuff.js"
import type { DriverBtf } from "./DriverBtf.js"

export const XdpBuffKern = {
  DATA: 0,
  DATA_END: 8,
  DATA_META: 16,
  DATA_HARD_START: 24,
  RXQ: 32,
  TXQ: 40,
  FRAME_SZ: 48,
  FLAGS: 52,
  SIZE: 56
} as const

export interface KernelMemoryRegion {
  readonly name: string
  readonly bytes: Uint8Array
  readonly view: DataView
}

export interface DeviceKernelMemory {
  readonly driver: string
  /** the BTF the memory is laid out by (bpf_rdonly_cast's btf_id is an id of it: base then split) */
  readonly btf: DriverBtf
  /** BTF name of the xdp_buff wrapper (the type bpf_rdonly_cast must name), e.g. "mlx5e_xdp_buff" */
  readonly wrapperType: string
  readonly wrapperSize: number
  /** [0] the wrappers, one per RX queue; then the driver's regions */
  readonly regions: ReadonlyArray<KernelMemoryRegion>
  /** pointer high half of each region in the VM running the program (written by the host) */
  readonly ptrHi: Uint32Array
  /** per packet: fill the wrapper of ctx's queue; its offset in regions[0], or -1 */
  readonly fill: (ctx: XdpBuff, packetPtrHi: number) => number
}

/** A device with no kernel memory, or a type the program named that the driver's BTF lacks. */
export class KernelMemoryUnavailableError extends Data.TaggedError("KernelMemoryUnavailableError")<{
  readonly driver: string
}> {
  override get message(): string {
    return `driver ${this.driver} does not expose kernel memory for bpf_cast_to_kern_ctx`
  }
}

export const regionOf = (name: string, bytes: Uint8Array): KernelMemoryRegion => ({
  name,
  bytes,
  view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
})

/** The region over the bytes a DataView shows (a descriptor ring's memory). */
export const regionOfView = (name: string, view: DataView): KernelMemoryRegion => ({
  name,
  bytes: new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
  view
})

/** Writes a VM pointer (hi:lo) as the little-endian u64 a pointer member holds. */
export const writeKernPtr = (v: DataView, at: number, hi: number, lo: number): void => {
  v.setUint32(at, lo >>> 0, true)
  v.setUint32(at + 4, hi >>> 0, true)
}

const findStruct = (btf: Btf, name: string): BtfComposite | undefined => {
  for (const t of btf.types) if (t.kind === BtfKind.Struct && t.name === name) return t
  return undefined
}

/** Byte offset of `member` in the driver struct `struct` of its BTF, or -1. */
export const driverMemberOffset = (btf: DriverBtf, struct: string, member: string): number => {
  const s = findStruct(btf.split, struct)
  const m = s?.members.find((x) => x.name === member)
  return m === undefined || m.bitfieldSize !== 0 ? -1 : m.bitOffset / 8
}

export interface WrapperMemoryOptions {
  readonly driver: string
  readonly btf: DriverBtf
  readonly queues: number
  /** the driver's descriptor memories XdpBuff.rawDesc may show, registered once */
  readonly descRegions: ReadonlyArray<KernelMemoryRegion>
  /** further regions (ring contexts), after the descriptor regions */
  readonly extraRegions?: ReadonlyArray<KernelMemoryRegion>
  /**
   * Driver-specific members beyond the descriptor pointer: called after the common part with the
   * wrapper's view and offset; `ptrHi` indexes regions as `regions` does. Returns 0 or -1.
   */
  readonly fillExtra?: (ctx: XdpBuff, wrappers: DataView, at: number, ptrHi: Uint32Array) => number
}

/**
 * Kernel memory for a wrapper `struct W { struct xdp_buff; <desc pointer>; ... }` whose
 * descriptor pointer member is DriverBtf.structs.descMember: the common machinery the three
 * drivers share. Throws at device creation (control plane) when the BTF lacks the wrapper.
 */
export const xdpBuffWrapperMemory = (o: WrapperMemoryOptions): DeviceKernelMemory => {
  const wrapperType = o.btf.structs.xdpBuff
  const wrapper = findStruct(o.btf.split, wrapperType)
  if (wrapper === undefined) throw new Error(`${o.driver} BTF has no struct ${wrapperType}`)
  const descAt = driverMemberOffset(o.btf, wrapperType, o.btf.structs.descMember)
  if (descAt < 0) throw new Error(`${o.driver} BTF: struct ${wrapperType} has no pointer member ${o.btf.structs.descMember}`)
  const size = wrapper.size
  const wrappers = regionOf(`${o.driver}:${wrapperType}[${o.queues}]`, new Uint8Array(size * o.queues))
  const regions = [wrappers, ...o.descRegions, ...(o.extraRegions ?? [])]
  const ptrHi = new Uint32Array(regions.length)
  const nDesc = o.descRegions.length
  const wv = wrappers.view
  const fillExtra = o.fillExtra
  const fill = (ctx: XdpBuff, pktHi: number): number => {
    const q = ctx.rxq.queueIndex
    if (q >= o.queues) return -1
    let r = -1
    for (let i = 0; i < nDesc; i++) {
      if (regions[1 + i]!.view === ctx.rawDesc) {
        r = 1 + i
        break
      }
    }
    if (r < 0) return -1
    const at = q * size
    writeKernPtr(wv, at + XdpBuffKern.DATA, pktHi, ctx.data)
    writeKernPtr(wv, at + XdpBuffKern.DATA_END, pktHi, ctx.dataEnd)
    writeKernPtr(wv, at + XdpBuffKern.DATA_META, pktHi, ctx.dataMeta)
    writeKernPtr(wv, at + XdpBuffKern.DATA_HARD_START, pktHi, ctx.hardStart)
    writeKernPtr(wv, at + XdpBuffKern.RXQ, 0, 0)
    writeKernPtr(wv, at + XdpBuffKern.TXQ, 0, 0)
    wv.setUint32(at + XdpBuffKern.FRAME_SZ, ctx.frameSz, true)
    wv.setUint32(at + XdpBuffKern.FLAGS, ctx.flags, true)
    writeKernPtr(wv, at + descAt, ptrHi[r]!, ctx.rawDescOff)
    if (fillExtra !== undefined && fillExtra(ctx, wv, at, ptrHi) !== 0) return -1
    return at
  }
  return { driver: o.driver, btf: o.btf, wrapperType, wrapperSize: size, regions, ptrHi, fill }
}
