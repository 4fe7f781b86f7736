/**
 * @devtx/drivers-mlx — NVIDIA mlx5 (ConnectX): RX — the hardware model writing big-endian
 * struct mlx5_cqe64 (with optional CQE compression), the mlx5e driver half (poll loop,
 * decompression, XDP metadata ops, skb path), the real-time / free-running clock; TX — send
 * WQEs (ctrl / eth / data segments, enhanced multi-packet WQEs), doorbell batching with one
 * send CQE per batch, checksum offload on the wire bytes, AF_XDP zero-copy with
 * mlx5e_xsk_tx_metadata_ops, XDP_TX / ndo_xdp_xmit, the skb path, devtx call sites and ops;
 * and the BTF of the descriptors and of struct mlx5e_xdp_buff (split on core's base).
 * Exports one `driver` value (DriverPackage) and a `layer` providing it as NicDriver.
 */
import { type DriverPackage, NicDriver, type RxSemantics } from "@devtx/core"
import { Layer } from "effect"
import { defaultMlx5Config, type Mlx5Config, Mlx5ConfigSchema, parseRssKeyHex } from "./Mlx5Config.js"
import { mlx5Btf } from "./Mlx5Btf.js"
import { createMlx5Device, mlx5RssHashFields } from "./Mlx5Device.js"

/**
 * What mlx5 claims (checked by core's conformance suite):
 * - mtu: the configured MTU (the MAC accepts up to mtu + ETH_HLEN + VLAN_HLEN bytes without FCS)
 * - rss: Toeplitz over addresses [+ ports for tcp4/udp4/tcp6/udp6 "sdfn"], SCTP and every other
 *   IP protocol on addresses only; never L3_DYNHDR (no _EX / _OPT types in mlx5_xdp_rss_type)
 * - vlan: outer 802.1Q stripped when rxvlan; the reported proto is always 802.1Q
 * - checksum: the proposed kfunc runs mlx5e_handle_csum with NO_CSUM_COMPLETE (an XDP program is
 *   attached), so it reports verdicts: "unnecessary"
 */
const rxSemantics = (c: Mlx5Config): RxSemantics => ({
  mtu: c.mtu,
  rss: c.rxhash ? { key: parseRssKeyHex(c.rssKey), fields: mlx5RssHashFields(c) } : "off",
  vlanStrip: { ctag: c.rxvlan, stag: false },
  vlanProto: "always-8021q",
  timestamps: c.rxTimestamp === "all",
  checksum: c.rxcsum ? "unnecessary" : "off"
})

export const driver: DriverPackage<Mlx5Config> = {
  name: "mlx5",
  summary: "NVIDIA mlx5 (ConnectX): big-endian CQE64 and send WQEs, CQE compression, one send CQE per doorbell batch, real-time / free-running clock",
  configSchema: Mlx5ConfigSchema,
  defaultConfig: defaultMlx5Config,
  createDevice: createMlx5Device,
  rxSemantics,
  btf: () => mlx5Btf()
}

export const layer = Layer.succeed(NicDriver, driver)
