/**
 * The RX metadata kfuncs as the VM calls them (call src_reg BPF_PSEUDO_KFUNC_CALL, imm = the
 * loader's kfunc index): each unpacks its output pointers, calls the bound getter — whichever
 * binding @devtx/kfuncs gave the program (generic, dev-bound or inlined: XdpRunState.kfuncs) —
 * and on success stores the value through the pointers, the way the kernel's xmo_* write them:
 *
 *   bpf_xdp_metadata_rx_timestamp(ctx, u64 *timestamp)                                (6.18 BTF)
 *   bpf_xdp_metadata_rx_hash(ctx, u32 *hash, enum xdp_rss_hash_type *rss_type)        (6.18 BTF)
 *   bpf_xdp_metadata_rx_vlan_tag(ctx, __be16 *vlan_proto, u16 *vlan_tci)              (6.18 BTF)
 *   bpf_xdp_metadata_rx_checksum(ctx, enum xdp_checksum *ip_summed, u32 *cksum,
 *                                u8 *cksum_level)      PROPOSED, NOT IN MAINLINE (core XdpChecksum.ts)
 *
 * Every output pointer is checked writable for its size before the getter runs (the verifier's
 * KF_ARG_PTR_TO_MEM rule); a bad one ends the run with the VM's fault. __be16 vlan_proto is
 * stored as the 16-bit value RxVlanTagOut holds (a __be16 as a little-endian host loads it), so
 * its bytes are in network order. Failure codes are returned sign-extended; nothing is written.
 * Per call: no allocation.
 */
import { type VmCallFn, type VmExecFrame, vmAccess } from "@devtx/bpf"
import type { XdpRunState } from "./XdpRunState.js"

const ret = (frame: VmExecFrame, rc: number): number => {
  frame.r0hi = rc < 0 ? 0xffffffff : 0
  return rc >>> 0
}

const rxTimestamp: VmCallFn = (f, _r1h, _r1l, r2h, r2l) => {
  const frame = f as VmExecFrame
  const st = f.runState as XdpRunState
  const r = vmAccess(frame, r2h, r2l, 8, true)
  if (r < 0) return 0
  const rc = st.kfuncs.rxTimestamp(st.xdp!, st.ts)
  if (rc === 0) {
    const v = frame.regions[r]!.view
    v.setUint32(r2l, st.ts.lo, true)
    v.setUint32(r2l + 4, st.ts.hi, true)
  }
  return ret(frame, rc)
}

const rxHash: VmCallFn = (f, _r1h, _r1l, r2h, r2l, r3h, r3l) => {
  const frame = f as VmExecFrame
  const st = f.runState as XdpRunState
  const a = vmAccess(frame, r2h, r2l, 4, true)
  if (a < 0) return 0
  const b = vmAccess(frame, r3h, r3l, 4, true)
  if (b < 0) return 0
  const rc = st.kfuncs.rxHash(st.xdp!, st.hash)
  if (rc === 0) {
    frame.regions[a]!.view.setUint32(r2l, st.hash.hash, true)
    frame.regions[b]!.view.setUint32(r3l, st.hash.rssType, true)
  }
  return ret(frame, rc)
}

const rxVlanTag: VmCallFn = (f, _r1h, _r1l, r2h, r2l, r3h, r3l) => {
  const frame = f as VmExecFrame
  const st = f.runState as XdpRunState
  const a = vmAccess(frame, r2h, r2l, 2, true)
  if (a < 0) return 0
  const b = vmAccess(frame, r3h, r3l, 2, true)
  if (b < 0) return 0
  const rc = st.kfuncs.rxVlanTag(st.xdp!, st.vlan)
  if (rc === 0) {
    frame.regions[a]!.view.setUint16(r2l, st.vlan.vlanProto, true)
    frame.regions[b]!.view.setUint16(r3l, st.vlan.vlanTci, true)
  }
  return ret(frame, rc)
}

const rxChecksum: VmCallFn = (f, _r1h, _r1l, r2h, r2l, r3h, r3l, r4h, r4l) => {
  const frame = f as VmExecFrame
  const st = f.runState as XdpRunState
  const a = vmAccess(frame, r2h, r2l, 4, true)
  if (a < 0) return 0
  const b = vmAccess(frame, r3h, r3l, 4, true)
  if (b < 0) return 0
  const c = vmAccess(frame, r4h, r4l, 1, true)
  if (c < 0) return 0
  const rc = st.kfuncs.rxChecksum(st.xdp!, st.csum)
  if (rc === 0) {
    frame.regions[a]!.view.setUint32(r2l, st.csum.ipSummed, true)
    frame.regions[b]!.view.setUint32(r3l, st.csum.cksum, true)
    frame.regions[c]!.bytes[r4l] = st.csum.cksumLevel
  }
  return ret(frame, rc)
}

/** kfunc symbol -> VM call, for the RX metadata kfuncs */
export const RX_KFUNC_CALLS: Readonly<Record<string, VmCallFn>> = {
  bpf_xdp_metadata_rx_timestamp: rxTimestamp,
  bpf_xdp_metadata_rx_hash: rxHash,
  bpf_xdp_metadata_rx_vlan_tag: rxVlanTag,
  bpf_xdp_metadata_rx_checksum: rxChecksum
}
