/**
 * Where each metadata placement design lives in the headroom of one buffer, when any subset of
 * them is in use at once (devtx's arrangement; each series specifies only its own region):
 *
 *   data_hard_start
 *   0           40              xdpFrameEnd   registryAt        tlvAt             traitsAt
 *   | xdp_frame | xdp_rx_meta  |pad| registry area | TLV area        | traits hdr | values ... ->
 *   |  (6.18)   | 12 B (V2) or |   | 2 + 64 B      | 2 + capacity B  | 16 B       | grow up to data_meta
 *   |           | 24 B (ts)    |   |               |                 |            |
 *                                      ... free ... <- data_meta (grows down) | packet data ...
 *
 * - xdp_rx_meta is embedded at the end of struct xdp_frame (the series), which grows to 56 (V2)
 *   or 64 (ts-in-rx-meta) bytes.
 * - the registry area and the TLV area have fixed sizes (the registry's MAX_METADATA_SIZE; the
 *   TLV capacity chosen here), 8-byte aligned.
 * - traits sit last, "| xdp_frame | traits | headroom | XDP metadata | data |" as in the traits
 *   RFC, and grow towards data_meta; their header is always reserved (RFC v2 does the same).
 * - data_meta may grow down to `metaLowBound` plus whatever the traits use at that moment
 *   (PlacedAdjustMeta.ts); a trait store may grow up to data_meta (Traits.ts hard_end).
 * Every region must fit below XDP_MIN_HEADROOM (192), the headroom under which the series
 * withholds the area; `planHeadroom` refuses a plan that does not, with a typed error.
 */
import { Data } from "effect"
import { XDP_FRAME_SIZE } from "../kernel/XdpGeometry.js"
import { REGISTRY_AREA_HDR, REGISTRY_MAX_METADATA_SIZE } from "./datapath/MetaRegistryArea.js"
import { TLV_HDR_SIZE } from "./datapath/Tlv.js"
import { TRAIT_HDR_SIZE, TraitsVariant } from "./datapath/Traits.js"
import {
  RxMetaTsPlacement,
  XDP_FRAME_SIZE_WITH_RX_META_TS,
  XDP_FRAME_SIZE_WITH_RX_META_V2,
  XDP_MIN_HEADROOM,
  XDP_RX_META_OFFSET
} from "./datapath/XdpRxMeta.js"

export interface PlacementOptions {
  /** xdp_rx_meta: off, Jesper's V2 (ts in skb_shared_info), or the ts-in-rx-meta variant */
  readonly rxMeta: "off" | "v2" | "ts-in-rx-meta"
  /** Toke's registry area */
  readonly registry: boolean
  /** TLV area capacity in bytes including its 2-byte header; 0 = no TLV area */
  readonly tlvCapacity: number
  /** traits: off, RFC v1 sizes (2/4/8), RFC v2 sizes (0/4/8) */
  readonly traits: "off" | "v1" | "v2"
}

/** Offsets from data_hard_start; -1 = region absent. Plain numbers: the data path reads it. */
export interface PlacementLayout {
  /** 0 off, 1 V2, 2 ts-in-rx-meta */
  readonly rxMeta: number
  /** RxMetaTsPlacement of the timestamp store */
  readonly tsPlacement: number
  readonly rxMetaAt: number
  /** sizeof(struct xdp_frame) in this kernel */
  readonly xdpFrameEnd: number
  readonly registryAt: number
  readonly tlvAt: number
  readonly tlvCapacity: number
  readonly traitsAt: number
  /** 0 off, TraitsVariant.V1 / V2 */
  readonly traitsVariant: number
  /** the lowest data_meta may reach with an empty trait store */
  readonly metaLowBound: number
}

export class PlacementLayoutError extends Data.TaggedError("PlacementLayoutError")<{
  /** where the plan ends (bytes from data_hard_start) */
  readonly offset: number
  readonly reason: string
  /** the offending value */
  readonly value: number
}> {
  override get message(): string {
    return `headroom plan: ${this.reason} (offset ${this.offset}, value ${this.value})`
  }
}

const align8 = (n: number): number => (n + 7) & ~7

export const planHeadroom = (o: PlacementOptions): PlacementLayout | PlacementLayoutError => {
  if (!Number.isInteger(o.tlvCapacity) || o.tlvCapacity < 0 || (o.tlvCapacity > 0 && o.tlvCapacity < TLV_HDR_SIZE))
    return new PlacementLayoutError({ offset: 0, reason: "TLV capacity must be 0 or at least its 2-byte header", value: o.tlvCapacity })
  const rxMeta = o.rxMeta === "off" ? 0 : o.rxMeta === "v2" ? 1 : 2
  const xdpFrameEnd = rxMeta === 0 ? XDP_FRAME_SIZE : rxMeta === 1 ? XDP_FRAME_SIZE_WITH_RX_META_V2 : XDP_FRAME_SIZE_WITH_RX_META_TS
  let at = align8(xdpFrameEnd)
  const registryAt = o.registry ? at : -1
  if (o.registry) at = align8(at + REGISTRY_AREA_HDR + REGISTRY_MAX_METADATA_SIZE)
  const tlvAt = o.tlvCapacity > 0 ? at : -1
  if (o.tlvCapacity > 0) at = align8(at + o.tlvCapacity)
  const traitsVariant = o.traits === "off" ? 0 : o.traits === "v1" ? TraitsVariant.V1 : TraitsVariant.V2
  const traitsAt = traitsVariant !== 0 ? at : -1
  const metaLowBound = traitsVariant !== 0 ? at + TRAIT_HDR_SIZE : at
  if (metaLowBound > XDP_MIN_HEADROOM)
    return new PlacementLayoutError({
      offset: metaLowBound,
      reason: `the regions need ${metaLowBound} bytes of headroom, more than XDP_MIN_HEADROOM (${XDP_MIN_HEADROOM})`,
      value: metaLowBound
    })
  return {
    rxMeta,
    tsPlacement: rxMeta === 2 ? RxMetaTsPlacement.RX_META : RxMetaTsPlacement.SHINFO,
    rxMetaAt: rxMeta === 0 ? -1 : XDP_RX_META_OFFSET,
    xdpFrameEnd,
    registryAt,
    tlvAt,
    tlvCapacity: o.tlvCapacity,
    traitsAt,
    traitsVariant,
    metaLowBound
  }
}
