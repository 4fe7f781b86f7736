/**
 * enum xdp_action (include/uapi/linux/bpf.h): what an XDP program returns.
 * Any other value is treated as XDP_ABORTED by the kernel's bpf_warn_invalid_xdp_action path.
 */
export const XdpAction = {
  ABORTED: 0,
  DROP: 1,
  PASS: 2,
  TX: 3,
  REDIRECT: 4
} as const
export type XdpAction = (typeof XdpAction)[keyof typeof XdpAction]

export const XdpActionName: Readonly<Record<XdpAction, string>> = {
  0: "XDP_ABORTED",
  1: "XDP_DROP",
  2: "XDP_PASS",
  3: "XDP_TX",
  4: "XDP_REDIRECT"
}

export const isXdpAction = (v: number): v is XdpAction => v === (v | 0) && v >= 0 && v <= 4
