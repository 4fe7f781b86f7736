/**
 * `devtx kernel run --object FILE.o`: one object's XDP program loaded by libbpf, dev-bound (by
 * default) to the rig's rx veth or a user's NIC, attached in native mode, `count` frames sent
 * (veth; on a user's NIC: their traffic for `seconds`), then the kernel's own account: prog id,
 * xlated instructions, jited bytes, the xlated call targets, run_cnt, ns/packet from bpf_stats,
 * and the `results` record when the object has devtx_kernel.h's map. A load the kernel refuses
 * is a KernelCallError carrying the verifier's log.
 */
import { existsSync, readFileSync } from "node:fs"
import { Effect } from "effect"
import { KernelInputError } from "./KernelErrors.js"
import { udpFrame } from "./KernelFrames.js"
import { DEVTX_RESULT_SIZE, decodeDevtxResult, type DevtxResult, REDIRECT_GEN_OBJECT } from "./KernelPrograms.js"
import { kcall, kernelSession, xlatedCalls, xlatedDump } from "./KernelSession.js"
import type { TrafficMode } from "./KernelBench.js"
import { netdevDriver } from "./VethRig.js"

export interface KernelRunOptions {
  readonly object: string
  readonly program?: string
  readonly dev?: string
  readonly devBound: boolean
  readonly count: number
  readonly mode: TrafficMode
  readonly seconds?: number
}

export interface KernelRunResult {
  readonly object: string
  readonly program: string
  readonly programs: ReadonlyArray<string>
  readonly maps: ReadonlyArray<string>
  readonly driver: string
  readonly ifname: string
  readonly devBound: boolean
  readonly mode: TrafficMode
  readonly progId: number
  readonly xlatedInsns: number
  readonly jitedBytes: number
  readonly calls: ReadonlyArray<string>
  readonly sent: number
  readonly runCnt: number
  readonly nsPerPacket: number | null
  readonly results?: DevtxResult
  readonly xlated: string
}

const isElf = (path: string): boolean => {
  try {
    const b = readFileSync(path)
    return b.length > 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46
  } catch {
    return false
  }
}

export const runKernelObject = (o: KernelRunOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      if (!existsSync(o.object)) return yield* Effect.fail(new KernelInputError({ flag: "--object", value: o.object, reason: "no such file" }))
      if (!isElf(o.object)) return yield* Effect.fail(new KernelInputError({ flag: "--object", value: o.object, reason: "not an ELF object (clang -target bpf -c)" }))
      if (!Number.isInteger(o.count) || o.count < 1 || o.count > 100_000_000)
        return yield* Effect.fail(new KernelInputError({ flag: "--count", value: String(o.count), reason: "not an integer in [1, 100000000]" }))
      if (o.dev !== undefined && !existsSync(`/sys/class/net/${o.dev}`))
        return yield* Effect.fail(new KernelInputError({ flag: "--dev", value: o.dev, reason: "no such network interface" }))
      const s = yield* kernelSession({ rig: o.dev === undefined })
      const ifname = o.dev ?? s.requireRig.rx.ifname
      const ifindex = Number(readFileSync(`/sys/class/net/${ifname}/ifindex`, "utf8").trim())
      const obj = yield* kcall(() => s.openObject(o.object))
      const xdp = obj.programs.filter((p) => p.section.startsWith("xdp"))
      const name = o.program ?? (xdp.length === 1 ? xdp[0]!.name : undefined)
      if (name === undefined || !obj.programs.some((p) => p.name === name)) {
        return yield* Effect.fail(
          new KernelInputError({
            flag: "--program",
            value: o.program ?? "(none)",
            reason: `${o.object} has programs ${obj.programs.map((p) => `${p.name} (${p.section})`).join(", ") || "none"}; name one of its XDP programs`
          })
        )
      }
      const p = yield* kcall(() => s.load(obj, name, ifindex, o.devBound))
      yield* kcall(() => s.attach(p, ifindex, "drv"))
      yield* kcall(() => s.stats(true))
      const dump = yield* Effect.try({ try: () => xlatedDump(p.id), catch: (e) => e as Error }).pipe(Effect.orElseSucceed(() => ""))
      const before = yield* kcall(() => s.info(p))
      let sent = 0
      if (o.dev === undefined) {
        const rig = s.requireRig
        const frame = udpFrame({ dstMac: rig.rx.mac, srcMac: rig.peer.mac, size: 64 })
        if (o.mode === "skb") sent = (yield* kcall(() => s.sendPacket(frame, o.count))).sent
        else {
          const gen = yield* kcall(() => s.openObject(REDIRECT_GEN_OBJECT))
          const g = yield* kcall(() => s.load(gen, "xdp_redirect_gen", 0, false))
          yield* kcall(() => s.testRun(g, frame, { live: true, repeat: o.count, ingressIfindex: rig.peer.ifindex, netnsPath: rig.netnsPath, batch: 64 }))
          sent = o.count
        }
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
      } else {
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, Math.max(1, o.seconds ?? 2) * 1000)))
      }
      const after = yield* kcall(() => s.info(p))
      const dc = after.runCnt - before.runCnt
      let results: DevtxResult | undefined
      if (obj.maps.includes("results")) {
        const v = yield* kcall(() => s.mapGet(obj, "results", 0))
        if (v.length === DEVTX_RESULT_SIZE) results = decodeDevtxResult(v)
      }
      const r: KernelRunResult = {
        object: o.object,
        program: name,
        programs: obj.programs.map((x) => x.name),
        maps: obj.maps,
        driver: netdevDriver(ifname) ?? "unknown",
        ifname,
        devBound: o.devBound,
        mode: o.mode,
        progId: p.id,
        xlatedInsns: after.xlatedInsns,
        jitedBytes: after.jitedBytes,
        calls: xlatedCalls(dump),
        sent,
        runCnt: dc,
        nsPerPacket: dc > 0 ? (after.runTimeNs - before.runTimeNs) / dc : null,
        ...(results === undefined ? {} : { results }),
        xlated: dump
      }
      return r
    })
  )

export const formatKernelRun = (r: KernelRunResult): string[] => [
  `${r.object}: program ${r.program} (id ${r.progId}) ${r.devBound ? `dev-bound to ${r.ifname}` : "not dev-bound"}, driver ${r.driver}, native XDP`,
  `xlated ${r.xlatedInsns} insns, jited ${r.jitedBytes} bytes; calls: ${r.calls.join(", ") || "none"}`,
  `traffic: ${r.mode}, ${r.sent} frames sent, ${r.runCnt} runs, ${r.nsPerPacket === null ? "no packet seen" : `${r.nsPerPacket.toFixed(1)} ns/packet (bpf_stats)`}`,
  ...(r.results === undefined
    ? [`maps: ${r.maps.join(", ") || "none"}`]
    : [
        `results: count ${r.results.count}, rx_hash ${r.results.hashRet === 0 ? `0x${r.results.hash.toString(16)} type 0x${r.results.rssType.toString(16)}` : `err ${r.results.hashRet}`}, rx_timestamp ${r.results.tsRet === 0 ? r.results.timestamp : `err ${r.results.tsRet}`}, rx_vlan_tag ${r.results.vlanRet === 0 ? `tci ${r.results.vlanTci} proto 0x${r.results.vlanProto.toString(16)}` : `err ${r.results.vlanRet}`}`
      ])
]
