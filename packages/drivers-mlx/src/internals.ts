/**
 * @devtx/drivers-mlx/internals — the package's own parts, for its tests, other packages' tests
 * and the bench probes: configuration, device, hardware model, descriptor layouts, metadata and
 * devtx ops, inline descriptions, BTF. Not the driver contract: hosts use `driver` / `layer`
 * from the index (docs/driver-contract.md).
 */
export * from "./Mlx5Config.js"
export * from "./Mlx5ClockParams.js"
export * from "./Mlx5Device.js"
export * from "./datapath/Mlx5Cqe.js"
export * from "./datapath/Mlx5Clock.js"
export * from "./datapath/Mlx5HardwareModel.js"
export * from "./datapath/Mlx5RxQueueMemory.js"
export * from "./datapath/Mlx5XdpMetadataOps.js"
export * from "./datapath/Mlx5InlineOps.js"
export * from "./datapath/Mlx5DevtxInlineOps.js"
export * from "./datapath/Mlx5eRq.js"
export * from "./datapath/Mlx5Wqe.js"
export * from "./datapath/Mlx5TxChecksumOffload.js"
export * from "./datapath/Mlx5TxQueueMemory.js"
export * from "./datapath/Mlx5TxHardware.js"
export * from "./datapath/Mlx5DevtxOps.js"
export * from "./datapath/Mlx5eTxSq.js"
export * from "./Mlx5Btf.js"

// the driver value itself, for hosts that name a NIC statically (the bench question runs)
export { driver, layer } from "./index.js"
