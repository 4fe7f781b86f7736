/**
 * The `devtx` command tree (effect/cli) and its runner. Exit codes: 0 success (and --help,
 * --version); 2 a usage error (unknown command or flag, bad or missing flag value: effect/cli
 * prints the help and the error); 1 a handler's typed error, printed as
 * `devtx: <Tag>: <message>` on stderr. The --wizard built-in is off: devtx never prompts.
 * A usage error prints the usage and the error on stderr (stdout stays for results); --help and
 * --version print on stdout.
 */
import { Cause, Console, Effect, Exit, Layer } from "effect"
import { CliConfig, CliError, CliOutput, Command, GlobalFlag } from "effect/cli"
import { benchCommand, reportCommand } from "./commands/BenchCommand.js"
import { btfCommand } from "./commands/BtfCommand.js"
import { compareCommand } from "./commands/CompareCommand.js"
import { driversCommand } from "./commands/DriversCommand.js"
import { kernelCommand } from "./commands/KernelCommand.js"
import { newDriverCommand } from "./commands/NewDriverCommand.js"
import { runCommand } from "./commands/RunCommand.js"
import { nodeCliEnvironment } from "./platform/NodeCliEnvironment.js"

export const DEVTX_VERSION = "0.1.0"

export const devtxCommand = Command.make("devtx").pipe(
  Command.withDescription("devtx: NIC hardware metadata on XDP / AF_XDP — kfuncs vs raw descriptors, on simulated NICs"),
  Command.withSubcommands([runCommand, driversCommand, btfCommand, benchCommand, reportCommand, newDriverCommand, compareCommand, kernelCommand])
)

const cliConfig = CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions, GlobalFlag.LogLevel] })

/** effect/cli's presenter, except that an invalid invocation's usage goes to stderr with its errors. */
const stderrUsage = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.gen(function* () {
          const formatter = yield* CliOutput.Formatter
          yield* Console.error(formatter.formatHelpDoc(event.helpDoc))
          yield* Console.error(formatter.formatErrors(event.errors))
        })
      : CliOutput.defaultPresenter.present(event)
})

/** Run the command line `args` (without node and script); resolves to the process exit code. */
export const runDevtx = (args: ReadonlyArray<string>): Promise<number> =>
  Effect.runPromiseExit(
    Command.runWith(devtxCommand, { version: DEVTX_VERSION })(args).pipe(Effect.provide(Layer.mergeAll(nodeCliEnvironment, cliConfig, stderrUsage)))
  ).then((exit) => {
    if (Exit.isSuccess(exit)) return 0
    const failure = exit.cause.reasons.find(Cause.isFailReason)
    if (failure === undefined) {
      process.stderr.write(`devtx: internal error: ${Cause.pretty(exit.cause)}\n`)
      return 70
    }
    const e = failure.error as { readonly _tag?: string; readonly message?: string }
    if (CliError.isCliError(e)) return e._tag === "ShowHelp" && e.errors.length === 0 ? 0 : 2
    process.stderr.write(`devtx: ${e._tag ?? "Error"}: ${e.message ?? String(e)}\n`)
    return 1
  })
