/**
 * The RX metadata kfunc table: devtx's XDP_METADATA_KFUNC_xxx (include/net/xdp.h). Each row has
 * the macro's four fields — enum name, netdev feature bit, kfunc symbol, xdp_metadata_ops
 * member — plus devtx's getter name and its status. Everything else (the enum xdp_rx_metadata
 * values, feature reporting, dev-bound resolution, kfunc lookup by name) is derived from it, as
 * the kernel expands the macro in each place.
 *
 * Row order is the kernel's: the enum value of a row is its index (RX_TIMESTAMP=0, RX_HASH=1,
 * RX_VLAN_TAG=2; MAX_XDP_METADATA_KFUNC=3 in mainline). The checksum row is PROPOSED, NOT IN
 * MAINLINE (4-argument form of the 2026 v4 series; see kernel/XdpChecksum.ts) and comes last.
 */
import { Errno } from "../kernel/Errno.js"
import { NetdevXdpRxMetadata } from "../kernel/NetdevFeatures.js"
import type { XdpMetadataOpMember, XdpMetadataOps } from "./XdpMetadataOps.js"

export interface MetadataKfuncRow {
  /** enum xdp_rx_metadata enumerator */
  readonly enumName: string
  /** NETDEV_XDP_RX_METADATA_* bit */
  readonly feature: number
  /** ynl name of the bit */
  readonly featureName: string
  /** kernel kfunc symbol */
  readonly kfunc: string
  /** xdp_metadata_ops member in the kernel */
  readonly kernelOp: string
  /** the devtx XdpMetadataOps member */
  readonly op: XdpMetadataOpMember
  /** devtx's getter name (packages/kfuncs) */
  readonly getter: MetadataGetterName
  readonly status: "mainline" | "proposed, not in mainline"
  /** where it comes from */
  readonly origin: string
}

export type MetadataGetterName = "rxTimestamp" | "rxHash" | "rxVlanTag" | "rxChecksum"

export const METADATA_KFUNC_TABLE: ReadonlyArray<MetadataKfuncRow> = [
  {
    enumName: "XDP_METADATA_KFUNC_RX_TIMESTAMP",
    feature: NetdevXdpRxMetadata.TIMESTAMP,
    featureName: "timestamp",
    kfunc: "bpf_xdp_metadata_rx_timestamp",
    kernelOp: "xmo_rx_timestamp",
    op: "xmoRxTimestamp",
    getter: "rxTimestamp",
    status: "mainline",
    origin: "Linux 6.3, net/core/xdp.c"
  },
  {
    enumName: "XDP_METADATA_KFUNC_RX_HASH",
    feature: NetdevXdpRxMetadata.HASH,
    featureName: "hash",
    kfunc: "bpf_xdp_metadata_rx_hash",
    kernelOp: "xmo_rx_hash",
    op: "xmoRxHash",
    getter: "rxHash",
    status: "mainline",
    origin: "Linux 6.3 (rss_type argument added in the 6.3 cycle), net/core/xdp.c"
  },
  {
    enumName: "XDP_METADATA_KFUNC_RX_VLAN_TAG",
    feature: NetdevXdpRxMetadata.VLAN_TAG,
    featureName: "vlan-tag",
    kfunc: "bpf_xdp_metadata_rx_vlan_tag",
    kernelOp: "xmo_rx_vlan_tag",
    op: "xmoRxVlanTag",
    getter: "rxVlanTag",
    status: "mainline",
    origin: "Linux 6.8, net/core/xdp.c"
  },
  {
    enumName: "XDP_METADATA_KFUNC_RX_CHECKSUM",
    feature: NetdevXdpRxMetadata.CHECKSUM,
    featureName: "checksum",
    kfunc: "bpf_xdp_metadata_rx_checksum",
    kernelOp: "xmo_rx_checksum",
    op: "xmoRxChecksum",
    getter: "rxChecksum",
    status: "proposed, not in mainline",
    origin: "RFC/v2/v4 series 2025-2026 (Bianconi, Vdovin), 4-argument form"
  }
]

/** enum xdp_rx_metadata value of a row (its index). */
export const xdpRxMetadataValue = (enumName: string): number =>
  METADATA_KFUNC_TABLE.findIndex((r) => r.enumName === enumName)

/** MAX_XDP_METADATA_KFUNC as mainline defines it (rows with status "mainline"). */
export const MAX_XDP_METADATA_KFUNC = METADATA_KFUNC_TABLE.filter((r) => r.status === "mainline").length

export const metadataKfuncByName = (kfunc: string): MetadataKfuncRow | undefined =>
  METADATA_KFUNC_TABLE.find((r) => r.kfunc === kfunc || r.getter === kfunc)

/** bpf_dev_bound_kfunc_id: is this kfunc one of the metadata kfuncs (which require a dev-bound program)? */
export const isMetadataKfunc = (kfunc: string): boolean => metadataKfuncByName(kfunc) !== undefined

/**
 * xdp-rx-metadata-features as the netdev netlink family reports them: a row's bit is set when the
 * device's ops table has that member (netdev_nl_dev_fill expands XDP_METADATA_KFUNC_xxx).
 */
export const xdpRxMetadataFeaturesOf = (ops: XdpMetadataOps | undefined): number => {
  if (ops === undefined) return 0
  let bits = 0
  for (const row of METADATA_KFUNC_TABLE) if (ops[row.op] !== undefined) bits |= row.feature
  return bits
}

/** The generic default body every metadata kfunc has in net/core/xdp.c. */
export const metadataKfuncDefault = (): number => -Errno.EOPNOTSUPP
