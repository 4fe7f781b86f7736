/**
 * Headroom accounting: with xdp_rx_meta, the registry, TLV, traits and data_meta in use together
 * or apart (every subset), fill the whole buffer with a pattern, fill every design as far as it
 * goes, and check that each design reads back its own values, that no byte outside the regions
 * the designs claim changed, that the claimed regions do not overlap, and that the packet is
 * untouched. data_meta and traits grow towards each other and stop (-EINVAL / -ENOSPC) instead
 * of overlapping.
 */
import { describe, expect, it } from "vitest"
import { Errno } from "../../src/kernel/Errno.js"
import { SKB_SHARED_INFO_SIZE, XDP_FRAME_SIZE } from "../../src/kernel/XdpGeometry.js"
import { makeFrameArea } from "../../src/memory/FrameArea.js"
import { adjustMeta, XdpBuff, xdpPrepareBuff } from "../../src/memory/XdpBuff.js"
import { RxHashOut, RxTimestampOut, RxVlanTagOut } from "../../src/metadata/RxMetadataOut.js"
import { type PlacementOptions, planHeadroom } from "../../src/placement/HeadroomLayout.js"
import { MetaRegistry } from "../../src/placement/MetaRegistry.js"
import { REGISTRY_AREA_HDR, RegistryFieldId } from "../../src/placement/datapath/MetaRegistryArea.js"
import {
  adjustMetaPlaced,
  type PlacementContext,
  placementPrepare,
  xdpRegistryGet,
  xdpRegistrySet,
  xdpTlvGet,
  xdpTlvSet,
  xdpTraitGet,
  xdpTraitSet
} from "../../src/placement/datapath/PlacementBuff.js"
import { tlvUsed } from "../../src/placement/datapath/Tlv.js"
import { traitsSize } from "../../src/placement/datapath/Traits.js"
import {
  loadRxHashFromBuff,
  loadRxTsFromRxMeta,
  loadRxTsFromShinfo,
  loadRxVlanTagFromBuff,
  SKB_SHINFO_HWTSTAMPS_OFFSET,
  storeRxHash,
  storeRxTs,
  storeRxTsInRxMeta,
  storeRxVlan,
  XDP_RX_META_OFFSET
} from "../../src/placement/datapath/XdpRxMeta.js"

const PATTERN = 0xee
const HEADROOM = 256
const PKT = 100
const pkt = (i: number) => (i * 7 + 0x3c) & 0xff
const val = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 17 + i * 9 + 1) & 0xff)

type Region = readonly [string, number, number]

const scenario = (o: PlacementOptions, dataMeta: boolean) => {
  const layout = planHeadroom(o)
  if ("_tag" in layout) throw layout
  const reg = new MetaRegistry("holes")
  const pc: PlacementContext = { layout, registry: reg.table }
  const area = makeFrameArea({ frameCount: 1 })
  const b = area.bytes
  b.fill(PATTERN)
  for (let i = 0; i < PKT; i++) b[HEADROOM + i] = pkt(i)
  const x = new XdpBuff(area, { ifindex: 1, queueIndex: 0 })
  xdpPrepareBuff(x, 0, HEADROOM, PKT, area.frameSize, true)
  placementPrepare(x, pc)
  const regions: Region[] = [["packet", HEADROOM, HEADROOM + PKT]]

  if (layout.rxMeta !== 0) {
    expect(storeRxHash(x, 0x11223344, 0x19)).toBe(0)
    expect(storeRxVlan(x, 0x0081, 0x0abc)).toBe(0)
    regions.push(["xdp_rx_meta", XDP_RX_META_OFFSET, XDP_RX_META_OFFSET + 12])
    if (layout.rxMeta === 1) {
      expect(storeRxTs(x, 0x55, 0x66)).toBe(0)
      const s = area.frameSize - SKB_SHARED_INFO_SIZE + SKB_SHINFO_HWTSTAMPS_OFFSET
      regions.push(["hwtstamps", s, s + 8])
    } else {
      expect(storeRxTsInRxMeta(x, 0x55, 0x66)).toBe(0)
      regions.push(["xdp_rx_meta.ts", XDP_RX_META_OFFSET + 16, XDP_RX_META_OFFSET + 24])
    }
  }
  if (layout.registryAt >= 0) {
    expect(xdpRegistrySet(x, pc, RegistryFieldId.HASH, val(8, 1), 0, 8)).toBe(0)
    expect(xdpRegistrySet(x, pc, RegistryFieldId.VLAN, val(4, 2), 0, 4)).toBe(0)
    expect(xdpRegistrySet(x, pc, RegistryFieldId.TIMESTAMP, val(8, 3), 0, 8)).toBe(0)
    regions.push(["registry", layout.registryAt, layout.registryAt + REGISTRY_AREA_HDR + reg.table.totalSize])
  }
  let tlvN = 0
  if (layout.tlvAt >= 0) {
    while (xdpTlvSet(x, layout, tlvN + 1, val(6, 10 + tlvN), 0, 6) === 0) tlvN++
    expect(tlvN).toBeGreaterThan(0)
    regions.push(["tlv", layout.tlvAt, layout.tlvAt + 2 + tlvUsed(area.view, layout.tlvAt)])
  }
  if (dataMeta) {
    expect(adjustMetaPlaced(x, -32, layout)).toBe(0)
    b.fill(0x77, x.dataMeta, x.data)
  }
  let traitsN = 0
  if (layout.traitsAt >= 0) {
    while (xdpTraitSet(x, layout, traitsN, val(8, 40 + traitsN), 0, 8) === 0) traitsN++
    expect(xdpTraitSet(x, layout, 63, val(8, 0), 0, 8)).toBe(-Errno.ENOSPC) // stopped by data_meta
    regions.push(["traits", layout.traitsAt, layout.traitsAt + traitsSize(area.view, layout.traitsAt, layout.traitsVariant)])
  }
  // data_meta cannot grow into what the others hold now
  let grown = 0
  while (adjustMetaPlaced(x, -4, layout) === 0) grown += 4
  if (x.dataMeta < x.data) b.fill(0x77, x.dataMeta, x.data)
  const low = Math.max(...regions.filter((r) => r[0] !== "packet" && r[0] !== "hwtstamps").map((r) => r[2]), XDP_FRAME_SIZE, layout.metaLowBound)
  expect(x.dataMeta).toBeGreaterThanOrEqual(low)
  if (dataMeta || grown > 0) regions.push(["data_meta", x.dataMeta, x.data])

  // regions are disjoint
  const sorted = [...regions].filter((r) => r[2] > r[1]).sort((p, q) => p[1] - q[1])
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]![1], `${sorted[i - 1]![0]} overlaps ${sorted[i]![0]}`).toBeGreaterThanOrEqual(sorted[i - 1]![2])
  // nothing outside the claimed regions changed
  const claimed = new Uint8Array(area.frameSize)
  for (const [, s, e] of regions) claimed.fill(1, s, e)
  for (let i = 0; i < area.frameSize; i++) if (claimed[i] === 0 && b[i] !== PATTERN) expect(`byte ${i} changed`).toBe("")
  for (let i = 0; i < PKT; i++) expect(b[HEADROOM + i]).toBe(pkt(i))
  // every design reads back its own values
  if (layout.rxMeta !== 0) {
    const h = new RxHashOut()
    const v = new RxVlanTagOut()
    const t = new RxTimestampOut()
    expect([loadRxHashFromBuff(x, h), h.hash, h.rssType]).toEqual([0, 0x11223344, 0x19])
    expect([loadRxVlanTagFromBuff(x, v), v.vlanProto, v.vlanTci]).toEqual([0, 0x0081, 0x0abc])
    expect([(layout.rxMeta === 1 ? loadRxTsFromShinfo : loadRxTsFromRxMeta)(x, t), t.hi, t.lo]).toEqual([0, 0x55, 0x66])
  }
  if (layout.registryAt >= 0) {
    const out = new Uint8Array(8)
    for (const [id, n, s] of [[0, 8, 1], [1, 4, 2], [2, 8, 3]] as const) {
      expect(xdpRegistryGet(x, pc, id, out, 0, n)).toBe(0)
      expect(out.slice(0, n)).toEqual(val(n, s))
    }
  }
  for (let k = 0; k < tlvN; k++) {
    const out = new Uint8Array(8)
    expect(xdpTlvGet(x, layout, k + 1, out, 0, 8)).toBe(6)
    expect(out.slice(0, 6)).toEqual(val(6, 10 + k))
  }
  for (let k = 0; k < traitsN; k++) {
    const out = new Uint8Array(8)
    expect(xdpTraitGet(x, layout, k, out, 0, 8)).toBe(8)
    expect(out).toEqual(val(8, 40 + k))
  }
  return { layout, traitsN, grown }
}

describe("headroom accounting", () => {
  const rx = ["off", "v2", "ts-in-rx-meta"] as const
  const tr = ["off", "v1", "v2"] as const
  for (const rxMeta of rx)
    for (const registry of [false, true])
      for (const tlvCapacity of [0, 40])
        for (const traits of tr)
          for (const dataMeta of [false, true])
            it(`rx_meta=${rxMeta} registry=${registry} tlv=${tlvCapacity} traits=${traits} data_meta=${dataMeta}`, () => {
              scenario({ rxMeta, registry, tlvCapacity, traits }, dataMeta)
            })

  it("a plan that does not fit below XDP_MIN_HEADROOM is refused with a typed error", () => {
    const l = planHeadroom({ rxMeta: "ts-in-rx-meta", registry: true, tlvCapacity: 80, traits: "v2" })
    expect(l).toMatchObject({ _tag: "PlacementLayoutError", value: 64 + 72 + 80 + 16 })
  })

  it("core's 6.18 bpf_xdp_adjust_meta bound (hard start + 40) lets data_meta run over xdp_rx_meta; the placed bound does not", () => {
    const layout = planHeadroom({ rxMeta: "v2", registry: false, tlvCapacity: 0, traits: "off" })
    if ("_tag" in layout) throw layout
    const area = makeFrameArea({ frameCount: 1 })
    const x = new XdpBuff(area, { ifindex: 1, queueIndex: 0 })
    xdpPrepareBuff(x, 0, HEADROOM, PKT, area.frameSize, true)
    placementPrepare(x, { layout, registry: new MetaRegistry("holes").table })
    expect(storeRxHash(x, 1, 2)).toBe(0)
    expect(adjustMetaPlaced(x, -(HEADROOM - 40), layout)).toBe(-Errno.EINVAL)
    expect(adjustMetaPlaced(x, -(HEADROOM - 56), layout)).toBe(0)
    x.dataMeta = x.data
    expect(adjustMeta(x, -(HEADROOM - 40))).toBe(0) // reaches offset 40: xdp_rx_meta's bytes
    expect(x.dataMeta).toBe(XDP_RX_META_OFFSET)
  })
})
