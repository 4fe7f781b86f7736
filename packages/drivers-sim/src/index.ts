/**
 * @devtx/drivers-sim — the reference NIC. Exports one `driver` value (DriverPackage) and a
 * `layer` providing it as the NicDriver service; nothing registers itself globally.
 */
import { type DriverPackage, NicDriver } from "@devtx/core"
import { Layer } from "effect"
import { defaultSimConfig, type SimConfig, SimConfigSchema } from "./SimConfig.js"
import { createSimDevice } from "./SimDevice.js"

export * from "./SimConfig.js"
export * from "./SimDevice.js"
export * from "./datapath/SimHardwareModel.js"
export * from "./datapath/SimMetadataOps.js"
export * from "./datapath/SimPhc.js"
export * from "./datapath/SimRxDescriptor.js"
export * from "./datapath/SimRxQueue.js"

export const driver: DriverPackage<SimConfig> = {
  name: "sim",
  summary: "devtx reference NIC: every RX offload, configurable, 32-byte LE descriptors (layout v1)",
  configSchema: SimConfigSchema,
  defaultConfig: defaultSimConfig,
  createDevice: createSimDevice
}

export const layer = Layer.succeed(NicDriver, driver)
