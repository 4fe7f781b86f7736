/**
 * The mlx5 driver's kernel memory for bpf_cast_to_kern_ctx (core driver/KernelMemory.ts): one
 * `struct mlx5e_xdp_buff { struct xdp_buff xdp; struct mlx5_cqe64 *cqe; struct mlx5e_rq *rq; }`
 * per RX queue (drivers/net/ethernet/mellanox/mlx5/core/en/xdp.h). `cqe` points where the driver's
 * mxbuf->cqe does: the CQ slot, or — for a packet of a compressed session — the decompression
 * title copy (mlx5e_decompress_cqe writes rq->cqd.title, en_rx.c). Both memories are registered
 * once per queue. `rq` is written as 0: struct mlx5e_rq is opaque in the driver's BTF, so a read
 * through it faults and reads zero.
 */
import { type DeviceKernelMemory, type DriverBtf, regionOfView, xdpBuffWrapperMemory } from "@devtx/core"
import type { Mlx5eRq } from "./datapath/Mlx5eRq.js"
import type { Mlx5RxQueueMemory } from "./datapath/Mlx5RxQueueMemory.js"

export const mlx5KernelMemory = (btf: DriverBtf, mems: ReadonlyArray<Mlx5RxQueueMemory>, rqs: ReadonlyArray<Mlx5eRq>): DeviceKernelMemory =>
  xdpBuffWrapperMemory({
    driver: "mlx5",
    btf,
    queues: rqs.length,
    descRegions: rqs.flatMap((rq, q) => [regionOfView(`mlx5:cq${q}`, mems[q]!.cqView), regionOfView(`mlx5:cqd${q}.title`, rq.cqd.titleView)])
  })
