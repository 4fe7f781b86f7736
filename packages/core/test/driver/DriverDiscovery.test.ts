/**
 * Driver discovery over a temporary workspace: which packages count as drivers (the package.json
 * field, the workspaces globs), the entry each kind loads, and a typed DriverLoadError naming the
 * package and its directory for every way a package can fail — and over this repository: the
 * three NICs, from sources.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { DriverLoadError, discoverDrivers, findWorkspaceRootFrom, loadDriver, loadWorkspaceDrivers } from "@devtx/core"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"

const ws = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-discovery-"))
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

const write = (rel: string, text: string) => {
  const p = path.join(ws, rel)
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, text)
}
const pkg = (dir: string, json: Record<string, unknown>) => write(`${dir}/package.json`, JSON.stringify(json))

// a driver module in plain JS (no build needed): the shape discovery checks
const GOOD_DRIVER = `export const driver = { name: "good", summary: "s", configSchema: {}, defaultConfig: {}, createDevice: () => ({}), rxSemantics: () => ({}) }\n`

write("package.json", JSON.stringify({ name: "ws", private: true, workspaces: ["packages/*", "tools/one", "missing/*"] }))
pkg("packages/drivers-good", { name: "@x/drivers-good", devtx: { driver: true }, exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } } })
write("packages/drivers-good/dist/index.js", GOOD_DRIVER)
pkg("packages/drivers-unbuilt", { name: "@x/drivers-unbuilt", devtx: { driver: true }, main: "./dist/main.js" })
pkg("packages/drivers-nodriver", { name: "@x/drivers-nodriver", devtx: { driver: true } })
write("packages/drivers-nodriver/dist/index.js", "export const layer = 1\n")
pkg("packages/drivers-throws", { name: "@x/drivers-throws", devtx: { driver: true } })
write("packages/drivers-throws/dist/index.js", 'throw new Error("boom at import")\n')
pkg("packages/drivers-dup", { name: "@x/drivers-dup", devtx: { driver: true } })
write("packages/drivers-dup/dist/index.js", GOOD_DRIVER)
pkg("packages/library", { name: "@x/library" })
pkg("packages/flag-false", { name: "@x/flag-false", devtx: { driver: "yes" } })
write("packages/broken-json/package.json", "{ not json")
fs.mkdirSync(path.join(ws, "packages/no-package-json"), { recursive: true })
pkg("tools/one", { name: "@x/tool-driver", devtx: { driver: true } })

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.result(e))

describe("discoverDrivers", () => {
  it("keeps the packages with devtx.driver === true, in directory order, and reports unreadable package.json", () => {
    const r = discoverDrivers(ws)
    expect(r.drivers.map((d) => d.packageName)).toEqual(["@x/drivers-dup", "@x/drivers-good", "@x/drivers-nodriver", "@x/drivers-throws", "@x/drivers-unbuilt", "@x/tool-driver"])
    const good = r.drivers.find((d) => d.packageName === "@x/drivers-good")!
    expect(good.distEntry).toBe(path.join(ws, "packages/drivers-good/dist/index.js"))
    expect(good.sourceEntry).toBe(path.join(ws, "packages/drivers-good/src/index.ts"))
    expect(r.drivers.find((d) => d.packageName === "@x/drivers-unbuilt")!.distEntry).toBe(path.join(ws, "packages/drivers-unbuilt/dist/main.js"))
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toBeInstanceOf(DriverLoadError)
    expect(r.errors[0]!.message).toMatch(new RegExp(`^driver package packages/broken-json at ${ws}/packages/broken-json: package.json: `))
  })

  it("refuses ** and a root without workspaces, as typed errors", () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-discovery-root-"))
    try {
      fs.writeFileSync(path.join(other, "package.json"), JSON.stringify({ workspaces: ["packages/**"] }))
      expect(discoverDrivers(other).errors.map((e) => e.reason)).toEqual(["workspaces entries with ** are not supported by driver discovery (use packages/*)"])
      fs.writeFileSync(path.join(other, "package.json"), JSON.stringify({ name: "x" }))
      expect(discoverDrivers(other).errors.map((e) => e.reason)).toEqual(["package.json has no workspaces list"])
    } finally {
      fs.rmSync(other, { recursive: true, force: true })
    }
  })

  it("finds the workspace root from inside a package", () => {
    expect(findWorkspaceRootFrom(path.join(ws, "packages/drivers-good/dist"))).toBe(ws)
  })
})

describe("loadDriver", () => {
  const d = (name: string) => discoverDrivers(ws).drivers.find((x) => x.packageName === `@x/drivers-${name}`)!

  it("imports a built package and checks it exports a DriverPackage as `driver`", async () => {
    const r = await run(loadDriver(d("good"), "dist"))
    expect(r._tag === "Success" && r.success.name).toBe("good")
  })

  it("names the package, its directory and the reason for each failure", async () => {
    const reason = async (name: string, kind: "dist" | "source" = "dist") => {
      const r = await run(loadDriver(d(name), kind))
      if (r._tag !== "Failure") throw new Error(`${name} loaded`)
      expect(r.failure.driver).toBe(`@x/drivers-${name}`)
      expect(r.failure.path).toBe(path.join(ws, `packages/drivers-${name}`))
      return r.failure.reason
    }
    expect(await reason("unbuilt")).toBe("not built: dist/main.js does not exist (run npm run build at the workspace root)")
    expect(await reason("good", "source")).toBe("no src/index.ts")
    expect(await reason("nodriver")).toBe("does not export a `driver` value (a DriverPackage)")
    expect(await reason("throws")).toBe("import of dist/index.js failed: boom at import")
  })
})

describe("loadWorkspaceDrivers", () => {
  it("loads this repository's NICs from sources (the test runs from .ts) with no errors", async () => {
    const r = await Effect.runPromise(loadWorkspaceDrivers(import.meta.url))
    expect(r.errors.map((e) => e.message)).toEqual([])
    expect(r.drivers.map((x) => x.name)).toEqual(expect.arrayContaining(["sim", "mlx5", "ice"]))
  })

  it("a second package with a taken driver name is an error, the first stays loaded", async () => {
    // drivers-dup (directory order first) declares the name "good" too
    const r = await Effect.runPromise(loadWorkspaceDrivers(pathToFileURL(path.join(ws, "packages/drivers-good/dist/index.js")).href))
    expect(r.drivers.map((x) => x.name)).toEqual(["good"])
    expect(r.errors.map((e) => `${e.driver}: ${e.reason}`)).toEqual([
      "packages/broken-json: package.json: " + r.errors[0]!.reason.slice("package.json: ".length),
      "@x/drivers-good: driver name 'good' is already taken by another package",
      "@x/drivers-nodriver: does not export a `driver` value (a DriverPackage)",
      "@x/drivers-throws: import of dist/index.js failed: boom at import",
      "@x/drivers-unbuilt: not built: dist/main.js does not exist (run npm run build at the workspace root)",
      "@x/tool-driver: not built: dist/index.js does not exist (run npm run build at the workspace root)"
    ])
  })
})
