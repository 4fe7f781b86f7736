/**
 * ice's DMA region table (core driverlib/DmaRegionTable, 65536 slots: the rings keep a u16 region
 * per slot): the scenario of core/test/support/DmaRegionScenario.ts — many sockets on many
 * UMEMs, each frame's marker bytes checked on the wire, slots reused; a full table gives -ENOMEM
 * at bind and NETDEV_TX_BUSY at xmit, and nothing submitted is lost.
 */
import { builtinCorpus, DMA_REGIONS_U16 } from "@devtx/core"
import { describe, expect, it } from "vitest"
import { fullTable, manySocketsManyUmems, socketsOnEveryQueue } from "../../core/test/support/DmaRegionScenario.js"
import { iceDevice } from "./IceTxSupport.js"

const frame = builtinCorpus().find((f) => f.truth.l4 === "udp" && !f.truth.isRunt && f.truth.vlans.length === 0 && f.bytes.length <= 1514)!.bytes

const rig = () => {
  const dev = iceDevice()
  const unbind = () => {
    dev.xdpRings[0]!.socket = undefined
  }
  return { dev, dma: dev.dma, unbind }
}

describe("ice DMA regions", () => {
  it("the table is the u16 width", () => expect(iceDevice().dma.capacity).toBe(DMA_REGIONS_U16))
  it("300 sockets on 300 UMEMs, one after another: every frame leaves with its own UMEM's bytes; slots are reused", () => {
    const most = manySocketsManyUmems(rig(), frame, 300)
    // RX memory, the XDP rings' bounce frames, the socket of the moment and the ones the clock has not reached yet
    expect(most).toBeLessThan(16)
  })
  it("sockets on all 4 queues at once, each on its own UMEM, interleaved: every frame carries its own UMEM's marker", () =>
    socketsOnEveryQueue(iceDevice({ rxQueues: 4 }), frame, 20))
  it("a full table: -ENOMEM at bind, NETDEV_TX_BUSY at xmit, nothing lost once slots free up", () => fullTable(rig(), frame))
})
