/**
 * Configuration of the ice model (an E810 or E830 PF), decoded with effect's Schema. Every field
 * names the kernel knob it stands for:
 *
 * - mac: "e810" | "e830". E830 has the generic checksum (ICE_F_GCS, ice_init_feature_support):
 *   the driver sets ICE_RX_FLAGS_RING_GCS on every Rx ring and the hardware writes raw_csum @20.
 * - vlanMode: "single" | "double" (SVM / DVM, ice_vlan_mode.c; the DDP package decides). DVM sets
 *   rlan_ctx.l2tsel = 0 (stripped tag -> l2tag2_2nd, STATUS1.L2TAG2P); SVM l2tsel = 1 (l2tag1,
 *   STATUS0.L2TAG1P) (ice_base.c ice_setup_rx_ctx).
 * - vlanStrip: "off" | "ctag" | "stag" (NETIF_F_HW_VLAN_CTAG_RX / _STAG_RX; ice_fix_features keeps
 *   them mutually exclusive, and STAG offloads exist only in DVM). Sets the rings' vlan_proto.
 * - rxhash (NETIF_F_RXHASH): gates the skb hash only. Off, ice_vsi_manage_rss_lut clears the LUT
 *   (every frame to queue 0) but the hardware still writes rss_hash, which the XDP hint reads.
 * - rxcsum (NETIF_F_RXCSUM): gates the skb checksum and the proposed checksum hint.
 * - rssKey: 52 bytes (ICE_AQC_GET_SET_RSS_KEY_DATA_RSS_KEY_SIZE 0x28 + _HASH_KEY_SIZE 0xC,
 *   ice_adminq_cmd.h; ethtool -X hkey form). The driver's default is random (netdev_rss_key_fill);
 *   devtx fixes one so runs repeat.
 * - rssFields: ethtool rx-flow-hash per flow type (ice's default: 4-tuple for TCP/UDP/SCTP,
 *   addresses otherwise).
 * - switchdev: the PF is the eswitch uplink in switchdev mode: Rx queues use RXDID 6
 *   (ICE_RXDID_FLEX_NIC_2), which delivers no hash to the driver.
 * - ptp: the PTP clock is initialised (ICE_FLAG_PTP): the periodic work keeps every ring's
 *   cached_phctime; off, the cache stays 0 and no timestamp is reported.
 * - rxTimestamp (hwtstamp rx_filter): "all" sets rx_ring->ptp_rx (the skb path stamps); "none"
 *   clears it. The XDP hint does not look at it: PF queues always have descriptor timestamps on
 *   (ice_write_qrxflxp_cntxt(..., ena_ts = true) in ice_setup_rx_ctx).
 * - phcCacheIntervalNs: how far the PHC moves between runs of ice_ptp_periodic_work (500 ms in
 *   the driver); "0" = the worker never runs after bring-up (a stalled kworker), so the cache
 *   goes stale.
 * - vxlanPorts: UDP ports registered as VXLAN through udp_tunnel_nic.
 * - xdpOps: which xdp_metadata_ops members exist ("checksum" is the proposed, non-mainline one).
 * - txRingSize: descriptors per TX ring (ethtool -G tx; the LAN ring and the XDP ring of a queue).
 * - txWireNs: how long one frame occupies the wire in the model (the PHC advances by it per frame).
 * - devtxOps: which DEVTX-ONLY kfunc ops the driver publishes (the RFC design; upstream ice has
 *   none): "request-timestamp" (a PHY timestamp index in a context descriptor), "timestamp" (read
 *   back from PHY memory by that index), "request-checksum" (ice_tx_csum's fields). There is no
 *   AF_XDP TX metadata whatever this says: ice has no xsk_tx_metadata_ops, xsk-features is 0.
 * - xdpBuffLayout: the kernel tree's XDP context wrapper, which the driver's BTF publishes
 *   (IceBtf.ts): "ice_xdp_buff" (v6.7 .. v6.18: eop_desc, pkt_ctx) or "libeth_xdp_buff" (the
 *   2025 iwl-next "ice: switch to Page Pool": libeth_xdp_buff.desc). The datapath is the same.
 */
import { Schema } from "effect"

export const IceXdpOpNames = ["timestamp", "hash", "vlan-tag", "checksum"] as const
export const IceDevtxOpNames = ["request-timestamp", "timestamp", "request-checksum"] as const

const HashFields = Schema.Literals(["none", "sd", "sdfn"])
const L3HashFields = Schema.Literals(["none", "sd"])
const IntIn = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max ? undefined : `expected an integer in [${min}, ${max}], got ${n}`
    )
  )
const PowerOfTwo = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max && (n & (n - 1)) === 0 ? undefined : `expected a power of two in [${min}, ${max}], got ${n}`
    )
  )
/** ICE_GET_SET_RSS_KEY_EXTEND_KEY_SIZE = 52 bytes */
export const ICE_RSS_KEY_SIZE = 52
const RssKeyHex = Schema.String.check(
  Schema.makeFilter((s: string) =>
    /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){51}$/.test(s)
      ? undefined
      : `expected ${ICE_RSS_KEY_SIZE} colon-separated hex bytes (ICE_AQC_GET_SET_RSS_KEY_DATA_RSS_KEY_SIZE 40 + _HASH_KEY_SIZE 12), got '${s}'`
  )
)
const U64Decimal = Schema.String.check(
  Schema.makeFilter((s: string) => (/^[0-9]{1,20}$/.test(s) && BigInt(s) < 1n << 64n ? undefined : `expected a u64 in decimal, got '${s}'`))
)

const IceConfigFields = Schema.Struct({
  mac: Schema.Literals(["e810", "e830"]),
  rxQueues: IntIn(1, 64),
  /** ICE_MIN_NUM_DESC 64 .. ICE_MAX_NUM_DESC_E810 8160 (devtx rings are powers of two) */
  ringSize: PowerOfTwo(64, 4096),
  frameSize: PowerOfTwo(2048, 65536),
  mtu: IntIn(68, 9702),
  vlanMode: Schema.Literals(["single", "double"]),
  vlanStrip: Schema.Literals(["off", "ctag", "stag"]),
  rxhash: Schema.Boolean,
  rxcsum: Schema.Boolean,
  rssKey: RssKeyHex,
  rssFields: Schema.Struct({
    tcp4: HashFields,
    udp4: HashFields,
    sctp4: HashFields,
    other4: L3HashFields,
    tcp6: HashFields,
    udp6: HashFields,
    sctp6: HashFields,
    other6: L3HashFields
  }),
  switchdev: Schema.Boolean,
  ptp: Schema.Boolean,
  rxTimestamp: Schema.Literals(["none", "all"]),
  phcStartNs: U64Decimal,
  phcTickNs: IntIn(0, 0xffffffff),
  phcCacheIntervalNs: U64Decimal,
  vxlanPorts: Schema.Array(IntIn(1, 65535)),
  xdpOps: Schema.Array(Schema.Literals(IceXdpOpNames)),
  /** ICE_MIN_NUM_DESC 64 .. 4096 here (powers of two) */
  txRingSize: PowerOfTwo(64, 4096),
  txWireNs: IntIn(0, 1_000_000),
  devtxOps: Schema.Array(Schema.Literals(IceDevtxOpNames)),
  xdpBuffLayout: Schema.Literals(["ice_xdp_buff", "libeth_xdp_buff"])
})

/** Cross-field rules: STAG stripping exists only in Double VLAN Mode. */
export const IceConfigSchema = IceConfigFields.check(
  Schema.makeFilter((c: typeof IceConfigFields.Type) =>
    c.vlanStrip === "stag" && c.vlanMode !== "double"
      ? `vlanStrip 'stag' needs vlanMode 'double' (NETIF_F_HW_VLAN_STAG_RX is offered only in DVM), got vlanMode '${c.vlanMode}'`
      : c.vxlanPorts.length > 8
        ? `at most 8 vxlanPorts, got ${c.vxlanPorts.length}`
        : undefined
  )
)
export type IceConfig = typeof IceConfigSchema.Type

/** The Microsoft verification key followed by 12 more bytes (the extended hash key part). */
export const DEFAULT_ICE_RSS_KEY_HEX =
  "6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa:" +
  "3b:5d:b0:8e:9c:2f:61:d4:07:a8:e3:15"

export const defaultIceConfig: IceConfig = {
  mac: "e810",
  rxQueues: 1,
  ringSize: 1024,
  frameSize: 4096,
  mtu: 1500,
  vlanMode: "single",
  vlanStrip: "ctag",
  rxhash: true,
  rxcsum: true,
  rssKey: DEFAULT_ICE_RSS_KEY_HEX,
  rssFields: { tcp4: "sdfn", udp4: "sdfn", sctp4: "sdfn", other4: "sd", tcp6: "sdfn", udp6: "sdfn", sctp6: "sdfn", other6: "sd" },
  switchdev: false,
  ptp: true,
  rxTimestamp: "all",
  phcStartNs: "1700000000000000000",
  phcTickNs: 5000,
  phcCacheIntervalNs: "500000000",
  vxlanPorts: [],
  xdpOps: ["timestamp", "hash", "vlan-tag", "checksum"],
  txRingSize: 512,
  txWireNs: 1000,
  devtxOps: ["request-timestamp", "timestamp", "request-checksum"],
  xdpBuffLayout: "ice_xdp_buff"
}

export const parseIceRssKeyHex = (hex: string): Uint8Array => Uint8Array.from(hex.split(":"), (b) => Number.parseInt(b, 16))
