/**
 * `devtx new-driver NAME` in a TEMPORARY workspace (not the repo): root package.json,
 * tsconfig.base.json, vitest.config.ts and a copy of packages/core's sources, node_modules as
 * symlinks to the repo's (with @devtx/core pointing at the copy). The real bin scaffolds
 * packages/drivers-NAME there; the package compiles (tsc -b) and its tests run: core's
 * conformance suite passes and each of the four metadata ops fails with its own message.
 * Names are validated; an existing package is not overwritten.
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildDevtxBin, devtxBin, repoRoot } from "../support/BuiltBin.js"

const root = repoRoot
const bin = devtxBin
const ws = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-ws-"))

const devtx = (args: ReadonlyArray<string>, cwd: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

beforeAll(() => {
  buildDevtxBin()
  for (const f of ["package.json", "tsconfig.base.json", "vitest.config.ts"]) fs.copyFileSync(path.join(root, f), path.join(ws, f))
  const core = path.join(ws, "packages/core")
  fs.mkdirSync(core, { recursive: true })
  fs.cpSync(path.join(root, "packages/core/src"), path.join(core, "src"), { recursive: true })
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(root, "packages/core", f), path.join(core, f))
  const nm = path.join(ws, "node_modules")
  fs.mkdirSync(path.join(nm, "@devtx"), { recursive: true })
  for (const e of fs.readdirSync(path.join(root, "node_modules")))
    if (e !== "@devtx") fs.symlinkSync(path.join(root, "node_modules", e), path.join(nm, e))
  fs.symlinkSync(core, path.join(nm, "@devtx/core"))
}, 300_000)
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

describe("devtx new-driver", () => {
  it("scaffolds a package that compiles and runs the conformance suite, failing once per missing metadata op", () => {
    const r = devtx(["new-driver", "nic_x"], path.join(ws, "packages"))
    expect(r.err).toBe("")
    expect(r.code).toBe(0)
    const dir = path.join(ws, "packages/drivers-nic_x")
    expect(r.out).toContain(`created ${dir}:`)
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toMatch(/## Next steps/)
    // nothing else in the workspace changed
    expect(fs.readFileSync(path.join(ws, "package.json"), "utf8")).toBe(fs.readFileSync(path.join(root, "package.json"), "utf8"))

    execFileSync(path.join(root, "node_modules/.bin/tsc"), ["-b", "packages/drivers-nic_x"], { cwd: ws, stdio: "pipe" })
    expect(fs.existsSync(path.join(dir, "dist/index.js"))).toBe(true)

    const report = path.join(ws, "report.json")
    const v = spawnSync(path.join(root, "node_modules/.bin/vitest"), ["run", "packages/drivers-nic_x", "--reporter=json", `--outputFile=${report}`], {
      cwd: ws,
      encoding: "utf8",
      timeout: 240_000
    })
    expect(v.status).toBe(1)
    const results = (JSON.parse(fs.readFileSync(report, "utf8")) as {
      testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>
    }).testResults.flatMap((t) => t.assertionResults)
    expect(results.find((t) => t.title.startsWith("matches the ground truth"))?.status).toBe("passed")
    for (const [op, member] of [
      ["xmo_rx_timestamp", "xmoRxTimestamp"],
      ["xmo_rx_hash", "xmoRxHash"],
      ["xmo_rx_vlan_tag", "xmoRxVlanTag"],
      ["xmo_rx_checksum", "xmoRxChecksum"]
    ]) {
      const t = results.find((x) => x.title === `implements ${op}`)
      expect(t?.status).toBe("failed")
      expect(t?.failureMessages.join("\n")).toContain(`nic_x: ${op} is not implemented yet — write ${member} in src/datapath/NicXMetadataOps.ts`)
    }
  }, 300_000)

  it("refuses an existing package, an invalid name, an installed driver's name, and a directory outside a workspace", () => {
    const again = devtx(["new-driver", "nic_x"], ws)
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/^devtx: ScaffoldTargetError: new-driver: .*drivers-nic_x: already exists/)
    expect(devtx(["new-driver", "Nic-X"], ws).err).toMatch(/^devtx: DriverNameError: new-driver 'Nic-X': /)
    expect(devtx(["new-driver", "ice"], ws).err).toBe("devtx: DriverNameError: new-driver 'ice': a driver named 'ice' is already installed\n")
    expect(devtx(["new-driver", "nic_y"], os.tmpdir()).err).toMatch(/^devtx: ScaffoldTargetError: .*not inside a devtx workspace/)
    expect(devtx(["new-driver"], ws).code).toBe(2)
  })
})
