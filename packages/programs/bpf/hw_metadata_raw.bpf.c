// SPDX-License-Identifier: GPL-2.0
/*
 * hw-metadata, raw-descriptor design, as a clang-compiled BPF object: the same struct xdp_meta
 * as hw_metadata_kfunc.bpf.c, read straight from the driver's own structures the way a kernel
 * allows it today — bpf_cast_to_kern_ctx(ctx) gives the struct xdp_buff, bpf_rdonly_cast
 * re-types it as the driver's wrapper, and CO-RE-relocated reads (local ___flavor views with
 * only the fields used) walk to the descriptor:
 *
 *   sim   struct sim_xdp_buff   { xdp_buff; union sim_rx_desc *desc }          (SimBtf.ts)
 *   mlx5  struct mlx5e_xdp_buff { xdp_buff; struct mlx5_cqe64 *cqe; rq }       (en/xdp.h)
 *   ice   struct ice_xdp_buff   { xdp_buff; eop_desc; struct ice_pkt_ctx *pkt_ctx } (ice_txrx.h)
 *
 * One program for all three NICs: bpf_core_type_exists() on each wrapper picks the path at load
 * time (the other paths' relocations do not resolve and stay unreachable, as libbpf poisons them).
 * Per NIC the decode logic is the program's own, as in the TypeScript raw programs
 * (packages/programs/src/raw/{Sim,Mlx5,Ice}RawHwMetadata.ts) — with one difference the kernel
 * memory makes possible: on ice the 32-bit RX timestamp is extended with the ring's
 * pkt_ctx->cached_phctime (ice_ptp_extend_32b_ts, drivers/net/ethernet/intel/ice/ice_ptp.c), and
 * vlan_proto comes from pkt_ctx, where the TS raw program could only say -EOPNOTSUPP / take a
 * loader constant. What no structure reached here carries (netdev features, the timestamp
 * filter, the mlx5 clock conversion state) comes from .rodata the loader fills (`cfg`).
 * No udp_port filter and no redirect: the raw programs return XDP_PASS, as their TS references.
 */
#include "devtx_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "kfuncs_mainline.h"
#include "kfuncs_devtx.h"
#include "xdp_meta.h"

#define ENODATA 61
#define EOPNOTSUPP 95
#define ERANGE 34

/* ---- local views, CO-RE relocated against the bound driver's BTF ------------------------- */

union sim_rx_desc___sim;
struct sim_rx_desc_wb___sim {
	__u32 rss_hash;
	__u8 rss_valid: 1, vlan_stripped: 1, ts_valid: 1, l3l4p: 1, l4_checked: 1, raw_csum_valid: 1;
	__u16 rss_type;
	__u16 errors;
	__u16 vlan_tci;
	__u16 vlan_tpid;
	__u32 ts_lo;
	__u32 ts_hi;
	__u16 raw_csum;
	__u8 csum_level;
} __attribute__((preserve_access_index));
union sim_rx_desc___sim {
	struct sim_rx_desc_wb___sim wb;
} __attribute__((preserve_access_index));
struct sim_xdp_buff___sim {
	union sim_rx_desc___sim *desc;
} __attribute__((preserve_access_index));

struct mlx5_cqe64___mlx5 {
	__u8 tls_outer_l3_tunneled;
	__be32 rss_hash_result;
	__u8 rss_hash_type;
	__u8 hds_ip_ext;
	__u8 l4_l3_hdr_type;
	__be16 vlan_info;
	__be32 timestamp_h;
	__be32 timestamp_l;
} __attribute__((preserve_access_index));
struct mlx5e_xdp_buff___mlx5 {
	struct mlx5_cqe64___mlx5 *cqe;
} __attribute__((preserve_access_index));

struct ice_32b_rx_flex_desc_nic___ice {
	__u8 rxdid;
	__le16 ptype_flexi_flags0;
	__le16 status_error0;
	__le16 l2tag1;
	__le32 rss_hash;
	__le16 status_error1;
	__u8 ts_low;
	__le16 raw_csum;
	__le16 l2tag2_2nd;
	union {
		__le32 ts_high;
	} flex_ts;
} __attribute__((preserve_access_index));
struct ice_pkt_ctx___ice {
	__u64 cached_phctime;
	__be16 vlan_proto;
} __attribute__((preserve_access_index));
struct ice_xdp_buff___ice {
	const struct ice_32b_rx_flex_desc_nic___ice *eop_desc;
	const struct ice_pkt_ctx___ice *pkt_ctx;
} __attribute__((preserve_access_index));

/* ---- what the loader fills: configuration no reachable structure carries ------------------- */

struct raw_cfg {
	/* mlx5: NETIF_F_RXHASH, hwtstamp rx_filter == HWTSTAMP_FILTER_ALL, NETIF_F_RXCSUM, rq_ts_format real-time */
	__u8 mlx5_rxhash, mlx5_rx_filter_all, mlx5_rxcsum, mlx5_real_time;
	/* ice: NETIF_F_RXCSUM, ICE_RX_FLAGS_RING_GCS (E830) */
	__u8 ice_rxcsum, ice_gcs;
	__u16 pad;
	/* mlx5 free-running clock: struct mlx5_ib_clock_info's timecounter (include/uapi/rdma/mlx5-abi.h) */
	__u64 nsec, cycles, frac, mask, overflow_cycles;
	__u32 mult, shift;
};

const volatile struct raw_cfg cfg = {
	.mlx5_rxhash = 1, .mlx5_rx_filter_all = 1, .mlx5_rxcsum = 1, .mlx5_real_time = 1,
	.ice_rxcsum = 1, .ice_gcs = 0,
};

__u64 pkts_sim = 0, pkts_mlx5 = 0, pkts_ice = 0, pkts_fail = 0;

/* ---- storing into struct xdp_meta: the bytes the kfunc program writes for the same answer --- */

static __always_inline __u32 store_ts(struct xdp_meta *m, int rc, __u64 ns)
{
	if (rc == 0) {
		m->rx_timestamp = ns;
		return XDP_META_FIELD_TS;
	}
	m->rx_timestamp = (__u32)rc;
	return 0;
}

static __always_inline __u32 store_hash(struct xdp_meta *m, int rc, __u32 hash, __u32 type)
{
	if (rc == 0) {
		m->rx_hash = hash;
		m->rx_hash_type = type;
		return XDP_META_FIELD_RSS;
	}
	m->rx_hash = 0;
	m->rx_hash_err = rc;
	return 0;
}

/* tpid in host order; rx_vlan_proto is __be16 */
static __always_inline __u32 store_vlan(struct xdp_meta *m, int rc, __u16 tpid, __u16 tci)
{
	if (rc == 0) {
		m->rx_vlan_proto = bpf_htons(tpid);
		m->rx_vlan_tci = tci;
		return XDP_META_FIELD_VLAN_TAG;
	}
	m->rx_vlan_tag_err = rc;
	return 0;
}

static __always_inline __u32 store_csum(struct xdp_meta *m, int rc, __u8 summed, __u32 sum, __u8 level)
{
	if (rc == 0) {
		m->ip_summed = summed;
		m->cksum_level = level;
		m->cksum_pad = 0;
		m->cksum = sum;
		return XDP_META_FIELD_CHECKSUM;
	}
	m->rx_cksum_err = rc;
	m->cksum = 0;
	return 0;
}

/* ---- sim ------------------------------------------------------------------------------------ */

static __always_inline __u32 sim_fill(struct xdp_meta *m, void *kctx)
{
	struct sim_xdp_buff___sim *sb = bpf_rdonly_cast(kctx, bpf_core_type_id_kernel(struct sim_xdp_buff___sim));
	struct sim_rx_desc_wb___sim *wb = &sb->desc->wb;
	__u32 valid = 0;
	__u8 summed = XDP_CHECKSUM_NONE, level = 0;
	__u32 sum = 0;

	if (BPF_CORE_READ_BITFIELD(wb, ts_valid))
		valid |= store_ts(m, 0, ((__u64)wb->ts_hi << 32) | wb->ts_lo);
	else
		valid |= store_ts(m, -ENODATA, 0);
	if (BPF_CORE_READ_BITFIELD(wb, rss_valid))
		valid |= store_hash(m, 0, wb->rss_hash, wb->rss_type);
	else
		valid |= store_hash(m, -ENODATA, 0, 0);
	if (BPF_CORE_READ_BITFIELD(wb, vlan_stripped))
		valid |= store_vlan(m, 0, wb->vlan_tpid, wb->vlan_tci);
	else
		valid |= store_vlan(m, -ENODATA, 0, 0);
	if (BPF_CORE_READ_BITFIELD(wb, l3l4p)) {
		if (BPF_CORE_READ_BITFIELD(wb, raw_csum_valid)) {
			summed = XDP_CHECKSUM_COMPLETE;
			sum = wb->raw_csum;
		} else if (BPF_CORE_READ_BITFIELD(wb, l4_checked) && (wb->errors & 3) == 0) {
			summed = XDP_CHECKSUM_UNNECESSARY;
			level = wb->csum_level;
		}
		valid |= store_csum(m, 0, summed, sum, level);
	} else {
		valid |= store_csum(m, -ENODATA, 0, 0, 0);
	}
	return valid;
}

/* ---- mlx5 ----------------------------------------------------------------------------------- */

/* mlx5_xdp_rss_type[16] (drivers/net/ethernet/mellanox/mlx5/core/en/xdp.c), the program's own
 * copy: index = (t & CQE_RSS_HTYPE_IP) | FIELD_GET(CQE_RSS_HTYPE_L4, t) */
static const __u32 mlx5_rss_type[16] = {
	XDP_RSS_TYPE_NONE,	  XDP_RSS_TYPE_NONE,	    XDP_RSS_TYPE_NONE,	      XDP_RSS_TYPE_NONE,
	XDP_RSS_TYPE_L3_IPV4, XDP_RSS_TYPE_L4_IPV4_TCP, XDP_RSS_TYPE_L4_IPV4_UDP, XDP_RSS_TYPE_L4_IPV4_IPSEC,
	XDP_RSS_TYPE_L3_IPV6, XDP_RSS_TYPE_L4_IPV6_TCP, XDP_RSS_TYPE_L4_IPV6_UDP, XDP_RSS_TYPE_L4_IPV6_IPSEC,
	XDP_RSS_TYPE_NONE,	  XDP_RSS_TYPE_NONE,	    XDP_RSS_TYPE_NONE,	      XDP_RSS_TYPE_NONE,
};

/* mlx5e_cqe_ts_to_ns: real-time = sec * NSEC_PER_SEC + nsec (REAL_TIME_TO_NS, lib/clock.h);
 * free-running = timecounter_cyc2time (kernel/time/timecounter.c) over the .rodata snapshot,
 * -ERANGE once the stamp is further than overflow_cycles from it (delta * mult would wrap). */
static __always_inline int mlx5_stamp_to_ns(__u64 ts, __u64 *ns)
{
	__u64 delta;

	if (cfg.mlx5_real_time) {
		*ns = (ts >> 32) * 1000000000ULL + (__u32)ts;
		return 0;
	}
	delta = (ts - cfg.cycles) & cfg.mask;
	if (delta > cfg.mask >> 1) {
		delta = (cfg.cycles - ts) & cfg.mask;
		if (delta > cfg.overflow_cycles)
			return -ERANGE;
		*ns = cfg.nsec - (((delta * cfg.mult) - cfg.frac) >> cfg.shift);
		return 0;
	}
	if (delta > cfg.overflow_cycles)
		return -ERANGE;
	*ns = cfg.nsec + (((delta * cfg.mult) + cfg.frac) >> cfg.shift);
	return 0;
}

static __always_inline __u32 mlx5_fill(struct xdp_meta *m, void *kctx)
{
	struct mlx5e_xdp_buff___mlx5 *mb = bpf_rdonly_cast(kctx, bpf_core_type_id_kernel(struct mlx5e_xdp_buff___mlx5));
	struct mlx5_cqe64___mlx5 *cqe = mb->cqe;
	__u32 valid = 0;
	__u64 ns = 0;
	int rc;

	rc = cfg.mlx5_rx_filter_all ? mlx5_stamp_to_ns(((__u64)bpf_ntohl(cqe->timestamp_h) << 32) | bpf_ntohl(cqe->timestamp_l), &ns)
				    : -ENODATA;
	valid |= store_ts(m, rc, ns);
	if (cfg.mlx5_rxhash) {
		__u8 t = cqe->rss_hash_type;

		valid |= store_hash(m, 0, bpf_ntohl(cqe->rss_hash_result), mlx5_rss_type[(t & 0x0c) | ((t >> 6) & 3)]);
	} else {
		valid |= store_hash(m, -ENODATA, 0, 0);
	}
	/* cqe_has_vlan: l4_l3_hdr_type bit 0; the CQE carries no TPID: always 802.1Q */
	if (cqe->l4_l3_hdr_type & 1)
		valid |= store_vlan(m, 0, 0x8100, bpf_ntohs(cqe->vlan_info));
	else
		valid |= store_vlan(m, -ENODATA, 0x8100, 0);
	/* mlx5e_handle_csum with MLX5E_RQ_STATE_NO_CSUM_COMPLETE (an XDP program is attached):
	 * CQE_L3_OK BIT(1) && CQE_L4_OK BIT(2) -> UNNECESSARY, level = tunneled */
	if (cfg.mlx5_rxcsum) {
		__u8 ext = cqe->hds_ip_ext;
		int ok = (ext & 2) && (ext & 4);

		valid |= store_csum(m, 0, ok ? XDP_CHECKSUM_UNNECESSARY : XDP_CHECKSUM_NONE, 0,
				    ok ? cqe->tls_outer_l3_tunneled & 1 : 0);
	} else {
		valid |= store_csum(m, -ENODATA, 0, 0, 0);
	}
	return valid;
}

/* ---- ice ------------------------------------------------------------------------------------ */

/*
 * libie_rx_pt_lut (drivers/net/ethernet/intel/libie/rx.c), the program's own copy, computed
 * instead of stored: per ptype the outer IP (0 L2, 1 IPv4, 2 IPv6), the tunnel type (0 none,
 * 1 IP-in-IP, 2 GRE/NAT, 3 +MAC, 4 +MAC+VLAN), the inner protocol (0 none, 1 UDP, 2 TCP, 3 SCTP,
 * 4 ICMP, 5 TIMESYNC) and from them enum xdp_rss_hash_type. Ranges: IPv4 from ptype 22, IPv6 from 88, 66
 * each: [fragment, L3, UDP, -, TCP, SCTP, ICMP] blocks of 7 — one untunnelled, two per tunnel
 * type (inner IPv4, inner IPv6), the GRE kinds each preceded by one "no inner IP" slot.
 */
struct ice_pt {
	__u32 oip, tun, inner, hash_type;
};

static __always_inline void ice_ptype(__u32 ptype, struct ice_pt *pt)
{
	__u32 base, rel, o, j;

	pt->oip = pt->tun = pt->inner = pt->hash_type = 0;
	if (ptype == 2) { /* LIBIE_RX_PT_TS: L2, inner protocol TIMESYNC (5) */
		pt->inner = 5;
		return;
	}
	if (ptype >= 22 && ptype < 88) {
		pt->oip = 1;
		base = 22;
	} else if (ptype >= 88 && ptype < 154) {
		pt->oip = 2;
		base = 88;
	} else {
		return; /* L2, timesync, L3-unknown and unused entries: no hash type, no L4 */
	}
	rel = ptype - base;
	if (rel < 7) {
		o = rel;
	} else if (rel < 21) {
		pt->tun = 1;
		o = (rel - 7) % 7;
	} else {
		pt->tun = 2 + (rel - 21) / 15;
		j = (rel - 21) % 15;
		o = j == 0 ? 0 : (j - 1) % 7;
	}
	if (o == 3) { /* unused slot: the all-zero entry */
		pt->oip = pt->tun = 0;
		return;
	}
	pt->inner = o == 2 ? 1 : o == 4 ? 2 : o == 5 ? 3 : o == 6 ? 4 : 0;
	pt->hash_type = pt->oip == 1 ? XDP_RSS_L3_IPV4 : XDP_RSS_L3_IPV6;
	if (pt->inner != 0)
		pt->hash_type |= XDP_RSS_L4 | (pt->inner == 1   ? XDP_RSS_L4_UDP
					       : pt->inner == 2 ? XDP_RSS_L4_TCP
					       : pt->inner == 3 ? XDP_RSS_L4_SCTP
								: XDP_RSS_L4_ICMP);
}

static __always_inline __u32 ice_fill(struct xdp_meta *m, void *kctx)
{
	struct ice_xdp_buff___ice *ib = bpf_rdonly_cast(kctx, bpf_core_type_id_kernel(struct ice_xdp_buff___ice));
	const struct ice_32b_rx_flex_desc_nic___ice *d = ib->eop_desc;
	const struct ice_pkt_ctx___ice *pc = ib->pkt_ctx;
	__u16 s0 = d->status_error0, s1 = d->status_error1, tci, tpid;
	__u8 rxdid = d->rxdid, summed = XDP_CHECKSUM_NONE, level = 0;
	__u64 cached = pc->cached_phctime, ns = 0;
	__u32 valid = 0, hash, sum = 0;
	struct ice_pt pt;

	ice_ptype(d->ptype_flexi_flags0 & 0x3ff, &pt);

	/* ice_ptp_get_rx_hwts: ICE_PTP_TS_VALID in ts_low, a cached PHC time, then
	 * ice_ptp_extend_32b_ts(cached_phctime, ts_high); a result of 0 is "no timestamp" */
	if ((d->ts_low & 1) && cached != 0) {
		__u32 in = d->flex_ts.ts_high, lo = (__u32)cached, delta = in - lo;

		ns = delta > 0x7fffffff ? cached - (__u32)(lo - in) : cached + delta;
	}
	valid |= store_ts(m, ns != 0 ? 0 : -ENODATA, ns);

	/* ice_get_rx_hash: RXDID 2 (ICE_RXDID_FLEX_NIC) carries it; 0 is -ENODATA */
	hash = rxdid == 2 ? d->rss_hash : 0;
	valid |= store_hash(m, hash == 0 ? -ENODATA : 0, hash, pt.hash_type);

	/* ice_get_vlan_tci: STATUS0.L2TAG1P (bit 13) ? l2tag1 : STATUS1.L2TAG2P (bit 11) ? l2tag2_2nd : 0 */
	tci = (s0 & (1 << 13)) ? d->l2tag1 : (s1 & (1 << 11)) ? d->l2tag2_2nd : 0;
	tpid = bpf_ntohs(pc->vlan_proto);
	valid |= store_vlan(m, tpid == 0 || tci == 0 ? -ENODATA : 0, tpid, tci);

	/* ice_get_rx_csum */
	if (cfg.ice_rxcsum && pt.inner != 0) {
		if (cfg.ice_gcs && rxdid == 2 && (pt.inner == 1 || pt.inner == 2 || pt.inner == 4)) {
			summed = XDP_CHECKSUM_COMPLETE;
			sum = d->raw_csum;
		} else if ((s0 & (1 << 3)) &&				      /* L3L4P */
			   !(pt.oip == 1 && (s0 & ((1 << 6) | (1 << 4)))) && /* XSUM_EIPE | XSUM_IPE */
			   !(pt.oip == 2 && (s0 & (1 << 9))) &&		      /* IPV6EXADD */
			   !(s0 & (1 << 5)) &&				      /* XSUM_L4E */
			   !((s1 & (1 << 4)) && (s0 & (1 << 7)))) {	      /* NAT && XSUM_EUDPE */
			summed = XDP_CHECKSUM_UNNECESSARY;
			level = pt.tun >= 2 ? 1 : 0;
		}
	}
	valid |= store_csum(m, 0, summed, sum, level);
	return valid;
}

SEC("xdp")
int rx_raw(struct xdp_md *ctx)
{
	struct xdp_meta *meta;
	void *data, *kctx;
	__u32 valid;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct xdp_meta)) != 0) {
		__sync_fetch_and_add(&pkts_fail, 1);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data) {
		__sync_fetch_and_add(&pkts_fail, 1);
		return XDP_PASS;
	}
	meta->xdp_timestamp = bpf_ktime_get_tai_ns();
	kctx = bpf_cast_to_kern_ctx(ctx);

	if (bpf_core_type_exists(struct sim_xdp_buff___sim)) {
		valid = sim_fill(meta, kctx);
		__sync_fetch_and_add(&pkts_sim, 1);
	} else if (bpf_core_type_exists(struct mlx5e_xdp_buff___mlx5)) {
		valid = mlx5_fill(meta, kctx);
		__sync_fetch_and_add(&pkts_mlx5, 1);
	} else if (bpf_core_type_exists(struct ice_xdp_buff___ice)) {
		valid = ice_fill(meta, kctx);
		__sync_fetch_and_add(&pkts_ice, 1);
	} else {
		/* a NIC this program has no path for: every hint -EOPNOTSUPP */
		valid = store_ts(meta, -EOPNOTSUPP, 0) | store_hash(meta, -EOPNOTSUPP, 0, 0) |
			store_vlan(meta, -EOPNOTSUPP, 0, 0) | store_csum(meta, -EOPNOTSUPP, 0, 0, 0);
	}
	meta->hint_valid = valid;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
