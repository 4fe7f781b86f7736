/**
 * What every suite receives: the timing plan, the batch size, the filter, and where it reports
 * rows, skips, the equality checks that passed, and progress.
 */
import type { BenchResultRow, BenchSkip } from "../BenchResult.js"
import type { TimingPlan } from "../harness/Timing.js"

export interface SuiteContext {
  readonly plan: TimingPlan
  /** packets per timed iteration (>= 4096 except in the smoke test) */
  readonly batch: number
  readonly quick: boolean
  /** task ids are `suite/driver/style/hints`; tasks not matching are neither checked nor timed */
  readonly filter: RegExp | undefined
  readonly row: (r: BenchResultRow) => void
  readonly skip: (s: BenchSkip) => void
  readonly check: (line: string) => void
  readonly progress: (task: string) => void
}

export const taskId = (suite: string, driver: string, style: string, hints: number | string): string => `${suite}/${driver}/${style}/${hints}`

export const selected = (ctx: SuiteContext, id: string): boolean => ctx.filter === undefined || ctx.filter.test(id)

export class BenchCheckError extends Error {
  constructor(readonly task: string, readonly detail: string) {
    super(`check failed for ${task}: ${detail} — a benchmark of a wrong answer is worthless, nothing was timed`)
  }
}
