/**
 * The built `devtx` bin for tests that run it in a child process: `npm run build`'s script
 * (scripts/build-workspaces.mjs: the cli and every workspace package, so the driver packages the
 * bin discovers are built too) once per test process, serialised across vitest's parallel workers by an exclusive lock file (two
 * concurrent tsc -b runs would write the same dist/ files).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url))
export const devtxBin = path.join(repoRoot, "packages/cli/dist/bin.js")

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

export const buildDevtxBin = (): void => {
  const lock = path.join(os.tmpdir(), "devtx-cli-build.lock")
  for (let waited = 0; ; waited += 100) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" })
      break
    } catch {
      // a stale lock (its writer died) is taken over after 5 minutes
      if (waited > 300_000) {
        fs.rmSync(lock, { force: true })
        waited = 0
      }
      sleep(100)
    }
  }
  try {
    execFileSync(process.execPath, [path.join(repoRoot, "scripts/build-workspaces.mjs")], { cwd: repoRoot, stdio: "pipe" })
  } finally {
    fs.rmSync(lock, { force: true })
  }
}
