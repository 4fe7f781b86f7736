/**
 * Kernel constants against two independent truths: the values restated in
 * the kernel headers (include/uapi/linux/bpf.h, if_xdp.h, netdev.h; copied here as literal tables), and — where the machine has them — the
 * running kernel's BTF via bpftool and the uapi errno headers.
 */
import { readFileSync, existsSync } from "node:fs"
import {
  Errno,
  NetdevXdpRxMetadata,
  NetdevXskFlags,
  XdpAction,
  XdpRssHashType,
  type XdpRssHashTypeName,
  xdpRssHashTypeKernelName
} from "@devtx/core"
import { describe, expect, it } from "vitest"
import { hasKernelBtf, kernelEnum } from "../support/KernelBtfDump.js"

// enum xdp_rss_hash_type, include/net/xdp.h (as the 6.18 kernel BTF has it), restated
const referenceRssTypes: Record<string, number> = {
  XDP_RSS_L3_IPV4: 1,
  XDP_RSS_L3_IPV6: 2,
  XDP_RSS_L3_DYNHDR: 4,
  XDP_RSS_L4: 8,
  XDP_RSS_L4_TCP: 16,
  XDP_RSS_L4_UDP: 32,
  XDP_RSS_L4_SCTP: 64,
  XDP_RSS_L4_IPSEC: 128,
  XDP_RSS_L4_ICMP: 256,
  XDP_RSS_TYPE_NONE: 0,
  XDP_RSS_TYPE_L2: 0,
  XDP_RSS_TYPE_L3_IPV4: 1,
  XDP_RSS_TYPE_L3_IPV6: 2,
  XDP_RSS_TYPE_L3_IPV4_OPT: 5,
  XDP_RSS_TYPE_L3_IPV6_EX: 6,
  XDP_RSS_TYPE_L4_ANY: 8,
  XDP_RSS_TYPE_L4_IPV4_TCP: 25,
  XDP_RSS_TYPE_L4_IPV4_UDP: 41,
  XDP_RSS_TYPE_L4_IPV4_SCTP: 73,
  XDP_RSS_TYPE_L4_IPV4_IPSEC: 137,
  XDP_RSS_TYPE_L4_IPV4_ICMP: 265,
  XDP_RSS_TYPE_L4_IPV6_TCP: 26,
  XDP_RSS_TYPE_L4_IPV6_UDP: 42,
  XDP_RSS_TYPE_L4_IPV6_SCTP: 74,
  XDP_RSS_TYPE_L4_IPV6_IPSEC: 138,
  XDP_RSS_TYPE_L4_IPV6_ICMP: 266,
  XDP_RSS_TYPE_L4_IPV6_TCP_EX: 30,
  XDP_RSS_TYPE_L4_IPV6_UDP_EX: 46,
  XDP_RSS_TYPE_L4_IPV6_SCTP_EX: 78
}

const ours = (): Map<string, number> =>
  new Map(
    (Object.keys(XdpRssHashType) as XdpRssHashTypeName[]).map((k) => [xdpRssHashTypeKernelName(k), XdpRssHashType[k]])
  )

describe("enum xdp_rss_hash_type", () => {
  it("has all 29 enumerators with the reference values", () => {
    expect(Object.keys(referenceRssTypes)).toHaveLength(29)
    expect(Object.fromEntries(ours())).toEqual(referenceRssTypes)
  })

  it.runIf(hasKernelBtf())("equals the running kernel's BTF (bpftool format c)", () => {
    expect(Object.fromEntries(kernelEnum("xdp_rss_hash_type"))).toEqual(Object.fromEntries(ours()))
  })
})

describe("enum xdp_action", () => {
  it("matches the reference", () => {
    expect(XdpAction).toEqual({ ABORTED: 0, DROP: 1, PASS: 2, TX: 3, REDIRECT: 4 })
  })
  it.runIf(hasKernelBtf())("equals the running kernel's BTF", () => {
    const k = kernelEnum("xdp_action")
    expect(Object.fromEntries([...k].map(([n, v]) => [n.replace(/^XDP_/, ""), v]))).toEqual({ ...XdpAction })
  })
})

describe("netdev feature bits", () => {
  it("match the reference", () => {
    expect(NetdevXdpRxMetadata).toMatchObject({ TIMESTAMP: 1, HASH: 2, VLAN_TAG: 4 })
    expect(NetdevXskFlags).toEqual({ TX_TIMESTAMP: 1, TX_CHECKSUM: 2, TX_LAUNCH_TIME_FIFO: 4 })
  })
  it.runIf(hasKernelBtf())("equal the running kernel's BTF (the checksum bit is not in mainline)", () => {
    const rx = kernelEnum("netdev_xdp_rx_metadata")
    expect(rx.get("NETDEV_XDP_RX_METADATA_TIMESTAMP")).toBe(NetdevXdpRxMetadata.TIMESTAMP)
    expect(rx.get("NETDEV_XDP_RX_METADATA_HASH")).toBe(NetdevXdpRxMetadata.HASH)
    expect(rx.get("NETDEV_XDP_RX_METADATA_VLAN_TAG")).toBe(NetdevXdpRxMetadata.VLAN_TAG)
    expect(rx.has("NETDEV_XDP_RX_METADATA_CHECKSUM")).toBe(false)
    const xsk = kernelEnum("netdev_xsk_flags")
    expect(xsk.get("NETDEV_XSK_FLAGS_TX_TIMESTAMP")).toBe(NetdevXskFlags.TX_TIMESTAMP)
    expect(xsk.get("NETDEV_XSK_FLAGS_TX_CHECKSUM")).toBe(NetdevXskFlags.TX_CHECKSUM)
    expect(xsk.get("NETDEV_XSK_FLAGS_TX_LAUNCH_TIME_FIFO")).toBe(NetdevXskFlags.TX_LAUNCH_TIME_FIFO)
  })
})

const UAPI_ERRNO = ["/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h"]

describe("errno values", () => {
  it.runIf(UAPI_ERRNO.every(existsSync))("equal the uapi asm-generic headers", () => {
    const defined = new Map<string, number>()
    for (const f of UAPI_ERRNO) {
      for (const m of readFileSync(f, "utf8").matchAll(/^#define\s+(E\w+)\s+(\d+)/gm)) defined.set(m[1]!, Number(m[2]))
    }
    for (const [name, value] of Object.entries(Errno)) {
      if (name === "ENOTSUPP") continue // kernel-internal (include/linux/errno.h), not uapi
      expect([name, defined.get(name)]).toEqual([name, value])
    }
  })
  it("keeps the kernel-internal ENOTSUPP distinct from EOPNOTSUPP", () => {
    expect(Errno.ENOTSUPP).toBe(524)
    expect(Errno.EOPNOTSUPP).toBe(95)
    expect(Errno.ENODATA).toBe(61)
  })
})
