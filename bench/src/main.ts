/**
 * `npm run bench -- [--quick] [--filter REGEX] [--out DIR] [--driver NAME] [--size BYTES]
 * [--mode drop|pass|tx] [--config FILE]` (BenchArgs.ts): run the suites, write
 * DIR/results.json, DIR/report.md and DIR/report.html (default DIR: bench-results), print the
 * Markdown report's path and the targets.
 */
import { join } from "node:path"
import { BenchArgsError, parseBenchArgs } from "./BenchArgs.js"
import { anomalies } from "./report/Anomalies.js"
import { conclusions } from "./report/Conclusions.js"
import { targets } from "./report/ReportModel.js"
import { runBench } from "./Runner.js"

const args = parseBenchArgs(process.argv.slice(2))
if (args instanceof BenchArgsError) {
  process.stderr.write(`bench: ${args.message}\n`)
  process.exitCode = 2
} else if (args.pcap !== undefined) {
  process.stderr.write(`bench: --pcap ${args.pcap}: the capture reader is the cli's — run \`npx devtx bench --pcap ${args.pcap}\`\n`)
  process.exitCode = 2
} else {
  runBench({
    quick: args.quick,
    ...(args.filter === undefined ? {} : { filter: args.filter }),
    out: args.out,
    ...(args.drivers === undefined ? {} : { drivers: args.drivers }),
    input: { ...(args.size === undefined ? {} : { size: args.size }), ...(args.mode === undefined ? {} : { mode: args.mode }), ...(args.config === undefined ? {} : { config: args.config }) },
    ...(args.configFrom === undefined ? {} : { configFrom: args.configFrom })
  }).then(
    (r) => {
      process.stdout.write(`${r.results.length} results, ${r.skipped.length} skipped, in ${r.meta.durationS} s\n`)
      for (const t of targets(r)) process.stdout.write(`  ${t.verdict.padEnd(12)} ${t.target}: ${t.measured} ${t.detail}\n`)
      process.stdout.write("conclusions:\n")
      for (const c of conclusions(r)) process.stdout.write(`  [${c.verdict}] ${c.text.replace(/\*\*/g, "")}\n`)
      const flags = anomalies(r)
      process.stdout.write(`anomaly flags: ${flags.length === 0 ? "none" : ""}\n`)
      for (const f of flags.filter((x) => x.kind !== "noisy")) process.stdout.write(`  ${f.kind}: ${f.text}\n`)
      const noisy = flags.filter((x) => x.kind === "noisy").length
      if (noisy > 0) process.stdout.write(`  noisy: ${noisy} figures with rme above the threshold (report.md lists them)\n`)
      process.stdout.write(`report: ${join(args.out, "report.md")} (and report.html, results.json)\n`)
    },
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exitCode = 1
    }
  )
}
