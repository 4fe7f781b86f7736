/**
 * Worker-thread entry: runs one benchmark group (workerData: a GroupJob) in this fresh isolate
 * and posts its rows, skips, checks and progress to the parent; a failure is posted as an error
 * message and the worker exits non-zero.
 */
import { parentPort, workerData } from "node:worker_threads"
import { type GroupJob, type GroupMessage, runGroupJob } from "./Runner.js"

const port = parentPort
if (port === null) throw new Error("GroupWorker must run in a worker thread")
const post = (m: GroupMessage): void => port.postMessage(m)
runGroupJob(workerData as GroupJob, post).then(
  () => post({ type: "done" }),
  (e: unknown) => {
    post({ type: "error", message: e instanceof Error ? e.message : String(e) })
    process.exitCode = 1
  }
)
