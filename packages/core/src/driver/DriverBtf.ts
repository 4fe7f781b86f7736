/**
 * The BTF a driver publishes for the raw-descriptor design (issue 5): its descriptor, completion
 * and context-wrapper structs as split BTF on core's kernel base BTF (kernelBaseBtf), the way a
 * kernel module's BTF sits on vmlinux. Programs relocate their local struct views against it
 * (CO-RE) at load time; `bpftool btf dump file <split> -B <base>` reads the same bytes.
 *
 * `structs` names the roles: the RX completion / write-back descriptor, the TX descriptor, the TX
 * completion entry, and the context wrapper through which a program reaches the current RX
 * descriptor (like mlx5e_xdp_buff.cqe / ice_xdp_buff.eop_desc) — `descMember` is that pointer
 * member's name. Layout-dependent drivers (drivers-sim v1/v2) return different BTF per config.
 */
import type { Btf } from "@devtx/bpf"

export interface DriverBtf {
  readonly base: Btf
  readonly baseBytes: Uint8Array
  readonly split: Btf
  readonly splitBytes: Uint8Array
  readonly structs: {
    readonly rxDesc: string
    readonly txDesc?: string
    readonly txCompl?: string
    /** the context wrapper struct (embeds struct xdp_buff) and its pointer to the current RX descriptor */
    readonly xdpBuff: string
    readonly descMember: string
  }
}
