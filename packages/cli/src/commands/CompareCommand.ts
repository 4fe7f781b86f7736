/**
 * `devtx compare …`: the XDP-hints debate's questions (issue 16), each answered from a run or
 * from the sources, never from a number written down. Text output by default, `--json` for one
 * JSON object per command.
 *
 *   kfunc-raw --driver D [--pcap F] [--config F] [--burst N]   both designs and the truth, per hint
 *   portability --driver D                         one raw object against every layout version
 *   new-field                                      the sim's v2 flow_mark: raw field-exists vs a new kfunc
 *   matrix [--nics a,b]                            vendor code and program-author code per design
 *   who-writes [--nics a,b]                        the same counts as kernel (C) vs BPF
 *
 * The programs are the TypeScript kfunc and raw hw-metadata programs of packages/programs (the
 * compiled C objects are not used by these commands yet: no --object flag).
 */
import {
  computeDesignCost,
  computeKfuncRaw,
  computeNewField,
  computePortability,
  kfuncRawSection,
  matrixNics,
  matrixSection,
  newFieldSection,
  portabilityDrivers,
  portabilitySection,
  whoWritesSection
} from "@devtx/bench"
import { builtinCorpus, decodeDriverConfig } from "@devtx/core"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { NoFramesError } from "../CliErrors.js"
import { CompareOptionError } from "../compare/CompareErrors.js"
import { printQuestion } from "../compare/CompareOutput.js"
import { findDriver, installedDriverNames } from "../drivers/InstalledDrivers.js"
import { readConfigFile } from "../run/ConfigFile.js"
import { captureFrames } from "../run/FrameSource.js"

const driverFlag = Flag.Literals("driver", installedDriverNames() as [string, ...string[]]).pipe(Flag.withDescription("the NIC: a drivers-* package by its name"))
const jsonFlag = Flag.Boolean("json").pipe(Flag.withDescription("one JSON object: question, method, data"), Flag.withDefault(false))

const kfuncRaw = Command.make(
  "kfunc-raw",
  {
    driver: driverFlag,
    pcap: Flag.String("pcap").pipe(Flag.withDescription("a pcap or pcapng capture (default: the built-in corpus, which has ground truth)"), Flag.optional),
    config: Flag.String("config").pipe(Flag.withDescription("JSON file of driver configuration fields over its defaults"), Flag.optional),
    burst: Flag.Int("burst").pipe(
      Flag.filter((n) => n >= 1, (n) => `--burst must be >= 1, got ${n}`),
      Flag.withDescription("frames received before each NAPI poll, as devtx run --burst (mlx5 CQE compression sessions form only with > 1; needs rxQueues 1)"),
      Flag.withDefault(1)
    ),
    json: jsonFlag
  },
  (o) =>
    Effect.gen(function* () {
      const driver = yield* findDriver(o.driver)
      const config = Option.isSome(o.config) ? yield* readConfigFile(driver, o.config.value) : {}
      yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
      const corpus = builtinCorpus()
      const src = Option.isSome(o.pcap) ? yield* captureFrames(o.pcap.value) : undefined
      if (src !== undefined && src.frames.length === 0)
        return yield* Effect.fail(new NoFramesError({ path: src.input, reason: "no packet can be fed to a NIC (no Ethernet-reconstructible packet in the capture)" }))
      const frames = src?.frames ?? corpus.map((f) => f.bytes)
      const data = yield* computeKfuncRaw({ driver, config, frames, burst: o.burst, input: src?.input ?? "builtin", ...(src === undefined ? { truth: corpus } : {}) })
      // frame indices -> the capture's packet numbers
      const shown =
        src === undefined
          ? data
          : {
              ...data,
              hints: data.hints.map((h) => ({
                ...h,
                firstDiff: h.firstDiff === null ? null : { ...h.firstDiff, packet: src.packetIndex[h.firstDiff.packet] ?? h.firstDiff.packet }
              }))
            }
      yield* printQuestion("kfunc-raw", kfuncRawSection(shown), shown, o.json)
      if (src?.captureError !== undefined) return yield* Effect.fail(src.captureError)
    })
).pipe(
  Command.withDescription(
    "run the kfunc and the raw hw-metadata program (packages/programs, TypeScript) and the ground truth on the same frames; per hint: equal / differ / unavailable"
  )
)

const portability = Command.make("portability", { driver: driverFlag, json: jsonFlag }, (o) =>
  Effect.gen(function* () {
    const driver = yield* findDriver(o.driver)
    const data = yield* computePortability(driver)
    yield* printQuestion("portability", portabilitySection(data), data, o.json)
  })
).pipe(
  Command.withDescription(
    `one raw program per build (CO-RE, fixed-offset) against every layout the driver has (${portabilityDrivers().join(", ")}): which load, with which message, which give the right answer`
  )
)

const newField = Command.make("new-field", { json: jsonFlag }, (o) =>
  Effect.gen(function* () {
    const data = yield* computeNewField()
    yield* printQuestion("new-field", newFieldSection(data), data, o.json)
  })
).pipe(Command.withDescription("the sim's v2 flow_mark: read raw with field-exists on v1 and v2; what a new kfunc would touch, counted from the sources"))

const nicsFlag = Flag.String("nics").pipe(
  Flag.withDescription(`comma-separated NICs to count (default: ${matrixNics().join(",")})`),
  Flag.withDefault(matrixNics().join(","))
)

const nicList = (command: string, value: string) => {
  const nics = value.split(",").filter((n) => n !== "")
  const bad = nics.find((n) => !matrixNics().includes(n))
  return bad === undefined && nics.length > 0
    ? Effect.succeed(nics)
    : Effect.fail(new CompareOptionError({ command, option: "--nics", value, reason: `expected a comma-separated subset of ${matrixNics().join(",")}` }))
}

const matrix = Command.make("matrix", { nics: nicsFlag, json: jsonFlag }, (o) =>
  Effect.gen(function* () {
    const data = yield* computeDesignCost(yield* nicList("matrix", o.nics))
    yield* printQuestion("matrix", matrixSection(data), data, o.json)
  })
).pipe(Command.withDescription("per design: the code a NIC vendor writes and the code each program author writes per NIC, counted from the sources"))

const whoWrites = Command.make("who-writes", { nics: nicsFlag, json: jsonFlag }, (o) =>
  Effect.gen(function* () {
    const data = yield* computeDesignCost(yield* nicList("who-writes", o.nics))
    yield* printQuestion("who-writes", whoWritesSection(data), data, o.json)
  })
).pipe(Command.withDescription("the same counts, per design, as code in the kernel (driver, core) vs code in BPF (programs)"))

export const compareCommand = Command.make("compare").pipe(
  Command.withDescription("the XDP-hints debate's questions, answered by runs and by counting the sources"),
  Command.withSubcommands([kfuncRaw, portability, newField, matrix, whoWrites])
)
