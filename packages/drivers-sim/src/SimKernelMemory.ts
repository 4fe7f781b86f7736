/**
 * The sim driver's kernel memory for bpf_cast_to_kern_ctx (core driver/KernelMemory.ts): one
 * `struct sim_xdp_buff { struct xdp_buff xdp; union sim_rx_desc *desc; }` per RX queue (SimBtf.ts),
 * `desc` pointing into that queue's RX descriptor ring (registered once, read-only to programs).
 */
import { type DeviceKernelMemory, type DriverBtf, regionOfView, xdpBuffWrapperMemory } from "@devtx/core"
import type { SimRxQueue } from "./datapath/SimRxQueue.js"

export const simKernelMemory = (btf: DriverBtf, queues: ReadonlyArray<SimRxQueue>): DeviceKernelMemory =>
  xdpBuffWrapperMemory({
    driver: "sim",
    btf,
    queues: queues.length,
    descRegions: queues.map((q) => regionOfView(`sim:rx_ring${q.index}`, q.ring.view))
  })
