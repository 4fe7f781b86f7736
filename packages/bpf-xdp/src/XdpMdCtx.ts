/**
 * struct xdp_md, the XDP program's context, converted as the verifier's xdp_convert_ctx_access
 * does (net/core/filter.c): every field is a 4-byte load (__is_valid_xdp_access: aligned,
 * size == sizeof(__u32), inside the struct); data / data_end / data_meta become packet pointers
 * (the packet region's high half, the buffer offset as the low half); the other fields read the
 * xdp_buff's rxq / txq. Offsets (include/uapi/linux/bpf.h, checked against the running kernel's
 * BTF in the tests):
 *
 *    0 +-----------+-----------+-----------------+-----------------+----------------+----------------+ 24
 *      | data      | data_end  | data_meta       | ingress_ifindex | rx_queue_index | egress_ifindex |
 *      +-----------+-----------+-----------------+-----------------+----------------+----------------+
 *
 * Stores to the context are refused (no ctxStore: the VM raises CtxAccess), as for XDP.
 */
import type { VmCallFrame } from "@devtx/bpf"
import type { XdpRunState } from "./XdpRunState.js"

export const XdpMd = {
  DATA: 0,
  DATA_END: 4,
  DATA_META: 8,
  INGRESS_IFINDEX: 12,
  RX_QUEUE_INDEX: 16,
  EGRESS_IFINDEX: 20,
  SIZE: 24
} as const

/** VmCtxLoadFn for struct xdp_md. */
export const xdpMdLoad = (frame: VmCallFrame, off: number, size: number, out: Uint32Array): number => {
  if (size !== 4 || (off & 3) !== 0 || off < 0 || off >= XdpMd.SIZE) return -1
  const st = frame.runState as XdpRunState
  const xdp = st.xdp!
  switch (off) {
    case XdpMd.DATA:
      out[0] = st.packetHi
      out[1] = xdp.data
      return 0
    case XdpMd.DATA_END:
      out[0] = st.packetHi
      out[1] = xdp.dataEnd
      return 0
    case XdpMd.DATA_META:
      out[0] = st.packetHi
      out[1] = xdp.dataMeta
      return 0
    case XdpMd.INGRESS_IFINDEX:
      out[0] = 0
      out[1] = xdp.rxq.ifindex
      return 0
    case XdpMd.RX_QUEUE_INDEX:
      out[0] = 0
      out[1] = xdp.rxq.queueIndex
      return 0
    default:
      out[0] = 0
      out[1] = st.egressIfindex
      return 0
  }
}
