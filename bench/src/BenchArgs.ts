/**
 * Command-line arguments of `npm run bench -- [--quick] [--filter REGEX] [--out DIR]` (the same
 * flags `devtx bench` takes). Unknown flags, a missing value and an invalid regular expression
 * are a BenchArgsError naming the argument.
 */
export interface BenchArgs {
  readonly quick: boolean
  readonly filter: string | undefined
  readonly out: string
}

export class BenchArgsError extends Error {
  constructor(readonly argument: string, readonly reason: string) {
    super(`${argument}: ${reason}`)
  }
}

export const DEFAULT_OUT = "bench-results"

export const parseBenchArgs = (argv: ReadonlyArray<string>): BenchArgs | BenchArgsError => {
  let quick = false
  let filter: string | undefined
  let out = DEFAULT_OUT
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === "--quick") quick = true
    else if (a === "--filter" || a === "--out") {
      const v = argv[i + 1]
      if (v === undefined) return new BenchArgsError(a, "needs a value")
      i++
      if (a === "--out") out = v
      else {
        try {
          new RegExp(v)
        } catch (e) {
          return new BenchArgsError(a, `not a regular expression: ${String(e)}`)
        }
        filter = v
      }
    } else return new BenchArgsError(a, "unknown argument (expected --quick, --filter REGEX, --out DIR)")
  }
  return { quick, filter, out }
}
