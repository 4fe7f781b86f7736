/**
 * @devtx/kfuncs — the kfunc side of the debate: the RX metadata getters (generic form), their
 * binding modes, and re-exports of the out-parameter types programs preallocate.
 */
export * from "./KfuncBinding.js"
export * from "./RxGetters.js"
export { RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut } from "@devtx/core"
export * from "./DevtxKfuncs.js"
