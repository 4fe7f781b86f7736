/**
 * Every placement design, end to end: a first program on the sim NIC reads the RX kfuncs and
 * stores the values in its design (data_meta struct xdp_meta, xdp_rx_meta store kfuncs V2 and
 * ts-in-rx-meta, Toke's registry with the kernel-predefined ids, traits v1 and v2, TLV), then
 * XDP_REDIRECTs the frame
 *   (a) into an AF_XDP socket (data_meta directly; the others through a veth-like second device
 *       whose program reads the design back and writes struct xdp_meta for the socket),
 *   (b) to a cpumap-like queue whose kthread builds an skb, and
 *   (c) to a veth-like second device that builds an skb on XDP_PASS.
 * The values at the far end equal ground truth: FrameTruth through expectedRx (hash, VLAN) and
 * the PHC read right after the frame arrived (timestamp) — never the first program's own output.
 */
import {
  adjustMeta,
  bpfRedirectMap,
  builtinCorpus,
  bswap16,
  CpuMap,
  CpuMapQueue,
  attachXdp,
  decodeDriverConfig,
  DevMap,
  expectedRx,
  loadXdpProgram,
  makeXskSocket,
  PktHashType,
  registerUmem,
  RxHashOut,
  RxTimestampOut,
  RxVlanTagOut,
  type SkbRecord,
  type XdpBuff,
  XdpAction,
  XdpDescOff,
  type XdpProgramSpec,
  XskMap,
  type RxKfuncs,
  BPF_F_XDP_DEV_BOUND_ONLY
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { createSimDevice } from "@devtx/drivers-sim/internals"
import { loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import {
  adjustMetaPlaced,
  CarriedRxMeta,
  CpuMapPlacedStats,
  cpuMapRunPlaced,
  makeVethLikeDevice,
  METADATA_SIZE,
  MetaRegistry,
  type PlacementContext,
  type PlacementLayout,
  type PlacementOptions,
  placementPrepare,
  planHeadroom,
  readXdpMeta,
  RegistryFieldId,
  RegistryFieldSize,
  registryGet,
  type SkbPlacementExt,
  storeRxHash,
  storeRxTs,
  storeRxTsInRxMeta,
  storeRxVlan,
  tlvGet,
  traitGet,
  writeXdpMeta,
  xdpRegistryGet,
  xdpRegistrySet,
  xdpTlvGet,
  xdpTlvSet,
  xdpTraitGet,
  xdpTraitSet
} from "@devtx/core"

type DesignName = "data_meta" | "xdp_rx_meta v2" | "xdp_rx_meta ts-in-rx-meta" | "registry" | "traits v1" | "traits v2" | "tlv"

const OPTIONS: Record<DesignName, PlacementOptions> = {
  data_meta: { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "off" },
  "xdp_rx_meta v2": { rxMeta: "v2", registry: false, tlvCapacity: 0, traits: "off" },
  "xdp_rx_meta ts-in-rx-meta": { rxMeta: "ts-in-rx-meta", registry: false, tlvCapacity: 0, traits: "off" },
  registry: { rxMeta: "off", registry: true, tlvCapacity: 0, traits: "off" },
  "traits v1": { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "v1" },
  "traits v2": { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "v2" },
  tlv: { rxMeta: "off", registry: false, tlvCapacity: 48, traits: "off" }
}

/** trait keys / TLV types used for the three values */
const K_HASH = 1
const K_VLAN = 2
const K_TS = 3

const plan = (o: PlacementOptions): PlacementLayout => {
  const l = planHeadroom(o)
  if ("_tag" in l) throw l
  return l
}

// scratch for encoding values (the programs' stack)
const buf = new Uint8Array(8)
const bv = new DataView(buf.buffer)

/** First-hop store: the values `c` into the design. */
const store = (d: DesignName, ctx: XdpBuff, pc: PlacementContext, c: CarriedRxMeta): void => {
  const L = pc.layout
  switch (d) {
    case "data_meta": {
      if (adjustMeta(ctx, -METADATA_SIZE) !== 0) throw new Error("adjust_meta failed")
      writeXdpMeta(ctx.area.view, ctx.dataMeta, c, 0, 0)
      return
    }
    case "xdp_rx_meta v2":
    case "xdp_rx_meta ts-in-rx-meta": {
      if (c.hashRc === 0) expect(storeRxHash(ctx, c.hash, c.hashType)).toBe(0)
      if (c.vlanRc === 0) expect(storeRxVlan(ctx, c.vlanProto, c.vlanTci)).toBe(0)
      if (c.tsRc === 0) expect(d === "xdp_rx_meta v2" ? storeRxTs(ctx, c.tsHi, c.tsLo) : storeRxTsInRxMeta(ctx, c.tsHi, c.tsLo)).toBe(0)
      return
    }
    case "registry": {
      if (c.hashRc === 0) {
        bv.setUint32(0, c.hash, true)
        bv.setUint32(4, c.hashType, true)
        expect(xdpRegistrySet(ctx, pc, RegistryFieldId.HASH, buf, 0, RegistryFieldSize.HASH)).toBe(0)
      }
      if (c.vlanRc === 0) {
        bv.setUint16(0, c.vlanProto, true)
        bv.setUint16(2, c.vlanTci, true)
        expect(xdpRegistrySet(ctx, pc, RegistryFieldId.VLAN, buf, 0, RegistryFieldSize.VLAN)).toBe(0)
      }
      if (c.tsRc === 0) {
        bv.setUint32(0, c.tsLo, true)
        bv.setUint32(4, c.tsHi, true)
        expect(xdpRegistrySet(ctx, pc, RegistryFieldId.TIMESTAMP, buf, 0, RegistryFieldSize.TIMESTAMP)).toBe(0)
      }
      return
    }
    case "traits v1":
    case "traits v2":
    case "tlv": {
      const set = d === "tlv" ? xdpTlvSet : xdpTraitSet
      if (c.hashRc === 0) {
        bv.setUint32(0, c.hash, true)
        bv.setUint32(4, c.hashType, true)
        expect(set(ctx, L, K_HASH, buf, 0, 8)).toBe(0)
      }
      if (c.vlanRc === 0) {
        bv.setUint16(0, c.vlanProto, true)
        bv.setUint16(2, c.vlanTci, true)
        expect(set(ctx, L, K_VLAN, buf, 0, 4)).toBe(0)
      }
      if (c.tsRc === 0) {
        bv.setUint32(0, c.tsLo, true)
        bv.setUint32(4, c.tsHi, true)
        expect(set(ctx, L, K_TS, buf, 0, 8)).toBe(0)
      }
    }
  }
}

/** Decode the three values through a getter `get(key, size) -> rc` filling buf. */
const decodeWith = (get: (key: number, size: number) => number, keys: readonly [number, number, number], c: CarriedRxMeta): CarriedRxMeta => {
  c.clear()
  c.hashRc = get(keys[0], 8) >= 0 ? 0 : -61
  if (c.hashRc === 0) {
    c.hash = bv.getUint32(0, true)
    c.hashType = bv.getUint32(4, true)
  }
  c.vlanRc = get(keys[1], 4) >= 0 ? 0 : -61
  if (c.vlanRc === 0) {
    c.vlanProto = bv.getUint16(0, true)
    c.vlanTci = bv.getUint16(2, true)
  }
  c.tsRc = get(keys[2], 8) >= 0 ? 0 : -61
  if (c.tsRc === 0) {
    c.tsLo = bv.getUint32(0, true)
    c.tsHi = bv.getUint32(4, true)
  }
  return c
}

const REG_KEYS = [RegistryFieldId.HASH, RegistryFieldId.VLAN, RegistryFieldId.TIMESTAMP] as const
const KV_KEYS = [K_HASH, K_VLAN, K_TS] as const

/** Second-hop read of the design inside an XDP program on the veth-like device. */
const readInXdp = (d: DesignName, ctx: XdpBuff, pc: PlacementContext, kfuncs: RxKfuncs, c: CarriedRxMeta): CarriedRxMeta => {
  const L = pc.layout
  switch (d) {
    case "xdp_rx_meta v2":
    case "xdp_rx_meta ts-in-rx-meta": {
      c.clear()
      const ts = new RxTimestampOut()
      const h = new RxHashOut()
      const v = new RxVlanTagOut()
      c.tsRc = kfuncs.rxTimestamp(ctx, ts)
      c.tsHi = ts.hi
      c.tsLo = ts.lo
      c.hashRc = kfuncs.rxHash(ctx, h)
      c.hash = h.hash
      c.hashType = h.rssType
      c.vlanRc = kfuncs.rxVlanTag(ctx, v)
      c.vlanProto = v.vlanProto
      c.vlanTci = v.vlanTci
      if (c.tsRc !== 0) c.tsHi = c.tsLo = 0
      if (c.hashRc !== 0) c.hash = c.hashType = 0
      if (c.vlanRc !== 0) c.vlanProto = c.vlanTci = 0
      return c
    }
    case "registry":
      return decodeWith((k, s) => xdpRegistryGet(ctx, pc, k, buf, 0, s), REG_KEYS, c)
    case "tlv":
      return decodeWith((k) => xdpTlvGet(ctx, L, k, buf, 0, 8), KV_KEYS, c)
    default:
      return decodeWith((k) => xdpTraitGet(ctx, L, k, buf, 0, 8), KV_KEYS, c)
  }
}

/** Read the design from what an skb carries (its metadata area or its placement extensions). */
const readFromSkb = (d: DesignName, skb: SkbRecord, ext: SkbPlacementExt, mem: Uint8Array, pc: PlacementContext, c: CarriedRxMeta): CarriedRxMeta => {
  switch (d) {
    case "data_meta":
      expect(skb.metaLen).toBe(METADATA_SIZE)
      return readXdpMeta(new DataView(mem.buffer, mem.byteOffset), skb.dataAddr - skb.metaLen, c)
    case "registry":
      return decodeWith((k, s) => registryGet(ext.registry, 0, pc.registry, k, buf, 0, s), REG_KEYS, c)
    case "tlv":
      return decodeWith((k) => tlvGet(ext.tlv, ext.tlvView, 0, ext.tlvLen, k, buf, 0, 8), KV_KEYS, c)
    case "traits v1":
    case "traits v2":
      return decodeWith((k) => traitGet(ext.traits, ext.traitsView, 0, pc.layout.traitsVariant, k, buf, 0, 8), KV_KEYS, c)
    default:
      return c.clear()
  }
}

/** comparable form: presence + values */
const tuple = (c: CarriedRxMeta) => [c.tsRc === 0, c.tsHi, c.tsLo, c.hashRc === 0, c.hash, c.hashType, c.vlanRc === 0, bswap16(c.vlanProto), c.vlanTci]
/** the skb's own fields */
const skbTuple = (s: SkbRecord) => [s.hwtstampHi, s.hwtstampLo, s.hash, s.hashType, s.vlanPresent, s.vlanProto, s.vlanTci]

interface Truth {
  readonly full: ReturnType<typeof tuple>
  readonly skb: ReturnType<typeof skbTuple>
}

type Path = "af_xdp" | "cpumap" | "second device"

const run = (design: DesignName, path: Path): { truths: Truth[]; full: unknown[][]; skb: unknown[][]; tsLost: number } => {
  const layout = plan(OPTIONS[design])
  const pc: PlacementContext = { layout, registry: new MetaRegistry("holes").table }
  const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64 }))
  const sim = createSimDevice(cfg, { ifname: "sim0", ifindex: 2 })
  const sem = driver.rxSemantics(cfg)
  const veth = makeVethLikeDevice({ ifname: "veth0", ifindex: 7, layout, registry: pc.registry })
  const full: unknown[][] = []
  const skb: unknown[][] = []
  const c = new CarriedRxMeta()
  const sinkFull = (x: CarriedRxMeta) => full.push(tuple(x))
  veth.placedStack = (s, ext, mem) => {
    skb.push(skbTuple(s))
    sinkFull(readFromSkb(design, s, ext, mem, pc, new CarriedRxMeta()))
  }

  // AF_XDP socket: on the sim (data_meta) or on the veth (the other designs)
  const u = registerUmem({ len: 1024 * 4096, chunkSize: 4096, headroom: 0, flags: 0, txMetadataLen: 0 })
  if (!("area" in u)) throw u
  const xskDev = design === "data_meta" ? sim : veth
  const xsk = makeXskSocket(u, "copy", xskDev.ifindex, 0, { fill: 1024, comp: 8, rx: 1024, tx: 8 })
  if (xsk instanceof RangeError) throw xsk
  for (let i = 0; i < 1024; i++) xsk.fill.addrs[i] = i * 4096
  xsk.fill.producer = xsk.fill.reserved = 1024
  const xskMap = new XskMap(1)
  xskMap.entries[0] = xsk
  const devMap = new DevMap(1)
  devMap.entries[0] = veth
  const cpuMap = new CpuMap(1)
  const q = new CpuMapQueue(8)
  cpuMap.entries[0] = q
  const cstats = new CpuMapPlacedStats()

  const first: XdpProgramSpec = {
    name: `store_${design}`,
    kfuncs: ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag"],
    instantiate: ({ kfuncs }) => {
      const ts = new RxTimestampOut()
      const h = new RxHashOut()
      const v = new RxVlanTagOut()
      return (ctx) => {
        placementPrepare(ctx, pc) // the series' xdp_prepare_buff line (see report)
        c.clear()
        c.tsRc = kfuncs.rxTimestamp(ctx, ts)
        c.tsHi = ts.hi
        c.tsLo = ts.lo
        c.hashRc = kfuncs.rxHash(ctx, h)
        c.hash = h.hash
        c.hashType = h.rssType
        c.vlanRc = kfuncs.rxVlanTag(ctx, v)
        c.vlanProto = v.vlanProto
        c.vlanTci = v.vlanTci
        store(design, ctx, pc, c)
        if (path === "cpumap") return bpfRedirectMap(cpuMap, 0, XdpAction.DROP)
        if (path === "af_xdp" && design === "data_meta") return bpfRedirectMap(xskMap, 0, XdpAction.DROP)
        return bpfRedirectMap(devMap, 0, XdpAction.DROP)
      }
    }
  }
  Effect.runSync(attachXdp(sim, Effect.runSync(loadBound(first, sim, { mode: "dev-bound" }))))
  if (path === "af_xdp" && design !== "data_meta") {
    const second: XdpProgramSpec = {
      name: `to_xsk_${design}`,
      kfuncs: design.startsWith("xdp_rx_meta") ? ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag"] : [],
      instantiate: ({ kfuncs }) => {
        const m = new CarriedRxMeta()
        return (ctx) => {
          readInXdp(design, ctx, pc, kfuncs, m)
          if (adjustMetaPlaced(ctx, -METADATA_SIZE, layout) !== 0) return XdpAction.ABORTED
          writeXdpMeta(ctx.area.view, ctx.dataMeta, m, 0, 0)
          return bpfRedirectMap(xskMap, 0, XdpAction.DROP)
        }
      }
    }
    Effect.runSync(
      attachXdp(veth, Effect.runSync(loadXdpProgram(second, { ifindex: 7, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [veth] })))
    )
  }

  const truths: Truth[] = []
  const phc = new RxTimestampOut()
  let rxSeen = 0
  for (const f of builtinCorpus()) {
    const exp = expectedRx(f.truth, f.bytes, sem)
    if (!exp.received || f.bytes.length > 3000) continue
    sim.hwReceive(f.bytes, 0, f.bytes.length)
    sim.readPhc(phc)
    while (sim.napiPoll(0, 64) > 0) {}
    truths.push({
      full: [exp.tsRc === 0, exp.tsRc === 0 ? phc.hi : 0, exp.tsRc === 0 ? phc.lo : 0, exp.hash.rc === 0, exp.hash.hash, exp.hash.type, exp.vlan.rc === 0, exp.vlan.proto, exp.vlan.tci],
      skb: [
        exp.tsRc === 0 ? phc.hi : 0,
        exp.tsRc === 0 ? phc.lo : 0,
        exp.hash.rc === 0 ? exp.hash.hash : 0,
        exp.hash.rc !== 0 ? PktHashType.NONE : exp.hash.type & 8 ? PktHashType.L4 : PktHashType.L3,
        exp.vlan.rc === 0,
        exp.vlan.rc === 0 ? exp.vlan.proto : 0,
        exp.vlan.rc === 0 ? exp.vlan.tci : 0
      ]
    })
    if (path === "cpumap")
      cpuMapRunPlaced(q, layout, pc.registry, (s, ext, mem) => {
        skb.push(skbTuple(s))
        sinkFull(readFromSkb(design, s, ext, mem, pc, new CarriedRxMeta()))
      }, cstats)
    if (path === "af_xdp") {
      while (rxSeen < xsk.rx.producer) {
        const o = (rxSeen & xsk.rx.mask) * 16
        const addr = xsk.rx.view.getUint32(o + XdpDescOff.ADDR, true)
        full.push(tuple(readXdpMeta(u.area.view, addr - METADATA_SIZE, new CarriedRxMeta())))
        rxSeen++
      }
    }
  }
  expect(sim.rxStats.xdpRedirectErrors).toBe(0)
  expect(veth.rxStats.xdpRedirectErrors).toBe(0)
  return { truths, full, skb, tsLost: cstats.tsLost + veth.tsLost }
}

const DESIGNS: ReadonlyArray<DesignName> = ["data_meta", "xdp_rx_meta v2", "xdp_rx_meta ts-in-rx-meta", "registry", "traits v1", "traits v2", "tlv"]

describe("placement round trips: values at the far end == ground truth", () => {
  for (const design of DESIGNS) {
    it(`${design} -> AF_XDP`, () => {
      const r = run(design, "af_xdp")
      expect(r.truths.length).toBeGreaterThan(300)
      expect(r.full).toEqual(r.truths.map((t) => t.full))
      // the corpus exercises present and absent values of each kind
      for (const i of [3, 6]) {
        expect(r.truths.some((t) => t.full[i] === true)).toBe(true)
        expect(r.truths.some((t) => t.full[i] === false)).toBe(true)
      }
      expect(r.truths.every((t) => t.full[0] === true)).toBe(true)
    })

    it(`${design} -> cpumap -> skb`, () => {
      const r = run(design, "cpumap")
      expect(r.truths.length).toBeGreaterThan(300)
      if (design.startsWith("xdp_rx_meta") || design === "registry") {
        // V2 keeps the timestamp in skb_shared_info; the cpumap hands the whole page over, so it survives
        expect(r.skb).toEqual(r.truths.map((t) => t.skb))
        expect(r.tsLost).toBe(0)
      }
      if (design !== "xdp_rx_meta v2" && design !== "xdp_rx_meta ts-in-rx-meta") expect(r.full).toEqual(r.truths.map((t) => t.full))
    })

    it(`${design} -> second (veth-like) device -> skb`, () => {
      const r = run(design, "second device")
      expect(r.truths.length).toBeGreaterThan(300)
      if (design.startsWith("xdp_rx_meta") || design === "registry") expect(r.skb).toEqual(r.truths.map((t) => t.skb))
      else expect(r.skb.every((s) => s[2] === 0 && s[4] === false)).toBe(true) // no design-independent skb fields
      if (!design.startsWith("xdp_rx_meta")) expect(r.full).toEqual(r.truths.map((t) => t.full))
      expect(r.tsLost).toBe(0)
    })
  }
})
