/**
 * @devtx/cli — the `devtx` command (bin: dist/bin.js) and the pieces other packages may reuse:
 * the capture readers/writer (pcap/), the run's JSON schemas, the driver registry of the command.
 */
export * from "./CliErrors.js"
export * from "./DevtxCli.js"
export * from "./btf/BtfRawText.js"
export * from "./drivers/DriverBtfExport.js"
export * from "./drivers/DriverFeatures.js"
export * from "./drivers/InstalledDrivers.js"
export * from "./pcap/index.js"
export * from "./run/PingPongJson.js"
export * from "./run/RunJson.js"
export * from "./scaffold/DriverName.js"
export * from "./scaffold/DriverScaffold.js"
