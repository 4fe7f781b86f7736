/**
 * The kfunc-style RX probe for a hint set: an XDP program that calls the set's metadata kfuncs
 * (ProbeRecord.ts order), stores what they return in the probe record and returns XDP_DROP (an
 * rxdrop benchmark, like the published ice figures). Its kfunc calls are bound by the loader in
 * the mode under test (generic / dev-bound / inlined, @devtx/kfuncs loadBound).
 *
 * The source is generated per load (`new Function`), so each loaded probe is its own function
 * with its own type feedback in V8 — as each BPF load is its own JIT image — and call sites of
 * different styles or devices never share (and pollute) inline caches. Only numbers and fixed
 * identifiers go into the source.
 */
import { RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut, type RxKfuncs, type XdpProgramFn, type XdpProgramSpec } from "@devtx/core"
import { HINT_KFUNCS, type HintMask, hintNames, type ProbeSink, REC_WORDS } from "./ProbeRecord.js"

const XDP_DROP = 1

const HINT_CALL: ReadonlyArray<string> = [
  `rc = K_rxHash(ctx, hOut); if (rc === 0) { r[b] = 0; r[b + 1] = hOut.hash; r[b + 2] = hOut.rssType } else { r[b] = rc; r[b + 1] = 0; r[b + 2] = 0 }`,
  `rc = K_rxTimestamp(ctx, tOut); if (rc === 0) { r[b + 3] = 0; r[b + 4] = tOut.hi; r[b + 5] = tOut.lo } else { r[b + 3] = rc; r[b + 4] = 0; r[b + 5] = 0 }`,
  `rc = K_rxVlanTag(ctx, vOut); if (rc === 0) { r[b + 6] = 0; r[b + 7] = vOut.vlanProto; r[b + 8] = vOut.vlanTci } else { r[b + 6] = rc; r[b + 7] = 0; r[b + 8] = 0 }`,
  `rc = K_rxChecksum(ctx, cOut); if (rc === 0) { r[b + 9] = 0; r[b + 10] = cOut.ipSummed; r[b + 11] = cOut.cksum; r[b + 12] = cOut.cksumLevel } else { r[b + 9] = rc; r[b + 10] = 0; r[b + 11] = 0; r[b + 12] = 0 }`
]

export const kfuncProbeSource = (mask: HintMask, tag: string, verdict = XDP_DROP): string =>
  [
    `"use strict";`,
    `const hOut = new Outs.RxHashOut(), tOut = new Outs.RxTimestampOut(), vOut = new Outs.RxVlanTagOut(), cOut = new Outs.RxChecksumOut();`,
    `const r = sink.rec, cur = sink.cursor, mask = sink.mask;`,
    `return function probe_${tag}_m${mask}(ctx) {`,
    `  const b = (cur[0]++ & mask) * ${REC_WORDS};`,
    `  let rc = 0;`,
    ...HINT_CALL.filter((_, i) => (mask & (1 << i)) !== 0).map((l) => `  ${l}`),
    `  return ${verdict};`,
    `}`
  ].join("\n")

const OUTS = { RxHashOut, RxTimestampOut, RxVlanTagOut, RxChecksumOut }

/** `verdict`: what the program returns (XDP_DROP unless the run's mode says otherwise, BenchInput.ts) */
export const kfuncProbeSpec = (mask: HintMask, tag: string, sink: ProbeSink, verdict = XDP_DROP): XdpProgramSpec => ({
  name: `probe_${tag}_m${mask}`,
  kfuncs: hintNames(mask).map((h) => HINT_KFUNCS[h]),
  instantiate: (env) => {
    const k: RxKfuncs = env.kfuncs
    // generated program text: numbers and fixed identifiers only
    const make = new Function("K_rxHash", "K_rxTimestamp", "K_rxVlanTag", "K_rxChecksum", "Outs", "sink", kfuncProbeSource(mask, tag, verdict)) as (
      ...a: unknown[]
    ) => XdpProgramFn
    return make(k.rxHash, k.rxTimestamp, k.rxVlanTag, k.rxChecksum, OUTS, sink)
  }
})

/** The empty program: the poll loop's fixed per-packet cost (no hint read; XDP_DROP in the default mode). */
export const emptyProbeSpec = (sink: ProbeSink, verdict = XDP_DROP): XdpProgramSpec => ({
  name: "probe_empty",
  kfuncs: [],
  instantiate: () => {
    const make = new Function(
      "sink",
      `"use strict"; const cur = sink.cursor; return function probe_empty(ctx) { cur[0]++; return ${verdict} }`
    ) as (s: ProbeSink) => XdpProgramFn
    return make(sink)
  }
})
