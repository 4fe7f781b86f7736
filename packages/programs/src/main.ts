/**
 * `npm start`: hw-metadata over the built-in corpus on the reference NIC, printing the
 * xdp_hw_metadata-style lines of the first packets and a summary. Until the `devtx` command
 * lands (issue 10), this is the main job; it takes an optional packet count to show
 * (`npm start -- 40`).
 */
import { builtinCorpus } from "@devtx/core"
import { driver as simDriver } from "@devtx/drivers-sim"
import { Effect } from "effect"
import { formatHwMetadataRun, runHwMetadata } from "./host/HwMetadataHost.js"

const first = Number.parseInt(process.argv[2] ?? "12", 10)
const corpus = builtinCorpus()

const program = runHwMetadata({
  driver: simDriver,
  frames: corpus.map((f) => f.bytes)
}).pipe(
  Effect.map((run) => {
    process.stdout.write(
      `devtx hw-metadata: driver=sim program=xdp_hw_metadata binding=dev-bound corpus=builtin (${corpus.length} frames)\n`
    )
    for (const line of formatHwMetadataRun(run, Number.isFinite(first) && first >= 0 ? first : 12)) {
      process.stdout.write(`${line}\n`)
    }
  }),
  Effect.catch((e) =>
    Effect.sync(() => {
      process.stderr.write(`devtx: ${e._tag}: ${e.message}\n`)
      process.exitCode = 1
    })
  )
)

Effect.runPromise(program)
