/**
 * `devtx kernel bench`: what the abstraction costs, measured by the kernel. Each program of the
 * lane (KernelPrograms.ts) is loaded alone, dev-bound to the rig's rx veth (or a user's NIC) and
 * attached in native mode; frames arrive for real (a dev-bound program cannot be test-run) and
 * bpf_stats (bpf_enable_stats(BPF_STATS_RUN_TIME)) gives run_time_ns / run_cnt.
 *
 * Per program and traffic mode: `runs` measurements (>= 5), each Δrun_time_ns / Δrun_cnt over a
 * burst, reported as the median with min and max; ratio_to_floor divides by the empty program's
 * median in the same mode. Modes on veth:
 *   skb        AF_PACKET from the peer: frames reach the XDP hook as skbs (veth_xdp_rcv_skb),
 *              veth_xdp_buff.skb is set, the metadata kfuncs have data
 *   xdp_frame  BPF_PROG_TEST_RUN + BPF_F_TEST_XDP_LIVE_FRAMES on the peer, redirected into the
 *              pair (veth_xdp_xmit): xdp_frames, no skb, every veth kfunc returns -ENODATA
 * The xlated dump (bpftool) shows where each call went (veth_xdp_rx_hash: a direct call to the
 * driver; bpf_xdp_metadata_rx_hash: the generic -EOPNOTSUPP default), and the `results` map
 * shows what each style read from the last packet — semantics shown, not hidden.
 */
import { cpus, release, totalmem } from "node:os"
import { spawnSync } from "node:child_process"
import { Effect } from "effect"
import { KernelInputError } from "./KernelErrors.js"
import { udpFrame } from "./KernelFrames.js"
import { decodeDevtxResult, type DevtxResult, type LaneProgram, REDIRECT_GEN_OBJECT, vethPrograms } from "./KernelPrograms.js"
import { kcall, kernelSession, type KernelSession, type LoadedProgram, type OpenedObject, type ProgInfo, xlatedCalls, xlatedDump } from "./KernelSession.js"
import { netdevDriver } from "./VethRig.js"

export type TrafficMode = "skb" | "xdp_frame"

export interface KernelBenchOptions {
  readonly quick: boolean
  /** a user's own NIC: their traffic, no rig, no generator */
  readonly dev?: string
  /** with dev: the measurement window of one run, in seconds */
  readonly seconds?: number
  readonly programs?: ReadonlyArray<LaneProgram>
  readonly modes?: ReadonlyArray<TrafficMode>
  readonly runs?: number
  readonly packets?: number
  readonly size?: number
  readonly progress?: (line: string) => void
}

/** A results.json row of the kernel lane (bench/'s BenchResultRow keys, lane "kernel"). */
export interface KernelBenchRow {
  readonly suite: "kernel"
  readonly path: "rx"
  readonly lane: "kernel"
  readonly driver: string
  readonly ifname: string
  readonly style: string
  readonly object: string
  readonly program: string
  readonly dev_bound: boolean
  readonly hints: number
  readonly mode: string
  readonly size: number
  readonly ns_per_packet: number
  readonly ns_min: number
  readonly ns_max: number
  readonly mpps: number
  /** half the min..max spread, in percent of the median */
  readonly rme: number
  readonly samples: number
  readonly ratio_to_floor: number | null
  readonly floor: "empty"
  readonly batch: number
  readonly unit: "packet"
  readonly delivered: number
  readonly xlated_insns: number
  readonly jited_bytes: number
  /** call targets in the xlated program, in order (kallsyms names) */
  readonly calls: ReadonlyArray<string>
  /** what the program read from the last packet (struct devtx_result), when it records one */
  readonly last?: DevtxResult
}

export interface KernelBenchSkip {
  readonly suite: "kernel"
  readonly driver: string
  readonly style: string
  readonly reason: string
}

export interface KernelBenchResult {
  readonly meta: {
    readonly lane: "kernel"
    readonly kernel: string
    readonly node: string
    readonly cpu: string
    readonly cores: number
    readonly memoryGiB: number
    readonly os: string
    readonly revision: string
    readonly date: string
    readonly quick: boolean
    readonly runs: number
    readonly packets: number
    readonly durationS: number
    /** frames per second each generator reached into the veth, millions */
    readonly generators: Record<string, number>
  }
  readonly results: ReadonlyArray<KernelBenchRow>
  readonly skipped: ReadonlyArray<KernelBenchSkip>
  readonly checks: ReadonlyArray<string>
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * The line of a failed load that says why: the verifier's first log line, or libbpf's own
 * complaint (an extern kfunc the kernel does not have), with the errno.
 */
export const loadFailureReason = (e: { readonly message: string; readonly errno?: number; readonly log?: string }): string => {
  const log = (e.log ?? "").split("\n")
  const begin = log.findIndex((l) => l.includes("BEGIN PROG LOAD LOG"))
  const verifier = begin >= 0 ? log[begin + 1]?.trim() : undefined
  const extern = log.find((l) => l.includes("extern") && l.includes("not found"))?.replace(/^libbpf: /, "").trim()
  const why = verifier !== undefined && verifier !== "" && !verifier.startsWith("--") ? verifier : (extern ?? e.message.split("\n")[0]!)
  return `${why}${e.errno === undefined ? "" : ` (errno ${e.errno})`}`
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls run_cnt until it reaches `target` or stops moving (3 polls), at most 3 s. */
const settle = async (s: KernelSession, p: LoadedProgram, target: number): Promise<ProgInfo> => {
  let last = await s.info(p)
  let still = 0
  const deadline = Date.now() + 3000
  while (last.runCnt < target && still < 3 && Date.now() < deadline) {
    await sleep(10)
    const now = await s.info(p)
    still = now.runCnt === last.runCnt ? still + 1 : 0
    last = now
  }
  return last
}

interface Traffic {
  readonly mode: TrafficMode
  /** sends `count` frames, returns how many left the generator and the wall time */
  readonly send: (count: number) => Promise<{ sent: number; ns: number }>
}

const revision = (): string => {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" })
  return r.status === 0 ? r.stdout.trim() : "unknown"
}

const programName = (o: OpenedObject, want: string | null): string | null => {
  if (want !== null) return o.programs.some((p) => p.name === want) ? want : null
  return o.programs.find((p) => p.section.startsWith("xdp"))?.name ?? null
}

export const runKernelBench = (opts: KernelBenchOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const t0 = Date.now()
      const runs = Math.max(5, opts.runs ?? (opts.quick ? 5 : 9))
      const packets = opts.packets ?? (opts.quick ? 20_000 : 200_000)
      const size = opts.size ?? 64
      const say = opts.progress ?? (() => undefined)
      if (opts.dev !== undefined && !/^[A-Za-z0-9_.:-]{1,15}$/.test(opts.dev)) {
        return yield* Effect.fail(new KernelInputError({ flag: "--dev", value: opts.dev, reason: "not an interface name" }))
      }
      const s = yield* kernelSession({ rig: opts.dev === undefined })
      const ifname = opts.dev ?? s.requireRig.rx.ifname
      const ifindexText = yield* Effect.sync(() => spawnSync("cat", [`/sys/class/net/${ifname}/ifindex`], { encoding: "utf8" }))
      if (ifindexText.status !== 0) return yield* Effect.fail(new KernelInputError({ flag: "--dev", value: ifname, reason: "no such network interface" }))
      const ifindex = Number(ifindexText.stdout.trim())
      const driver = netdevDriver(ifname) ?? "unknown"
      const programs = opts.programs ?? vethPrograms()
      const traffic: Traffic[] = []
      const checks: string[] = []
      const skipped: KernelBenchSkip[] = []
      const generators: Record<string, number> = {}
      yield* kcall(() => s.stats(true))
      if (opts.dev === undefined) {
        const rig = s.requireRig
        const frame = udpFrame({ dstMac: rig.rx.mac, srcMac: rig.peer.mac, size })
        const gen = yield* kcall(() => s.openObject(REDIRECT_GEN_OBJECT))
        const genProg = yield* kcall(() => s.load(gen, "xdp_redirect_gen", 0, false))
        const modes = opts.modes ?? ["skb", "xdp_frame"]
        if (modes.includes("skb")) traffic.push({ mode: "skb", send: (n) => s.sendPacket(frame, n) })
        if (modes.includes("xdp_frame"))
          traffic.push({
            mode: "xdp_frame",
            send: async (n) => {
              const r = await s.testRun(genProg, frame, { live: true, repeat: n, ingressIfindex: rig.peer.ifindex, netnsPath: rig.netnsPath, batch: 64 })
              return { sent: n, ns: r.wallNs }
            }
          })
      } else {
        const window = Math.max(1, opts.seconds ?? 2)
        traffic.push({
          mode: "skb",
          send: async () => {
            await sleep(window * 1000)
            return { sent: 0, ns: window * 1e9 }
          }
        })
      }
      const rows: KernelBenchRow[] = []
      for (const lp of programs) {
        const o = yield* kcall(() => s.openObject(lp.object))
        const name = programName(o, lp.program)
        if (name === null) {
          skipped.push({ suite: "kernel", driver, style: lp.style, reason: `${lp.object} has no program ${lp.program ?? "in an xdp section"}` })
          yield* kcall(() => s.closeObject(o))
          continue
        }
        const loaded = yield* Effect.result(kcall(() => s.load(o, name, ifindex, lp.devBound)))
        if (loaded._tag === "Failure") {
          const reason = `the kernel refuses to load ${name}: ${loadFailureReason(loaded.failure)}`
          skipped.push({ suite: "kernel", driver, style: lp.style, reason })
          say(`skip ${lp.style}: ${reason}`)
          yield* kcall(() => s.closeObject(o))
          continue
        }
        const p = loaded.success
        const link = yield* kcall(() => s.attach(p, ifindex, "drv"))
        const dump = yield* Effect.try({ try: () => xlatedDump(p.id), catch: (e) => e as Error }).pipe(Effect.orElseSucceed(() => ""))
        const calls = xlatedCalls(dump)
        const info0 = yield* kcall(() => s.info(p))
        for (const t of traffic) {
          if (lp.resultRecord) yield* kcall(() => s.mapSet(o, "results", 0, new Uint8Array(48)))
          if (opts.dev === undefined) yield* kcall(() => t.send(Math.min(2000, packets)))
          const samples: number[] = []
          let delivered = 0
          let sentTotal = 0
          let genNs = 0
          for (let r = 0; r < runs; r++) {
            const before = yield* kcall(() => s.info(p))
            const g = yield* kcall(() => t.send(packets))
            const after = yield* kcall(() => settle(s, p, before.runCnt + g.sent))
            const dc = after.runCnt - before.runCnt
            sentTotal += g.sent
            genNs += g.ns
            delivered += dc
            if (dc > 0) samples.push((after.runTimeNs - before.runTimeNs) / dc)
          }
          if (opts.dev === undefined) generators[t.mode] = Math.max(generators[t.mode] ?? 0, sentTotal / genNs * 1000)
          if (samples.length < 5) {
            skipped.push({ suite: "kernel", driver, style: lp.style, reason: `${t.mode}: only ${samples.length} of ${runs} runs saw packets on ${ifname}` })
            continue
          }
          const last = lp.resultRecord ? decodeDevtxResult(yield* kcall(() => s.mapGet(o, "results", 0))) : undefined
          const med = median(samples)
          const lo = Math.min(...samples)
          const hi = Math.max(...samples)
          rows.push({
            suite: "kernel",
            path: "rx",
            lane: "kernel",
            driver,
            ifname,
            style: lp.style,
            object: lp.object.replace(/^.*\/packages\//, "packages/"),
            program: name,
            dev_bound: lp.devBound,
            hints: lp.hints,
            mode: `drop-${t.mode}`,
            size,
            ns_per_packet: med,
            ns_min: lo,
            ns_max: hi,
            mpps: 1000 / med,
            rme: med > 0 ? ((hi - lo) / 2 / med) * 100 : 0,
            samples: samples.length,
            ratio_to_floor: null,
            floor: "empty",
            batch: packets,
            unit: "packet",
            delivered: sentTotal > 0 ? delivered / sentTotal : 1,
            xlated_insns: info0.xlatedInsns,
            jited_bytes: info0.jitedBytes,
            calls,
            ...(last === undefined ? {} : { last })
          })
          say(`${lp.style} ${t.mode}: ${med.toFixed(1)} ns/packet`)
        }
        yield* kcall(() => s.closeFd(link))
        yield* kcall(() => s.closeFd(p.fd))
        yield* kcall(() => s.closeObject(o))
      }
      const withFloor = rows.map((r) => {
        const floor = rows.find((f) => f.style === "empty" && f.mode === r.mode)
        return { ...r, ratio_to_floor: floor === undefined ? null : r.ns_per_packet / floor.ns_per_packet }
      })
      for (const r of withFloor) {
        if (r.style === "kfunc-dev-bound") {
          const direct = r.calls.filter((c) => c.startsWith(`${driver}_`))
          checks.push(`${r.mode}: kfunc-dev-bound calls ${direct.length > 0 ? `resolved to the driver: ${direct.join(", ")}` : `NOT resolved to the driver: ${r.calls.join(", ")}`}`)
        }
        if (r.style === "kfunc-generic") checks.push(`${r.mode}: kfunc-generic calls stay generic: ${r.calls.filter((c) => c.startsWith("bpf_xdp_metadata_")).join(", ") || "(none)"}`)
      }
      const result: KernelBenchResult = {
        meta: {
          lane: "kernel",
          kernel: release(),
          node: process.version,
          cpu: cpus()[0]?.model ?? "unknown",
          cores: cpus().length,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          os: `${process.platform} ${release()}`,
          revision: revision(),
          date: new Date().toISOString(),
          quick: opts.quick,
          runs,
          packets,
          durationS: Math.round((Date.now() - t0) / 100) / 10,
          generators
        },
        results: withFloor,
        skipped,
        checks
      }
      return result
    })
  )

const hx = (n: number) => `0x${(n >>> 0).toString(16)}`

/** The table `devtx kernel bench` prints. */
export const formatKernelBench = (r: KernelBenchResult): string[] => {
  const lines = [
    `kernel lane: ${r.meta.kernel}, ${r.results[0]?.driver ?? "?"} ${r.results[0]?.ifname ?? ""}, ${r.meta.runs} runs x ${r.meta.packets} packets, median ns/packet from bpf_stats`,
    ...Object.entries(r.meta.generators).map(([m, v]) => `generator ${m}: ${v.toFixed(2)} Mpps into the veth`),
    "",
    "style              mode            ns/pkt   min..max      x floor  xlated  jited  calls                                   last packet"
  ]
  for (const row of r.results) {
    const l = row.last
    const seen =
      l === undefined
        ? ""
        : row.style === "packet-touch"
          ? `dport ${l.hash}`
          : `hash ${l.hashRet === 0 ? hx(l.hash) : `err ${l.hashRet}`} ts ${l.tsRet === 0 ? l.timestamp : `err ${l.tsRet}`}${row.style.startsWith("kfunc") ? ` vlan ${l.vlanRet === 0 ? l.vlanTci : `err ${l.vlanRet}`}` : ""}`
    lines.push(
      [
        row.style.padEnd(18),
        row.mode.padEnd(15),
        row.ns_per_packet.toFixed(1).padStart(7),
        `${row.ns_min.toFixed(1)}..${row.ns_max.toFixed(1)}`.padStart(13),
        (row.ratio_to_floor === null ? "-" : row.ratio_to_floor.toFixed(2)).padStart(8),
        String(row.xlated_insns).padStart(7),
        String(row.jited_bytes).padStart(6),
        ` ${(row.calls.join(",") || "-").padEnd(39)}`,
        seen
      ].join(" ")
    )
  }
  for (const s of r.skipped) lines.push(`skipped ${s.style}: ${s.reason}`)
  for (const c of r.checks) lines.push(`checked: ${c}`)
  lines.push(
    "semantics: veth_xdp_rx_hash returns skb_get_hash(skb) (computes a software hash when none was set); the raw read of skb->hash sees the stored value (0 until something computed it). xdp_frame mode has no skb: every veth kfunc returns -ENODATA (-61)."
  )
  return lines
}
