/**
 * Running the benchmark: every group (Groups.ts) in a fresh worker thread, one after the other
 * (never two at once: the machine has 2 cores and parallel groups would time each other), then
 * `results.json`, `report.md` and `report.html` in the output directory. A progress bar shows on
 * stderr when it is a terminal. `inProcess` runs the groups in the calling thread instead (the
 * test does that: vitest runs TypeScript sources, which a worker cannot load).
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { Worker } from "node:worker_threads"
import type { BenchMeta, BenchResultRow, BenchResultsFile, BenchSkip } from "./BenchResult.js"
import { BENCH_DRIVERS, type BenchGroup, benchGroups, groupName, runGroup } from "./Groups.js"
import { type BenchInput, setBenchInput } from "./harness/BenchInput.js"
import { FULL_TIMING, QUICK_TIMING, type TimingPlan } from "./harness/Timing.js"
import { renderHtml } from "./report/HtmlReport.js"
import { renderMarkdown } from "./report/MarkdownReport.js"
import type { SuiteContext } from "./suites/BenchContext.js"

export interface BenchOptions {
  readonly quick?: boolean
  /** regular expression over task ids `suite/driver/style/hints` */
  readonly filter?: string
  /** output directory for results.json, report.md, report.html (none: nothing written) */
  readonly out?: string
  /** packets per timed iteration (default 4096; below 4096 only for the smoke test) */
  readonly batch?: number
  readonly timing?: TimingPlan
  readonly inProcess?: boolean
  /** progress lines (default: a bar on stderr when it is a TTY, else nothing) */
  readonly onProgress?: (line: string) => void
  /** driver names to run (default: every bench driver) */
  readonly drivers?: ReadonlyArray<string>
  /** frames, size, mode and configuration overlay (BenchInput.ts); `configFrom` names the overlay's file */
  readonly input?: BenchInput
  readonly configFrom?: string
}

export interface GroupJob {
  readonly group: BenchGroup
  readonly plan: TimingPlan
  readonly batch: number
  readonly quick: boolean
  readonly filter: string | undefined
  readonly input: BenchInput
}

export type GroupMessage =
  | { readonly type: "row"; readonly row: BenchResultRow }
  | { readonly type: "skip"; readonly skip: BenchSkip }
  | { readonly type: "check"; readonly line: string }
  | { readonly type: "progress"; readonly task: string }
  | { readonly type: "done" }
  | { readonly type: "error"; readonly message: string }

export const MIN_BATCH = 4096

export const runGroupJob = (job: GroupJob, post: (m: GroupMessage) => void): Promise<void> => {
  setBenchInput(job.input)
  const mode = job.input.mode ?? "drop"
  const size = job.input.size
  // every row says the run's frame size, and the RX-path rows the mode their programs ran in
  const keys = (row: BenchResultRow): BenchResultRow => ({ ...row, ...(size === undefined ? {} : { size }), ...(mode !== "drop" && row.path === "rx" ? { mode } : {}) })
  const ctx: SuiteContext = {
    plan: job.plan,
    batch: job.batch,
    quick: job.quick,
    filter: job.filter === undefined ? undefined : new RegExp(job.filter),
    row: (row) => post({ type: "row", row: keys(row) }),
    skip: (skip) => post({ type: "skip", skip }),
    check: (line) => post({ type: "check", line }),
    progress: (task) => post({ type: "progress", task })
  }
  return runGroup(job.group, ctx).finally(() => setBenchInput({}))
}

const inWorker = (job: GroupJob, on: (m: GroupMessage) => void): Promise<void> =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL("./GroupWorker.js", import.meta.url), { workerData: job })
    let failed: string | undefined
    w.on("message", (m: GroupMessage) => {
      if (m.type === "error") failed = m.message
      else on(m)
    })
    w.on("error", (e) => reject(e))
    w.on("exit", (code) => (failed !== undefined ? reject(new Error(`${groupName(job.group)}: ${failed}`)) : code === 0 ? resolve() : reject(new Error(`${groupName(job.group)}: worker exited with ${code}`))))
  })

const gitRevision = (): string => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return "unknown"
  }
}

const progressBar = (): ((done: number, total: number, task: string) => void) | undefined => {
  if (!process.stderr.isTTY) return undefined
  return (done, total, task) => {
    const width = 28
    const filled = Math.round((done / Math.max(1, total)) * width)
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} groups  ${task.padEnd(40).slice(0, 40)}`)
    if (done === total) process.stderr.write("\n")
  }
}

export class BenchConfigError extends Error {
  constructor(readonly key: string, readonly driver: string, readonly known: ReadonlyArray<string>) {
    super(`--config: '${key}' is not a ${driver} configuration key (${driver} has: ${known.join(", ")}); a key of one driver only needs --driver`)
  }
}

/** Every overlay key must be a configuration key of every driver the run uses: a typo is an error, not a silent default. */
export const checkConfigOverlay = (drivers: ReadonlyArray<string> | undefined, config: Readonly<Record<string, unknown>> | undefined): void => {
  if (config === undefined) return
  for (const d of BENCH_DRIVERS.filter((x) => drivers === undefined || drivers.includes(x.name))) {
    const known = Object.keys(d.defaultConfig as Record<string, unknown>)
    const bad = Object.keys(config).find((k) => !known.includes(k))
    if (bad !== undefined) throw new BenchConfigError(bad, d.name, known)
  }
}

/** Run the benchmark; write the results and reports when `out` is given. */
export const runBench = async (options: BenchOptions = {}): Promise<BenchResultsFile> => {
  const quick = options.quick ?? false
  const batch = options.batch ?? MIN_BATCH
  const plan = options.timing ?? (quick ? QUICK_TIMING : FULL_TIMING)
  const filterRe = options.filter === undefined ? undefined : new RegExp(options.filter)
  const groups = benchGroups(options.drivers)
  const input: BenchInput = options.input ?? {}
  checkConfigOverlay(options.drivers, input.config)
  const rows: BenchResultRow[] = []
  const skipped: BenchSkip[] = []
  const checks: string[] = []
  const started = Date.now()
  const bar = options.onProgress === undefined ? progressBar() : undefined
  let done = 0
  for (const group of groups) {
    const job: GroupJob = { group, plan, batch, quick, filter: options.filter, input }
    const on = (m: GroupMessage): void => {
      if (m.type === "row") rows.push(m.row)
      else if (m.type === "skip") skipped.push(m.skip)
      else if (m.type === "check") checks.push(m.line)
      else if (m.type === "progress") {
        options.onProgress?.(`${groupName(group)} ${m.task}`)
        bar?.(done, groups.length, m.task)
      }
    }
    if (options.inProcess) await runGroupJob(job, on)
    else await inWorker(job, on)
    done++
    bar?.(done, groups.length, groupName(group))
  }
  const cpus = os.cpus()
  const meta: BenchMeta = {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    revision: gitRevision(),
    date: new Date().toISOString(),
    quick,
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    batch,
    filter: filterRe === undefined ? null : filterRe.source,
    durationS: Math.round((Date.now() - started) / 100) / 10,
    ...(options.drivers === undefined ? {} : { drivers: options.drivers }),
    ...(input.mode === undefined || input.mode === "drop" ? {} : { mode: input.mode }),
    ...(input.size === undefined ? {} : { size: input.size }),
    ...(input.framesFrom === undefined ? {} : { pcap: input.framesFrom }),
    ...(options.configFrom === undefined ? {} : { config: options.configFrom })
  }
  const results: BenchResultsFile = { meta, results: rows, skipped, checks }
  if (options.out !== undefined) writeResults(options.out, results)
  return results
}

export const writeResults = (dir: string, results: BenchResultsFile): void => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "results.json"), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(dir, "report.md"), renderMarkdown(results))
  writeFileSync(join(dir, "report.html"), renderHtml(results))
}
