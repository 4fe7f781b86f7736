/**
 * mlx5's DMA region table (core driverlib/DmaRegionTable, 65536 slots: the SQ FIFOs keep a u16
 * region per packet; the region is the IOVA's high word): the scenario of
 * core/test/support/DmaRegionScenario.ts — many sockets on many UMEMs, each frame's marker bytes
 * checked on the wire, slots reused; a full table gives -ENOMEM at bind and NETDEV_TX_BUSY at
 * xmit, and nothing submitted is lost.
 */
import { builtinCorpus, decodeDriverConfig, DMA_REGIONS_U16 } from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import { type Mlx5NetDevice } from "@devtx/drivers-mlx/internals"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { fullTable, manySocketsManyUmems, socketsOnEveryQueue } from "../../core/test/support/DmaRegionScenario.js"

const frame = builtinCorpus().find((f) => f.truth.l4 === "udp" && !f.truth.isRunt && f.truth.vlans.length === 0 && f.bytes.length <= 1514)!.bytes

const mlx5 = (rxQueues = 1): Mlx5NetDevice =>
  driver.createDevice(Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, txRingSize: 64, rxQueues })), {
    ifname: "mlx0",
    ifindex: 3
  }) as Mlx5NetDevice

const rig = () => {
  const dev = mlx5()
  const unbind = () => {
    dev.channels[0]!.xsksq.socket = undefined
  }
  return { dev, dma: dev.dma, unbind }
}

describe("mlx5 DMA regions", () => {
  it("the table is the u16 width", () => expect(rig().dma.capacity).toBe(DMA_REGIONS_U16))
  it("300 sockets on 300 UMEMs, one after another: every frame leaves with its own UMEM's bytes; slots are reused", () => {
    const most = manySocketsManyUmems(rig(), frame, 300)
    expect(most).toBeLessThan(16)
  })
  it("sockets on all 4 queues at once, each on its own UMEM, interleaved: every frame carries its own UMEM's marker", () =>
    socketsOnEveryQueue(mlx5(4), frame, 20))
  it("a full table: -ENOMEM at bind, NETDEV_TX_BUSY at xmit, nothing lost once slots free up", () => fullTable(rig(), frame))
})
