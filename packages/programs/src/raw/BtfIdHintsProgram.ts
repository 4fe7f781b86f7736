/**
 * hw-metadata over Jesper Brouer's per-packet BTF-id hints (XDP-hints via BTF, RFC v1 Jun 2022 /
 * RFCv2 Sep 2022): the driver writes a hints struct whose LAST member is its BTF id, ending at
 * `data`; the program reads the id at data - 4 (v1, u32 type id) or data - 8 (RFCv2, u64
 * btf_full_id = BTF object id << 32 | type id), switches on it to pick the layout, and fills the
 * same struct xdp_meta as the other hw-metadata programs.
 *
 *   data_meta                                                      data
 *      | xdp_hints_sim_v2: rx_timestamp | flow_mark | rss_type | common: csum | rx_queue |
 *      |   vlan_tci | rx_hash32 | xdp_hints_flags | btf_id (u32) or btf_full_id (u64) |
 *                                                                 ^ data - 4 / data - 8
 *
 * Load (control plane, libbpf's part):
 *  - discovery: `discoverHintStructs` walks the union `metadata_hints_avail` of the driver's hints
 *    BTF and lists the structs it offers (Toke's idea as relayed by Jesper, Sep 2021 — a name from
 *    a design mail, never merged; see drivers-sim SimBtfIdHintsBtf.ts);
 *  - the program's local views `xdp_hints_sim_v1___devtx` / `_v2___devtx` are relocated with
 *    CO-RE: BPF_CORE_TYPE_ID_TARGET gives the id each `case` compares with (what
 *    bpf_core_type_id_kernel() compiles to), BPF_CORE_TYPE_SIZE the struct size (its start is
 *    data - size), BPF_CORE_FIELD_BYTE_OFFSET each field's offset, through the embedded
 *    struct xdp_hints_common and its anonymous csum union. A layout the program does not know
 *    (an id matching no case, or RFCv2's object id not the module's) is counted in
 *    `unknownLayout` and passes without a record — never decoded with the wrong layout.
 *
 * Flags → xdp_meta (the sim's driver flags from BIT(16), see SimBtfIdHints.ts): RX_TIMESTAMP and
 * the v2 layout -> rx_timestamp; RSS -> rx_hash32 + rss_type; VLAN_PRESENT -> vlan_tci with the
 * proto from VLAN_PROTO_ETH_P_8021Q/AD; CSUM -> CSUM_TYPE (NONE/UNNECESSARY/COMPLETE), CSUM_LEVEL,
 * csum (COMPLETE). Absent -> -ENODATA.
 *
 * Per packet: no allocation, no exceptions, no BigInt (the u64 id is read as two u32 halves).
 */
import {
  type Btf,
  BtfBuilder,
  BtfKind,
  CoreReloKind,
  CoreRelocator,
  findByName,
  type MemberSpec,
  skipModsAndTypedefs,
  type TypeId
} from "@devtx/bpf"
import {
  Errno,
  type LoadedXdpProgram,
  type NetDevice,
  RxTimestampOut,
  type TaiClock,
  adjustMeta,
  XdpAction,
  type XdpBuff,
  XdpChecksum
} from "@devtx/core"
import { Data, Effect, Result } from "effect"
import { XdpMeta } from "../hw-metadata/XdpMetaLayout.js"
import { storeChecksum, storeHash, storeHintValid, storeTimestamp, storeVlan } from "./RawXdpMetaStore.js"

export const METADATA_HINTS_AVAIL = "metadata_hints_avail"

export class HintsDiscoveryError extends Data.TaggedError("HintsDiscoveryError")<{
  readonly unionName: string
  readonly reason: string
  /** the offending type id (0 when the union itself is missing) */
  readonly typeId: number
}> {}

export interface HintStructInfo {
  readonly member: string
  readonly name: string
  readonly typeId: number
  readonly size: number
}

/** Walk `union <unionName>` of a driver's hints BTF: the hint structs it offers. */
export const discoverHintStructs = (btf: Btf, unionName = METADATA_HINTS_AVAIL): Result.Result<ReadonlyArray<HintStructInfo>, HintsDiscoveryError> => {
  const id = findByName(btf, unionName, BtfKind.Union)
  if (id === undefined) return Result.fail(new HintsDiscoveryError({ unionName, reason: `no union named ${unionName} in the BTF`, typeId: 0 }))
  const u = btf.typeById(id)
  if (u === undefined || u.kind !== BtfKind.Union) return Result.fail(new HintsDiscoveryError({ unionName, reason: "not a union", typeId: id }))
  const out: HintStructInfo[] = []
  for (const m of u.members) {
    const r = skipModsAndTypedefs(btf, m.type)
    if (r.type === undefined || r.type.kind !== BtfKind.Struct)
      return Result.fail(new HintsDiscoveryError({ unionName, reason: `member ${m.name} is not a struct`, typeId: r.id }))
    out.push({ member: m.name, name: r.type.name, typeId: r.id, size: r.type.size })
  }
  return Result.succeed(out)
}

export class BtfIdHintsLoadError extends Data.TaggedError("BtfIdHintsLoadError")<{
  readonly program: string
  readonly localType: string
  readonly accessStr: string
  readonly kind: string
  readonly reason: string
}> {}

/** What the driver's hints BTF gives the loader: its split BTF and (RFCv2) its object id. */
export interface HintsTarget {
  readonly split: Btf
  readonly btfObjId: number
}

export class BtfIdHintsCounters {
  v1 = 0
  v2 = 0
  unknownLayout = 0
  noHints = 0
}

// ---- the program's local views (what clang emits for its struct ___devtx declarations) --------
interface Layout {
  readonly typeId: number
  readonly size: number
  /** field byte offsets from the struct start; -1: the layout has no such field */
  readonly rxTimestamp: number
  readonly flowMark: number
  readonly rssType: number
  readonly csum: number
  readonly vlanTci: number
  readonly rxHash32: number
  readonly flags: number
}

const buildLocal = () => {
  const b = new BtfBuilder()
  const u16 = b.addInt("short unsigned int", 2)
  const u32 = b.addInt("unsigned int", 4)
  const u64 = b.addInt("long long unsigned int", 8)
  const m = (name: string, type: TypeId, byteOff: number): MemberSpec => ({ name, type, bitOffset: byteOff * 8 })
  const common = b.addStruct("xdp_hints_common___devtx", 16, [
    m("csum", u32, 0),
    m("rx_queue", u16, 4),
    m("vlan_tci", u16, 6),
    m("rx_hash32", u32, 8),
    m("xdp_hints_flags", u32, 12)
  ])
  const v1 = b.addStruct("xdp_hints_sim_v1___devtx", 20, [m("rss_type", u32, 0), m("common", common, 4)])
  const v2 = b.addStruct("xdp_hints_sim_v2___devtx", 32, [m("rx_timestamp", u64, 0), m("flow_mark", u32, 8), m("rss_type", u32, 12), m("common", common, 16)])
  const built = b.build()
  if (Result.isFailure(built)) throw new Error(`local BTF does not build: ${built.failure.message}`)
  return { btf: built.success.btf, v1, v2 }
}

const PROGRAM = "xdp_hw_metadata_btf_id_hints"

const relocateLayouts = (target: HintsTarget): Effect.Effect<{ v1: Layout; v2: Layout }, BtfIdHintsLoadError> =>
  Effect.suspend(() => {
    const local = buildLocal()
    const r = new CoreRelocator(local.btf, target.split)
    let idx = 0
    let failure: BtfIdHintsLoadError | undefined
    const relo = (typeId: TypeId, accessStr: string, kind: number, kindName: string, optional = false): number => {
      if (failure !== undefined) return -1
      const res = r.resolve({ insnOff: idx * 8, typeId, accessStr, kind }, { reloIndex: idx++, progName: PROGRAM })
      const localType = local.btf.typeById(typeId)
      const name = localType !== undefined && "name" in localType ? localType.name : String(typeId)
      if (Result.isFailure(res)) {
        failure = new BtfIdHintsLoadError({ program: PROGRAM, localType: name, accessStr, kind: kindName, reason: res.failure.message })
        return -1
      }
      if (res.success.poison) {
        if (!optional) failure = new BtfIdHintsLoadError({ program: PROGRAM, localType: name, accessStr, kind: kindName, reason: "no match in the target" })
        return -1
      }
      return Number(res.success.newValue)
    }
    const layout = (id: TypeId, hasTs: boolean, common: number): Layout => {
      const cf = (i: number) => relo(id, `0:${common}:${i}`, CoreReloKind.FieldByteOffset, "byte_off")
      return {
        typeId: relo(id, "0", CoreReloKind.TypeIdTarget, "target_type_id"),
        size: relo(id, "0", CoreReloKind.TypeSize, "type_size"),
        rxTimestamp: hasTs ? relo(id, "0:0", CoreReloKind.FieldByteOffset, "byte_off") : -1,
        flowMark: hasTs ? relo(id, "0:1", CoreReloKind.FieldByteOffset, "byte_off") : -1,
        rssType: relo(id, hasTs ? "0:2" : "0:0", CoreReloKind.FieldByteOffset, "byte_off"),
        csum: cf(0),
        vlanTci: cf(2),
        rxHash32: cf(3),
        flags: cf(4)
      }
    }
    const v1 = layout(local.v1, false, 1)
    const v2 = layout(local.v2, true, 3)
    return failure !== undefined ? Effect.fail(failure) : Effect.succeed({ v1, v2 })
  })

/** sim driver flags (SimBtfIdHints.ts) and enum xdp_hints_flags (RFCv2) */
const F_CSUM_TYPE_MASK = 0x3
const F_CSUM_LEVEL_SHIFT = 2
const F_VLAN_PRESENT = 1 << 8
const F_VLAN_8021AD = 1 << 10
const F_SIM_RX_TIMESTAMP = 1 << 16
const F_SIM_RSS = 1 << 17
const F_SIM_CSUM = 1 << 18
/** HINT_CHECKSUM_* = CHECKSUM_* */
const CSUM_UNNECESSARY = 1
const CSUM_COMPLETE = 2

export const loadBtfIdHintsProgram = (
  device: NetDevice,
  target: HintsTarget,
  idWidth: 4 | 8,
  clock: TaiClock,
  counters = new BtfIdHintsCounters()
): Effect.Effect<LoadedXdpProgram, BtfIdHintsLoadError> =>
  Effect.map(relocateLayouts(target), ({ v1, v2 }) => {
    const objId = target.btfObjId
    const now = new RxTimestampOut()
    const run = (ctx: XdpBuff): number => {
      const v = ctx.area.view
      const data = ctx.data
      const metaLen = data - ctx.dataMeta
      if (metaLen < idWidth) {
        counters.noHints++
        return XdpAction.PASS
      }
      const typeId = v.getUint32(data - idWidth, true)
      if (idWidth === 8 && v.getUint32(data - 4, true) !== objId) {
        counters.unknownLayout++
        return XdpAction.PASS
      }
      const L = typeId === v1.typeId ? v1 : typeId === v2.typeId ? v2 : undefined
      if (L === undefined || metaLen < L.size) {
        counters.unknownLayout++
        return XdpAction.PASS
      }
      if (L === v1) counters.v1++
      else counters.v2++
      // read every hint before the record overwrites the area
      const s = data - L.size
      const flags = v.getUint32(s + L.flags, true)
      const hasTs = L.rxTimestamp >= 0 && (flags & F_SIM_RX_TIMESTAMP) !== 0
      const tsLo = hasTs ? v.getUint32(s + L.rxTimestamp, true) : 0
      const tsHi = hasTs ? v.getUint32(s + L.rxTimestamp + 4, true) : 0
      const hash = v.getUint32(s + L.rxHash32, true)
      const rssType = v.getUint32(s + L.rssType, true)
      const tci = v.getUint16(s + L.vlanTci, true)
      const csum = v.getUint32(s + L.csum, true)
      // the record replaces the hints: data_meta = data - sizeof(struct xdp_meta)
      if (adjustMeta(ctx, L.size - XdpMeta.SIZE) !== 0) return XdpAction.PASS
      const m = ctx.dataMeta
      clock.read(now)
      v.setUint32(m + XdpMeta.XDP_TIMESTAMP, now.lo, true)
      v.setUint32(m + XdpMeta.XDP_TIMESTAMP + 4, now.hi, true)
      let valid = storeTimestamp(v, m, hasTs ? 0 : -Errno.ENODATA, tsHi, tsLo)
      valid |= storeHash(v, m, (flags & F_SIM_RSS) !== 0 ? 0 : -Errno.ENODATA, hash, rssType)
      valid |= storeVlan(v, m, (flags & F_VLAN_PRESENT) !== 0 ? 0 : -Errno.ENODATA, (flags & F_VLAN_8021AD) !== 0 ? 0x88a8 : 0x8100, tci)
      const type = flags & F_CSUM_TYPE_MASK
      valid |= storeChecksum(
        v,
        m,
        (flags & F_SIM_CSUM) !== 0 ? 0 : -Errno.ENODATA,
        type === CSUM_COMPLETE ? XdpChecksum.COMPLETE : type === CSUM_UNNECESSARY ? XdpChecksum.UNNECESSARY : XdpChecksum.NONE,
        type === CSUM_COMPLETE ? csum : 0,
        (flags >>> F_CSUM_LEVEL_SHIFT) & 3
      )
      storeHintValid(v, m, valid)
      return XdpAction.PASS
    }
    const layoutText = (l: Layout) => `type_id=${l.typeId} size=${l.size}`
    return {
      name: PROGRAM,
      spec: { name: PROGRAM, kfuncs: [], instantiate: () => run },
      run,
      boundIfindex: device.ifindex,
      resolution: { xdp_hints_sim_v1: layoutText(v1), xdp_hints_sim_v2: layoutText(v2) }
    }
  })
