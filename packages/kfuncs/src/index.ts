/**
 * @devtx/kfuncs — the kfunc side of the debate: the RX metadata getters (generic form), their
 * binding modes (generic, dev-bound, inlined), the dev-bound rules (prog-array refusal, freplace
 * extensions inheriting the binding), and re-exports of the out-parameter types programs
 * preallocate.
 */
export * from "./KfuncBinding.js"
export * from "./InlineCompiler.js"
export * from "./ProgArray.js"
export * from "./ExtensionProgram.js"
export * from "./RxGetters.js"
export { RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut } from "@devtx/core"
export * from "./DevtxKfuncs.js"
export * from "./DevtxInlineCompiler.js"
