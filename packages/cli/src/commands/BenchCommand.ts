/**
 * `devtx bench [--quick] [--filter REGEX] [--out DIR]` and `devtx report DIR`: the benchmark
 * suites and their report live in bench/ (issue 9, not built yet). The flags are parsed (so
 * scripts written against them keep parsing) and the command fails with BenchNotBuiltError.
 */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { BenchNotBuiltError } from "../CliErrors.js"

export const benchCommand = Command.make(
  "bench",
  {
    quick: Flag.Boolean("quick").pipe(Flag.withDescription("short runs"), Flag.withDefault(false)),
    filter: Flag.String("filter").pipe(Flag.withDescription("only suites whose name matches REGEX"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("directory for the JSON results"), Flag.optional)
  },
  () => Effect.fail(new BenchNotBuiltError({ command: "bench" }))
).pipe(Command.withDescription("run the benchmark suites (bench/, issue 9)"))

export const reportCommand = Command.make(
  "report",
  { dir: Argument.String("DIR").pipe(Argument.withDescription("directory of bench JSON results")) },
  () => Effect.fail(new BenchNotBuiltError({ command: "report" }))
).pipe(Command.withDescription("render the benchmark report from bench JSON (bench/, issue 9)"))
