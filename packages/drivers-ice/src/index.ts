/**
 * @devtx/drivers-ice — Intel ice (E810 / E830 PF), RX half: 32-byte flex descriptors (RXDID 2,
 * switchdev RXDID 6), the libie packet-type table, VLAN in l2tag1 or l2tag2_2nd by VLAN mode,
 * the 32-bit RX timestamp extended with the ring's cached PHC time, the E830 raw checksum.
 * Exports one `driver` value (DriverPackage) and a `layer` providing it as the NicDriver
 * service; nothing registers itself globally.
 * TX: data and context descriptors with checksum offload, VLAN insertion and TSYN, DD write-back,
 * TX timestamps in PHY memory read back by index and extended from 40 bits; the LAN ring (skb),
 * the XDP ring (XDP_TX, ndo_xdp_xmit, AF_XDP zero-copy without metadata: ice has no
 * xsk_tx_metadata_ops); DEVTX-ONLY devtx kfuncs on the PHY-memory timestamps. BTF for the raw
 * design (IceBtf).
 */
import { type DriverPackage, NicDriver, type RxSemantics } from "@devtx/core"
import { Layer } from "effect"
import { defaultIceConfig, type IceConfig, IceConfigSchema, parseIceRssKeyHex } from "./IceConfig.js"
import { iceBtf } from "./IceBtf.js"
import { createIceDevice } from "./IceDevice.js"

export * from "./IceBtf.js"
export * from "./IceConfig.js"
export * from "./IceDevice.js"
export * from "./datapath/IceDevtxOps.js"
export * from "./datapath/IcePtpTx.js"
export * from "./datapath/IceTxDesc.js"
export * from "./datapath/IceTxHardware.js"
export * from "./datapath/IceTxOffload.js"
export * from "./datapath/IceTxRing.js"
export * from "./datapath/IceHardwareModel.js"
export * from "./datapath/IceMetadataOps.js"
export * from "./datapath/IceInlineOps.js"
export * from "./datapath/IcePtypeTable.js"
export * from "./datapath/IceRxFlexDesc.js"
export * from "./datapath/IceRxParser.js"
export * from "./datapath/IceRxQueue.js"
export * from "./datapath/IceTimestamp.js"

/**
 * What ice's RX metadata means under a configuration, as far as RxSemantics can say it. The
 * differences RxSemantics cannot express are the checked-in known gaps of the conformance test
 * (test/IceKnownGaps.ts), each with its reason.
 */
export const iceRxSemantics = (c: IceConfig): RxSemantics => ({
  mtu: c.mtu,
  // RXDID 6 delivers no hash; otherwise the XDP hint reports it whatever NETIF_F_RXHASH says.
  // ice's hash types never carry L3_DYNHDR (no _EX / _OPT entries in the ptype table).
  rss: c.switchdev
    ? "off"
    : { key: parseIceRssKeyHex(c.rssKey), fields: { ...c.rssFields, ipv4OptionsDynHdr: false, ipv6DynHdrExtMask: 0 } },
  vlanStrip: { ctag: c.vlanStrip === "ctag", stag: c.vlanStrip === "stag" },
  // the ring's vlan_proto; only tags with that TPID are stripped, so it equals the tag's TPID
  vlanProto: "tpid",
  // the XDP hint needs only the descriptor's valid bit (always on for PF queues) and a cached PHC
  timestamps: c.ptp,
  checksum: !c.rxcsum ? "off" : c.mac === "e830" && !c.switchdev ? "complete" : "unnecessary",
  // NETIF_F_RXHASH gates only ice_rx_hash_to_skb (the hardware still writes rss_hash and
  // ice_xdp_rx_hash reports it); rx_filter NONE clears rx_ring->ptp_rx, which only the skb path
  // tests (PF queues always carry descriptor timestamps, ice_write_qrxflxp_cntxt ena_ts)
  skb: { rss: c.rxhash, timestamps: c.ptp && c.rxTimestamp === "all" }
})

export const driver: DriverPackage<IceConfig> = {
  name: "ice",
  summary: "Intel ice (E810/E830): 32-byte flex descriptors, libie ptype table, 32-bit RX timestamp extension",
  configSchema: IceConfigSchema,
  defaultConfig: defaultIceConfig,
  createDevice: createIceDevice,
  rxSemantics: iceRxSemantics,
  btf: (c) => iceBtf(c.xdpBuffLayout)
}

export const layer = Layer.succeed(NicDriver, driver)
