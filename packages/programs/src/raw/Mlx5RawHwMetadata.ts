/**
 * hw-metadata, raw-descriptor style, for mlx5: struct xdp_meta filled straight from the CQE of
 * the packet (mlx5e_xdp_buff.cqe, XdpBuff.rawDesc) through CO-RE-relocated fields of a local view
 * `struct mlx5_cqe64___devtx`. Every field of the CQE is big-endian (include/linux/mlx5/device.h):
 * the view declares them be16/be32 and the accessors byte-swap, as be32_to_cpu does.
 *
 *   CQE bytes the program reads (offsets are what CO-RE resolves; shown for mlx5_cqe64):
 *    0 +--------+ tls_outer_l3_tunneled: bit0 tunneled
 *   12 +--------+--------+--------+--------+ rss_hash_result (BE32)
 *   16 +--------+ rss_hash_type: bits 3:2 IP type, bits 7:6 L4 type
 *   28 +--------+--------+--------+--------+ hds_ip_ext (bit1 L3_OK, bit2 L4_OK), l4_l3_hdr_type
 *      |hds_ip_x|l4_l3_ht| vlan_info (BE16)| (bit0 VLAN stripped), vlan_info = stripped TCI
 *   48 +--------+--------+--------+--------+ timestamp_h (BE32)
 *   52 +--------+--------+--------+--------+ timestamp_l (BE32)
 *
 * The program now carries what the driver's kfuncs (en/xdp.c) know:
 *  - the RSS type table mlx5_xdp_rss_type[16], indexed by (t & CQE_RSS_HTYPE_IP) |
 *    FIELD_GET(CQE_RSS_HTYPE_L4, t) — its own copy below;
 *  - VLAN: present iff l4_l3_hdr_type bit0 (cqe_has_vlan); proto is ALWAYS 802.1Q (the CQE has no TPID);
 *  - checksum (PROPOSED kfunc, devtx form): an XDP program is attached, so the RQ runs with
 *    MLX5E_RQ_STATE_NO_CSUM_COMPLETE and mlx5e_handle_csum's answer is L3_OK && L4_OK ->
 *    UNNECESSARY (level = tunneled) else NONE;
 *  - the clock conversion (mlx5e_cqe_ts_to_ns): real-time = hi * NSEC_PER_SEC + lo; free-running
 *    = the timecounter (include/linux/timecounter.h) over a clock-info snapshot.
 *
 * What the CQE does NOT carry — device configuration the kfuncs read from the netdev/RQ — the
 * program takes as constants fixed at load, a BPF program's .rodata (Mlx5RawRodata), which the
 * userspace loader fills from what it can query:
 *   rxhash       netdev features & NETIF_F_RXHASH        (ethtool -k; mlx5e_xdp_rx_hash -ENODATA)
 *   rxFilterAll  hwtstamp rx_filter == HWTSTAMP_FILTER_ALL (SIOCGHWTSTAMP; mlx5e_xdp_rx_timestamp)
 *   rxcsum       netdev features & NETIF_F_RXCSUM        (ethtool -k; the proposed checksum hint)
 *   realTime     the rq_ts_format capability (real-time vs free-running CQE stamps)
 *   clock        for free-running stamps: the timecounter state, as mlx5 publishes it to RDMA
 *                userspace in struct mlx5_ib_clock_info (include/uapi/rdma/mlx5-abi.h: nsec,
 *                cycles, frac, mult, shift, mask, overflow_period; refreshed by
 *                mlx5_update_clock_info_page, drivers/net/ethernet/mellanox/mlx5/core/lib/clock.c).
 * A .rodata snapshot goes stale when the configuration changes (the program must be reloaded —
 * the kfuncs follow it live) and, for the clock, once a stamp is more than overflow_cycles from
 * the snapshot's cycle_last (the product delta * mult would wrap u64; the driver's overflow
 * watchdog refreshes its own copy): the program then reports -ERANGE instead of a wrong value.
 *
 * Per packet: no allocation, no exceptions, no BigInt.
 */
import {
  Errno,
  type RawFieldDecl,
  type RawXdpProgramSpec,
  RxTimestampOut,
  U64,
  u64Add,
  u64MulAddShift,
  u64MulSubShift,
  u64SecNsecToNs,
  u64Sub,
  XdpAction,
  type XdpBuff,
  XdpChecksum,
  XdpRssHashType
} from "@devtx/core"
import { reserveXdpMeta, storeChecksum, storeHash, storeHintValid, storeTimestamp, storeVlan } from "./RawXdpMetaStore.js"

/** The program's .rodata: device configuration the CQE does not carry (see the module comment). */
export interface Mlx5RawRodata {
  readonly rxhash: boolean
  readonly rxFilterAll: boolean
  readonly rxcsum: boolean
  readonly realTime: boolean
  /** struct mlx5_ib_clock_info's timecounter part, u64 values as hi:lo u32 halves */
  readonly clock: {
    readonly nsecHi: number
    readonly nsecLo: number
    readonly cyclesHi: number
    readonly cyclesLo: number
    readonly frac: number
    readonly mult: number
    readonly shift: number
    readonly maskHi: number
    readonly maskLo: number
    readonly overflowCyclesHi: number
    readonly overflowCyclesLo: number
  }
}

const U32 = 0xffffffffn
const NSEC_PER_MSEC = 1_000_000n
const ilog2 = (v: bigint): number => v.toString(2).length - 1

/**
 * The loader's side (control plane, BigInt allowed): .rodata from the device configuration as
 * decoded by the mlx5 driver package (fields rxhash, rxTimestamp, rxcsum, tsFormat,
 * deviceFrequencyKhz, phcStartNs, startCycles). The clock part is what mlx5_timecounter_init
 * (lib/clock.c) publishes at bring-up: shift = mlx5_ptp_shift_constant(dev_freq_khz) =
 * min(ilog2(khz) + 16, ilog2((U32_MAX / NSEC_PER_MSEC) * khz)); mult = clocksource_khz2mult(khz,
 * shift) = ((1000000 << shift) + khz / 2) / khz; mask = CLOCKSOURCE_MASK(41); cycles/nsec = the
 * counter and PHC at bring-up, frac = 0; overflow_cycles = min((2^64-1 >> 1) / mult, mask / 3)
 * (mlx5_init_overflow_period). Returns a reason string when a field is missing or malformed.
 */
export const mlx5RawRodataFromConfig = (config: Readonly<Record<string, unknown>>): Mlx5RawRodata | string => {
  const { rxhash, rxTimestamp, rxcsum, tsFormat, deviceFrequencyKhz, phcStartNs, startCycles } = config
  if (typeof rxhash !== "boolean" || typeof rxcsum !== "boolean") return "mlx5 config: rxhash/rxcsum must be booleans"
  if (rxTimestamp !== "all" && rxTimestamp !== "none") return "mlx5 config: rxTimestamp must be 'all' or 'none'"
  if (tsFormat !== "real-time" && tsFormat !== "free-running") return "mlx5 config: tsFormat must be 'real-time' or 'free-running'"
  if (typeof deviceFrequencyKhz !== "number" || !Number.isInteger(deviceFrequencyKhz) || deviceFrequencyKhz < 1000 || deviceFrequencyKhz > 1_000_000)
    return "mlx5 config: deviceFrequencyKhz must be an integer in [1000, 1000000]"
  if (typeof phcStartNs !== "string" || !/^[0-9]{1,20}$/.test(phcStartNs)) return "mlx5 config: phcStartNs must be a decimal u64"
  if (typeof startCycles !== "string" || !/^[0-9]{1,20}$/.test(startCycles)) return "mlx5 config: startCycles must be a decimal u64"
  const khz = BigInt(deviceFrequencyKhz)
  const shift = Math.min(ilog2(khz) + 16, ilog2((U32 / NSEC_PER_MSEC) * khz))
  const mult = (((1_000_000n << BigInt(shift)) + khz / 2n) / khz) & U32
  const mask = (1n << 41n) - 1n
  const byMult = ((1n << 64n) - 1n) / 2n / mult
  const overflow = byMult < mask / 3n ? byMult : mask / 3n
  const nsec = BigInt(phcStartNs) & ((1n << 64n) - 1n)
  const cycles = BigInt(startCycles) & ((1n << 64n) - 1n)
  return {
    rxhash,
    rxFilterAll: rxTimestamp === "all",
    rxcsum,
    realTime: tsFormat === "real-time",
    clock: {
      nsecHi: Number(nsec >> 32n),
      nsecLo: Number(nsec & U32),
      cyclesHi: Number(cycles >> 32n),
      cyclesLo: Number(cycles & U32),
      frac: 0,
      mult: Number(mult),
      shift,
      maskHi: Number(mask >> 32n),
      maskLo: Number(mask & U32),
      overflowCyclesHi: Number(overflow >> 32n),
      overflowCyclesLo: Number(overflow & U32)
    }
  }
}

// mlx5_xdp_rss_type[16] (drivers/net/ethernet/mellanox/mlx5/core/en/xdp.c): the program's own copy.
// index bits 3:2 = CQE IP type (0 none, 1 IPv4, 2 IPv6, 3 reserved), bits 1:0 = L4 (0 none,
// 1 TCP, 2 UDP, 3 IPsec SPI); invalid combinations are XDP_RSS_TYPE_NONE.
const T = XdpRssHashType
const RSS_TYPE = Int32Array.of(
  T.TYPE_NONE, T.TYPE_NONE, T.TYPE_NONE, T.TYPE_NONE,
  T.TYPE_L3_IPV4, T.TYPE_L4_IPV4_TCP, T.TYPE_L4_IPV4_UDP, T.TYPE_L4_IPV4_IPSEC,
  T.TYPE_L3_IPV6, T.TYPE_L4_IPV6_TCP, T.TYPE_L4_IPV6_UDP, T.TYPE_L4_IPV6_IPSEC,
  T.TYPE_NONE, T.TYPE_NONE, T.TYPE_NONE, T.TYPE_NONE
)
/** CQE_RSS_HTYPE_IP = GENMASK(3, 2), CQE_RSS_HTYPE_L4 = GENMASK(7, 6) (include/linux/mlx5/device.h) */
const CQE_RSS_HTYPE_IP = 0x0c
const CQE_RSS_HTYPE_L4_SHIFT = 6
/** hds_ip_ext: CQE_L3_OK BIT(1), CQE_L4_OK BIT(2) (device.h) */
const CQE_L3_OK = 1 << 1
const CQE_L4_OK = 1 << 2
/** ETH_P_8021Q (include/uapi/linux/if_ether.h) */
const ETH_P_8021Q = 0x8100

export const MLX5_CQE64_FIELDS: ReadonlyArray<RawFieldDecl> = [
  { name: "tls_outer_l3_tunneled", type: "u8" },
  { name: "rss_hash_result", type: "be32" },
  { name: "rss_hash_type", type: "u8" },
  { name: "hds_ip_ext", type: "u8" },
  { name: "l4_l3_hdr_type", type: "u8" },
  { name: "vlan_info", type: "be16" },
  { name: "timestamp_h", type: "be32" },
  { name: "timestamp_l", type: "be32" }
]

/**
 * Convert a raw CQE stamp to ns into `out`: 0, or -ERANGE when a free-running stamp is too far
 * from the clock-info snapshot for the u64 arithmetic the kernel relies on. Scratch `d` is caller-owned.
 */
export const mlx5RawStampToNs = (r: Mlx5RawRodata, tsHi: number, tsLo: number, out: U64, d: U64): number => {
  if (r.realTime) {
    // mlx5_real_time_cyc2time: REAL_TIME_TO_NS(ts >> 32, ts & 0xFFFFFFFF) (lib/clock.h)
    u64SecNsecToNs(out, tsHi, tsLo)
    return 0
  }
  const c = r.clock
  // timecounter_cyc2time (kernel/time/timecounter.c): delta = (cycles - cycle_last) & mask
  u64Sub(d, tsHi, tsLo, c.cyclesHi, c.cyclesLo)
  d.hi = (d.hi & c.maskHi) >>> 0
  d.lo = (d.lo & c.maskLo) >>> 0
  const halfHi = c.maskHi >>> 1
  const halfLo = (((c.maskHi & 1) << 31) | (c.maskLo >>> 1)) >>> 0
  const backwards = d.hi > halfHi || (d.hi === halfHi && d.lo > halfLo)
  if (backwards) {
    u64Sub(d, c.cyclesHi, c.cyclesLo, tsHi, tsLo)
    d.hi = (d.hi & c.maskHi) >>> 0
    d.lo = (d.lo & c.maskLo) >>> 0
  }
  if (d.hi > c.overflowCyclesHi || (d.hi === c.overflowCyclesHi && d.lo > c.overflowCyclesLo)) return -Errno.ERANGE
  if (backwards) {
    // cc_cyc2ns_backwards: ((delta * mult) - frac) >> shift, subtracted from nsec
    u64MulSubShift(out, d.hi, d.lo, c.mult, c.frac, c.shift)
    u64Sub(out, c.nsecHi, c.nsecLo, out.hi, out.lo)
  } else {
    // cyclecounter_cyc2ns: ((delta * mult) + frac) >> shift, added to nsec
    u64MulAddShift(out, d, d.hi, d.lo, c.mult, c.frac, c.shift)
    u64Add(out, c.nsecHi, c.nsecLo, out.hi, out.lo)
  }
  return 0
}

export const mlx5RawHwMetadata = (rodata: Mlx5RawRodata): RawXdpProgramSpec => ({
  name: "xdp_hw_metadata_raw_mlx5",
  structs: [{ name: "mlx5_cqe64___devtx", fields: MLX5_CQE64_FIELDS }],
  instantiate: ({ fields, clock }) => {
    const F = fields.mlx5_cqe64!
    const tunneled = F.tls_outer_l3_tunneled!.read
    const rssHash = F.rss_hash_result!.read
    const rssType = F.rss_hash_type!.read
    const hdsIpExt = F.hds_ip_ext!.read
    const l4l3 = F.l4_l3_hdr_type!.read
    const vlanInfo = F.vlan_info!.read
    const tsH = F.timestamp_h!.read
    const tsL = F.timestamp_l!.read
    const { rxhash, rxFilterAll, rxcsum } = rodata
    const now = new RxTimestampOut()
    const ns = new U64()
    const scratch = new U64()
    return (ctx: XdpBuff): number => {
      const d = ctx.rawDesc
      const o = ctx.rawDescOff
      const m = reserveXdpMeta(ctx, clock, now)
      if (m < 0) return XdpAction.PASS
      const v = ctx.area.view
      let valid = 0
      // timestamp: mlx5e_xdp_rx_timestamp
      let rc = rxFilterAll ? mlx5RawStampToNs(rodata, tsH(d, o), tsL(d, o), ns, scratch) : -Errno.ENODATA
      valid |= storeTimestamp(v, m, rc, ns.hi, ns.lo)
      // hash: mlx5e_xdp_rx_hash (succeeds whatever the value, 0 included)
      if (rxhash) {
        const t = rssType(d, o)
        valid |= storeHash(v, m, 0, rssHash(d, o), RSS_TYPE[(t & CQE_RSS_HTYPE_IP) | ((t >>> CQE_RSS_HTYPE_L4_SHIFT) & 3)]!)
      } else valid |= storeHash(v, m, -Errno.ENODATA, 0, 0)
      // vlan: mlx5e_xdp_rx_vlan_tag
      rc = (l4l3(d, o) & 1) !== 0 ? 0 : -Errno.ENODATA
      valid |= storeVlan(v, m, rc, ETH_P_8021Q, rc === 0 ? vlanInfo(d, o) : 0)
      // checksum: mlx5e_handle_csum with NO_CSUM_COMPLETE (an XDP program is attached)
      if (rxcsum) {
        const ext = hdsIpExt(d, o)
        const ok = (ext & CQE_L3_OK) !== 0 && (ext & CQE_L4_OK) !== 0
        valid |= storeChecksum(v, m, 0, ok ? XdpChecksum.UNNECESSARY : XdpChecksum.NONE, 0, ok ? tunneled(d, o) & 1 : 0)
      } else valid |= storeChecksum(v, m, -Errno.ENODATA, 0, 0, 0)
      storeHintValid(v, m, valid)
      return XdpAction.PASS
    }
  }
})
