/**
 * The programs of the placement suite: per design, the first program (on the NIC: read three
 * hints through the RX kfuncs, store them in the design, XDP_REDIRECT) and the two consumers that
 * read them back after the redirect — an XDP program on a veth-like second device (DEVMAP route)
 * and the reader of the skb a cpumap kthread built (CPUMAP route).
 *
 * Designs (packages/core/src/placement): `data-meta` (bpf_xdp_adjust_meta + struct xdp_meta of
 * the xdp_hw_metadata selftest: the floor, what mainline offers), `xdp-rx-meta-v2` (store kfuncs,
 * timestamp in skb_shared_info), `xdp-rx-meta-ts` (timestamp in xdp_rx_meta), `registry` (Toke's
 * registry, kernel-predefined ids), `traits-v1` / `traits-v2` (Arthur Fabre's traits, keys 1..3),
 * `tlv` (a 48-byte TLV area, types 1..3); plus `redirect-only` (reads the hints, stores nothing,
 * redirects; its consumers read nothing) — the fixed cost of the route.
 *
 * Every consumer writes the probe record of ProbeRecord.ts, slots 0..8, in one convention whatever
 * the design: presence 0 (present) or -1 (absent: the designs carry different errnos, or none),
 * values zeroed when absent; the VLAN TPID in the RxVlanTagOut convention. The skb an xdp_rx_meta
 * frame becomes carries only the skb's own fields, so that consumer writes the skb projection
 * (`SKB_PROJECTION`): hash presence and timestamp presence 0, the hash type as enum
 * pkt_hash_types. Each design's first program and consumers are their own function literals, so V8
 * keeps their type feedback apart (as each BPF load is its own JIT image).
 *
 * Per-packet code: preallocated outputs and scratch, numeric status codes, no allocation; a store
 * that fails is not retried — it shows as a missing value in the check before timing.
 */
import {
  adjustMeta,
  bpfRedirectMap,
  bswap16,
  CarriedRxMeta,
  METADATA_SIZE,
  type PlacementContext,
  PktHashType,
  type RedirectMap,
  RegistryFieldId,
  RegistryFieldSize,
  readXdpMeta,
  registryGet,
  RxHashOut,
  type RxKfuncs,
  RxTimestampOut,
  RxVlanTagOut,
  type SkbPlacementExt,
  type SkbRecord,
  storeRxHash,
  storeRxTs,
  storeRxTsInRxMeta,
  storeRxVlan,
  tlvGet,
  traitGet,
  type XdpBuff,
  XdpAction,
  type XdpProgramFn,
  type XdpProgramSpec,
  XdpRssHashType,
  writeXdpMeta,
  xdpRegistryGet,
  xdpRegistrySet,
  xdpTlvGet,
  xdpTlvSet,
  xdpTraitGet,
  xdpTraitSet
} from "@devtx/core"
import { type ProbeSink, REC_WORDS } from "./ProbeRecord.js"

export const PLACEMENT_DESIGNS = ["data-meta", "xdp-rx-meta-v2", "xdp-rx-meta-ts", "registry", "traits-v1", "traits-v2", "tlv"] as const
export type PlacementDesign = (typeof PLACEMENT_DESIGNS)[number]
export type PlacementStyle = PlacementDesign | "redirect-only"

/** What each design's store and read-back involve, for the report. */
export const PLACEMENT_DESIGN_NOTES: Readonly<Record<PlacementStyle, string>> = {
  "data-meta": "bpf_xdp_adjust_meta(-32) + struct xdp_meta written in front of the packet; read at data - 32 (mainline; the floor)",
  "xdp-rx-meta-v2": "bpf_xdp_store_rx_hash/_vlan/_ts (V2: ts into skb_shared_info.hwtstamps); read back through the second device's xmo ops / the skb fields",
  "xdp-rx-meta-ts": "as v2 with the timestamp in xdp_rx_meta (the V2 review's variant)",
  registry: "bpf_set/get_packet_metadata_field on the kernel-predefined HASH (8 B), VLAN (4 B), TIMESTAMP (8 B) ids",
  "traits-v1": "bpf_xdp_trait_set/get, keys 1..3, RFC v1 sizes (8, 4, 8 bytes)",
  "traits-v2": "bpf_xdp_trait_set/get, keys 1..3, RFC v2 sizes (8, 4, 8 bytes)",
  tlv: "TLV set/get, types 1..3 in a 48-byte area (a linear walk per access)",
  "redirect-only": "reads the three hints, stores nothing, redirects; the consumer reads nothing (the route's fixed cost)"
}

/** trait keys / TLV types of the three values */
const K_HASH = 1
const K_VLAN = 2
const K_TS = 3
/** presence in the record */
const ABSENT = -1

export const XDP_DROP = XdpAction.DROP

/** The skb's hash type for an enum xdp_rss_hash_type (skb_set_hash as xdp_rx_meta V2 patch 4/7 does it). */
export const pktHashTypeOfRss = (t: number): number =>
  (t & XdpRssHashType.L4) !== 0 ? PktHashType.L4 : (t & (XdpRssHashType.L3_IPV4 | XdpRssHashType.L3_IPV6)) !== 0 ? PktHashType.L3 : PktHashType.NONE

/**
 * The skb projection of a record (in place): what an skb's own fields can say about the three
 * values — hash value and pkt_hash_types, hardware timestamp (0 = none), VLAN tag — with the
 * presence slots of hash and timestamp set to 0 (an skb has no "absent" besides the zero value).
 */
export const SKB_PROJECTION = (r: Int32Array, packets: number): Int32Array => {
  for (let p = 0; p < packets; p++) {
    const b = p * REC_WORDS
    r[b + 2] = r[b] === 0 ? pktHashTypeOfRss(r[b + 2]! >>> 0) : PktHashType.NONE
    r[b] = 0
    r[b + 3] = 0
  }
  return r
}

/** the next record's first slot */
const nextRecord = (sink: ProbeSink): number => {
  const i = sink.cursor[0]!
  sink.cursor[0] = i + 1
  return (i & sink.mask) * REC_WORDS
}

const recordCarried = (sink: ProbeSink, c: CarriedRxMeta): void => {
  const r = sink.rec
  const b = nextRecord(sink)
  const h = c.hashRc === 0
  const t = c.tsRc === 0
  const v = c.vlanRc === 0
  r[b] = h ? 0 : ABSENT
  r[b + 1] = h ? c.hash : 0
  r[b + 2] = h ? c.hashType : 0
  r[b + 3] = t ? 0 : ABSENT
  r[b + 4] = t ? c.tsHi : 0
  r[b + 5] = t ? c.tsLo : 0
  r[b + 6] = v ? 0 : ABSENT
  r[b + 7] = v ? c.vlanProto : 0
  r[b + 8] = v ? c.vlanTci : 0
}

const recordAbsent = (sink: ProbeSink): void => {
  const r = sink.rec
  const b = nextRecord(sink)
  for (let i = 0; i < 9; i++) r[b + i] = i % 3 === 0 ? ABSENT : 0
}

/** A record of the probe (ProbeRecord.ts slots 0..8) in this file's convention: presence 0 / -1. */
export const normalizePresence = (r: Int32Array, packets: number): Int32Array => {
  for (let p = 0; p < packets; p++) {
    const b = p * REC_WORDS
    for (const s of [0, 3, 6]) if (r[b + s] !== 0) r[b + s] = ABSENT
  }
  return r
}

/** The first program's reads: the three mainline RX kfuncs into `c` (values zeroed when absent). */
export class HintReader {
  readonly ts = new RxTimestampOut()
  readonly h = new RxHashOut()
  readonly v = new RxVlanTagOut()
  constructor(readonly k: RxKfuncs) {}

  read(ctx: XdpBuff, c: CarriedRxMeta): CarriedRxMeta {
    const k = this.k
    c.clear()
    c.tsRc = k.rxTimestamp(ctx, this.ts)
    if (c.tsRc === 0) {
      c.tsHi = this.ts.hi
      c.tsLo = this.ts.lo
    }
    c.hashRc = k.rxHash(ctx, this.h)
    if (c.hashRc === 0) {
      c.hash = this.h.hash
      c.hashType = this.h.rssType
    }
    c.vlanRc = k.rxVlanTag(ctx, this.v)
    if (c.vlanRc === 0) {
      c.vlanProto = this.v.vlanProto
      c.vlanTci = this.v.vlanTci
    }
    return c
  }
}

/** The program's stack: 8 bytes to encode a value for the set/get kfuncs. */
class ValueScratch {
  readonly buf = new Uint8Array(8)
  readonly view = new DataView(this.buf.buffer)
}

/** What a first program redirects to. */
export interface RedirectTarget {
  readonly map: RedirectMap
}

const firstSpec = (name: string, make: (r: HintReader) => XdpProgramFn): XdpProgramSpec => ({
  name,
  kfuncs: ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag"],
  instantiate: ({ kfuncs }) => make(new HintReader(kfuncs))
})

/**
 * The first program of `style`: placementPrepare (the series' xdp_prepare_buff line, run by the
 * program as in the round-trip test — every design pays it, data-meta's plan has no region), read
 * the three hints, store them, bpf_redirect_map(target, 0, XDP_DROP).
 */
export const placementFirstProgram = (style: PlacementStyle, pc: PlacementContext, target: RedirectTarget, prepare: (ctx: XdpBuff, pc: PlacementContext) => void): XdpProgramSpec => {
  const L = pc.layout
  const map = target.map
  const name = `store_${style.replace(/-/g, "_")}`
  switch (style) {
    case "redirect-only":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        return function store_redirect_only(ctx) {
          r.read(ctx, c)
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
      })
    case "data-meta":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        return function store_data_meta(ctx) {
          prepare(ctx, pc)
          r.read(ctx, c)
          if (adjustMeta(ctx, -METADATA_SIZE) === 0) writeXdpMeta(ctx.area.view, ctx.dataMeta, c, 0, 0)
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
      })
    case "xdp-rx-meta-v2":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        return function store_xdp_rx_meta_v2(ctx) {
          prepare(ctx, pc)
          r.read(ctx, c)
          if (c.hashRc === 0) storeRxHash(ctx, c.hash, c.hashType)
          if (c.vlanRc === 0) storeRxVlan(ctx, c.vlanProto, c.vlanTci)
          if (c.tsRc === 0) storeRxTs(ctx, c.tsHi, c.tsLo)
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
      })
    case "xdp-rx-meta-ts":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        return function store_xdp_rx_meta_ts(ctx) {
          prepare(ctx, pc)
          r.read(ctx, c)
          if (c.hashRc === 0) storeRxHash(ctx, c.hash, c.hashType)
          if (c.vlanRc === 0) storeRxVlan(ctx, c.vlanProto, c.vlanTci)
          if (c.tsRc === 0) storeRxTsInRxMeta(ctx, c.tsHi, c.tsLo)
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
      })
    case "registry":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        const s = new ValueScratch()
        return function store_registry(ctx) {
          prepare(ctx, pc)
          r.read(ctx, c)
          if (c.hashRc === 0) {
            s.view.setUint32(0, c.hash, true)
            s.view.setUint32(4, c.hashType, true)
            xdpRegistrySet(ctx, pc, RegistryFieldId.HASH, s.buf, 0, RegistryFieldSize.HASH)
          }
          if (c.vlanRc === 0) {
            s.view.setUint16(0, c.vlanProto, true)
            s.view.setUint16(2, c.vlanTci, true)
            xdpRegistrySet(ctx, pc, RegistryFieldId.VLAN, s.buf, 0, RegistryFieldSize.VLAN)
          }
          if (c.tsRc === 0) {
            s.view.setUint32(0, c.tsLo, true)
            s.view.setUint32(4, c.tsHi, true)
            xdpRegistrySet(ctx, pc, RegistryFieldId.TIMESTAMP, s.buf, 0, RegistryFieldSize.TIMESTAMP)
          }
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
      })
    case "traits-v1":
    case "traits-v2":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        const s = new ValueScratch()
        const fn: XdpProgramFn = function store_traits(ctx) {
          prepare(ctx, pc)
          r.read(ctx, c)
          if (c.hashRc === 0) {
            s.view.setUint32(0, c.hash, true)
            s.view.setUint32(4, c.hashType, true)
            xdpTraitSet(ctx, L, K_HASH, s.buf, 0, 8)
          }
          if (c.vlanRc === 0) {
            s.view.setUint16(0, c.vlanProto, true)
            s.view.setUint16(2, c.vlanTci, true)
            xdpTraitSet(ctx, L, K_VLAN, s.buf, 0, 4)
          }
          if (c.tsRc === 0) {
            s.view.setUint32(0, c.tsLo, true)
            s.view.setUint32(4, c.tsHi, true)
            xdpTraitSet(ctx, L, K_TS, s.buf, 0, 8)
          }
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
        return fn
      })
    case "tlv":
      return firstSpec(name, (r) => {
        const c = new CarriedRxMeta()
        const s = new ValueScratch()
        return function store_tlv(ctx) {
          prepare(ctx, pc)
          r.read(ctx, c)
          if (c.hashRc === 0) {
            s.view.setUint32(0, c.hash, true)
            s.view.setUint32(4, c.hashType, true)
            xdpTlvSet(ctx, L, K_HASH, s.buf, 0, 8)
          }
          if (c.vlanRc === 0) {
            s.view.setUint16(0, c.vlanProto, true)
            s.view.setUint16(2, c.vlanTci, true)
            xdpTlvSet(ctx, L, K_VLAN, s.buf, 0, 4)
          }
          if (c.tsRc === 0) {
            s.view.setUint32(0, c.tsLo, true)
            s.view.setUint32(4, c.tsHi, true)
            xdpTlvSet(ctx, L, K_TS, s.buf, 0, 8)
          }
          return bpfRedirectMap(map, 0, XDP_DROP)
        }
      })
  }
}

/** Decode hash / VLAN / timestamp values a getter left in `s` into `c` (rc >= 0: present). */
const decodeHash = (rc: number, s: ValueScratch, c: CarriedRxMeta): void => {
  c.hashRc = rc >= 0 ? 0 : rc
  if (rc >= 0) {
    c.hash = s.view.getUint32(0, true)
    c.hashType = s.view.getUint32(4, true)
  }
}
const decodeVlan = (rc: number, s: ValueScratch, c: CarriedRxMeta): void => {
  c.vlanRc = rc >= 0 ? 0 : rc
  if (rc >= 0) {
    c.vlanProto = s.view.getUint16(0, true)
    c.vlanTci = s.view.getUint16(2, true)
  }
}
const decodeTs = (rc: number, s: ValueScratch, c: CarriedRxMeta): void => {
  c.tsRc = rc >= 0 ? 0 : rc
  if (rc >= 0) {
    c.tsLo = s.view.getUint32(0, true)
    c.tsHi = s.view.getUint32(4, true)
  }
}

/**
 * DEVMAP route: the XDP program on the veth-like second device that reads the design back and
 * records it, then XDP_DROP. xdp_rx_meta designs read through the RX kfuncs (the device's ops are
 * the series' load-from-buff functions); the others through the design's get kfuncs.
 */
export const placementXdpReader = (style: PlacementStyle, pc: PlacementContext, sink: ProbeSink): XdpProgramSpec => {
  const L = pc.layout
  const name = `read_${style.replace(/-/g, "_")}`
  const plain = (make: () => XdpProgramFn): XdpProgramSpec => ({ name, kfuncs: [], instantiate: make })
  switch (style) {
    case "redirect-only":
      return plain(() => {
        return function read_nothing() {
          nextRecord(sink)
          return XDP_DROP
        }
      })
    case "data-meta":
      return plain(() => {
        const c = new CarriedRxMeta()
        return function read_data_meta(ctx) {
          if (ctx.data - ctx.dataMeta === METADATA_SIZE) recordCarried(sink, readXdpMeta(ctx.area.view, ctx.dataMeta, c))
          else recordAbsent(sink)
          return XDP_DROP
        }
      })
    case "xdp-rx-meta-v2":
    case "xdp-rx-meta-ts":
      return {
        name,
        kfuncs: ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag"],
        instantiate: ({ kfuncs }) => {
          const r = new HintReader(kfuncs)
          const c = new CarriedRxMeta()
          return function read_xdp_rx_meta(ctx) {
            recordCarried(sink, r.read(ctx, c))
            return XDP_DROP
          }
        }
      }
    case "registry":
      return plain(() => {
        const c = new CarriedRxMeta()
        const s = new ValueScratch()
        return function read_registry(ctx) {
          c.clear()
          decodeHash(xdpRegistryGet(ctx, pc, RegistryFieldId.HASH, s.buf, 0, RegistryFieldSize.HASH), s, c)
          decodeVlan(xdpRegistryGet(ctx, pc, RegistryFieldId.VLAN, s.buf, 0, RegistryFieldSize.VLAN), s, c)
          decodeTs(xdpRegistryGet(ctx, pc, RegistryFieldId.TIMESTAMP, s.buf, 0, RegistryFieldSize.TIMESTAMP), s, c)
          recordCarried(sink, c)
          return XDP_DROP
        }
      })
    case "traits-v1":
    case "traits-v2":
      return plain(() => {
        const c = new CarriedRxMeta()
        const s = new ValueScratch()
        return function read_traits(ctx) {
          c.clear()
          decodeHash(xdpTraitGet(ctx, L, K_HASH, s.buf, 0, 8), s, c)
          decodeVlan(xdpTraitGet(ctx, L, K_VLAN, s.buf, 0, 8), s, c)
          decodeTs(xdpTraitGet(ctx, L, K_TS, s.buf, 0, 8), s, c)
          recordCarried(sink, c)
          return XDP_DROP
        }
      })
    case "tlv":
      return plain(() => {
        const c = new CarriedRxMeta()
        const s = new ValueScratch()
        return function read_tlv(ctx) {
          c.clear()
          decodeHash(xdpTlvGet(ctx, L, K_HASH, s.buf, 0, 8), s, c)
          decodeVlan(xdpTlvGet(ctx, L, K_VLAN, s.buf, 0, 8), s, c)
          decodeTs(xdpTlvGet(ctx, L, K_TS, s.buf, 0, 8), s, c)
          recordCarried(sink, c)
          return XDP_DROP
        }
      })
  }
}

/** CPUMAP route: what reads the skb a kthread built (its metadata area, fields, or placement extensions). */
export type PlacedSkbReader = (skb: SkbRecord, ext: SkbPlacementExt, mem: Uint8Array, view: DataView) => void

/**
 * The consumer of the skb: data-meta reads struct xdp_meta at data - skb_metadata_len (what a TC
 * program reads through __sk_buff->data_meta); xdp_rx_meta designs the skb's own fields (all that
 * survives; the record is the skb projection); registry, traits, TLV their skb extension through
 * the design's getters (the builder also filled the skb fields from the registry's predefined ids).
 */
export const placementSkbReader = (style: PlacementStyle, pc: PlacementContext, sink: ProbeSink): PlacedSkbReader => {
  const variant = pc.layout.traitsVariant
  switch (style) {
    case "redirect-only": {
      return function skb_read_nothing() {
        nextRecord(sink)
      }
    }
    case "data-meta": {
      const c = new CarriedRxMeta()
      return function skb_read_data_meta(skb, _ext, _mem, view) {
        if (skb.metaLen === METADATA_SIZE) recordCarried(sink, readXdpMeta(view, skb.dataAddr - METADATA_SIZE, c))
        else recordAbsent(sink)
      }
    }
    case "xdp-rx-meta-v2":
    case "xdp-rx-meta-ts":
      return function skb_read_fields(skb) {
        const r = sink.rec
        const b = nextRecord(sink)
        r[b] = 0
        r[b + 1] = skb.hash
        r[b + 2] = skb.hashType
        r[b + 3] = 0
        r[b + 4] = skb.hwtstampHi
        r[b + 5] = skb.hwtstampLo
        const v = skb.vlanPresent
        r[b + 6] = v ? 0 : ABSENT
        r[b + 7] = v ? bswap16(skb.vlanProto) : 0
        r[b + 8] = v ? skb.vlanTci : 0
      }
    case "registry": {
      const c = new CarriedRxMeta()
      const s = new ValueScratch()
      const t = pc.registry
      return function skb_read_registry(_skb, ext) {
        c.clear()
        if (ext.registryLen === 0) {
          recordAbsent(sink)
          return
        }
        decodeHash(registryGet(ext.registry, 0, t, RegistryFieldId.HASH, s.buf, 0, RegistryFieldSize.HASH), s, c)
        decodeVlan(registryGet(ext.registry, 0, t, RegistryFieldId.VLAN, s.buf, 0, RegistryFieldSize.VLAN), s, c)
        decodeTs(registryGet(ext.registry, 0, t, RegistryFieldId.TIMESTAMP, s.buf, 0, RegistryFieldSize.TIMESTAMP), s, c)
        recordCarried(sink, c)
      }
    }
    case "traits-v1":
    case "traits-v2": {
      const c = new CarriedRxMeta()
      const s = new ValueScratch()
      return function skb_read_traits(_skb, ext) {
        c.clear()
        decodeHash(traitGet(ext.traits, ext.traitsView, 0, variant, K_HASH, s.buf, 0, 8), s, c)
        decodeVlan(traitGet(ext.traits, ext.traitsView, 0, variant, K_VLAN, s.buf, 0, 8), s, c)
        decodeTs(traitGet(ext.traits, ext.traitsView, 0, variant, K_TS, s.buf, 0, 8), s, c)
        recordCarried(sink, c)
      }
    }
    case "tlv": {
      const c = new CarriedRxMeta()
      const s = new ValueScratch()
      return function skb_read_tlv(_skb, ext) {
        c.clear()
        decodeHash(tlvGet(ext.tlv, ext.tlvView, 0, ext.tlvLen, K_HASH, s.buf, 0, 8), s, c)
        decodeVlan(tlvGet(ext.tlv, ext.tlvView, 0, ext.tlvLen, K_VLAN, s.buf, 0, 8), s, c)
        decodeTs(tlvGet(ext.tlv, ext.tlvView, 0, ext.tlvLen, K_TS, s.buf, 0, 8), s, c)
        recordCarried(sink, c)
      }
    }
  }
}
