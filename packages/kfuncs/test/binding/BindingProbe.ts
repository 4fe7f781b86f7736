/**
 * Test support for the binding-mode comparisons: a program that calls every RX metadata kfunc
 * and records rc + every out-parameter member per packet, and a runner that loads it on a device
 * in one binding mode and feeds the whole built-in corpus through hwReceive / napiPoll in bursts
 * (so completions queue up between polls, as the conformance runs do).
 */
import {
  attachXdp,
  builtinCorpus,
  type NetDevice,
  RxChecksumOut,
  RxHashOut,
  RxTimestampOut,
  RxVlanTagOut,
  XdpAction,
  type XdpProgramSpec
} from "@devtx/core"
import { type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"

export const corpus = builtinCorpus()

/** Calls every RX kfunc and records [rc, out...] of each packet. */
export const probeAll = (rows: number[][]): XdpProgramSpec => ({
  name: "probe_all",
  kfuncs: ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag", "bpf_xdp_metadata_rx_checksum"],
  instantiate: ({ kfuncs }) => {
    const ts = new RxTimestampOut()
    const h = new RxHashOut()
    const vl = new RxVlanTagOut()
    const c = new RxChecksumOut()
    return (ctx) => {
      ts.hi = ts.lo = h.hash = h.rssType = vl.vlanProto = vl.vlanTci = c.ipSummed = c.cksum = c.cksumLevel = 0xdead
      const a = kfuncs.rxTimestamp(ctx, ts)
      const b = kfuncs.rxHash(ctx, h)
      const d = kfuncs.rxVlanTag(ctx, vl)
      const e = kfuncs.rxChecksum(ctx, c)
      rows.push([a, ts.hi, ts.lo, b, h.hash, h.rssType, d, vl.vlanProto, vl.vlanTci, e, c.ipSummed, c.cksum, c.cksumLevel])
      return XdpAction.DROP
    }
  }
})

/** Load the probe in `mode` on `dev`, run the corpus in bursts of `burst` frames per poll. */
export const runCorpus = (dev: NetDevice, mode: KfuncBindingMode, burst: number): { rows: number[][]; inlined: ReadonlyArray<string> } => {
  const rows: number[][] = []
  const prog = Effect.runSync(loadBound(probeAll(rows), dev, { mode }))
  Effect.runSync(attachXdp(dev, prog))
  const drain = () => {
    for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
  }
  corpus.forEach((f, i) => {
    dev.hwReceive(f.bytes, 0, f.bytes.length)
    if ((i + 1) % burst === 0) drain()
  })
  drain()
  return { rows, inlined: prog.binding.inlined }
}

/** How many rows have rc `rc` in column `col` (to show a configuration reaches a branch). */
export const countRc = (rows: ReadonlyArray<ReadonlyArray<number>>, col: number, rc: number): number => rows.filter((r) => r[col] === rc).length
