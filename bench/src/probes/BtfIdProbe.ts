/**
 * The btf-id style RX probe for a hint set (Jesper Brouer's per-packet BTF-id hints, RFC v1 / RFCv2
 * 2022; the driver side is drivers-sim SimBtfIdHints.ts, the full program programs
 * BtfIdHintsProgram.ts): the driver writes a hints struct ending at `data` whose last member is
 * its BTF id; the program reads the id at data - 4 (u32 type id; the bench runs btfIdWidth 4),
 * switches on it to pick the layout (v1 without, v2 with the RX timestamp), and reads the set's
 * hints into the same probe record as every other RX style (ProbeRecord.ts), returning XDP_DROP.
 *
 * Layouts are resolved once at load against the driver's hints BTF: the type ids and sizes of the
 * structs `union metadata_hints_avail` lists (programs discoverHintStructs), and the byte offset of
 * each member by name through the embedded `struct xdp_hints_common` — what CO-RE's
 * TYPE_ID_TARGET, TYPE_SIZE and FIELD_BYTE_OFFSET relocations give the BPF program. The
 * generated source carries them as literals (a relocated BPF load is a fixed-offset load).
 *
 * Record mapping (flags: enum xdp_hints_flags of RFCv2 and the sim's driver flags from BIT(16)):
 *   hash     SIM_RSS BIT(17)          -> rx_hash32, rss_type            else -ENODATA
 *   ts       v2 and SIM_RX_TIMESTAMP BIT(16) -> rx_timestamp (u64)      else -ENODATA
 *   vlan     VLAN_PRESENT BIT(8)      -> proto htons(0x88a8) if VLAN_PROTO_ETH_P_8021AD BIT(10)
 *                                        else htons(0x8100), vlan_tci   else -ENODATA
 *   checksum SIM_CSUM BIT(18)         -> CSUM_TYPE bits 1:0 (CHECKSUM_NONE/UNNECESSARY/COMPLETE),
 *                                        csum (COMPLETE only), CSUM_LEVEL bits 3:2   else -ENODATA
 * A packet with no hints or an unknown id writes no record (the equality check then fails).
 */
import { type Btf, BtfKind } from "@devtx/bpf"
import { EthProto, htons, type XdpProgramFn, XdpChecksum } from "@devtx/core"
import { discoverHintStructs } from "@devtx/programs"
import { Result } from "effect"
import { type HintMask, type ProbeSink, REC_WORDS } from "./ProbeRecord.js"

const XDP_DROP = 1
const ENODATA = -61
const F_VLAN_PRESENT = 1 << 8
const F_VLAN_8021AD = 1 << 10
const F_SIM_RX_TIMESTAMP = 1 << 16
const F_SIM_RSS = 1 << 17
const F_SIM_CSUM = 1 << 18

interface HintsLayout {
  readonly typeId: number
  readonly size: number
  /** -1: the layout has no timestamp */
  readonly rxTimestamp: number
  readonly rssType: number
  readonly csum: number
  readonly vlanTci: number
  readonly rxHash32: number
  readonly flags: number
}

/** byte offset of member `name` of struct `id`, searching anonymous / embedded members named in `via` */
const memberOffset = (btf: Btf, id: number, path: ReadonlyArray<string>): number => {
  let t = btf.typeById(id)
  let off = 0
  for (const name of path) {
    if (t === undefined || (t.kind !== BtfKind.Struct && t.kind !== BtfKind.Union)) return -1
    const m = t.members.find((x) => x.name === name)
    if (m === undefined) return -1
    off += m.bitOffset / 8
    let next = btf.typeById(m.type)
    while (next !== undefined && (next.kind === BtfKind.Typedef || next.kind === BtfKind.Const || next.kind === BtfKind.Volatile)) next = btf.typeById(next.type)
    t = next
  }
  return off
}

export const btfIdLayouts = (split: Btf): { readonly v1: HintsLayout; readonly v2: HintsLayout } | string => {
  const r = discoverHintStructs(split)
  if (Result.isFailure(r)) return r.failure.reason
  const by = (suffix: string) => r.success.find((s) => s.name.endsWith(suffix))
  const s1 = by("_v1")
  const s2 = by("_v2")
  if (s1 === undefined || s2 === undefined) return `metadata_hints_avail lists ${r.success.map((s) => s.name).join(", ")}: no _v1 / _v2 struct`
  const lay = (s: { typeId: number; size: number }, ts: boolean): HintsLayout => ({
    typeId: s.typeId,
    size: s.size,
    rxTimestamp: ts ? memberOffset(split, s.typeId, ["rx_timestamp"]) : -1,
    rssType: memberOffset(split, s.typeId, ["rss_type"]),
    csum: memberOffset(split, s.typeId, ["common", "csum"]) >= 0 ? memberOffset(split, s.typeId, ["common", "csum"]) : memberOffset(split, s.typeId, ["common"]),
    vlanTci: memberOffset(split, s.typeId, ["common", "vlan_tci"]),
    rxHash32: memberOffset(split, s.typeId, ["common", "rx_hash32"]),
    flags: memberOffset(split, s.typeId, ["common", "xdp_hints_flags"])
  })
  const v1 = lay(s1, false)
  const v2 = lay(s2, true)
  for (const [n, l] of [
    ["v1", v1],
    ["v2", v2]
  ] as const)
    if (l.rssType < 0 || l.vlanTci < 0 || l.rxHash32 < 0 || l.flags < 0 || l.csum < 0 || (n === "v2" && l.rxTimestamp < 0)) return `hints struct ${n} lacks a member the probe reads`
  return { v1, v2 }
}

const hintCode = (L: HintsLayout): ReadonlyArray<string> => [
  `if ((f & ${F_SIM_RSS}) !== 0) { r[b] = 0; r[b + 1] = v.getUint32(s + ${L.rxHash32}, true); r[b + 2] = v.getUint32(s + ${L.rssType}, true) } else { r[b] = ${ENODATA}; r[b + 1] = 0; r[b + 2] = 0 }`,
  L.rxTimestamp < 0
    ? `r[b + 3] = ${ENODATA}; r[b + 4] = 0; r[b + 5] = 0;`
    : `if ((f & ${F_SIM_RX_TIMESTAMP}) !== 0) { r[b + 3] = 0; r[b + 4] = v.getUint32(s + ${L.rxTimestamp + 4}, true); r[b + 5] = v.getUint32(s + ${L.rxTimestamp}, true) } else { r[b + 3] = ${ENODATA}; r[b + 4] = 0; r[b + 5] = 0 }`,
  `if ((f & ${F_VLAN_PRESENT}) !== 0) { r[b + 6] = 0; r[b + 7] = (f & ${F_VLAN_8021AD}) !== 0 ? ${htons(EthProto.P_8021AD)} : ${htons(EthProto.P_8021Q)}; r[b + 8] = v.getUint16(s + ${L.vlanTci}, true) } else { r[b + 6] = ${ENODATA}; r[b + 7] = 0; r[b + 8] = 0 }`,
  `if ((f & ${F_SIM_CSUM}) !== 0) { const t = f & 3; r[b + 9] = 0; r[b + 10] = t === 2 ? ${XdpChecksum.COMPLETE} : t === 1 ? ${XdpChecksum.UNNECESSARY} : ${XdpChecksum.NONE}; r[b + 11] = t === 2 ? v.getUint32(s + ${L.csum}, true) : 0; r[b + 12] = (f >>> 2) & 3 } else { r[b + 9] = ${ENODATA}; r[b + 10] = 0; r[b + 11] = 0; r[b + 12] = 0 }`
]

/** The btf-id probe of a hint set over the two layouts. */
export const btfIdProbe = (layouts: { readonly v1: HintsLayout; readonly v2: HintsLayout }, mask: HintMask, sink: ProbeSink, verdict = XDP_DROP): XdpProgramFn => {
  const branch = (L: HintsLayout) =>
    [`const s = data - ${L.size}; const f = v.getUint32(s + ${L.flags}, true);`, ...hintCode(L).filter((_, i) => (mask & (1 << i)) !== 0)].map((l) => `      ${l}`).join("\n")
  const src = [
    `"use strict";`,
    `const r = sink.rec, cur = sink.cursor, mask = sink.mask;`,
    `return function probe_btf_id_m${mask}(ctx) {`,
    `  const v = ctx.area.view, data = ctx.data, ml = data - ctx.dataMeta;`,
    `  if (ml < 4) return ${verdict};`,
    `  const id = v.getUint32(data - 4, true);`,
    `  if (id === ${layouts.v2.typeId} && ml >= ${layouts.v2.size}) {`,
    `    const b = (cur[0]++ & mask) * ${REC_WORDS};`,
    `    {\n${branch(layouts.v2)}\n    }`,
    `  } else if (id === ${layouts.v1.typeId} && ml >= ${layouts.v1.size}) {`,
    `    const b = (cur[0]++ & mask) * ${REC_WORDS};`,
    `    {\n${branch(layouts.v1)}\n    }`,
    `  }`,
    `  return ${verdict};`,
    `}`
  ].join("\n")
  return (new Function("sink", src) as (s: ProbeSink) => XdpProgramFn)(sink)
}
