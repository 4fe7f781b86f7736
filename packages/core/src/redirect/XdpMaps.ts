/**
 * The redirect maps (BPF_MAP_TYPE_XSKMAP, DEVMAP, CPUMAP) and bpf_redirect_map, devtx form.
 * Maps are filled from the control plane; the program's per-packet helper only records the
 * target in the per-CPU redirect info (struct bpf_redirect_info) and returns XDP_REDIRECT — or,
 * when the key has no entry, the action in the low two bits of `flags` (bpf_redirect_map's
 * documented fallback, include/uapi/linux/bpf.h). The driver then calls xdpDoRedirect.
 */
import type { NetDevice } from "../driver/NetDevice.js"
import { XdpAction } from "../kernel/XdpAction.js"
import type { XskSocket } from "../xsk/XskSocket.js"

/** BPF_MAP_TYPE_* values (include/uapi/linux/bpf.h enum bpf_map_type) */
export const BpfMapType = { DEVMAP: 14, CPUMAP: 16, XSKMAP: 17 } as const

export class XskMap {
  readonly type = BpfMapType.XSKMAP
  readonly entries: Array<XskSocket | undefined>
  constructor(readonly maxEntries: number) {
    this.entries = new Array(maxEntries).fill(undefined)
  }
}

export class DevMap {
  readonly type = BpfMapType.DEVMAP
  readonly entries: Array<NetDevice | undefined>
  constructor(readonly maxEntries: number) {
    this.entries = new Array(maxEntries).fill(undefined)
  }
}

/** A cpumap entry: frames queued for a remote CPU, turned into skbs when that CPU runs. */
export class CpuMapQueue {
  /** queued xdp_frame copies (the remote CPU owns them once queued) */
  readonly frames: Uint8Array[] = []
  readonly frameAddrs: number[] = []
  dropped = 0
  constructor(readonly capacity: number) {}
}

export class CpuMap {
  readonly type = BpfMapType.CPUMAP
  readonly entries: Array<CpuMapQueue | undefined>
  constructor(readonly maxEntries: number) {
    this.entries = new Array(maxEntries).fill(undefined)
  }
}

export type RedirectMap = XskMap | DevMap | CpuMap

/** struct bpf_redirect_info: one per CPU; devtx runs on one. */
export const redirectInfo = {
  map: undefined as RedirectMap | undefined,
  key: 0
}

/** bpf_redirect_map(map, key, flags) */
export const bpfRedirectMap = (map: RedirectMap, key: number, flags: number): number => {
  if (key < 0 || key >= map.maxEntries || map.entries[key] === undefined) {
    redirectInfo.map = undefined
    return flags & 3
  }
  redirectInfo.map = map
  redirectInfo.key = key
  return XdpAction.REDIRECT
}
