/**
 * `devtx new-driver NAME` in a TEMPORARY CLONE of the repository (every tracked and untracked,
 * not ignored file of the working tree copied; node_modules from `npm ci --offline`, i.e. the
 * npm cache only). The clone's own bin scaffolds packages/drivers-nic_x; then, as the package's
 * README says: `npm install --offline` (links it, records it in the lock; its prepare builds every
 * workspace package), and with no other file touched:
 *   - the new package is built, the tests' typecheck (tsconfig.tests.json) passes;
 *   - `devtx drivers` lists nic_x with what it lacks, `devtx btf dump` knows it (and says it
 *     publishes no BTF), the bench runs it and says why its raw and TX styles are skipped;
 *   - its tests run: core's conformance suite passes, each of the four metadata ops fails with
 *     its own message; programs' every-driver test runs the hw-metadata program on it;
 *   - with its dist removed, `devtx drivers` fails with a DriverLoadError naming the package.
 * Names are validated; an existing package is not overwritten.
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { repoRoot } from "../support/BuiltBin.js"

const clone = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-clone-"))
const bin = path.join(clone, "packages/cli/dist/bin.js")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

const devtx = (args: ReadonlyArray<string>, cwd: string = clone) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const run = (cmd: string, args: ReadonlyArray<string>) => {
  const r = spawnSync(cmd, args, { cwd: clone, encoding: "utf8", timeout: 240_000 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** path -> sha256 of every file of the clone outside node_modules, dist/ and build info. */
const snapshot = (): Map<string, string> => {
  const out = new Map<string, string>()
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "dist") continue
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else out.set(path.relative(clone, p), crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex"))
    }
  }
  walk(clone)
  return out
}

beforeAll(() => {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "" && fs.existsSync(path.join(repoRoot, f)))
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true })
    fs.copyFileSync(path.join(repoRoot, f), path.join(clone, f))
  }
  // offline: everything comes from the npm cache; its prepare script builds the workspace
  run(npm, ["ci", "--offline", "--no-audit", "--no-fund"])
}, 300_000)
afterAll(() => fs.rmSync(clone, { recursive: true, force: true }))

describe("devtx new-driver", () => {
  it("scaffolds a package that builds in a clean clone, is discovered everywhere, and runs the conformance suite", () => {
    const before = snapshot()
    const r = devtx(["new-driver", "nic_x"], path.join(clone, "packages"))
    expect(r.err).toBe("")
    expect(r.code).toBe(0)
    const dir = path.join(clone, "packages/drivers-nic_x")
    expect(r.out).toContain(`created ${dir}:`)
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toMatch(/## Next steps/)
    // nothing outside the package changed
    const after = snapshot()
    const changed = [...after].filter(([f, h]) => !f.startsWith("packages/drivers-nic_x/") && before.get(f) !== h).map(([f]) => f)
    expect(changed).toEqual([])

    run(npm, ["install", "--offline", "--no-audit", "--no-fund"])
    // npm records the new workspace in the lock (a generated file); nothing else outside the package
    const installed = snapshot()
    const touched = [...installed].filter(([f, h]) => !f.startsWith("packages/drivers-nic_x/") && before.get(f) !== h).map(([f]) => f)
    expect(touched).toEqual(["package-lock.json"])
    expect(fs.existsSync(path.join(dir, "dist/index.js"))).toBe(true)
    expect(fs.existsSync(path.join(dir, "dist/internals.js"))).toBe(true)
    run(process.execPath, [path.join(clone, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.tests.json"])

    const list = JSON.parse(devtx(["drivers", "--json"]).out) as Array<{ name: string; lacks: string[]; "xdp-rx-metadata-features": string[] }>
    expect(list.map((d) => d.name)).toEqual(["ice", "mlx5", "nic_x", "sim"])
    const nic = list.find((d) => d.name === "nic_x")!
    expect(nic["xdp-rx-metadata-features"]).toEqual([])
    expect(nic.lacks.map((l) => l.split(" ")[0])).toEqual(["btf", "raw", "tx"])
    expect(devtx(["drivers"]).out).toMatch(/^nic_x: .*\n {2}xdp-rx-metadata-features: set\(\)\n {2}xsk-features: set\(\)\n {2}lacks: btf .*; raw programs .*; tx /m)
    const dump = devtx(["btf", "dump", "--driver", "nic_x"])
    expect(dump.err).toBe("devtx: DriverBtfNotPublishedError: driver nic_x publishes no BTF yet (its DriverPackage has no btf member)\n")

    // the bench runs the new NIC: every RX style skipped because the raw floor cannot load, TX not built
    const out = path.join(clone, "bench-out")
    const b = devtx(["bench", "--quick", "--filter", "^(rx|tx-submit|tx-complete|polymorphism)/nic_x/", "--out", out])
    expect(b.err).toBe("")
    expect(b.code).toBe(0)
    const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as {
      skipped: Array<{ suite: string; driver: string; style: string; reason: string }>
    }
    const skips = results.skipped.filter((s) => s.driver === "nic_x")
    expect(skips.find((s) => s.suite === "tx-submit")?.reason).toBe("this driver's TX half is not built yet")
    expect(skips.find((s) => s.suite === "polymorphism")?.reason).toMatch(/^no raw hint template for nic_x/)
    expect(skips.filter((s) => s.suite === "polymorphism").length).toBe(2)
    expect(skips.some((s) => s.suite === "rx" && /no raw hint template for driver nic_x/.test(s.reason))).toBe(true)

    const report = path.join(clone, "report.json")
    const v = spawnSync(process.execPath, [path.join(clone, "node_modules/vitest/vitest.mjs"), "run", "packages/drivers-nic_x", "--reporter=json", `--outputFile=${report}`], {
      cwd: clone,
      encoding: "utf8",
      timeout: 240_000
    })
    expect(v.status).toBe(1)
    const tests = (JSON.parse(fs.readFileSync(report, "utf8")) as {
      testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>
    }).testResults.flatMap((t) => t.assertionResults)
    expect(tests.find((t) => t.title.startsWith("matches the ground truth"))?.status).toBe("passed")
    for (const [op, member] of [
      ["xmo_rx_timestamp", "xmoRxTimestamp"],
      ["xmo_rx_hash", "xmoRxHash"],
      ["xmo_rx_vlan_tag", "xmoRxVlanTag"],
      ["xmo_rx_checksum", "xmoRxChecksum"]
    ]) {
      const t = tests.find((x) => x.title === `implements ${op}`)
      expect(t?.status).toBe("failed")
      expect(t?.failureMessages.join("\n")).toContain(`nic_x: ${op} is not implemented yet — write ${member} in src/datapath/NicXMetadataOps.ts`)
    }

    // programs' every-driver test picks it up too (and passes: no hint offered, each -EOPNOTSUPP)
    const everyReport = path.join(clone, "every.json")
    const every = spawnSync(
      process.execPath,
      [path.join(clone, "node_modules/vitest/vitest.mjs"), "run", "packages/programs/test/hw-metadata/HwMetadataEveryDriver.test.ts", "--reporter=json", `--outputFile=${everyReport}`],
      { cwd: clone, encoding: "utf8", timeout: 240_000 }
    )
    expect(every.status).toBe(0)
    const everyTests = (JSON.parse(fs.readFileSync(everyReport, "utf8")) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }> }).testResults.flatMap(
      (t) => t.assertionResults
    )
    expect(everyTests.find((t) => t.title.startsWith("nic_x: "))?.status).toBe("passed")

    // a driver package that is not built: a typed error naming it; the other drivers still listed
    fs.rmSync(path.join(dir, "dist"), { recursive: true })
    const broken = devtx(["drivers"])
    expect(broken.code).toBe(1)
    expect(broken.err).toBe(
      `devtx: DriverLoadError: driver package @devtx/drivers-nic_x at ${dir}: not built: dist/index.js does not exist (run npm run build at the workspace root)\n`
    )
    expect(broken.out).toMatch(/^sim: /m)
  }, 300_000)

  it("refuses an existing package, an invalid name, an installed driver's name, and a directory outside a workspace", () => {
    const again = devtx(["new-driver", "nic_x"])
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/^devtx: ScaffoldTargetError: new-driver: .*drivers-nic_x: already exists/)
    expect(devtx(["new-driver", "Nic-X"]).err).toMatch(/^devtx: DriverNameError: new-driver 'Nic-X': /)
    expect(devtx(["new-driver", "ice"]).err).toBe("devtx: DriverNameError: new-driver 'ice': a driver named 'ice' is already installed\n")
    expect(devtx(["new-driver", "nic_y"], os.tmpdir()).err).toMatch(/^devtx: ScaffoldTargetError: .*not inside a devtx workspace/)
    expect(devtx(["new-driver"]).code).toBe(2)
  })
})
