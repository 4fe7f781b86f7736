/**
 * The checked-in headers the sample programs include are what build.sh makes from the drivers'
 * published BTF today (`devtx btf dump --driver D --format c`, cut into the base part and each
 * driver's own types): a driver BTF change without a rebuild shows here as a diff.
 * Needs the built devtx bin (npm ci / tsc -b) and awk.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const here = fileURLToPath(new URL("../../bpf", import.meta.url))
const root = fileURLToPath(new URL("../../../..", import.meta.url))

describe.runIf(fs.existsSync(path.join(root, "packages/cli/dist/bin.js")))("sample headers", () => {
  it("devtx_vmlinux.h and devtx_{sim,mlx5,ice}.h equal a fresh build.sh run", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-bpf-inc-"))
    try {
      execFileSync("sh", [path.join(here, "build.sh")], { env: { ...process.env, DEVTX_BPF_INC: out, DEVTX_BPF_HEADERS_ONLY: "1" }, stdio: "pipe" })
      for (const h of ["devtx_vmlinux.h", "devtx_sim.h", "devtx_mlx5.h", "devtx_ice.h"])
        expect([h, fs.readFileSync(path.join(out, h), "utf8")]).toEqual([h, fs.readFileSync(path.join(here, "include", h), "utf8")])
    } finally {
      fs.rmSync(out, { recursive: true, force: true })
    }
  })
})
