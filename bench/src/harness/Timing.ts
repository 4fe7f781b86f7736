/**
 * How long each task is timed (tinybench options) in the full and quick modes, and the one
 * function that times a task: `timeTask` runs a fresh tinybench Bench with one task whose
 * beforeEach hook puts the rings back (DeviceReplay) outside the timed region, and returns the
 * per-packet figures. Absolute times are reported, never asserted.
 */
import { Bench } from "tinybench"

export interface TimingPlan {
  /** tinybench time budget per task, ms of timed iterations */
  readonly timeMs: number
  readonly iterations: number
  readonly warmupTimeMs: number
  readonly warmupIterations: number
  /** the plan of the marginal-cost sets (one hint alone, all but one; this plan when absent) */
  readonly marginal?: TimingPlan
}

/** The plan a marginal-cost task (hint set other than a prefix) is timed with. */
export const marginalPlan = (p: TimingPlan): TimingPlan => p.marginal ?? p

export const FULL_TIMING: TimingPlan = { timeMs: 1000, iterations: 64, warmupTimeMs: 200, warmupIterations: 16 }
export const QUICK_TIMING: TimingPlan = {
  timeMs: 250,
  iterations: 16,
  warmupTimeMs: 60,
  warmupIterations: 8,
  // quick mode keeps its budget: the marginal sets (3 per hint path and style) get a shorter one, and their rme says so
  marginal: { timeMs: 60, iterations: 8, warmupTimeMs: 20, warmupIterations: 4 }
}
/** for the test: the suites run, the figures are not meaningful */
export const SMOKE_TIMING: TimingPlan = { timeMs: 1, iterations: 2, warmupTimeMs: 0, warmupIterations: 1 }

export interface TaskFigures {
  readonly ns_per_packet: number
  readonly mpps: number
  readonly rme: number
  readonly samples: number
}

export class TaskTimingError extends Error {
  constructor(readonly task: string, readonly state: string, readonly detail: string) {
    super(`task ${task} did not complete (${state}): ${detail}`)
  }
}

/** Time `run` (one iteration = `perIteration` packets or operations); `before` runs untimed before each iteration. */
export const timeTask = async (
  name: string,
  plan: TimingPlan,
  perIteration: number,
  run: () => unknown,
  before?: () => void
): Promise<TaskFigures> => {
  const bench = new Bench({
    time: plan.timeMs,
    iterations: plan.iterations,
    warmup: plan.warmupIterations > 0,
    warmupTime: plan.warmupTimeMs,
    warmupIterations: plan.warmupIterations,
    throws: true
  })
  bench.add(name, run, before === undefined ? {} : { beforeEach: before })
  await bench.run()
  const task = bench.getTask(name)
  const r = task?.result
  if (r === undefined || (r.state !== "completed" && r.state !== "aborted-with-statistics"))
    throw new TaskTimingError(name, r?.state ?? "missing", r !== undefined && r.state === "errored" ? String(r.error) : "no statistics")
  const ns = (r.latency.mean * 1e6) / perIteration
  return { ns_per_packet: ns, mpps: 1000 / ns, rme: r.latency.rme, samples: r.latency.samplesCount }
}
