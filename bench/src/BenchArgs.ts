/**
 * Command-line arguments of `npm run bench -- [--quick] [--filter REGEX] [--out DIR]
 * [--driver NAME[,NAME]] [--size BYTES] [--mode drop|pass|tx] [--config FILE]` (the flags
 * `devtx bench` takes; `devtx bench` also reads `--pcap FILE`, whose capture reader lives in the
 * cli). Unknown flags, a missing value, an invalid regular expression, an unknown driver or mode,
 * a size outside ETH_ZLEN..ETH_FRAME_LEN and a configuration file that is not a JSON object are a
 * BenchArgsError naming the argument and the value.
 */
import { readFileSync } from "node:fs"
import { BENCH_DRIVERS } from "./Groups.js"
import { BENCH_MODES, type BenchMode, ETH_FRAME_LEN, ETH_ZLEN, REDIRECT_MODES_NOT_BUILT } from "./harness/BenchInput.js"

export interface BenchArgs {
  readonly quick: boolean
  readonly filter: string | undefined
  readonly out: string
  readonly drivers?: ReadonlyArray<string>
  readonly size?: number
  readonly mode?: BenchMode
  readonly config?: Readonly<Record<string, unknown>>
  readonly configFrom?: string
  readonly pcap?: string
}

export class BenchArgsError extends Error {
  constructor(readonly argument: string, readonly reason: string) {
    super(`${argument}: ${reason}`)
  }
}

export const DEFAULT_OUT = "bench-results"

/** --driver NAME[,NAME...]: names of bench drivers */
export const parseDrivers = (v: string): ReadonlyArray<string> | BenchArgsError => {
  const names = v.split(",").map((s) => s.trim()).filter((s) => s !== "")
  const known = BENCH_DRIVERS.map((d) => d.name)
  const bad = names.filter((n) => !known.includes(n))
  if (names.length === 0 || bad.length > 0) return new BenchArgsError("--driver", `'${bad.join(",") || v}' is not a bench driver (known: ${known.join(", ")})`)
  return [...new Set(names)]
}

export const parseSize = (v: string): number | BenchArgsError => {
  const n = Number(v)
  if (!/^\d+$/.test(v) || n < ETH_ZLEN || n > ETH_FRAME_LEN) return new BenchArgsError("--size", `'${v}' is not a frame size in bytes from ${ETH_ZLEN} to ${ETH_FRAME_LEN}`)
  return n
}

export const parseMode = (v: string): BenchMode | BenchArgsError => {
  if ((BENCH_MODES as ReadonlyArray<string>).includes(v)) return v as BenchMode
  const why = REDIRECT_MODES_NOT_BUILT[v]
  if (why !== undefined) return new BenchArgsError("--mode", `'${v}' is ${why}`)
  return new BenchArgsError("--mode", `'${v}' is not a mode (expected ${BENCH_MODES.join(", ")})`)
}

/** --config FILE: a JSON object laid over every driver's configuration */
export const readConfigOverlay = (path: string): Readonly<Record<string, unknown>> | BenchArgsError => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    return new BenchArgsError("--config", `cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return new BenchArgsError("--config", `'${path}' is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return new BenchArgsError("--config", `'${path}' is not a JSON object of configuration keys`)
  return doc as Record<string, unknown>
}

const VALUED = ["--filter", "--out", "--driver", "--size", "--mode", "--config", "--pcap"]

export const parseBenchArgs = (argv: ReadonlyArray<string>): BenchArgs | BenchArgsError => {
  let quick = false
  let filter: string | undefined
  let out = DEFAULT_OUT
  const extra: { -readonly [K in keyof BenchArgs]?: BenchArgs[K] } = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === "--quick") {
      quick = true
      continue
    }
    if (!VALUED.includes(a)) return new BenchArgsError(a, `unknown argument (expected --quick, ${VALUED.map((f) => `${f} VALUE`).join(", ")})`)
    const v = argv[i + 1]
    if (v === undefined) return new BenchArgsError(a, "needs a value")
    i++
    if (a === "--out") out = v
    else if (a === "--filter") {
      try {
        new RegExp(v)
      } catch (e) {
        return new BenchArgsError(a, `not a regular expression: ${String(e)}`)
      }
      filter = v
    } else if (a === "--driver") {
      const d = parseDrivers(v)
      if (d instanceof BenchArgsError) return d
      extra.drivers = [...new Set([...(extra.drivers ?? []), ...d])]
    } else if (a === "--size") {
      const n = parseSize(v)
      if (n instanceof BenchArgsError) return n
      extra.size = n
    } else if (a === "--mode") {
      const m = parseMode(v)
      if (m instanceof BenchArgsError) return m
      extra.mode = m
    } else if (a === "--config") {
      const c = readConfigOverlay(v)
      if (c instanceof BenchArgsError) return c
      extra.config = c
      extra.configFrom = v
    } else extra.pcap = v
  }
  return { quick, filter, out, ...extra }
}
