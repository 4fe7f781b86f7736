/**
 * Capture files: classic pcap and pcapng readers, the Ethernet reconstruction of cooked
 * captures, and a classic pcap writer. (DESIGN.md lists pcap under core; it lives here until core
 * takes it.)
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
