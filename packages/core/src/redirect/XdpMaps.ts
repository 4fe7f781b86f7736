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

/** bpf_redirect_map flags (include/uapi/linux/bpf.h, "Flags for bpf_redirect and bpf_redirect_map helpers") */
export const BpfRedirectFlag = { BROADCAST: 1 << 3, EXCLUDE_INGRESS: 1 << 4 } as const

/** the low bits returned on a failed lookup: XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX (include/linux/filter.h) */
const ACTION_MASK = 3

/**
 * bpf_redirect_map(map, key, flags), as __bpf_xdp_redirect_map (include/linux/filter.h): flags
 * outside the action mask and the map's own flags (DEVMAP: BPF_F_BROADCAST |
 * BPF_F_EXCLUDE_INGRESS; XSKMAP, CPUMAP: none) -> XDP_ABORTED; a failed lookup -> flags & the
 * action mask. devtx does not model DEVMAP broadcast (a clone to every entry): a program that
 * asks for it gets XDP_ABORTED, so the frame is visibly dropped rather than sent to one target.
 */
export const bpfRedirectMap = (map: RedirectMap, key: number, flags: number): number => {
  const mapFlags = map.type === BpfMapType.DEVMAP ? BpfRedirectFlag.BROADCAST | BpfRedirectFlag.EXCLUDE_INGRESS : 0
  if ((flags & ~(ACTION_MASK | mapFlags)) !== 0 || (flags & BpfRedirectFlag.BROADCAST) !== 0) {
    redirectInfo.map = undefined
    return XdpAction.ABORTED
  }
  if (key < 0 || key >= map.maxEntries || map.entries[key] === undefined) {
    redirectInfo.map = undefined
    return flags & ACTION_MASK
  }
  redirectInfo.map = map
  redirectInfo.key = key
  return XdpAction.REDIRECT
}
