/**
 * @devtx/core — the contract and the machinery: kernel constants, packet memory, rings, the
 * metadata kfunc table and ops, the XDP hook, the Driver contract, program loading; the packet
 * layer (Toeplitz, checksums, parser, corpus) and BTF/CO-RE.
 */
export * from "./kernel/Errno.js"
export * from "./kernel/EthProto.js"
export * from "./kernel/NetdevFeatures.js"
export * from "./kernel/XdpAction.js"
export * from "./kernel/XdpChecksum.js"
export * from "./kernel/XdpGeometry.js"
export * from "./kernel/XdpRssHashType.js"
export * from "./memory/FrameArea.js"
export * from "./memory/XdpBuff.js"
export * from "./ring/RingIndex.js"
export * from "./ring/DescriptorRing.js"
export * from "./ring/AddrRing.js"
export * from "./metadata/RxMetadataOut.js"
export * from "./metadata/XdpMetadataOps.js"
export * from "./metadata/MetadataTable.js"
export * from "./hook/SkbRecord.js"
export * from "./hook/RxStats.js"
export * from "./hook/XdpHook.js"
export * from "./driver/NetDevice.js"
export * from "./driver/DriverPackage.js"
export * from "./program/TaiClock.js"
export * from "./program/XdpProgramSpec.js"
export * from "./program/ProgramLoader.js"
export * from "./net/index.js"
