/**
 * `npm run bench -- [--quick] [--filter REGEX] [--out DIR]`: run the suites, write
 * DIR/results.json, DIR/report.md and DIR/report.html (default DIR: bench-results), print the
 * Markdown report's path and the targets.
 */
import { join } from "node:path"
import { BenchArgsError, parseBenchArgs } from "./BenchArgs.js"
import { targets } from "./report/ReportModel.js"
import { runBench } from "./Runner.js"

const args = parseBenchArgs(process.argv.slice(2))
if (args instanceof BenchArgsError) {
  process.stderr.write(`bench: ${args.message}\n`)
  process.exitCode = 2
} else {
  runBench({ quick: args.quick, ...(args.filter === undefined ? {} : { filter: args.filter }), out: args.out }).then(
    (r) => {
      process.stdout.write(`${r.results.length} results, ${r.skipped.length} skipped, in ${r.meta.durationS} s\n`)
      for (const t of targets(r)) process.stdout.write(`  ${t.verdict.padEnd(12)} ${t.target}: ${t.measured} ${t.detail}\n`)
      process.stdout.write(`report: ${join(args.out, "report.md")} (and report.html, results.json)\n`)
    },
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exitCode = 1
    }
  )
}
