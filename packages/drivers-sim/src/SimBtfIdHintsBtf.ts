/**
 * The BTF of the sim's XDP-hints structs (datapath/SimBtfIdHints.ts), as its own split BTF on
 * core's kernel base — the module BTF a driver of Jesper's design would carry, separate from the
 * descriptor BTF of SimBtf.ts. Holds struct xdp_hints_common (RFC v1 u32 `btf_id` or RFCv2 u64
 * `btf_full_id`, by `idWidth`), struct xdp_hints_sim_v1 / _v2, and the discovery union
 *
 *   union metadata_hints_avail { struct xdp_hints_sim_v1 sim_v1; struct xdp_hints_sim_v2 sim_v2; }
 *
 * The union name is Toke's idea as Jesper relayed it ("XDP-hints as BTF early design discussion
 * phase", bpf@vger, 13 Sep 2021, Message-ID 6850bdde-b660-5ed3-9749-2fc6c1c1d0b7@redhat.com:
 * "defining a union with a known name e.g. metadata_hints_avail' ... To find struct names, we BTF
 * walk this union"). It was an example name in a design mail, never merged; the 2022 RFC's i40e
 * patch named its union `xdp_hints_union`. devtx keeps `metadata_hints_avail`.
 *
 * `typeIds` are the BTF type ids the driver writes as the hints' last member: ids in the split
 * BTF (continuing the base's numbering, as a module's ids continue vmlinux's). `btfObjId` is the
 * object id the kernel would have assigned the module BTF at load (RFCv2's upper 32 bits);
 * fixed here so runs repeat.
 */
import { type Btf, BtfBuilder, type BtfKind, findByName, kernelBaseBtf, type MemberSpec, type TypeId } from "@devtx/core"
import { Result } from "effect"
import { XdpHintsCommon, xdpHintsCommonSize, XdpHintsSimV1, XdpHintsSimV2 } from "./datapath/SimBtfIdHints.js"

const TYPEDEF = 8 as BtfKind
const STRUCT = 4 as BtfKind
const UNION = 5 as BtfKind

/** the sim module's BTF object id (vmlinux's is 1; modules follow) */
export const SIM_HINTS_BTF_OBJ_ID = 2
export const METADATA_HINTS_AVAIL = "metadata_hints_avail"

export interface SimHintsBtf {
  readonly base: Btf
  readonly baseBytes: Uint8Array
  readonly split: Btf
  readonly splitBytes: Uint8Array
  readonly idWidth: 4 | 8
  readonly btfObjId: number
  readonly typeIds: { readonly v1: number; readonly v2: number; readonly union: number }
}

const must = (btf: Btf, name: string, kind: BtfKind): TypeId => {
  const id = findByName(btf, name, kind)
  if (id === undefined) throw new Error(`BTF has no ${name}`)
  return id
}

const build = (idWidth: 4 | 8): SimHintsBtf => {
  const base = kernelBaseBtf()
  const b = new BtfBuilder(base.btf)
  const u16 = must(base.btf, "__u16", TYPEDEF)
  const u16k = must(base.btf, "u16", TYPEDEF)
  const u32k = must(base.btf, "u32", TYPEDEF)
  const u64k = must(base.btf, "__u64", TYPEDEF)
  const wsum = must(base.btf, "__wsum", TYPEDEF)
  const m = (name: string, type: TypeId, byteOff: number): MemberSpec => ({ name, type, bitOffset: byteOff * 8 })
  const startOff = b.addStruct("", 4, [m("csum_start", u16, 0), m("csum_offset", u16, 2)])
  const csumUnion = b.addUnion("", 4, [m("csum", wsum, 0), m("", startOff, 0)])
  const C = XdpHintsCommon
  const common = b.addStruct("xdp_hints_common", xdpHintsCommonSize(idWidth), [
    m("", csumUnion, C.CSUM),
    m("rx_queue", u16k, C.RX_QUEUE),
    m("vlan_tci", u16k, C.VLAN_TCI),
    m("rx_hash32", u32k, C.RX_HASH32),
    m("xdp_hints_flags", u32k, C.FLAGS),
    idWidth === 4 ? m("btf_id", u32k, C.BTF_ID) : m("btf_full_id", u64k, C.BTF_ID)
  ])
  const cs = xdpHintsCommonSize(idWidth)
  const v1 = b.addStruct("xdp_hints_sim_v1", XdpHintsSimV1.COMMON + cs, [m("rss_type", u32k, XdpHintsSimV1.RSS_TYPE), m("common", common, XdpHintsSimV1.COMMON)])
  const v2 = b.addStruct("xdp_hints_sim_v2", XdpHintsSimV2.COMMON + cs, [
    m("rx_timestamp", u64k, XdpHintsSimV2.RX_TIMESTAMP),
    m("flow_mark", u32k, XdpHintsSimV2.FLOW_MARK),
    m("rss_type", u32k, XdpHintsSimV2.RSS_TYPE),
    m("common", common, XdpHintsSimV2.COMMON)
  ])
  b.addUnion(METADATA_HINTS_AVAIL, XdpHintsSimV2.COMMON + cs, [m("sim_v1", v1, 0), m("sim_v2", v2, 0)])
  const built = b.build()
  if (Result.isFailure(built)) throw new Error(`sim hints BTF does not build: ${built.failure.message}`)
  const split = built.success.btf
  return {
    base: base.btf,
    baseBytes: base.bytes,
    split,
    splitBytes: built.success.bytes,
    idWidth,
    btfObjId: SIM_HINTS_BTF_OBJ_ID,
    typeIds: { v1: must(split, "xdp_hints_sim_v1", STRUCT), v2: must(split, "xdp_hints_sim_v2", STRUCT), union: must(split, METADATA_HINTS_AVAIL, UNION) }
  }
}

const cache = new Map<number, SimHintsBtf>()

/** The hints BTF for the RFC v1 (u32 btf_id) or RFCv2 (u64 btf_full_id) common struct. */
export const simHintsBtf = (idWidth: 4 | 8): SimHintsBtf => {
  let v = cache.get(idWidth)
  if (v === undefined) {
    v = build(idWidth)
    cache.set(idWidth, v)
  }
  return v
}
