/**
 * @devtx/programs — the sample programs, each in the kfunc and the raw-descriptor style
 * (hw-metadata after xdp_hw_metadata, the TX timestamping ping-pong, the BTF-id hints reader),
 * the hosts that run them, and the cost matrix of the two designs.
 */
export * from "./host/HwMetadataHost.js"
export * from "./host/ObjectXdpHost.js"
export * from "./hw-metadata/HwMetadataProgram.js"
export * from "./hw-metadata/HwMetadataRecord.js"
export * from "./hw-metadata/XdpMetaLayout.js"
export * from "./ping-pong/PingPongHost.js"
export * from "./ping-pong/PingPongTraffic.js"
export * from "./raw/RawPrograms.js"
export * from "./raw/SimRawHwMetadata.js"
export * from "./raw/SimRawFlowMark.js"
export * from "./raw/FrameL4Locator.js"
export * from "./raw/IceRawDevtx.js"
export * from "./raw/IceRawHwMetadata.js"
export * from "./raw/Mlx5RawDevtx.js"
export * from "./raw/Mlx5RawHwMetadata.js"
export * from "./raw/RawXdpMetaStore.js"
export * from "./raw/SimRawDevtx.js"
export * from "./raw/TxStampLog.js"
export * from "./raw/BtfIdHintsProgram.js"
export * from "./raw/CostMatrix.js"
export * from "./raw/RawPingPongHost.js"
