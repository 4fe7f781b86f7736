/**
 * @devtx/drivers-sim/internals — the package's own parts, for its tests, other packages' tests
 * and the bench probes: configuration, device, hardware model, descriptor layouts, metadata and
 * devtx ops, inline descriptions, BTF. Not the driver contract: hosts use `driver` / `layer`
 * from the index (docs/driver-contract.md).
 */
export * from "./SimBtf.js"
export * from "./SimBtfIdHintsBtf.js"
export * from "./datapath/SimBtfIdHints.js"
export * from "./SimConfig.js"
export * from "./SimDevice.js"
export * from "./datapath/SimDevtxOps.js"
export * from "./datapath/SimHardwareModel.js"
export * from "./datapath/SimInlineOps.js"
export * from "./datapath/SimDevtxInlineOps.js"
export * from "./datapath/SimMetadataOps.js"
export * from "./datapath/SimPhc.js"
export * from "./datapath/SimRxDescriptor.js"
export * from "./datapath/SimRxQueue.js"
export * from "./datapath/SimTxDescriptor.js"
export * from "./datapath/SimTxHardware.js"
export * from "./datapath/SimTxQueue.js"

// the driver value itself, for hosts that name a NIC statically (the bench question runs)
export { driver, layer } from "./index.js"
