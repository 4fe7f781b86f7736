/**
 * Writing the command's output: stdout for results (text lines or JSON Lines), stderr for
 * warnings. Plain writes (no formatting); stdout pipes are synchronous on Linux, so output is
 * complete when the process exits.
 */
import { Effect } from "effect"

export const printLines = (lines: ReadonlyArray<string>): Effect.Effect<void> =>
  Effect.sync(() => {
    if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`)
  })

export const printJsonLines = (values: ReadonlyArray<unknown>): Effect.Effect<void> =>
  printLines(values.map((v) => JSON.stringify(v)))

export const warn = (message: string): Effect.Effect<void> => Effect.sync(() => void process.stderr.write(`devtx: warning: ${message}\n`))
