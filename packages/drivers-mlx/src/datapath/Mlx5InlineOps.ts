/**
 * mlx5e's xdp_metadata_ops (Mlx5XdpMetadataOps.ts, en/xdp.c) as a description the loader can
 * splice (core placement/InlineMetadataOps.ts; the "inlined" kfunc binding): the same reads of
 * the big-endian struct mlx5_cqe64 mxbuf->cqe points at (Mlx5eXdpBuff.cqe at cqeOff — the CQ slot,
 * or the decompression title copy in a compressed session, so compression needs nothing here),
 * and the same mlx5e_rq state as context words (Mlx5eXdpBuff.rq: Mlx5RqState).
 *
 *   CQE bytes read (include/linux/mlx5/device.h struct mlx5_cqe64; all multi-byte fields BE):
 *      0  tls_outer_l3_tunneled  bit0 = outer_l3_tunneled (CQE_TUNNELED)
 *     12  rss_hash_result  BE32
 *     16  rss_hash_type    u8: bits 3:2 IP type (CQE_RSS_HTYPE_IP), bits 7:6 L4 type (CQE_RSS_HTYPE_L4)
 *     28  hds_ip_ext       u8: bit1 L3_OK, bit2 L4_OK (CQE_L3_OK / CQE_L4_OK)
 *     29  l4_l3_hdr_type   u8: bit0 vlan stripped (cqe_has_vlan)
 *     30  vlan_info        BE16 (the TCI)
 *     48  timestamp_h BE32, 52 timestamp_l BE32 (get_cqe_ts)
 *
 * - timestamp: rq->tstamp rx_filter != HWTSTAMP_FILTER_ALL (context word rq.rxFilterAll clear)
 *   -> -ENODATA; else rq->ptp_cyc2time(ts). The converter is chosen once, at queue creation, from
 *   the rq_ts_format capability, so the description is built per configuration:
 *   real-time -> the declared conversion "sec-nsec-to-ns" (mlx5_real_time_cyc2time,
 *   REAL_TIME_TO_NS, lib/clock.h) of (timestamp_h, timestamp_l); free-running ->
 *   "timecounter-cyc2time" (mlx5_timecounter_cyc2time) over CLOCKSOURCE_MASK(41)
 *   (mlx5_timecounter_init, lib/clock.c) with the live timecounter state rq.tc.{mult, shift, frac,
 *   cycleLastHi/Lo, nsecHi/Lo} as context words (the overflow watchdog moves cycle_last / nsec,
 *   so these cannot be constants).
 * - hash: !NETIF_F_RXHASH (rq.featRxhash clear) -> -ENODATA; else hash = BE32 @12 and rss_type =
 *   mlx5_xdp_rss_type[(t & CQE_RSS_HTYPE_IP) | FIELD_GET(CQE_RSS_HTYPE_L4, t)] for t = u8 @16. The
 *   index gathers two bit groups, which one shift+mask cannot; the description therefore
 *   translates the whole byte through a 256-entry table precomputed (control plane) from the
 *   driver's own 16-entry table: table[t] = MLX5_XDP_RSS_TYPE[mlx5RssLookupIndex(t)].
 * - vlan: u8 @29 bit0 clear -> -ENODATA; else proto = htons(ETH_P_8021Q) (a constant: the CQE has
 *   no TPID), tci = BE16 @30.
 * - checksum (the PROPOSED op, see Mlx5XdpMetadataOps.ts): !NETIF_F_RXCSUM (rq.featRxcsum) ->
 *   -ENODATA. With MLX5E_RQ_STATE_NO_CSUM_COMPLETE set (always while an XDP program is attached,
 *   en_main.c) the decision is csum_unnecessary: L3_OK && L4_OK -> UNNECESSARY with csum_level =
 *   the tunneled bit, else NONE. With the state clear the CHECKSUM_COMPLETE branch parses the
 *   packet's headers, which the description language does not do: that case DELEGATES to the
 *   driver's function (mlx5eXdpRxChecksum). The corpus never reaches it (the poll loop sets the
 *   state whenever a program runs), but the description stays exact if it did.
 */
import { EthProto, Errno, htons, type NetDevice, XdpChecksum } from "@devtx/core"
import type { Mlx5Config } from "../Mlx5Config.js"
import { CQE_TUNNELED, CQE_VLAN_STRIPPED, Cqe64, CqeHdsIpExt } from "./Mlx5Cqe.js"
import { MLX5_XDP_RSS_TYPE, mlx5RssLookupIndex } from "./Mlx5XdpMetadataOps.js"

/** core's InlineMetadataOps, named through the NetDevice member that carries it */
type InlineMetadataOps = NonNullable<NetDevice["xdpMetadataInline"]>

/** CLOCKSOURCE_MASK(41): the mlx5 cyclecounter mask (lib/clock.c mlx5_timecounter_init) */
export const MLX5_CYCLECOUNTER_MASK_BITS = 41

/** rss_hash_type byte -> enum xdp_rss_hash_type, all 256 values (built from the 16-entry table) */
export const MLX5_XDP_RSS_TYPE_BY_BYTE: ReadonlyArray<number> = Array.from(
  { length: 256 },
  (_, t) => MLX5_XDP_RSS_TYPE[mlx5RssLookupIndex(t)]!
)

const be32 = (offset: number) => ({ field: { offset, width: 4, bigEndian: true } }) as const
const u8 = { width: 1, bigEndian: false } as const
const tc = (member: string) => ({ context: ["rq", "tc", member] }) as const

export const mlx5InlineOps = (config: Pick<Mlx5Config, "tsFormat">): InlineMetadataOps => ({
  driver: "mlx5",
  locator: { view: "cqe", offset: "cqeOff" },
  xmoRxTimestamp: {
    cases: [
      { tests: [{ context: ["rq", "rxFilterAll"], mask: 1, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
      config.tsFormat === "real-time"
        ? { tests: [], rc: 0, writes: {}, convert: { op: "sec-nsec-to-ns", sec: be32(Cqe64.TIMESTAMP_H), nsec: be32(Cqe64.TIMESTAMP_L) } }
        : {
            tests: [],
            rc: 0,
            writes: {},
            convert: {
              op: "timecounter-cyc2time",
              maskBits: MLX5_CYCLECOUNTER_MASK_BITS,
              cyclesHi: be32(Cqe64.TIMESTAMP_H),
              cyclesLo: be32(Cqe64.TIMESTAMP_L),
              mult: tc("mult"),
              shift: tc("shift"),
              frac: tc("frac"),
              cycleLastHi: tc("cycleLastHi"),
              cycleLastLo: tc("cycleLastLo"),
              nsecHi: tc("nsecHi"),
              nsecLo: tc("nsecLo")
            }
          }
    ]
  },
  xmoRxHash: {
    cases: [
      { tests: [{ context: ["rq", "featRxhash"], mask: 1, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
      {
        tests: [],
        rc: 0,
        writes: {
          hash: be32(Cqe64.RSS_HASH_RESULT),
          rssType: { field: { offset: Cqe64.RSS_HASH_TYPE, ...u8, mask: 0xff, table: MLX5_XDP_RSS_TYPE_BY_BYTE } }
        }
      }
    ]
  },
  xmoRxVlanTag: {
    cases: [
      { tests: [{ field: { offset: Cqe64.L4_L3_HDR_TYPE, ...u8 }, mask: CQE_VLAN_STRIPPED, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
      {
        tests: [],
        rc: 0,
        writes: {
          vlanProto: { constant: htons(EthProto.P_8021Q) },
          vlanTci: { field: { offset: Cqe64.VLAN_INFO, width: 2, bigEndian: true } }
        }
      }
    ]
  },
  xmoRxChecksum: {
    cases: [
      { tests: [{ context: ["rq", "featRxcsum"], mask: 1, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
      { tests: [{ context: ["rq", "noCsumComplete"], mask: 1, when: "clear" }], rc: 0, writes: {}, delegate: true },
      {
        tests: [
          { field: { offset: Cqe64.HDS_IP_EXT, ...u8 }, mask: CqeHdsIpExt.L3_OK, when: "set" },
          { field: { offset: Cqe64.HDS_IP_EXT, ...u8 }, mask: CqeHdsIpExt.L4_OK, when: "set" }
        ],
        rc: 0,
        writes: {
          ipSummed: { constant: XdpChecksum.UNNECESSARY },
          cksum: { constant: 0 },
          cksumLevel: { field: { offset: Cqe64.TLS_OUTER_L3_TUNNELED, ...u8, mask: CQE_TUNNELED } }
        }
      },
      {
        tests: [],
        rc: 0,
        writes: { ipSummed: { constant: XdpChecksum.NONE }, cksum: { constant: 0 }, cksumLevel: { constant: 0 } }
      }
    ]
  }
})
