/**
 * @devtx/drivers-sim — the reference NIC. Exports one `driver` value (DriverPackage) and a
 * `layer` providing it as the NicDriver service; nothing registers itself globally.
 */
import { type DriverPackage, NicDriver, type RxSemantics } from "@devtx/core"
import { Layer } from "effect"
import { defaultSimConfig, parseRssKeyHex, type SimConfig, SimConfigSchema } from "./SimConfig.js"
import { simBtf } from "./SimBtf.js"
import { createSimDevice } from "./SimDevice.js"

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

export const driver: DriverPackage<SimConfig> = {
  name: "sim",
  summary: "devtx reference NIC: every RX and AF_XDP TX offload, configurable; 32-byte LE descriptors (layout v1)",
  configSchema: SimConfigSchema,
  defaultConfig: defaultSimConfig,
  createDevice: createSimDevice,
  rxSemantics: (c: SimConfig): RxSemantics => ({
    mtu: c.mtu,
    rss: c.rxhash ? { key: parseRssKeyHex(c.rssKey), fields: c.rssFields } : "off",
    vlanStrip: { ctag: c.vlanStripCtag, stag: c.vlanStripStag },
    vlanProto: "tpid",
    timestamps: c.rxTimestamp === "all",
    checksum: !c.rxcsum ? "off" : c.csumComplete ? "complete" : "unnecessary"
  }),
  btf: (c: SimConfig) => simBtf(c.layoutVersion)
}

export const layer = Layer.succeed(NicDriver, driver)
