/**
 * Capture files: classic pcap and pcapng readers, the Ethernet reconstruction of cooked
 * captures, and a classic pcap writer. The command line is their only user, so they live in the
 * cli package (docs/architecture.md).
 */
export * from "./CaptureErrors.js"
export * from "./CapturedPacket.js"
export * from "./CaptureFile.js"
export * from "./ClassicPcapReader.js"
export * from "./ClassicPcapWriter.js"
export * from "./EthernetReconstruction.js"
export * from "./LinuxCookedHeader.js"
export * from "./PcapFormat.js"
export * from "./PcapngReader.js"
