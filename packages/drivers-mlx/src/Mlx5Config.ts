/**
 * Configuration of the mlx5 model, decoded with effect's Schema. Each field is a knob a real
 * ConnectX/mlx5e setup has, named after it:
 *
 * - rxQueues / ringSize (ethtool -L / -G rx; the legacy RQ's CQ has the RQ's size), frameSize
 *   (the linear RQ's buffer: XDP needs the frame in one buffer, so mtu + ETH_HLEN + VLAN_HLEN +
 *   XDP_PACKET_HEADROOM + skb_shared_info must fit), mtu (ip link set mtu)
 * - rxhash (NETIF_F_RXHASH), rssKey (ethtool -X hkey), rssFields: for tcp4/udp4/tcp6/udp6 the
 *   `ethtool -N rx-flow-hash` field set mlx5e accepts, "sd" or "sdfn"; every other traffic type
 *   hashes the addresses only and cannot be changed
 * - rxvlan (NETIF_F_HW_VLAN_CTAG_RX): strip the outer 802.1Q tag (mlx5e has no STAG_RX)
 * - rxTimestamp (hwtstamp_config.rx_filter): mlx5e turns every filter but NONE into ALL
 * - rxcsum (NETIF_F_RXCSUM); rxNoCsumComplete (ethtool priv flag rx_no_csum_complete)
 * - cqeCompression (priv flag rx_cqe_compress). With rxTimestamp "all" the driver keeps
 *   compression only when the profile has a PTP RX queue (ptpRx, the NIC profile's
 *   MLX5E_PROFILE_FEATURE_PTP_RX): mlx5e_hwstamp_config_no_ptp_rx turns it off otherwise
 * - tsFormat: the rq_ts_format capability: "real-time" (seconds:nanoseconds in the CQE) or
 *   "free-running" (device cycles, converted by the timecounter); deviceFrequencyKhz (the
 *   device_frequency_khz capability) sets the cyclecounter
 * - phcStartNs / startCycles: the clocks at bring-up; tickNs / tickCycles: how far the real-time
 *   clock / the free-running counter move per received frame
 * - xdpRxChecksum: publish the proposed (not mainline) checksum op
 * - txRingSize (ethtool -G tx: the SQ size in WQEBBs, each SQ's CQ has as many entries);
 *   txMinInline (the min_inline_mode the device requires, mlx5_query_min_inline: "l2" =
 *   MLX5_INLINE_MODE_L2 as ConnectX-4 reports (wqe_inline_mode L2): XDP WQEs inline
 *   MLX5E_XDP_MIN_INLINE = 18 bytes; "none" = ConnectX-5 and later (NOT_REQUIRED));
 *   xdpTxMpwqe (ethtool priv flag xdp_tx_mpwqe: XDP/XSK SQs post enhanced multi-packet WQEs;
 *   mlx5e turns it on by default where the device has enhanced_multi_pkt_send_wqe, ConnectX-5+).
 *   The TX wire time per frame is tickNs / tickCycles, as on RX.
 */
import { Schema } from "effect"
import { SKB_SHARED_INFO_SIZE, XDP_PACKET_HEADROOM } from "@devtx/core"

const IntIn = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max ? undefined : `expected an integer in [${min}, ${max}], got ${n}`
    )
  )
const PowerOfTwo = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max && (n & (n - 1)) === 0
        ? undefined
        : `expected a power of two in [${min}, ${max}], got ${n}`
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
const FlowFields = Schema.Literals(["sd", "sdfn"])

/** hard MTU overhead the linear buffer must hold besides the MTU (without FCS) */
const L2_OVERHEAD = 14 + 4

export const Mlx5ConfigSchema = Schema.Struct({
  rxQueues: IntIn(1, 64),
  ringSize: PowerOfTwo(64, 8192),
  frameSize: PowerOfTwo(2048, 65536),
  mtu: IntIn(68, 9978),
  rxhash: Schema.Boolean,
  rssKey: RssKeyHex,
  rssFields: Schema.Struct({ tcp4: FlowFields, udp4: FlowFields, tcp6: FlowFields, udp6: FlowFields }),
  rxvlan: Schema.Boolean,
  rxTimestamp: Schema.Literals(["none", "all"]),
  rxcsum: Schema.Boolean,
  rxNoCsumComplete: Schema.Boolean,
  cqeCompression: Schema.Boolean,
  ptpRx: Schema.Boolean,
  tsFormat: Schema.Literals(["real-time", "free-running"]),
  // <= 1 GHz keeps mlx5_ptp_shift_constant <= 31 (the data-path converter handles shift <= 32)
  deviceFrequencyKhz: IntIn(1000, 1_000_000),
  phcStartNs: U64Decimal,
  startCycles: U64Decimal,
  tickNs: IntIn(0, 1_000_000_000),
  tickCycles: IntIn(0, 1_000_000_000),
  xdpRxChecksum: Schema.Boolean,
  txRingSize: PowerOfTwo(64, 8192),
  txMinInline: Schema.Literals(["none", "l2"]),
  xdpTxMpwqe: Schema.Boolean
}).check(
  Schema.makeFilter((c: { mtu: number; frameSize: number }) =>
    c.mtu + L2_OVERHEAD + XDP_PACKET_HEADROOM + SKB_SHARED_INFO_SIZE <= c.frameSize
      ? undefined
      : `mtu ${c.mtu} does not fit a linear ${c.frameSize}-byte RX buffer (needs mtu + ${L2_OVERHEAD + XDP_PACKET_HEADROOM + SKB_SHARED_INFO_SIZE} <= frameSize)`
  )
)
export type Mlx5Config = typeof Mlx5ConfigSchema.Type

/** The Microsoft RSS verification key (mlx5e itself fills a random key: netdev_rss_key_fill). */
export const DEFAULT_RSS_KEY_HEX =
  "6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa"

export const defaultMlx5Config: Mlx5Config = {
  rxQueues: 1,
  ringSize: 1024,
  frameSize: 4096,
  mtu: 1500,
  rxhash: true,
  rssKey: DEFAULT_RSS_KEY_HEX,
  rssFields: { tcp4: "sdfn", udp4: "sdfn", tcp6: "sdfn", udp6: "sdfn" },
  rxvlan: true,
  rxTimestamp: "all",
  rxcsum: true,
  rxNoCsumComplete: false,
  cqeCompression: false,
  ptpRx: true,
  tsFormat: "real-time",
  deviceFrequencyKhz: 1_000_000,
  phcStartNs: "1700000000000000000",
  startCycles: "1000000",
  tickNs: 5000,
  tickCycles: 5000,
  xdpRxChecksum: true,
  txRingSize: 1024,
  txMinInline: "l2",
  xdpTxMpwqe: false
}

export const parseRssKeyHex = (hex: string): Uint8Array => Uint8Array.from(hex.split(":"), (b) => Number.parseInt(b, 16))

/** Whether the RQs run with CQE compression (mlx5e_hwstamp_set / set_pflag_rx_cqe_compress). */
export const effectiveCqeCompression = (c: Mlx5Config): boolean => c.cqeCompression && (c.rxTimestamp === "none" || c.ptpRx)
