#!/usr/bin/env node
// `npm run build`: `tsc -b` over the root tsconfig.json and every workspace package (root
// package.json "workspaces", `*` within a path segment) that has a tsconfig.json the root does not
// reference — so a new packages/drivers-NAME builds without editing a root file
// (docs/adding-a-nic.md). Extra arguments go to tsc (e.g. --verbose, --clean). Exits with tsc's code.
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const readJson = (p) => JSON.parse(fs.readFileSync(p, "utf8"))
// tsconfig.json is JSON here (no comments): the repo writes it that way
const referenced = new Set((readJson(path.join(root, "tsconfig.json")).references ?? []).map((r) => path.resolve(root, r.path)))

const expand = (entry) => {
  let dirs = [root]
  for (const seg of entry.split("/").filter((s) => s !== "" && s !== ".")) {
    if (!/[*?]/.test(seg)) {
      dirs = dirs.map((d) => path.join(d, seg))
      continue
    }
    const re = new RegExp(`^${seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`)
    dirs = dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory() && re.test(e.name)).map((e) => path.join(d, e.name)).sort() : []))
  }
  return dirs
}

const ws = readJson(path.join(root, "package.json")).workspaces ?? []
const extra = (Array.isArray(ws) ? ws : (ws.packages ?? []))
  .flatMap(expand)
  .filter((d) => fs.existsSync(path.join(d, "package.json")) && fs.existsSync(path.join(d, "tsconfig.json")) && !referenced.has(d))
const projects = [".", ...extra.map((d) => path.relative(root, d))]
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
const r = spawnSync(process.execPath, [tsc, "-b", ...projects, ...process.argv.slice(2)], { cwd: root, stdio: "inherit" })
process.exit(r.status ?? 1)
