/**
 * @devtx/bpf-xdp — the XDP and devtx program types for clang-compiled BPF objects run in
 * devtx's VM: context conversion (struct xdp_md, struct devtx_ctx), the XDP helpers, the RX
 * metadata and devtx kfuncs (bound through @devtx/kfuncs' binding modes), bpf_cast_to_kern_ctx /
 * bpf_rdonly_cast over the drivers' kernel memory, and the adapters that make an object's
 * program a core XdpProgramSpec / DevtxProgramSpec.
 */
export * from "./ArrayMapStore.js"
export * from "./DevtxProgramCtx.js"
export * from "./KernCtxKfuncs.js"
export * from "./ObjectDevtxProgram.js"
export * from "./ObjectImage.js"
export * from "./ObjectMaps.js"
export * from "./ObjectXdpProgram.js"
export * from "./RxKfuncCalls.js"
export * from "./TraceBuffer.js"
export * from "./XdpHelpers.js"
export * from "./XdpMdCtx.js"
export * from "./XdpRunState.js"
