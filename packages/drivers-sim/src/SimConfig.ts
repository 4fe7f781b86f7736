/**
 * Configuration of the reference NIC, decoded with effect's Schema. Every offload can be turned
 * off so each -ENODATA / -EOPNOTSUPP case can be produced on purpose:
 *
 * - rxhash (NETIF_F_RXHASH): off -> no RSS_VALID -> rxHash gives -ENODATA
 * - rssKey / rssFields: the Toeplitz key (40 bytes, `ethtool -X hkey` colon hex) and, per flow
 *   type, whether ports are hashed ("sdfn"), only addresses ("sd") or nothing ("none"), like
 *   `ethtool -N <dev> rx-flow-hash <tcp4|udp4|...> <fields>`
 * - vlanStripCtag / vlanStripStag (NETIF_F_HW_VLAN_CTAG_RX / _STAG_RX): strip the outermost tag
 *   when its TPID is 0x8100 / 0x88a8; off or untagged -> rxVlanTag gives -ENODATA
 * - rxTimestamp (hwtstamp_config.rx_filter): "all" = HWTSTAMP_FILTER_ALL; "none" -> -ENODATA
 * - rxcsum (NETIF_F_RXCSUM): off -> rxChecksum gives -ENODATA; csumComplete: report the raw sum
 *   (CHECKSUM_COMPLETE) instead of verdicts (CHECKSUM_UNNECESSARY)
 * - xdpOps: which xdp_metadata_ops members the driver fills; a missing one -> -EOPNOTSUPP
 * - phcStartNs / phcTickNs: PHC value at bring-up, and how far it moves per received frame
 * - TX: txRingSize; txCompletion "per-packet" (RS on every descriptor: one completion and one
 *   timestamp per frame) or "per-batch" (RS on the last descriptor of a doorbell: one completion,
 *   one timestamp for the batch, as mlx5's send CQE); txWireNs: time a frame takes on the wire;
 *   xskTxOps: the xsk_tx_metadata_ops members the driver fills (xsk-features follow from them);
 *   devtxOps: the devtx kfunc ops the driver fills (a missing one -> -EOPNOTSUPP)
 * - layoutVersion: RX write-back descriptor layout 1 or 2 (SimRxDescriptor.ts; v2 moves fields
 *   and adds flow_mark) — the driver's BTF follows it
 * - btfIdHints / btfIdWidth: Jesper's per-packet BTF-id design (datapath/SimBtfIdHints.ts): before
 *   the program runs the driver writes an xdp_hints_sim_v1 / _v2 struct ending in its BTF id (u32,
 *   or RFCv2's u64 object+type id) into the metadata area; "per-packet" picks v2 for stamped
 *   packets, as i40e's RFC did. Switchable at run time through the device's btfIdHints state
 */
import { Schema } from "effect"

export const XdpOpNames = ["timestamp", "hash", "vlan-tag", "checksum"] as const
export const XskTxOpNames = ["timestamp", "checksum", "launch-time"] as const
export const DevtxOpNames = ["request-timestamp", "timestamp", "request-checksum", "request-launch-time"] as const

const HashFields = Schema.Literals(["none", "sd", "sdfn"])
const L3HashFields = Schema.Literals(["none", "sd"])
const PowerOfTwo = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max && (n & (n - 1)) === 0
        ? undefined
        : `expected a power of two in [${min}, ${max}], got ${n}`
    )
  )
const IntIn = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max ? undefined : `expected an integer in [${min}, ${max}], got ${n}`
    )
  )
const RssKeyHex = Schema.String.check(
  Schema.makeFilter((s: string) =>
    /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){39}$/.test(s)
      ? undefined
      : `expected 40 colon-separated hex bytes (ethtool -X hkey form), got '${s}'`
  )
)
const U64Decimal = Schema.String.check(
  Schema.makeFilter((s: string) =>
    /^[0-9]{1,20}$/.test(s) && BigInt(s) < 1n << 64n ? undefined : `expected a u64 in decimal, got '${s}'`
  )
)

export const SimConfigSchema = Schema.Struct({
  rxQueues: IntIn(1, 64),
  ringSize: PowerOfTwo(64, 8192),
  frameSize: PowerOfTwo(2048, 65536),
  mtu: IntIn(68, 65000),
  rxhash: Schema.Boolean,
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
  vlanStripCtag: Schema.Boolean,
  vlanStripStag: Schema.Boolean,
  rxTimestamp: Schema.Literals(["none", "all"]),
  rxcsum: Schema.Boolean,
  csumComplete: Schema.Boolean,
  xdpOps: Schema.Array(Schema.Literals(XdpOpNames)),
  phcStartNs: U64Decimal,
  phcTickNs: IntIn(0, 1_000_000_000),
  txRingSize: PowerOfTwo(64, 8192),
  txCompletion: Schema.Literals(["per-packet", "per-batch"]),
  txWireNs: IntIn(0, 1_000_000_000),
  xskTxOps: Schema.Array(Schema.Literals(XskTxOpNames)),
  devtxOps: Schema.Array(Schema.Literals(DevtxOpNames)),
  layoutVersion: Schema.Literals([1, 2]),
  btfIdHints: Schema.Literals(["off", "v1", "v2", "per-packet"]),
  btfIdWidth: Schema.Literals([4, 8])
})
export type SimConfig = typeof SimConfigSchema.Type

/** The Microsoft RSS verification key, the default of many NICs' examples. */
export const DEFAULT_RSS_KEY_HEX =
  "6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa"

export const defaultSimConfig: SimConfig = {
  rxQueues: 1,
  ringSize: 1024,
  frameSize: 4096,
  mtu: 1500,
  rxhash: true,
  rssKey: DEFAULT_RSS_KEY_HEX,
  rssFields: { tcp4: "sdfn", udp4: "sdfn", sctp4: "sdfn", other4: "sd", tcp6: "sdfn", udp6: "sdfn", sctp6: "sdfn", other6: "sd" },
  vlanStripCtag: true,
  vlanStripStag: true,
  rxTimestamp: "all",
  rxcsum: true,
  csumComplete: false,
  xdpOps: ["timestamp", "hash", "vlan-tag", "checksum"],
  phcStartNs: "1700000000000000000",
  phcTickNs: 5000,
  txRingSize: 512,
  txCompletion: "per-packet",
  txWireNs: 1000,
  xskTxOps: ["timestamp", "checksum", "launch-time"],
  devtxOps: ["request-timestamp", "timestamp", "request-checksum", "request-launch-time"],
  layoutVersion: 1,
  btfIdHints: "off",
  btfIdWidth: 4
}

export const parseRssKeyHex = (hex: string): Uint8Array => Uint8Array.from(hex.split(":"), (b) => Number.parseInt(b, 16))
