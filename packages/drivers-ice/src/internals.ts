/**
 * @devtx/drivers-ice/internals — the package's own parts, for its tests, other packages' tests
 * and the bench probes: configuration, device, hardware model, descriptor layouts, metadata and
 * devtx ops, inline descriptions, BTF. Not the driver contract: hosts use `driver` / `layer`
 * from the index (docs/driver-contract.md).
 */
export * from "./IceBtf.js"
export * from "./IceConfig.js"
export * from "./IceDevice.js"
export * from "./datapath/IceDevtxOps.js"
export * from "./datapath/IcePtpTx.js"
export * from "./datapath/IceTxDesc.js"
export * from "./datapath/IceTxHardware.js"
export * from "./datapath/IceTxOffload.js"
export * from "./datapath/IceTxRing.js"
export * from "./datapath/IceHardwareModel.js"
export * from "./datapath/IceMetadataOps.js"
export * from "./datapath/IceInlineOps.js"
export * from "./datapath/IcePtypeTable.js"
export * from "./datapath/IceRxFlexDesc.js"
export * from "./datapath/IceRxParser.js"
export * from "./datapath/IceRxQueue.js"
export * from "./datapath/IceTimestamp.js"

// the driver value itself, for hosts that name a NIC statically (the bench question runs)
export { driver, layer } from "./index.js"
