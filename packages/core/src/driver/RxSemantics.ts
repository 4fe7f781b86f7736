/**
 * What a driver claims its RX metadata means under a configuration — the parameters of the
 * conformance suite's expectations. Each field restates a kernel-visible behaviour, so a
 * driver's quirk is a declared, reviewable value (mlx5: VLAN proto always 802.1Q; no DYNHDR;
 * CHECKSUM_COMPLETE on the skb path) rather than an exception hidden in a test.
 */
import type { RssHashFields } from "../net/RssInput.js"

export interface RxSemantics {
  /** L2 payload bytes above which the MAC drops a frame */
  readonly mtu: number
  /** RSS hash reporting (NETIF_F_RXHASH): key and per-flow-type fields, or off */
  readonly rss: { readonly key: Uint8Array; readonly fields: RssHashFields } | "off"
  /** which outermost tags the hardware strips */
  readonly vlanStrip: { readonly ctag: boolean; readonly stag: boolean }
  /** what vlan_proto the driver reports for a stripped tag: the tag's TPID, or always 802.1Q (mlx5) */
  readonly vlanProto: "tpid" | "always-8021q"
  /** RX hardware timestamps on every frame (HWTSTAMP_FILTER_ALL) */
  readonly timestamps: boolean
  /**
   * RX checksum verdict: "unnecessary" (verified TCP/UDP/SCTP -> UNNECESSARY, else NONE),
   * "complete" (raw one's-complement sum of L3..end of frame -> COMPLETE), or "off" (-ENODATA)
   */
  readonly checksum: "unnecessary" | "complete" | "off"
  /**
   * Where the driver's skb path differs from its XDP hints (e.g. ice: NETIF_F_RXHASH and the
   * hwtstamp rx_filter gate only the skb; the hints report regardless). Absent fields: the skb
   * path means the same as the hint.
   */
  readonly skb?: {
    readonly rss?: boolean
    readonly timestamps?: boolean
  }
}
