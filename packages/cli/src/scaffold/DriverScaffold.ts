/**
 * `devtx new-driver NAME` writes packages/drivers-NAME under the workspace root: the nearest
 * directory at or above `cwd` whose package.json has "workspaces" and a packages/core. Refuses an
 * invalid name, an installed driver's name, and an existing directory (nothing is overwritten).
 * Touches no other file: the workspace glob (`packages/*`) and the package's own
 * `"devtx": { "driver": true }` make it built (`npm run build`) and discovered (docs/adding-a-nic.md).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { type DriverNameError, ScaffoldTargetError } from "../CliErrors.js"
import { validateDriverName } from "./DriverName.js"
import { driverPackageFiles } from "./DriverTemplate.js"

export const findWorkspaceRoot = (cwd: string): string | undefined => {
  let dir = path.resolve(cwd)
  for (;;) {
    const pj = path.join(dir, "package.json")
    if (fs.existsSync(pj) && fs.existsSync(path.join(dir, "packages", "core"))) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, "utf8")) as { workspaces?: unknown }).workspaces !== undefined) return dir
      } catch {
        // not JSON: keep looking upwards
      }
    }
    const up = path.dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

export interface ScaffoldResult {
  readonly dir: string
  readonly files: ReadonlyArray<string>
}

export const scaffoldDriver = (
  name: string,
  cwd: string,
  installed: ReadonlyArray<string>
): Effect.Effect<ScaffoldResult, DriverNameError | ScaffoldTargetError> =>
  Effect.gen(function* () {
    yield* validateDriverName(name, installed)
    const root = findWorkspaceRoot(cwd)
    if (root === undefined)
      return yield* Effect.fail(new ScaffoldTargetError({ path: cwd, reason: "not inside a devtx workspace (no package.json with workspaces and packages/core above it)" }))
    const dir = path.join(root, "packages", `drivers-${name}`)
    if (fs.existsSync(dir)) return yield* Effect.fail(new ScaffoldTargetError({ path: dir, reason: "already exists (nothing was written)" }))
    const files = driverPackageFiles(name)
    yield* Effect.try({
      try: () => {
        for (const [rel, text] of files) {
          const p = path.join(dir, rel)
          fs.mkdirSync(path.dirname(p), { recursive: true })
          fs.writeFileSync(p, text)
        }
      },
      catch: (e) => new ScaffoldTargetError({ path: dir, reason: e instanceof Error ? e.message : String(e) })
    })
    return { dir, files: files.map(([rel]) => rel) }
  })
