/**
 * hw-metadata, raw-descriptor style, for ice: struct xdp_meta filled straight from the EOP
 * write-back descriptor (ice_xdp_buff.eop_desc, XdpBuff.rawDesc) through CO-RE-relocated fields
 * of a local view of the RXDID 2 overlay `struct ice_32b_rx_flex_desc_nic___devtx`
 * (drivers/net/ethernet/intel/ice/ice_lan_tx_rx.h; all fields little-endian):
 *
 *    0 +------+------+-------------+ rxdid (u8), ptype_flexi_flags0 (LE16: ptype = bits 9:0)
 *    8 +-------------+-------------+ status_error0 (LE16), l2tag1 (LE16)
 *   12 +---------------------------+ rss_hash (LE32)
 *   16 +-------------+------+------+ status_error1 (LE16), flexi_flags2, ts_low (bit0 = TS valid)
 *   20 +-------------+-------------+ raw_csum (LE16, E830), l2tag2_2nd (LE16)
 *   28 +---------------------------+ flex_ts.ts_high (LE32: 32 bits of ns) — NOT read, see below
 *
 * The program carries ice's decode logic itself (ice_txrx_lib.c, ice_ptp.c):
 *  - hash = rxdid == ICE_RXDID_FLEX_NIC ? rss_hash : 0, -ENODATA when 0 (ice_xdp_rx_hash);
 *  - the hash type needs the packet-type table: libie_rx_pt_lut (drivers/net/ethernet/intel/libie/
 *    rx.c, 154 entries) — the program builds ITS OWN COPY below. That is the raw design's cost: a
 *    table that lives once in the kernel lives again in every program for this NIC;
 *  - VLAN: tci = STATUS0.L2TAG1P ? l2tag1 : STATUS1.L2TAG2P ? l2tag2_2nd : 0 (ice_get_vlan_tci),
 *    which covers single VLAN mode (l2tsel 1 -> l2tag1) and double VLAN mode (l2tsel 0 ->
 *    l2tag2_2nd) with no configuration; a TCI of 0 is -ENODATA;
 *  - checksum: ice_get_rx_csum's order (the PROPOSED ice_xdp_rx_checksum, always 0).
 *
 * TIMESTAMP — the raw program CANNOT produce it from the descriptor: ts_high is only the low 32
 * bits of PHC nanoseconds; ice_ptp_get_rx_hwts extends it with the ring's cached PHC time
 * (ice_pkt_ctx.cached_phctime, updated by ice_ptp_periodic_work), which is driver memory, not
 * descriptor bytes. So: TS-valid bit clear -> -ENODATA (as the kfunc); PTP not initialised ->
 * -ENODATA (the cache is 0, as the kfunc); otherwise -EOPNOTSUPP: "a timestamp exists, this
 * design cannot reach what it takes to extend it". Never a guessed upper half.
 *
 * Configuration the descriptor does not carry comes as .rodata (IceRawRodata), filled by the loader:
 *   vlanProto   ice_pkt_ctx.vlan_proto: 0x8100 with CTAG stripping, 0x88A8 with STAG, 0 when off
 *               (ice_set_vlan_offload_features; ethtool -k rx-vlan-offload / rx-vlan-stag-hw-parse)
 *   rxcsum      NETIF_F_RXCSUM
 *   gcs         ICE_RX_FLAGS_RING_GCS: E830 generic checksum (ice_init_feature_support ICE_F_GCS)
 *   ptp         the PTP clock is initialised (ICE_FLAG_PTP): without it cached_phctime stays 0
 *
 * HOW THE PROGRAM REACHES THE DESCRIPTOR (IceRawContext): bpf_cast_to_kern_ctx, bpf_rdonly_cast
 * to the driver's context wrapper, then the wrapper's descriptor pointer — a CO-RE relocation on
 * the wrapper, declared here as a "ptr" field. Two kernel layouts (IceBtf.ts):
 *   "ice_xdp_buff"    ice_xdp_buff.eop_desc, v6.7 .. v6.18 (the default build)
 *   "libeth_xdp_buff" libeth_xdp_buff.desc, the libeth-based ice ("ice: switch to Page Pool")
 *   "either"          both declared optional (bpf_core_field_exists picks the one the target
 *                     has; neither: every hint -EOPNOTSUPP)
 * The model hands the pointer's target to the program as XdpBuff.rawDesc/rawDescOff; the
 * relocation decides whether the program loads. `fixedLayout` is the non-CO-RE build: every
 * offset compiled in as the 6.18 BTF has it (eop_desc +56 and the descriptor fields).
 *
 * Per packet: no allocation, no exceptions.
 */
import { Errno, type RawFieldDecl, type RawStructDecl, type RawXdpProgramSpec, RxTimestampOut, XdpAction, type XdpBuff, XdpChecksum } from "@devtx/core"
import { reserveXdpMeta, storeChecksum, storeHash, storeHintValid, storeTimestamp, storeVlan } from "./RawXdpMetaStore.js"

export interface IceRawRodata {
  /** host-order TPID of ice_pkt_ctx.vlan_proto, 0 = stripping off */
  readonly vlanProto: number
  readonly rxcsum: boolean
  readonly gcs: boolean
  readonly ptp: boolean
}

/** The loader's side: .rodata from the ice driver package's configuration (vlanStrip, rxcsum, mac, ptp). */
export const iceRawRodataFromConfig = (config: Readonly<Record<string, unknown>>): IceRawRodata | string => {
  const { vlanStrip, rxcsum, mac, ptp } = config
  if (vlanStrip !== "off" && vlanStrip !== "ctag" && vlanStrip !== "stag") return "ice config: vlanStrip must be 'off', 'ctag' or 'stag'"
  if (typeof rxcsum !== "boolean" || typeof ptp !== "boolean") return "ice config: rxcsum/ptp must be booleans"
  if (mac !== "e810" && mac !== "e830") return "ice config: mac must be 'e810' or 'e830'"
  return { vlanProto: vlanStrip === "ctag" ? 0x8100 : vlanStrip === "stag" ? 0x88a8 : 0, rxcsum, gcs: mac === "e830", ptp }
}

// ---- the program's own copy of libie_rx_pt_lut (drivers/net/ethernet/intel/libie/rx.c) -------
// Each entry packed as: bits 1:0 outer IP (LIBETH_RX_PT_OUTER_L2 0, IPV4 1, IPV6 2), bits 4:2
// tunnel type (NONE 0, IP 1, GRENAT 2, GRENAT_MAC 3, GRENAT_MAC_VLAN 4), bits 7:5 inner protocol
// (NONE 0, UDP 1, TCP 2, SCTP 3, ICMP 4, TIMESYNC 5) (include/net/libeth/rx.h), bits 31:16 the
// precomputed enum xdp_rss_hash_type (L3 bits of the OUTER IP | L4 bits of the inner protocol |
// XDP_RSS_L4 when the payload layer is L4). LIBIE_RX_PT_NUM = 154; ptype >= 154 -> entry 0.
const PT_NUM = 154
const IN_NONE = 0
const IN_UDP = 1
const IN_TCP = 2
const IN_SCTP = 3
const IN_ICMP = 4
const IN_TIMESYNC = 5
const TUN_GRENAT = 2

const buildPtypes = (): Uint32Array => {
  const t = new Uint32Array(PT_NUM)
  const entry = (oip: number, tun: number, inner: number, l4Payload: boolean): number => {
    const l3 = oip === 1 ? 0x1 : oip === 2 ? 0x2 : 0
    const l4 = inner === IN_UDP ? 0x20 : inner === IN_TCP ? 0x10 : inner === IN_SCTP ? 0x40 : inner === IN_ICMP ? 0x100 : 0
    return (oip | (tun << 2) | (inner << 5) | ((l3 | l4 | (l4Payload ? 0x8 : 0)) << 16)) >>> 0
  }
  for (const p of [1, 3, 6, 7, 10]) t[p] = entry(0, 0, IN_NONE, false) // LIBIE_RX_PT_L2
  t[2] = entry(0, 0, IN_TIMESYNC, false) // LIBIE_RX_PT_TS
  for (let p = 12; p < 22; p++) t[p] = entry(0, 0, IN_NONE, false) // LIBIE_RX_PT_L3
  for (const [oip, b] of [
    [1, 22],
    [2, 88]
  ] as const) {
    // "NOF" block of 6 after a fragment slot: L3, UDP, (unused), TCP, SCTP, ICMP
    const nof = (at: number, tun: number): void => {
      t[at] = entry(oip, tun, IN_NONE, false)
      t[at + 1] = entry(oip, tun, IN_UDP, true)
      t[at + 3] = entry(oip, tun, IN_TCP, true)
      t[at + 4] = entry(oip, tun, IN_SCTP, true)
      t[at + 5] = entry(oip, tun, IN_ICMP, true)
    }
    t[b] = entry(oip, 0, IN_NONE, false) // fragment
    nof(b + 1, 0)
    for (const [tun, at] of [
      [1, b + 7], // IP-in-IP: -> IPv4 (7 slots), -> IPv6 (7 slots)
      [2, b + 22], // GRE/NAT: one "no inner IP" slot before, then as IP-in-IP
      [3, b + 37], // GRE/NAT + MAC
      [4, b + 52] // GRE/NAT + MAC + VLAN
    ] as const) {
      if (tun !== 1) t[at - 1] = entry(oip, tun, IN_NONE, false)
      for (const end of [at, at + 7]) {
        t[end] = entry(oip, tun, IN_NONE, false) // tunnel-end fragment
        nof(end + 1, tun)
      }
    }
  }
  return t
}
const PTYPES = buildPtypes()

/** ICE_RXDID_FLEX_NIC (enum ice_rxdid) */
const ICE_RXDID_FLEX_NIC = 2
/** ICE_RX_FLEX_DESC_PTYPE_M */
const PTYPE_MASK = 0x3ff
/** enum ice_rx_flex_desc_status_error_0_bits */
const S0_L3L4P = 1 << 3
const S0_XSUM_IPE = 1 << 4
const S0_XSUM_L4E = 1 << 5
const S0_XSUM_EIPE = 1 << 6
const S0_XSUM_EUDPE = 1 << 7
const S0_IPV6EXADD = 1 << 9
const S0_L2TAG1P = 1 << 13
/** enum ice_rx_flex_desc_status_error_1_bits: NAT 4, L2TAG2P 11 */
const S1_NAT = 1 << 4
const S1_L2TAG2P = 1 << 11
/** ICE_PTP_TS_VALID (ice_ptp.h) */
const TS_VALID = 1

export const ICE_RX_FLEX_NIC_FIELDS: ReadonlyArray<RawFieldDecl> = [
  { name: "rxdid", type: "u8" },
  { name: "ptype_flexi_flags0", type: "u16" },
  { name: "status_error0", type: "u16" },
  { name: "l2tag1", type: "u16" },
  { name: "rss_hash", type: "u32" },
  { name: "status_error1", type: "u16" },
  { name: "ts_low", type: "u8" },
  { name: "raw_csum", type: "u16" },
  { name: "l2tag2_2nd", type: "u16" }
]

/** The 6.18 offsets a non-CO-RE build compiles in (ice_lan_tx_rx.h; ice_xdp_buff after the 56-byte xdp_buff). */
const FIXED_618: Readonly<Record<string, number>> = {
  eop_desc: 56,
  rxdid: 0,
  ptype_flexi_flags0: 2,
  status_error0: 8,
  l2tag1: 10,
  rss_hash: 12,
  status_error1: 16,
  ts_low: 19,
  raw_csum: 20,
  l2tag2_2nd: 22
}

/** Which context wrapper the program relocates its descriptor pointer against (see the module comment). */
export type IceRawContext = "ice_xdp_buff" | "libeth_xdp_buff" | "either"

export interface IceRawBuild {
  readonly context?: IceRawContext
  readonly fixedLayout?: boolean
}

const contextStructs = (context: IceRawContext): RawStructDecl[] => {
  const optional = context === "either"
  const out: RawStructDecl[] = []
  if (context !== "libeth_xdp_buff") out.push({ name: "ice_xdp_buff___devtx", fields: [{ name: "eop_desc", type: "ptr", optional }] })
  if (context !== "ice_xdp_buff") out.push({ name: "libeth_xdp_buff___devtx", fields: [{ name: "desc", type: "ptr", optional }] })
  return out
}

const fixed = (s: RawStructDecl): RawStructDecl => ({ ...s, fields: s.fields.map((f) => ({ ...f, at: FIXED_618[f.name]! })) })

export const iceRawHwMetadata = (rodata: IceRawRodata, build: IceRawBuild = {}): RawXdpProgramSpec => {
  const context = build.fixedLayout ? "ice_xdp_buff" : (build.context ?? "ice_xdp_buff")
  const structs: RawStructDecl[] = [...contextStructs(context), { name: "ice_32b_rx_flex_desc_nic___devtx", fields: ICE_RX_FLEX_NIC_FIELDS }]
  return {
    name: build.fixedLayout ? "xdp_hw_metadata_raw_ice_fixed_618" : context === "ice_xdp_buff" ? "xdp_hw_metadata_raw_ice" : `xdp_hw_metadata_raw_ice_${context}`,
    structs: build.fixedLayout ? structs.map(fixed) : structs,
    instantiate: ({ fields, clock }) => {
      const viaIce = fields.ice_xdp_buff?.eop_desc?.exists === true
      const viaLibeth = fields.libeth_xdp_buff?.desc?.exists === true
      const reached = viaIce || viaLibeth
      const F = fields.ice_32b_rx_flex_desc_nic!
      const rxdid = F.rxdid!.read
      const ptypeW = F.ptype_flexi_flags0!.read
      const st0 = F.status_error0!.read
      const l2tag1 = F.l2tag1!.read
      const rssHash = F.rss_hash!.read
      const st1 = F.status_error1!.read
      const tsLow = F.ts_low!.read
      const rawCsum = F.raw_csum!.read
      const l2tag2 = F.l2tag2_2nd!.read
      const { vlanProto, rxcsum, gcs, ptp } = rodata
      const now = new RxTimestampOut()
      return (ctx: XdpBuff): number => {
        const d = ctx.rawDesc
        const o = ctx.rawDescOff
        const m = reserveXdpMeta(ctx, clock, now)
        if (m < 0) return XdpAction.PASS
        const v = ctx.area.view
        if (!reached) {
          // no context wrapper this build knows: no descriptor to read
          storeTimestamp(v, m, -Errno.EOPNOTSUPP, 0, 0)
          storeHash(v, m, -Errno.EOPNOTSUPP, 0, 0)
          storeVlan(v, m, -Errno.EOPNOTSUPP, 0, 0)
          storeChecksum(v, m, -Errno.EOPNOTSUPP, 0, 0, 0)
          storeHintValid(v, m, 0)
          return XdpAction.PASS
        }
        const ptype = ptypeW(d, o) & PTYPE_MASK
        const pt = PTYPES[ptype < PT_NUM ? ptype : 0]!
        let valid = 0
        // timestamp: see the module comment — no cached PHC time in a descriptor
        valid |= storeTimestamp(v, m, (tsLow(d, o) & TS_VALID) === 0 || !ptp ? -Errno.ENODATA : -Errno.EOPNOTSUPP, 0, 0)
        // hash
        const hash = rxdid(d, o) === ICE_RXDID_FLEX_NIC ? rssHash(d, o) : 0
        valid |= storeHash(v, m, hash === 0 ? -Errno.ENODATA : 0, hash, pt >>> 16)
        // vlan
        const s0 = st0(d, o)
        const s1 = st1(d, o)
        const tci = (s0 & S0_L2TAG1P) !== 0 ? l2tag1(d, o) : (s1 & S1_L2TAG2P) !== 0 ? l2tag2(d, o) : 0
        valid |= storeVlan(v, m, vlanProto === 0 || tci === 0 ? -Errno.ENODATA : 0, vlanProto, tci)
        // checksum: ice_get_rx_csum
        const inner = (pt >>> 5) & 7
        const oip = pt & 3
        let summed: number = XdpChecksum.NONE
        let sum = 0
        let level = 0
        if (rxcsum && inner !== IN_NONE) {
          if (gcs && rxdid(d, o) === ICE_RXDID_FLEX_NIC && (inner === IN_TCP || inner === IN_UDP || inner === IN_ICMP)) {
            summed = XdpChecksum.COMPLETE
            sum = rawCsum(d, o)
          } else if (
            (s0 & S0_L3L4P) !== 0 &&
            !(oip === 1 && (s0 & (S0_XSUM_EIPE | S0_XSUM_IPE)) !== 0) &&
            !(oip === 2 && (s0 & S0_IPV6EXADD) !== 0) &&
            (s0 & S0_XSUM_L4E) === 0 &&
            !((s1 & S1_NAT) !== 0 && (s0 & S0_XSUM_EUDPE) !== 0)
          ) {
            summed = XdpChecksum.UNNECESSARY
            level = ((pt >>> 2) & 7) >= TUN_GRENAT ? 1 : 0
          }
        }
        valid |= storeChecksum(v, m, 0, summed, sum, level)
        storeHintValid(v, m, valid)
        return XdpAction.PASS
      }
    }
  }
}
