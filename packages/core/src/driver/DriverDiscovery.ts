/**
 * How hosts find driver packages (docs/adding-a-nic.md): a driver is a workspace package whose
 * package.json says `"devtx": { "driver": true }`. Discovery reads the workspace root's
 * package.json `workspaces` (entries may use `*` within a path segment, as `packages/*`), reads
 * each workspace's package.json, and keeps the drivers, in directory order. Loading is a dynamic
 * `import()` of the package's entry — `exports["."].default` (its built dist) or, for hosts
 * running from sources under vitest, `src/index.ts` — that must export a `driver` value shaped as
 * a DriverPackage. Nothing is registered anywhere else; no driver registers itself.
 *
 * Every failure is a typed DriverLoadError naming the package and its directory; one broken
 * package does not hide the others (loadWorkspaceDrivers returns both lists). Control plane only.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Data, Effect } from "effect"
import type { DriverPackage } from "./DriverPackage.js"

/** A driver package that could not be discovered or loaded. */
export class DriverLoadError extends Data.TaggedError("DriverLoadError")<{
  /** the npm package name, or the workspace entry when the package.json cannot be read */
  readonly driver: string
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `driver package ${this.driver} at ${this.path}: ${this.reason}`
  }
}

/** A workspace package that declares itself a driver. */
export interface DiscoveredDriver {
  /** npm name, e.g. @devtx/drivers-sim */
  readonly packageName: string
  readonly dir: string
  /** the built entry (package.json exports["."].default) */
  readonly distEntry: string
  /** the TypeScript entry (src/index.ts) */
  readonly sourceEntry: string
}

export type DriverEntryKind = "dist" | "source"

interface PackageJson {
  readonly name?: unknown
  readonly workspaces?: unknown
  readonly exports?: unknown
  readonly main?: unknown
  readonly devtx?: { readonly driver?: unknown }
}

const readJson = (file: string): PackageJson | string => {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
    return typeof v === "object" && v !== null ? (v as PackageJson) : "not a JSON object"
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/** The nearest directory at or above `start` whose package.json has "workspaces". */
export const findWorkspaceRootFrom = (start: string): string | undefined => {
  let dir = path.resolve(start)
  for (;;) {
    const pj = path.join(dir, "package.json")
    if (fs.existsSync(pj)) {
      const j = readJson(pj)
      if (typeof j !== "string" && j.workspaces !== undefined) return dir
    }
    const up = path.dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

const segmentPattern = (seg: string): RegExp =>
  new RegExp(`^${seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`)

/** The directories a workspaces entry names (`*` and `?` within a segment; `**` is refused). */
const expandWorkspace = (root: string, entry: string): ReadonlyArray<string> | DriverLoadError => {
  if (entry.includes("**"))
    return new DriverLoadError({ driver: entry, path: root, reason: "workspaces entries with ** are not supported by driver discovery (use packages/*)" })
  let dirs = [root]
  for (const seg of entry.split("/").filter((s) => s !== "" && s !== ".")) {
    if (!/[*?]/.test(seg)) {
      dirs = dirs.map((d) => path.join(d, seg)).filter((d) => fs.existsSync(d))
      continue
    }
    const re = segmentPattern(seg)
    dirs = dirs.flatMap((d) =>
      fs.existsSync(d)
        ? fs
            .readdirSync(d, { withFileTypes: true })
            .filter((e) => e.isDirectory() && re.test(e.name))
            .map((e) => path.join(d, e.name))
            .sort()
        : []
    )
  }
  return dirs.filter((d) => fs.existsSync(path.join(d, "package.json")))
}

const distEntryOf = (dir: string, j: PackageJson): string => {
  const dot = typeof j.exports === "object" && j.exports !== null ? (j.exports as Record<string, unknown>)["."] : undefined
  const def = typeof dot === "string" ? dot : typeof dot === "object" && dot !== null ? (dot as Record<string, unknown>)["default"] : undefined
  return path.join(dir, typeof def === "string" ? def : typeof j.main === "string" ? j.main : "dist/index.js")
}

/** The driver packages of the workspace at `root`, and the entries that could not be read. */
export const discoverDrivers = (root: string): { readonly drivers: ReadonlyArray<DiscoveredDriver>; readonly errors: ReadonlyArray<DriverLoadError> } => {
  const errors: DriverLoadError[] = []
  const rootJson = readJson(path.join(root, "package.json"))
  if (typeof rootJson === "string") return { drivers: [], errors: [new DriverLoadError({ driver: "(workspace root)", path: root, reason: `package.json: ${rootJson}` })] }
  const ws = rootJson.workspaces
  const entries: unknown = Array.isArray(ws) ? ws : typeof ws === "object" && ws !== null ? (ws as { packages?: unknown }).packages : undefined
  if (!Array.isArray(entries)) return { drivers: [], errors: [new DriverLoadError({ driver: "(workspace root)", path: root, reason: "package.json has no workspaces list" })] }
  const drivers: DiscoveredDriver[] = []
  const seen = new Set<string>()
  for (const entry of entries) {
    if (typeof entry !== "string") continue
    const dirs = expandWorkspace(root, entry)
    if (dirs instanceof DriverLoadError) {
      errors.push(dirs)
      continue
    }
    for (const dir of dirs) {
      if (seen.has(dir)) continue
      seen.add(dir)
      const j = readJson(path.join(dir, "package.json"))
      if (typeof j === "string") {
        errors.push(new DriverLoadError({ driver: path.relative(root, dir), path: dir, reason: `package.json: ${j}` }))
        continue
      }
      if (j.devtx?.driver !== true) continue
      const packageName = typeof j.name === "string" ? j.name : path.basename(dir)
      drivers.push({ packageName, dir, distEntry: distEntryOf(dir, j), sourceEntry: path.join(dir, "src", "index.ts") })
    }
  }
  return { drivers, errors }
}

const driverShapeProblem = (d: unknown): string | undefined => {
  if (typeof d !== "object" || d === null) return "does not export a `driver` value (a DriverPackage)"
  const x = d as Record<string, unknown>
  if (typeof x["name"] !== "string" || x["name"] === "") return "its `driver` has no name"
  for (const f of ["createDevice", "rxSemantics"]) if (typeof x[f] !== "function") return `its driver '${x["name"]}' has no ${f} function`
  if (x["configSchema"] === undefined) return `its driver '${x["name"]}' has no configSchema`
  return undefined
}

/** Import one discovered package and check that it exports a DriverPackage as `driver`. */
// biome-ignore lint/suspicious/noExplicitAny: drivers of different configuration types (as NicDriver)
export const loadDriver = (d: DiscoveredDriver, kind: DriverEntryKind): Effect.Effect<DriverPackage<any>, DriverLoadError> => {
  const entry = kind === "dist" ? d.distEntry : d.sourceEntry
  const fail = (reason: string) => new DriverLoadError({ driver: d.packageName, path: d.dir, reason })
  return Effect.gen(function* () {
    if (!fs.existsSync(entry))
      return yield* Effect.fail(
        fail(kind === "dist" ? `not built: ${path.relative(d.dir, entry)} does not exist (run npm run build at the workspace root)` : `no ${path.relative(d.dir, entry)}`)
      )
    const mod = yield* Effect.tryPromise({
      try: () => import(pathToFileURL(entry).href) as Promise<Record<string, unknown>>,
      catch: (e) => fail(`import of ${path.relative(d.dir, entry)} failed: ${e instanceof Error ? e.message : String(e)}`)
    })
    const problem = driverShapeProblem(mod["driver"])
    if (problem !== undefined) return yield* Effect.fail(fail(problem))
    // biome-ignore lint/suspicious/noExplicitAny: checked shape above
    return mod["driver"] as DriverPackage<any>
  })
}

export interface WorkspaceDrivers {
  // biome-ignore lint/suspicious/noExplicitAny: drivers of different configuration types
  readonly drivers: ReadonlyArray<DriverPackage<any>>
  readonly errors: ReadonlyArray<DriverLoadError>
}

/**
 * Every driver of the workspace the module at `moduleUrl` belongs to, loaded from the same kind
 * of entry that module runs from (a `.ts` module under vitest loads sources, a built one dist).
 * Two packages declaring one driver name: the second is a DriverLoadError.
 */
export const loadWorkspaceDrivers = (moduleUrl: string): Effect.Effect<WorkspaceDrivers> =>
  Effect.gen(function* () {
    const here = fileURLToPath(moduleUrl)
    const root = findWorkspaceRootFrom(path.dirname(here))
    if (root === undefined)
      return { drivers: [], errors: [new DriverLoadError({ driver: "(workspace)", path: here, reason: "no package.json with workspaces above this module" })] }
    const kind: DriverEntryKind = here.endsWith(".ts") ? "source" : "dist"
    const found = discoverDrivers(root)
    const errors = [...found.errors]
    // biome-ignore lint/suspicious/noExplicitAny: drivers of different configuration types
    const drivers: DriverPackage<any>[] = []
    for (const d of found.drivers) {
      const r = yield* Effect.result(loadDriver(d, kind))
      if (r._tag === "Failure") errors.push(r.failure)
      else if (drivers.some((x) => x.name === r.success.name))
        errors.push(new DriverLoadError({ driver: d.packageName, path: d.dir, reason: `driver name '${r.success.name}' is already taken by another package` }))
      else drivers.push(r.success)
    }
    return { drivers, errors }
  })
