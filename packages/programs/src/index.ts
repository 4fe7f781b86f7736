/**
 * @devtx/programs — sample programs (hw-metadata; the balancer and the TX ping-pong come with
 * their issues) and the hosts that run them.
 */
export * from "./host/HwMetadataHost.js"
export * from "./hw-metadata/HwMetadataProgram.js"
export * from "./hw-metadata/HwMetadataRecord.js"
export * from "./hw-metadata/XdpMetaLayout.js"
export * from "./ping-pong/PingPongHost.js"
export * from "./ping-pong/PingPongTraffic.js"
export * from "./raw/RawPrograms.js"
export * from "./raw/SimRawHwMetadata.js"
