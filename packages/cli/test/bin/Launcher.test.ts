/**
 * The installed command: `node_modules/.bin/devtx` (npm's link to the committed launcher) runs
 * after `npm install` / `npm ci` (whose prepare step builds dist/), and the progress bar appears
 * only on a terminal — checked through a real pseudo-terminal (util-linux `script`).
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../../..", import.meta.url))
const linked = `${root}node_modules/.bin/devtx`

describe("the installed devtx command", () => {
  it("node_modules/.bin/devtx is linked to the launcher and runs", () => {
    expect(existsSync(linked)).toBe(true)
    const r = spawnSync(linked, ["drivers"], { cwd: root, encoding: "utf8", timeout: 60_000 })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/sim/)
    expect(r.stdout).toMatch(/mlx5/)
    expect(r.stdout).toMatch(/ice/)
  })

  it("stays quiet on stderr when stderr is not a terminal", () => {
    const r = spawnSync(linked, ["run", "--driver", "sim", "--count", "1"], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, DEVTX_PROGRESS_AFTER_MS: "0" }
    })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe("")
  })

  it.runIf(existsSync("/usr/bin/script"))("draws a progress bar on a terminal once the run passes the threshold, and erases it", () => {
    const r = spawnSync("script", ["-qec", `${linked} run --driver sim --count 1`, "/dev/null"], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, DEVTX_PROGRESS_AFTER_MS: "0" }
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/devtx run sim \[#+\.*\] \d+\/400/)
    expect(r.stdout).toContain("\r\x1b[K")
    expect(r.stdout).toContain("summary:")
  })
})
