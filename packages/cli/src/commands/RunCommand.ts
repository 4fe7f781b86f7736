/**
 * `devtx run --driver <sim|mlx5|ice> [--pcap FILE] [--program hw-metadata|ping-pong]
 *   [--style kfunc|raw] [--binding generic|dev-bound|inlined] [--rss-key HEX] [--config FILE]
 *   [--count N] [--json] [--tx-pcap FILE] [--burst N]`
 *
 * Feeds frames (a capture, or the built-in corpus) through the chosen NIC and program.
 * Configuration: the driver's defaults <- --config FILE <- --rss-key, decoded with the driver's
 * configSchema before anything runs. Text output: a header line, the xdp_hw_metadata-style lines
 * of the first --count packets (default 12) and the summary over every frame. --json: one object
 * per packet (all, or the first --count), then the summary (RunJson.ts). A malformed capture:
 * the packets before the error are run and reported, then the error (exit 1).
 * --pcap: frames shorter than ETH_ZLEN are padded to 60 as the sending NIC would (the summary
 * says how many: `padded: N`); --no-pad feeds them as captured, and the MAC drops them as runts.
 * Every frame the MAC drops gets a line in the text output (index, length, why).
 * --tx-pcap FILE writes what the device transmitted as classic pcap (ns, Ethernet): the
 * ping-pong's mirrored frames stamped with the PHC time they left; hw-metadata transmits nothing
 * (it passes every frame to the stack), so its file has no packets.
 * --burst N (hw-metadata): N frames reach the NIC before each NAPI poll instead of one, so hardware
 * batching shows (mlx5 CQE compression forms sessions only over several completions); it needs
 * a configuration with one RX queue.
 */
import * as fs from "node:fs"
import { decodeDriverConfig, DriverConfigError } from "@devtx/core"
import { KfuncBindingModes } from "@devtx/kfuncs"
import { formatHwMetadataRun, runHwMetadata, runPingPong, runRawPingPong } from "@devtx/programs"
import { Effect, Option, Result } from "effect"
import { Command, Flag } from "effect/cli"
import { makeProgress } from "../ProgressBar.js"
import { InputFileError, NoFramesError, ProgramOptionError } from "../CliErrors.js"
import { findDriver, installedDriverNames } from "../drivers/InstalledDrivers.js"
import { writeClassicPcap } from "../pcap/ClassicPcapWriter.js"
import { LinkType } from "../pcap/PcapFormat.js"
import { readConfigFile } from "../run/ConfigFile.js"
import { builtinFrames, captureFrames, type FrameSource } from "../run/FrameSource.js"
import { pingJson } from "../run/PingPongJson.js"
import { rssKeyOverride } from "../run/RssKeyOption.js"
import { packetJson, summaryJson } from "../run/RunJson.js"
import { printJsonLines, printLines, warn } from "./ProcessOutput.js"

/** packets whose lines the text output shows without --count */
export const DEFAULT_TEXT_COUNT = 12

const driverFlag = Flag.Literals("driver", installedDriverNames() as [string, ...string[]]).pipe(
  Flag.withDescription("the NIC: a drivers-* package by its name")
)

const writeTxPcap = (path: string, records: ReadonlyArray<{ readonly timestampNs: bigint; readonly data: Uint8Array }>) =>
  Effect.gen(function* () {
    const bytes = writeClassicPcap(records, { linkType: LinkType.ETHERNET, nanosecond: true })
    if (Result.isFailure(bytes)) return yield* Effect.fail(bytes.failure)
    yield* Effect.try({
      try: () => fs.writeFileSync(path, bytes.success),
      catch: (e) => new InputFileError({ flag: "--tx-pcap", path, reason: e instanceof Error ? e.message : String(e) })
    })
  })

const reportInput = (src: FrameSource) =>
  Effect.gen(function* () {
    if (src.skipped.length > 0)
      yield* warn(`${src.skipped.length} packet(s) of ${src.input} not run: ${src.skipped[0]!.message}${src.skipped.length > 1 ? " (and others)" : ""}`)
  })

export const runCommand = Command.make(
  "run",
  {
    driver: driverFlag,
    pcap: Flag.String("pcap").pipe(Flag.withDescription("a pcap or pcapng capture to feed (default: the built-in corpus)"), Flag.optional),
    noPad: Flag.Boolean("no-pad").pipe(
      Flag.withDescription("feed --pcap frames shorter than 60 bytes as captured (the MAC drops them as runts) instead of padding them to ETH_ZLEN"),
      Flag.withDefault(false)
    ),
    program: Flag.Literals("program", ["hw-metadata", "ping-pong"]).pipe(
      Flag.withDescription("hw-metadata (xdp_hw_metadata) or ping-pong (its AF_XDP TX timestamping side)"),
      Flag.withDefault("hw-metadata")
    ),
    style: Flag.Literals("style", ["kfunc", "raw"]).pipe(
      Flag.withDescription("kfunc getters, or raw descriptor reads via BTF + CO-RE (issue 5)"),
      Flag.withDefault("kfunc")
    ),
    binding: Flag.Literals("binding", KfuncBindingModes).pipe(
      Flag.withDescription("how the kfuncs are bound to the device"),
      Flag.withDefault("dev-bound")
    ),
    rssKey: Flag.String("rss-key").pipe(
      Flag.withDescription("Toeplitz key as colon-separated hex bytes (ethtool -X hkey form; the driver's key length)"),
      Flag.optional
    ),
    config: Flag.String("config").pipe(
      Flag.withDescription("path of a JSON file holding an object of driver configuration fields over its defaults (e.g. {\"mtu\": 9000})"),
      Flag.optional
    ),
    count: Flag.Int("count").pipe(
      Flag.filter((n) => n >= 0, (n) => `--count must be >= 0, got ${n}`),
      Flag.withDescription(`packets to show (text default ${DEFAULT_TEXT_COUNT}, --json default all); the summary covers every frame`),
      Flag.optional
    ),
    json: Flag.Boolean("json").pipe(Flag.withDescription("JSON Lines: one object per packet, then a summary"), Flag.withDefault(false)),
    txPcap: Flag.String("tx-pcap").pipe(Flag.withDescription("write the transmitted frames to FILE (classic pcap, ns)"), Flag.optional),
    burst: Flag.Int("burst").pipe(
      Flag.filter((n) => n >= 1, (n) => `--burst must be >= 1, got ${n}`),
      Flag.withDescription(
        "hw-metadata: frames received before each NAPI poll (default 1, poll after every frame); > 1 lets mlx5 CQE compression form sessions; needs rxQueues 1"
      ),
      Flag.withDefault(1)
    )
  },
  (o) =>
    Effect.gen(function* () {
      const driver = yield* findDriver(o.driver)
      if (o.program === "ping-pong" && o.burst !== 1)
        return yield* Effect.fail(
          new ProgramOptionError({ program: o.program, option: "--burst", value: String(o.burst), reason: "the ping-pong host polls after every ping" })
        )
      if (o.program === "ping-pong" && o.binding !== "dev-bound")
        return yield* Effect.fail(
          new ProgramOptionError({ program: o.program, option: "--binding", value: o.binding, reason: "the ping-pong host loads hw-metadata dev-bound only" })
        )
      const fromFile = Option.isSome(o.config) ? yield* readConfigFile(driver, o.config.value) : {}
      const rss = Option.isSome(o.rssKey) ? yield* rssKeyOverride(driver, o.rssKey.value) : {}
      const config = { ...fromFile, ...rss }
      // decode now, so a bad configuration fails before any frame is read; the error names the
      // flag the offending field came from
      yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config }).pipe(
        Effect.mapError((e) => {
          const top = e.field.split(".")[0]!
          const source = top in rss ? "--rss-key" : Option.isSome(o.config) && (top in fromFile || e.field === "(config)") ? `--config ${o.config.value}` : undefined
          return source === undefined ? e : new DriverConfigError({ driver: e.driver, field: e.field, value: e.value, expected: e.expected, source })
        })
      )
      const src = Option.isSome(o.pcap) ? yield* captureFrames(o.pcap.value, { pad: !o.noPad }) : builtinFrames(o.program)
      yield* reportInput(src)
      if (src.frames.length === 0 && src.captureError === undefined)
        return yield* Effect.fail(new NoFramesError({ path: src.input, reason: "no packet can be fed to a NIC (no Ethernet-reconstructible packet in the capture)" }))
      const inputLabel = src.format === "builtin" ? "corpus=builtin" : `${src.format}=${src.input}`
      const count = Option.getOrUndefined(o.count)

      if (o.program === "ping-pong") {
        const r = yield* (o.style === "raw" ? runRawPingPong(driver, src.frames, config) : runPingPong(driver, src.frames, config))
        if (o.json) {
          const pings = pingJson(r)
          yield* printJsonLines([
            ...(count === undefined ? pings : pings.slice(0, count)),
            {
              summary: true,
              driver: driver.name,
              program: "ping-pong",
              input: src.input,
              offered: src.frames.length,
              completed: r.pings.length,
              skipped_packets: src.skipped.length,
              capture_error: src.captureError?.message ?? null
            }
          ])
        } else {
          yield* printLines([
            `devtx ping-pong: driver=${driver.name} program=xdp_hw_metadata+ping-pong ${o.style === "raw" ? "style=raw (CO-RE, devtx descriptor writes)" : "binding=dev-bound"} ${inputLabel} (${src.frames.length} frames)`,
            ...r.lines,
            `summary: offered=${src.frames.length} completed=${r.pings.length}`
          ])
        }
        if (Option.isSome(o.txPcap)) yield* writeTxPcap(o.txPcap.value, r.pings.map((p) => ({ timestampNs: p.wireTime, data: p.wire })))
      } else {
        const progress = makeProgress(`devtx run ${driver.name}`)
        const run = yield* runHwMetadata({ driver, config, frames: src.frames, binding: o.binding, style: o.style, burst: o.burst, onProgress: progress.update }).pipe(
          Effect.ensuring(Effect.sync(progress.finish))
        )
        if (o.json) {
          const packets = run.packets.map((p) => packetJson(p, src.packetIndex[p.index] ?? p.index))
          yield* printJsonLines([
            ...(count === undefined ? packets : packets.slice(0, count)),
            summaryJson(run, {
              driver: driver.name,
              binding: o.binding,
              input: src.input,
              skippedPackets: src.skipped.length,
              captureError: src.captureError?.message ?? null,
              padded: src.padded,
              packetIndex: src.packetIndex
            })
          ])
        } else {
          yield* printLines([
            `devtx hw-metadata: driver=${driver.name} program=xdp_hw_metadata ${o.style === "raw" ? "style=raw (CO-RE)" : `binding=${o.binding}`} ${inputLabel} (${src.frames.length} frames)${o.burst > 1 ? ` burst=${o.burst}` : ""}`,
            ...formatHwMetadataRun(run, count ?? DEFAULT_TEXT_COUNT, (i) => src.packetIndex[i] ?? i),
            ...(src.format === "builtin" ? [] : [`  padded: ${src.padded}${o.noPad ? " (--no-pad)" : ` (frames under ETH_ZLEN 60 padded to it, as the sending NIC does; --no-pad keeps them as runts)`}`])
          ])
        }
        if (Option.isSome(o.txPcap)) yield* writeTxPcap(o.txPcap.value, [])
      }
      if (src.captureError !== undefined) return yield* Effect.fail(src.captureError)
    })
).pipe(Command.withDescription("feed frames (a capture, or the built-in corpus) through a NIC and an XDP program"))
