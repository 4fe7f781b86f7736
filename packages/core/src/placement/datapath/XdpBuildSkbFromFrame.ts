/**
 * __xdp_build_skb_from_frame with the placement designs honoured: what a cpumap kthread or a
 * veth-like device builds from an xdp_frame after XDP_REDIRECT, when the RX descriptor is gone
 * and only the frame's own bytes remain.
 *
 * - core fields as core's cpuMapRun sets them: data, len, skb_metadata_len (data_meta survives);
 * - xdp_rx_meta (Jesper's V2 patch 4/7 "Set skb hw metadata from xdp_frame"): with META_RX_HASH,
 *   skb_set_hash(val, L4 if type & XDP_RSS_TYPE_L4_ANY, else L3 if type & (L3_IPV4|L3_IPV6),
 *   else NONE); with META_RX_VLAN, __vlan_hwaccel_put_tag(proto, tci); with META_RX_TS,
 *   skb_hwtstamps(skb)->hwtstamp from skb_shared_info (V2) or from rx_meta.ts (variant);
 * - registry: the kernel-predefined HASH / VLAN / TIMESTAMP fields fill the same skb fields
 *   (Toke: the kernel uses the same getters internally), and the whole area is kept in the skb
 *   (SkbPlacementExt.registry) for later consumers;
 * - traits: copied into the skb extension (traits RFC v2: "Extension header in packet headroom"
 *   moved to an skb extension) — SkbPlacementExt.traits;
 * - TLV: copied likewise — SkbPlacementExt.tlv.
 *
 * `mem` holds the frame at `f` (its data_hard_start); the addresses inside the xdp_frame are in
 * the sender's address space, where the hard start was `origHardStart`. Returns 0, or -ENODATA
 * when the frame says a timestamp is in skb_shared_info but `mem` ends before it (a copy of the
 * frame that did not carry its tail; the kernel hands the whole page over, so this is a model
 * limit that the caller can see). Per-packet code: no allocation (ext and skb are preallocated).
 */
import { PktHashType, type SkbRecord } from "../../hook/SkbRecord.js"
import { Errno } from "../../kernel/Errno.js"
import { XdpRssHashType } from "../../kernel/XdpRssHashType.js"
import { bswap16 } from "../../metadata/RxMetadataOut.js"
import { XdpFrameOff } from "../../redirect/XdpFrame.js"
import type { PlacementLayout } from "../HeadroomLayout.js"
import {
  REGISTRY_AREA_HDR,
  REGISTRY_MAX_METADATA_SIZE,
  RegistryFieldId,
  RegistryFieldSize,
  type RegistryTable,
  registryGet
} from "./MetaRegistryArea.js"
import { XdpPlacementFlags } from "./PlacementBuff.js"
import { TLV_HDR_SIZE } from "./Tlv.js"
import { TRAIT_HDR_SIZE, TRAIT_MAX_KEYS, traitsSize } from "./Traits.js"
import {
  RxMetaTsPlacement,
  SKB_SHINFO_HWTSTAMPS_OFFSET,
  XDP_RX_META_OFFSET,
  XdpRxMetaFlags,
  XdpRxMetaOff,
  xdpSharedInfoAddr
} from "./XdpRxMeta.js"

/** What an skb keeps of the headroom designs (skb extensions), preallocated. */
export class SkbPlacementExt {
  readonly registry = new Uint8Array(REGISTRY_AREA_HDR + REGISTRY_MAX_METADATA_SIZE)
  registryLen = 0
  readonly traits = new Uint8Array(TRAIT_HDR_SIZE + TRAIT_MAX_KEYS * 8)
  readonly traitsView = new DataView(this.traits.buffer)
  traitsLen = 0
  readonly tlv = new Uint8Array(4096)
  readonly tlvView = new DataView(this.tlv.buffer)
  tlvLen = 0

  reset(): void {
    this.registryLen = this.traitsLen = this.tlvLen = 0
  }
}

const scratch = new Uint8Array(8)
const scratchView = new DataView(scratch.buffer)

const pktHashTypeOf = (t: number): number =>
  (t & XdpRssHashType.L4) !== 0
    ? PktHashType.L4
    : (t & (XdpRssHashType.L3_IPV4 | XdpRssHashType.L3_IPV6)) !== 0
      ? PktHashType.L3
      : PktHashType.NONE

export const xdpBuildSkbFromFrame = (
  mem: Uint8Array,
  v: DataView,
  f: number,
  origHardStart: number,
  ifindex: number,
  L: PlacementLayout,
  registry: RegistryTable,
  skb: SkbRecord,
  ext: SkbPlacementExt
): number => {
  let rc = 0
  const data = v.getUint32(f + XdpFrameOff.DATA, true) - origHardStart + f
  const flags = v.getUint32(f + XdpFrameOff.FLAGS, true)
  const frameSz = v.getUint32(f + XdpFrameOff.FRAME_SZ, true)
  skb.reset()
  ext.reset()
  skb.ifindex = ifindex
  skb.dataAddr = data
  skb.len = v.getUint32(f + XdpFrameOff.LEN, true)
  skb.metaLen = v.getUint32(f + XdpFrameOff.METASIZE, true) & 0xff
  if (L.rxMeta !== 0) {
    const m = f + XDP_RX_META_OFFSET
    if ((flags & XdpRxMetaFlags.META_RX_HASH) !== 0) {
      skb.hash = v.getUint32(m + XdpRxMetaOff.HASH_VAL, true)
      skb.hashType = pktHashTypeOf(v.getUint32(m + XdpRxMetaOff.HASH_TYPE, true))
    }
    if ((flags & XdpRxMetaFlags.META_RX_VLAN) !== 0) {
      skb.vlanPresent = true
      skb.vlanProto = bswap16(v.getUint16(m + XdpRxMetaOff.VLAN_PROTO, true))
      skb.vlanTci = v.getUint16(m + XdpRxMetaOff.VLAN_TCI, true)
    }
    if ((flags & XdpRxMetaFlags.META_RX_TS) !== 0) {
      if (L.tsPlacement === RxMetaTsPlacement.RX_META) {
        skb.hwtstampLo = v.getUint32(m + XdpRxMetaOff.TS, true)
        skb.hwtstampHi = v.getUint32(m + XdpRxMetaOff.TS + 4, true)
      } else {
        const s = xdpSharedInfoAddr(f, frameSz) + SKB_SHINFO_HWTSTAMPS_OFFSET
        if (s + 8 > mem.length) rc = -Errno.ENODATA
        else {
          skb.hwtstampLo = v.getUint32(s, true)
          skb.hwtstampHi = v.getUint32(s + 4, true)
        }
      }
    }
  }
  if ((flags & XdpPlacementFlags.AREAS) === 0) return rc
  if (L.registryAt >= 0) {
    const a = f + L.registryAt
    const n = REGISTRY_AREA_HDR + Math.min(mem[a]!, REGISTRY_MAX_METADATA_SIZE)
    ext.registry.set(mem.subarray(a, a + n))
    ext.registryLen = n
    const r = ext.registry
    const pre = registry.predefined !== 0
    if (pre && registryGet(r, 0, registry, RegistryFieldId.HASH, scratch, 0, RegistryFieldSize.HASH) === 0) {
      skb.hash = scratchView.getUint32(0, true)
      skb.hashType = pktHashTypeOf(scratchView.getUint32(4, true))
    }
    if (pre && registryGet(r, 0, registry, RegistryFieldId.VLAN, scratch, 0, RegistryFieldSize.VLAN) === 0) {
      skb.vlanPresent = true
      skb.vlanProto = bswap16(scratchView.getUint16(0, true))
      skb.vlanTci = scratchView.getUint16(2, true)
    }
    if (pre && registryGet(r, 0, registry, RegistryFieldId.TIMESTAMP, scratch, 0, RegistryFieldSize.TIMESTAMP) === 0) {
      skb.hwtstampLo = scratchView.getUint32(0, true)
      skb.hwtstampHi = scratchView.getUint32(4, true)
    }
  }
  if (L.tlvAt >= 0) {
    const a = f + L.tlvAt
    const n = Math.min(TLV_HDR_SIZE + v.getUint16(a, true), L.tlvCapacity, ext.tlv.length)
    ext.tlv.set(mem.subarray(a, a + n))
    ext.tlvLen = n
  }
  if (L.traitsAt >= 0) {
    const a = f + L.traitsAt
    const n = Math.min(traitsSize(v, a, L.traitsVariant), ext.traits.length)
    ext.traits.set(mem.subarray(a, a + n))
    ext.traitsLen = n
  }
  return rc
}
