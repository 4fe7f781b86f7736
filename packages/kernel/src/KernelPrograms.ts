/**
 * The objects the kernel lane runs on veth — the same .bpf.o files devtx's VM lane runs — and
 * how each is loaded. Fixtures: packages/kernel/bpf/*.bpf.o (sh packages/kernel/bpf/build.sh),
 * and packages/programs/bpf/hw_metadata_kfunc.bpf.o (the all-NIC kfunc object) when present.
 *
 *   style            object                     loaded            reads
 *   empty            xdp_empty.bpf.o            dev-bound         nothing (the floor)
 *   packet-touch     xdp_touch.bpf.o            dev-bound         Ethernet/IPv4/UDP headers
 *   kfunc-dev-bound  xdp_veth_kfunc.bpf.o       dev-bound         rx_hash, rx_timestamp, rx_vlan_tag kfuncs
 *   kfunc-generic    xdp_veth_kfunc.bpf.o       not bound         the same calls, left on the -EOPNOTSUPP defaults
 *   raw-core         xdp_veth_raw.bpf.o         dev-bound         skb->hash, skb->tstamp via kern ctx + CO-RE
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { KERNEL_PACKAGE_DIR } from "./NativeHelper.js"

export const KERNEL_BPF_DIR = join(KERNEL_PACKAGE_DIR, "bpf")
export const PROGRAMS_BPF_DIR = join(KERNEL_PACKAGE_DIR, "..", "programs", "bpf")

export interface LaneProgram {
  readonly style: string
  readonly object: string
  /** the program's name in the object (null: its only XDP program) */
  readonly program: string | null
  readonly devBound: boolean
  /** metadata hints read per packet */
  readonly hints: number
  /** reads its results from the `results` map laid out as devtx_kernel.h's struct devtx_result */
  readonly resultRecord: boolean
}

export const vethPrograms = (): LaneProgram[] => {
  const k = (f: string) => join(KERNEL_BPF_DIR, f)
  const list: LaneProgram[] = [
    { style: "empty", object: k("xdp_empty.bpf.o"), program: "xdp_empty", devBound: true, hints: 0, resultRecord: false },
    { style: "packet-touch", object: k("xdp_touch.bpf.o"), program: "xdp_touch", devBound: true, hints: 0, resultRecord: true },
    { style: "kfunc-dev-bound", object: k("xdp_veth_kfunc.bpf.o"), program: "xdp_veth_kfunc", devBound: true, hints: 3, resultRecord: true },
    { style: "kfunc-generic", object: k("xdp_veth_kfunc.bpf.o"), program: "xdp_veth_kfunc", devBound: false, hints: 3, resultRecord: true },
    { style: "raw-core", object: k("xdp_veth_raw.bpf.o"), program: "xdp_veth_raw", devBound: true, hints: 2, resultRecord: true }
  ]
  // the all-NIC kfunc object as the model lane runs it (it calls the proposed rx_checksum kfunc,
  // which 6.18 lacks: libbpf's refusal is the row's skip reason) and its mainline build, the
  // same program with the three kfuncs mainline has (packages/programs/bpf/build.sh)
  const hw = join(PROGRAMS_BPF_DIR, "hw_metadata_kfunc.bpf.o")
  if (existsSync(hw)) list.push({ style: "hw-metadata-kfunc", object: hw, program: null, devBound: true, hints: 4, resultRecord: false })
  const hwMainline = join(PROGRAMS_BPF_DIR, "hw_metadata_kfunc_mainline.bpf.o")
  if (existsSync(hwMainline))
    list.push({ style: "hw-metadata-kfunc-mainline", object: hwMainline, program: null, devBound: true, hints: 3, resultRecord: false })
  return list
}

/** The generator object for live-frame traffic (redirects every frame to its ingress device). */
export const REDIRECT_GEN_OBJECT = join(KERNEL_BPF_DIR, "xdp_redirect_gen.bpf.o")

/**
 * struct devtx_result (packages/kernel/bpf/devtx_kernel.h), 48 bytes little-endian:
 *   0 count | 4 hash_ret | 8 hash | 12 rss_type | 16 timestamp u64 | 24 aux u64 | 32 ts_ret |
 *   36 vlan_ret | 40 vlan_tci u16 | 42 vlan_proto u16 | 44 pad
 */
export interface DevtxResult {
  readonly count: number
  readonly hashRet: number
  readonly hash: number
  readonly rssType: number
  /** u64 ns as a decimal string (exact) */
  readonly timestamp: string
  readonly tsRet: number
  readonly vlanRet: number
  readonly vlanTci: number
  readonly vlanProto: number
}

export const DEVTX_RESULT_SIZE = 48

export const decodeDevtxResult = (b: Uint8Array): DevtxResult => {
  if (b.length !== DEVTX_RESULT_SIZE) throw new RangeError(`devtx_result is ${DEVTX_RESULT_SIZE} bytes, got ${b.length}`)
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return {
    count: v.getUint32(0, true),
    hashRet: v.getInt32(4, true),
    hash: v.getUint32(8, true),
    rssType: v.getUint32(12, true),
    timestamp: v.getBigUint64(16, true).toString(),
    tsRet: v.getInt32(32, true),
    vlanRet: v.getInt32(36, true),
    vlanTci: v.getUint16(40, true),
    vlanProto: v.getUint16(42, true)
  }
}
