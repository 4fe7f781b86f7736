/**
 * Where metadata lives after the driver (issue 8): the xdp_rx_meta area with the store kfuncs,
 * Toke's registry, traits, a TLV area, the data_meta struct xdp_meta, the headroom plan that
 * lets them coexist, the skb built from a redirected frame, a veth-like second device, a
 * placement-aware cpumap run. (The inline description drivers publish for the inlined kfunc
 * binding mode is metadata/InlineMetadataOps.ts.)
 */
export * from "./datapath/XdpRxMeta.js"
export * from "./datapath/DataMetaXdpMeta.js"
export * from "./datapath/Popcount.js"
export * from "./datapath/Traits.js"
export * from "./datapath/Tlv.js"
export * from "./datapath/MetaRegistryArea.js"
export * from "./datapath/PlacementBuff.js"
export * from "./datapath/XdpBuildSkbFromFrame.js"
export * from "./MetaRegistry.js"
export * from "./HeadroomLayout.js"
export * from "./VethLikeDevice.js"
export * from "./CpuMapPlacedRun.js"
