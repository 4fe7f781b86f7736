/**
 * @devtx/drivers-sim — the reference NIC. Exports one `driver` value (DriverPackage) and a
 * `layer` providing it as the NicDriver service, nothing else: the datapath, hardware model, BTF
 * and inline descriptions are the `@devtx/drivers-sim/internals` entry (for its tests and the bench).
 * Nothing registers itself: package.json's `"devtx": { "driver": true }` makes it discovered.
 */
import { type DriverPackage, NicDriver, type RxSemantics } from "@devtx/core"
import { Layer } from "effect"
import { defaultSimConfig, parseRssKeyHex, type SimConfig, SimConfigSchema } from "./SimConfig.js"
import { simBtf } from "./SimBtf.js"
import { createSimDevice } from "./SimDevice.js"

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
