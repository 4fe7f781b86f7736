/**
 * The per-buffer side of the headroom plan (HeadroomLayout.ts): initialising the regions when a
 * driver prepares a buffer, the BPF-facing kfuncs of the registry, traits and TLV designs over an
 * xdp_buff, and bpf_xdp_adjust_meta with the lower bound the regions impose.
 *
 * - placementPrepare is what xdp_prepare_buff gains: the xdp_rx_meta series' META_AREA rule
 *   (headroom >= XDP_MIN_HEADROOM), plus devtx's PLACEMENT_AREAS flag under the same rule, with
 *   the registry header (sz = current registry size, nothing set), an empty TLV area and an
 *   empty trait header. It runs once per received buffer, never again on redirect: the regions
 *   travel with the xdp_frame.
 * - XdpPlacementFlags.AREAS = BIT(8) is devtx-private (neither sketch assigns a value); it is
 *   copied into xdp_frame.flags like every xdp_buff flag. Without it the registry/traits/TLV
 *   kfuncs return -EOPNOTSUPP ("unsupported on this buffer", as the traits kfuncs do).
 * - adjustMetaPlaced: bpf_xdp_adjust_meta whose lowest data_meta is the end of the reserved
 *   regions plus the bytes the traits currently use (the xdp_meta_hard_start of the traits RFC),
 *   instead of data_hard_start + sizeof(struct xdp_frame). Same error codes as core's adjustMeta.
 * Per-packet code: no allocation, numeric status codes.
 */
import { Errno } from "../../kernel/Errno.js"
import { XDP_FRAME_SIZE } from "../../kernel/XdpGeometry.js"
import { type XdpBuff, xdpDataMetaUnsupported, xdpMetalenInvalid } from "../../memory/XdpBuff.js"
import type { PlacementLayout } from "../HeadroomLayout.js"
import { type RegistryTable, registryFrameInit, registryGet, registrySet } from "./MetaRegistryArea.js"
import { tlvDel, tlvGet, tlvInit, tlvSet } from "./Tlv.js"
import { traitDel, traitGet, traitSet, traitsInit, traitsSize } from "./Traits.js"
import { XDP_MIN_HEADROOM, XdpRxMetaFlags } from "./XdpRxMeta.js"

export const XdpPlacementFlags = { AREAS: 1 << 8 } as const

/** What a buffer's kfuncs need: the plan and the registry table. */
export interface PlacementContext {
  readonly layout: PlacementLayout
  readonly registry: RegistryTable
}

/** xdp_prepare_buff's additions: set the flags and initialise every planned region. */
export const placementPrepare = (xdp: XdpBuff, pc: PlacementContext): void => {
  const L = pc.layout
  if (xdp.data - xdp.hardStart < XDP_MIN_HEADROOM) {
    xdp.flags &= ~(XdpRxMetaFlags.META_AREA | XdpPlacementFlags.AREAS)
    return
  }
  if (L.rxMeta !== 0) xdp.flags |= XdpRxMetaFlags.META_AREA
  xdp.flags |= XdpPlacementFlags.AREAS
  const b = xdp.area.bytes
  const h = xdp.hardStart
  if (L.registryAt >= 0) registryFrameInit(b, h + L.registryAt, pc.registry)
  if (L.tlvAt >= 0) tlvInit(xdp.area.view, h + L.tlvAt)
  if (L.traitsAt >= 0) traitsInit(b, h + L.traitsAt, xdpMetaHardEnd(xdp))
}

/** data_meta, or data when metadata is unsupported: the limit the trait store grows against. */
const xdpMetaHardEnd = (xdp: XdpBuff): number => (xdpDataMetaUnsupported(xdp) ? xdp.data : xdp.dataMeta)

const hasAreas = (xdp: XdpBuff): boolean => (xdp.flags & XdpPlacementFlags.AREAS) !== 0

export const adjustMetaPlaced = (xdp: XdpBuff, delta: number, L: PlacementLayout): number => {
  if (xdpDataMetaUnsupported(xdp)) return -Errno.ENOTSUPP
  let low = xdp.hardStart + XDP_FRAME_SIZE
  if (hasAreas(xdp)) {
    low = xdp.hardStart + L.metaLowBound
    if (L.traitsAt >= 0) low = xdp.hardStart + L.traitsAt + traitsSize(xdp.area.view, xdp.hardStart + L.traitsAt, L.traitsVariant)
  }
  const meta = xdp.dataMeta + delta
  if (meta < low || meta > xdp.data) return -Errno.EINVAL
  if (xdpMetalenInvalid(xdp.data - meta)) return -Errno.EACCES
  xdp.dataMeta = meta
  return 0
}

// ---- registry kfuncs (bpf_set/get_packet_metadata_field) ----

export const xdpRegistrySet = (xdp: XdpBuff, pc: PlacementContext, id: number, src: Uint8Array, srcOff: number, size: number): number =>
  !hasAreas(xdp) || pc.layout.registryAt < 0
    ? -Errno.EOPNOTSUPP
    : registrySet(xdp.area.bytes, xdp.hardStart + pc.layout.registryAt, pc.registry, id, src, srcOff, size)

export const xdpRegistryGet = (xdp: XdpBuff, pc: PlacementContext, id: number, dst: Uint8Array, dstOff: number, size: number): number =>
  !hasAreas(xdp) || pc.layout.registryAt < 0
    ? -Errno.EOPNOTSUPP
    : registryGet(xdp.area.bytes, xdp.hardStart + pc.layout.registryAt, pc.registry, id, dst, dstOff, size)

// ---- traits kfuncs (bpf_xdp_trait_set/get/del) ----

export const xdpTraitSet = (xdp: XdpBuff, L: PlacementLayout, key: number, src: Uint8Array, srcOff: number, len: number): number =>
  !hasAreas(xdp) || L.traitsAt < 0
    ? -Errno.EOPNOTSUPP
    : traitSet(xdp.area.bytes, xdp.area.view, xdp.hardStart + L.traitsAt, xdpMetaHardEnd(xdp), L.traitsVariant, key, src, srcOff, len)

export const xdpTraitGet = (xdp: XdpBuff, L: PlacementLayout, key: number, dst: Uint8Array, dstOff: number, dstLen: number): number =>
  !hasAreas(xdp) || L.traitsAt < 0
    ? -Errno.EOPNOTSUPP
    : traitGet(xdp.area.bytes, xdp.area.view, xdp.hardStart + L.traitsAt, L.traitsVariant, key, dst, dstOff, dstLen)

export const xdpTraitDel = (xdp: XdpBuff, L: PlacementLayout, key: number): number =>
  !hasAreas(xdp) || L.traitsAt < 0 ? -Errno.EOPNOTSUPP : traitDel(xdp.area.bytes, xdp.area.view, xdp.hardStart + L.traitsAt, L.traitsVariant, key)

// ---- TLV ----

export const xdpTlvSet = (xdp: XdpBuff, L: PlacementLayout, type: number, src: Uint8Array, srcOff: number, len: number): number =>
  !hasAreas(xdp) || L.tlvAt < 0
    ? -Errno.EOPNOTSUPP
    : tlvSet(xdp.area.bytes, xdp.area.view, xdp.hardStart + L.tlvAt, L.tlvCapacity, type, src, srcOff, len)

export const xdpTlvGet = (xdp: XdpBuff, L: PlacementLayout, type: number, dst: Uint8Array, dstOff: number, dstLen: number): number =>
  !hasAreas(xdp) || L.tlvAt < 0
    ? -Errno.EOPNOTSUPP
    : tlvGet(xdp.area.bytes, xdp.area.view, xdp.hardStart + L.tlvAt, L.tlvCapacity, type, dst, dstOff, dstLen)

export const xdpTlvDel = (xdp: XdpBuff, L: PlacementLayout, type: number): number =>
  !hasAreas(xdp) || L.tlvAt < 0 ? -Errno.EOPNOTSUPP : tlvDel(xdp.area.bytes, xdp.area.view, xdp.hardStart + L.tlvAt, L.tlvCapacity, type)
