/**
 * `devtx bench [--quick] [--filter REGEX] [--out DIR] [--driver NAME[,NAME]] [--size BYTES]
 * [--mode drop|pass|tx] [--config FILE] [--pcap FILE]` runs bench/'s suites (each group in a worker
 * thread; every style's outputs checked equal before timing) and writes DIR/results.json,
 * report.md and report.html (default DIR: bench-results). `devtx report DIR` re-renders the
 * report from DIR/results.json and prints the Markdown; `devtx report --compare A B` puts run A
 * (the baseline; a directory or a results.json) beside run B with per-figure deltas and their
 * significance, prints it and writes compare.md / compare.html next to B's results.json.
 */
import { join } from "node:path"
import {
  anomalies,
  type BenchInput,
  BenchArgsError,
  conclusions,
  compareReports,
  parseDrivers,
  parseMode,
  parseSize,
  readConfigOverlay,
  renderReport,
  runBench
} from "@devtx/bench"
import { Data, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Option } from "effect"
import { captureFrames } from "../run/FrameSource.js"
import { printLines } from "./ProcessOutput.js"

export class BenchRunError extends Data.TaggedError("BenchRunError")<{ readonly reason: string }> {
  override get message(): string {
    return `devtx bench: ${this.reason}`
  }
}

export const benchCommand = Command.make(
  "bench",
  {
    quick: Flag.Boolean("quick").pipe(Flag.withDescription("short runs (under two minutes)"), Flag.withDefault(false)),
    filter: Flag.String("filter").pipe(Flag.withDescription("only benchmarks whose id (suite/driver/style/hints) matches REGEX"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("directory for results.json, report.md, report.html"), Flag.optional),
    driver: Flag.String("driver").pipe(Flag.withDescription("only these drivers (NAME[,NAME...])"), Flag.optional),
    size: Flag.String("size").pipe(Flag.withDescription("every frame BYTES long (60..1514; shorter frames padded, longer left out)"), Flag.optional),
    mode: Flag.String("mode").pipe(Flag.withDescription("what the RX programs return: drop (default), pass (skb built), tx (XDP_TX)"), Flag.optional),
    config: Flag.String("config").pipe(Flag.withDescription("JSON object laid over every driver's configuration"), Flag.optional),
    pcap: Flag.String("pcap").pipe(Flag.withDescription("frames from a pcap / pcapng capture instead of the bench corpus"), Flag.optional)
  },
  (o) =>
    Effect.gen(function* () {
      const out = Option.getOrElse(o.out, () => "bench-results")
      const filter = Option.getOrUndefined(o.filter)
      if (filter !== undefined) {
        try {
          new RegExp(filter)
        } catch (e) {
          return yield* Effect.fail(new BenchRunError({ reason: `--filter '${filter}' is not a regular expression: ${(e as Error).message}` }))
        }
      }
      const arg = <A>(v: Option.Option<string>, parse: (s: string) => A | BenchArgsError) =>
        Option.match(v, {
          onNone: () => Effect.succeed(undefined),
          onSome: (s) => {
            const x = parse(s)
            return x instanceof BenchArgsError ? Effect.fail(new BenchRunError({ reason: x.message })) : Effect.succeed(x)
          }
        })
      const drivers = yield* arg(o.driver, parseDrivers)
      const size = yield* arg(o.size, parseSize)
      const mode = yield* arg(o.mode, parseMode)
      const config = yield* arg(o.config, readConfigOverlay)
      const capture = yield* Option.match(o.pcap, {
        onNone: () => Effect.succeed(undefined),
        onSome: (p) =>
          captureFrames(p).pipe(
            Effect.mapError((e) => new BenchRunError({ reason: e.message })),
            Effect.flatMap((src) =>
              src.captureError !== undefined
                ? Effect.fail(new BenchRunError({ reason: `--pcap ${p}: ${src.captureError.message}` }))
                : src.frames.length === 0
                  ? Effect.fail(new BenchRunError({ reason: `--pcap ${p}: no Ethernet frame in the capture` }))
                  : Effect.succeed(src)
            )
          )
      })
      const input: BenchInput = {
        ...(size === undefined ? {} : { size }),
        ...(mode === undefined ? {} : { mode }),
        ...(config === undefined ? {} : { config }),
        ...(capture === undefined ? {} : { frames: capture.frames, framesFrom: capture.input })
      }
      const r = yield* Effect.tryPromise({
        try: () =>
          runBench({
            quick: o.quick,
            out,
            ...(filter === undefined ? {} : { filter }),
            ...(drivers === undefined ? {} : { drivers }),
            input,
            ...(Option.isSome(o.config) ? { configFrom: o.config.value } : {})
          }),
        catch: (e) => new BenchRunError({ reason: e instanceof Error ? e.message : String(e) })
      })
      const flags = anomalies(r)
      yield* printLines([
        `${r.results.length} results, ${r.skipped.length} skipped, in ${r.meta.durationS} s`,
        ...r.checks.map((c) => `  checked: ${c}`),
        "conclusions:",
        ...conclusions(r).map((c) => `  [${c.verdict}] ${c.text.replace(/\*\*?/g, "")}`),
        `anomaly flags: ${flags.length === 0 ? "none" : flags.map((f) => f.kind).filter((k, i, a) => a.indexOf(k) === i).map((k) => `${k} ${flags.filter((f) => f.kind === k).length}`).join(", ")}`,
        `report: ${join(out, "report.md")} (and report.html, results.json)`
      ])
    })
).pipe(Command.withDescription("run the benchmark suites: what the kfunc abstraction costs against raw descriptor reads"))

export const reportCommand = Command.make(
  "report",
  {
    dir: Argument.String("DIR").pipe(Argument.withDescription("directory holding results.json from devtx bench (with --compare: run B)")),
    compare: Flag.String("compare").pipe(Flag.withDescription("A: the baseline run (directory or results.json) to compare DIR against"), Flag.optional)
  },
  (o) =>
    Effect.flatMap(
      Option.match(o.compare, { onNone: () => renderReport(o.dir), onSome: (a) => compareReports(a, o.dir) }),
      (r) => printLines(r.markdown.trimEnd().split("\n"))
    )
).pipe(Command.withDescription("render the benchmark report (report.md, report.html) from DIR/results.json, or compare two runs (--compare A B)"))
