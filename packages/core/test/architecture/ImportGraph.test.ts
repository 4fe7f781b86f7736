/**
 * The dependency rules of docs/architecture.md, checked on the sources: every `.ts` under
 * packages/NAME/src and bench/src is scanned for its imports, and the test fails, printing the
 * file, the line and the import, on
 *   (a) a package import (or a package.json dependency) against the package direction:
 *       bpf is a leaf; core on bpf; kfuncs on core; each drivers-* on core alone (and bpf, the
 *       leaf below it); programs on core and kfuncs; the hosts (cli, bench) on the rest;
 *   (b) an import from a folder of core into a folder of a higher layer (CORE_LAYERS);
 *   (c) a deep import: a relative path that leaves its package, or `@devtx/x/sub` for a subpath
 *       that x's package.json "exports" does not declare;
 *   (d) an import cycle between the files of one package;
 * and that a driver package's index exports exactly what a driver promises (`driver`, `layer`)
 * while sources elsewhere reach a driver only through its declared `./internals` entry (hosts
 * find drivers by discovery, core DriverDiscovery.ts).
 * A package or a core folder the tables do not know fails too: place it before adding it.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { scanImports } from "./ImportScanner.js"

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")

/** core's folders, bottom to top (docs/architecture.md "Layers inside core"). */
const CORE_LAYERS: ReadonlyArray<ReadonlyArray<string>> = [
  ["kernel", "numeric"],
  ["net", "memory", "ring"],
  ["metadata"],
  ["hook", "clock"],
  ["xsk"],
  ["devtx"],
  ["driver"],
  ["program", "redirect"],
  ["placement", "conformance", "raw"]
]

/** Upward imports that are known and have an owner; each entry must still occur (a stale one fails). */
const LAYER_EXCEPTIONS: ReadonlyArray<{ readonly file: string; readonly target: string; readonly why: string }> = []

/** What each package's src may import (package short names; "drivers-*" is every driver). */
const PACKAGE_DEPS: Readonly<Record<string, ReadonlyArray<string>>> = {
  bpf: [],
  core: ["bpf"],
  kfuncs: ["core", "bpf"],
  "drivers-*": ["core", "bpf"],
  // the XDP and devtx program types over the VM
  "bpf-xdp": ["bpf", "core", "kfuncs"],
  programs: ["core", "kfuncs", "bpf", "bpf-xdp"],
  // the real-kernel lane: libbpf through its helper, core's model for the differential tests
  kernel: ["core", "bpf"],
  // the hosts choose drivers at run time by discovery (core DriverDiscovery.ts); the bench also
  // reads NIC-specific datapath details in its probes
  bench: ["core", "kfuncs", "programs", "bpf", "bpf-xdp", "drivers-*"],
  cli: ["core", "kfuncs", "programs", "bench", "bpf", "bpf-xdp", "kernel"]
}

interface Pkg {
  readonly short: string
  readonly name: string
  readonly dir: string
  readonly json: {
    readonly exports?: Record<string, unknown>
    readonly dependencies?: Record<string, string>
    readonly devDependencies?: Record<string, string>
  }
}

const workspacePackages = (): Pkg[] => {
  const dirs = [
    ...fs
      .readdirSync(path.join(repo, "packages"))
      .map((d) => path.join(repo, "packages", d))
      .filter((d) => fs.existsSync(path.join(d, "package.json"))),
    path.join(repo, "bench")
  ]
  return dirs.map((dir) => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
    return { short: (json.name as string).replace(/^@devtx\//, ""), name: json.name, dir, json }
  })
}

const ruleOf = (short: string): string => (short.startsWith("drivers-") ? "drivers-*" : short)
const allowed = (from: string, to: string): boolean | undefined => {
  const deps = PACKAGE_DEPS[ruleOf(from)]
  if (deps === undefined) return undefined
  return deps.includes(ruleOf(to))
}

const tsFiles = (dir: string): string[] => {
  if (!fs.existsSync(dir)) return []
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...tsFiles(p))
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p)
  }
  return out.sort()
}

/** The .ts a relative specifier names (NodeNext: `./X.js` is `./X.ts`; a directory is never imported). */
const resolveRelative = (from: string, spec: string): string => path.resolve(path.dirname(from), spec.replace(/\.js$/, ".ts"))

const rel = (p: string) => path.relative(repo, p)
const coreSrc = path.join(repo, "packages/core/src")
const coreFolderOf = (file: string): string | undefined => {
  const r = path.relative(coreSrc, file)
  if (r.startsWith("..")) return undefined
  const parts = r.split(path.sep)
  return parts.length > 1 ? parts[0] : undefined
}
const layerOf = (folder: string): number => CORE_LAYERS.findIndex((l) => l.includes(folder))

interface Edge {
  readonly file: string
  readonly line: number
  readonly spec: string
  readonly typeOnly: boolean
}

const pkgs = workspacePackages()
const edges: Edge[] = pkgs.flatMap((p) =>
  tsFiles(path.join(p.dir, "src")).flatMap((file) =>
    scanImports(fs.readFileSync(file, "utf8")).map((i) => ({ file, line: i.line, spec: i.specifier, typeOnly: i.typeOnly }))
  )
)
const where = (e: Edge) => `${rel(e.file)}:${e.line}: import "${e.spec}"`
const pkgOfFile = (file: string) => pkgs.find((p) => file.startsWith(p.dir + path.sep))!

describe("import graph (docs/architecture.md)", () => {
  it("sees every package and a plausible number of imports", () => {
    expect(pkgs.map((p) => p.short)).toEqual(expect.arrayContaining(["bpf", "core", "kfuncs", "drivers-sim", "programs", "cli", "bench"]))
    // the scanner must find the core index's re-exports and a multi-line import
    const coreIndex = edges.filter((e) => rel(e.file) === "packages/core/src/index.ts")
    expect(coreIndex.map((e) => e.spec)).toContain("./driver/NetDevice.js")
    expect(edges.length).toBeGreaterThan(1000)
  })

  it("(a) packages depend in the README's direction, in sources and in package.json", () => {
    const bad: string[] = []
    for (const e of edges) {
      const m = /^@devtx\/([a-z0-9-]+)/.exec(e.spec)
      if (m === null) continue
      const from = pkgOfFile(e.file).short
      const to = m[1]!
      if (to === from) {
        bad.push(`${where(e)} — a package imports itself by name; use a relative import`)
        continue
      }
      if (to.startsWith("drivers-") && e.spec === `@devtx/${to}`) {
        bad.push(`${where(e)} — a driver's index is for discovery (driver, layer); import its "@devtx/${to}/internals" or find it with loadWorkspaceDrivers`)
        continue
      }
      const ok = allowed(from, to)
      if (ok === undefined) bad.push(`${where(e)} — package ${from} is not in PACKAGE_DEPS (docs/architecture.md): place it first`)
      else if (!ok) bad.push(`${where(e)} — ${from} may not depend on ${to} (allowed: ${PACKAGE_DEPS[ruleOf(from)]!.join(", ") || "nothing"})`)
    }
    for (const p of pkgs)
      for (const dep of Object.keys(p.json.dependencies ?? {})) {
        const m = /^@devtx\/([a-z0-9-]+)$/.exec(dep)
        if (m === null) continue
        if (allowed(p.short, m[1]!) !== true)
          bad.push(`${rel(p.dir)}/package.json: dependency "${dep}" — ${p.short} may not depend on ${m[1]} (a test-only use is a devDependency)`)
      }
    expect(bad).toEqual([])
  })

  it("a driver package's index exports driver and layer, nothing else", async () => {
    const drivers = pkgs.filter((p) => p.short.startsWith("drivers-"))
    expect(drivers.length).toBeGreaterThanOrEqual(3)
    for (const p of drivers) {
      const mod = (await import(path.join(p.dir, "src/index.ts"))) as Record<string, unknown>
      expect(Object.keys(mod).sort(), `${rel(p.dir)}/src/index.ts`).toEqual(["driver", "layer"])
      expect(Object.hasOwn(p.json.exports ?? {}, "./internals"), `${rel(p.dir)}/package.json exports ./internals`).toBe(true)
    }
  })

  it("(b) no folder of core imports a folder of a higher layer", () => {
    const bad: string[] = []
    const used = new Set<number>()
    for (const e of edges) {
      const fromFolder = coreFolderOf(e.file)
      if (fromFolder === undefined || !e.spec.startsWith(".")) continue
      const target = resolveRelative(e.file, e.spec)
      const toFolder = coreFolderOf(target)
      if (toFolder === undefined || toFolder === fromFolder) continue
      const lf = layerOf(fromFolder)
      const lt = layerOf(toFolder)
      if (lf < 0 || lt < 0) {
        bad.push(`${where(e)} — core folder ${lf < 0 ? fromFolder : toFolder}/ is not in CORE_LAYERS (docs/architecture.md): place it first`)
        continue
      }
      if (lt < lf) continue
      const x = LAYER_EXCEPTIONS.findIndex((ex) => ex.file === rel(e.file) && ex.target === rel(target))
      if (x >= 0) {
        used.add(x)
        continue
      }
      bad.push(`${where(e)} — ${fromFolder}/ (layer ${lf}) may not import ${toFolder}/ (layer ${lt}${lt === lf ? ", the same layer" : ""})`)
    }
    LAYER_EXCEPTIONS.forEach((ex, i) => {
      if (!used.has(i)) bad.push(`LAYER_EXCEPTIONS: ${ex.file} -> ${ex.target} no longer occurs; remove the entry`)
    })
    expect(bad).toEqual([])
  })

  it("(c) no deep imports: relative paths stay in their package, @devtx subpaths are declared exports", () => {
    const bad: string[] = []
    const testEdges: Edge[] = pkgs.flatMap((p) =>
      tsFiles(path.join(p.dir, "test")).flatMap((file) =>
        scanImports(fs.readFileSync(file, "utf8")).map((i) => ({ file, line: i.line, spec: i.specifier, typeOnly: i.typeOnly }))
      )
    )
    for (const e of [...edges, ...testEdges]) {
      const own = pkgOfFile(e.file)
      if (e.spec.startsWith(".")) {
        const target = resolveRelative(e.file, e.spec)
        // a test may use another package's shared test kit (packages/*/test/support/), as the
        // drivers' tests run core's DMA region scenario; nothing else leaves the package
        const kit = e.file.includes(`${path.sep}test${path.sep}`) && /[\\/]packages[\\/][^\\/]+[\\/]test[\\/]support[\\/]/.test(target)
        if (!kit && !target.startsWith(own.dir + path.sep)) bad.push(`${where(e)} — leaves package ${own.name}; import it by package name`)
        continue
      }
      const m = /^(@devtx\/[a-z0-9-]+)(\/.+)?$/.exec(e.spec)
      if (m === null || m[2] === undefined) continue
      const target = pkgs.find((p) => p.name === m[1])
      if (target === undefined) {
        bad.push(`${where(e)} — no workspace package ${m[1]}`)
        continue
      }
      if (!Object.hasOwn(target.json.exports ?? {}, `.${m[2]}`))
        bad.push(`${where(e)} — ${m[1]} does not export "${`.${m[2]}`}" (package.json "exports": ${Object.keys(target.json.exports ?? {}).join(", ")})`)
    }
    expect(bad).toEqual([])
  })

  it("(d) no import cycles between the files of a package", () => {
    const graph = new Map<string, Edge[]>()
    for (const e of edges) {
      if (!e.spec.startsWith(".")) continue
      const list = graph.get(e.file) ?? []
      list.push(e)
      graph.set(e.file, list)
    }
    const cycles: string[] = []
    const state = new Map<string, "open" | "done">()
    const stack: Edge[] = []
    const visit = (file: string) => {
      state.set(file, "open")
      for (const e of graph.get(file) ?? []) {
        const target = resolveRelative(e.file, e.spec)
        const s = state.get(target)
        if (s === "open") {
          const from = stack.findIndex((x) => x.file === target)
          cycles.push([...stack.slice(from < 0 ? stack.length : from), e].map(where).join("\n  -> "))
        } else if (s === undefined) {
          stack.push(e)
          visit(target)
          stack.pop()
        }
      }
      state.set(file, "done")
    }
    for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f)
    expect(cycles).toEqual([])
  })
})
