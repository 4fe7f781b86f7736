/**
 * `devtx run --object` as a user runs it (the built bin in a child process):
 * - the compiled samples: per packet verdict + the hw-metadata keys (JSON validated against
 *   ObjectRunJson's schemas), globals by variable name, instruction counts per helper/kfunc;
 * - `npm start`'s path (hw-metadata, kfunc style) runs hw_metadata_kfunc.bpf.o and prints what
 *   the TypeScript reference (--reference) prints, line for line;
 * - bad objects give one line on stderr naming the error, and exit 1: an unknown kfunc, CO-RE
 *   that does not resolve, a packet access past data_end, an endless loop;
 * - the user story: a program written like the kernel selftest xdp_hw_metadata.c, compiled at
 *   test time against vmlinux.h made by bpftool from /sys/kernel/btf/vmlinux, runs unchanged.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { builtinCorpus } from "@devtx/core"
import { Schema } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { ObjectPacketJson, ObjectSummaryJson } from "../../src/run/ObjectRunJson.js"
import { buildDevtxBin, devtxBin, repoRoot } from "../support/BuiltBin.js"

const samples = path.join(repoRoot, "packages/programs/bpf")
const run = (...args: string[]) => spawnSync(process.execPath, [devtxBin, "run", ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 })
const hasTool = (name: string): boolean => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0

beforeAll(() => buildDevtxBin(), 300_000)

describe("devtx run --object", () => {
  it("runs hw_metadata_kfunc.bpf.o on mlx5: JSON per packet and a summary with globals and insns", () => {
    const r = run("--driver", "mlx5", "--object", path.join(samples, "hw_metadata_kfunc.bpf.o"), "--json")
    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
    const summary = lines.pop()!
    for (const l of lines) Schema.decodeUnknownSync(ObjectPacketJson)(l)
    Schema.decodeUnknownSync(ObjectSummaryJson)(summary)
    expect(lines.length).toBe(summary.received)
    expect(lines.every((l) => l.verdict === "XDP_PASS" && typeof l.rx_hash !== "undefined")).toBe(true)
    expect(summary.globals).toEqual({ udp_port: 0, pkts_skip: 0, pkts_fail: 0, pkts_redir: lines.length })
    const insns = summary.insns as { program: number; helpers: Record<string, number>; kfuncs: Record<string, number> }
    expect(insns.program).toBeGreaterThan(lines.length * 20)
    expect(insns.helpers).toEqual({ bpf_redirect_map: lines.length, bpf_xdp_adjust_meta: lines.length, bpf_ktime_get_tai_ns: lines.length })
    expect(Object.values(insns.kfuncs)).toEqual([lines.length, lines.length, lines.length, lines.length])
  })

  it("hw-metadata runs the compiled object by default, with the TypeScript reference's output", () => {
    const object = run("--driver", "ice", "--count", "40")
    const reference = run("--driver", "ice", "--count", "40", "--reference")
    expect(object.status).toBe(0)
    expect(object.stdout).toBe(reference.stdout)
    expect(object.stdout.split("\n").length).toBeGreaterThan(100)
  })

  for (const [file, tag, text] of [
    ["unknown_kfunc", "UnknownKfuncError", "calls kfunc bpf_xdp_metadata_rx_frobnicate, which devtx does not provide"],
    ["core_unresolved", "VmLoadError", "CO-RE relocation did not resolve against the bound driver's BTF"],
    ["oob_access", "VmRunError", "bad_oob: insn 1: invalid read of 1 bytes at packet+"],
    ["endless_loop", "VmRunError", "instruction budget of 1000000 exhausted"]
  ] as const) {
    it(`a bad object (${file}) is one typed line and exit 1`, () => {
      const r = run("--driver", "sim", "--object", path.join(samples, "bad", `${file}.bpf.o`))
      expect(r.status).toBe(1)
      const err = r.stderr.trim().split("\n")
      expect(err.length).toBe(1)
      expect(err[0]).toMatch(new RegExp(`^devtx: ${tag}: `))
      expect(err[0]).toContain(text)
    })
  }

  const story = hasTool("clang") && hasTool("bpftool") && fs.existsSync("/sys/kernel/btf/vmlinux")
  describe.runIf(story)("the kernel selftest's shape, compiled against vmlinux.h at test time", () => {
    it("compiles and runs with devtx run --object; UDP/9091 frames get the mainline struct xdp_meta", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devtx-selftest-"))
      try {
        const vmlinux = spawnSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], { encoding: "utf8", maxBuffer: 1 << 28 })
        expect(vmlinux.status).toBe(0)
        fs.writeFileSync(path.join(dir, "vmlinux.h"), vmlinux.stdout)
        const src = path.join(repoRoot, "packages/programs/test/bpf/selftest-style/xdp_hw_metadata_style.c")
        const obj = path.join(dir, "xdp_hw_metadata.bpf.o")
        const cc = spawnSync("clang", ["-O2", "-g", "-target", "bpf", `-I${dir}`, "-c", src, "-o", obj], { encoding: "utf8" })
        expect(cc.stderr).toBe("")
        expect(cc.status).toBe(0)
        const r = run("--driver", "sim", "--object", obj, "--json")
        expect(r.stderr).toBe("")
        expect(r.status).toBe(0)
        const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
        const summary = lines.pop()! as { globals: Record<string, number>; program: string; section: string }
        expect([summary.program, summary.section]).toEqual(["rx", "xdp.frags"])
        const withMeta = lines.filter((l) => "rx_hash" in l)
        const corpus = builtinCorpus()
        expect(withMeta.length).toBe(summary.globals.pkts_redir)
        expect(summary.globals.pkts_redir).toBe(corpus.filter((f) => f.truth.l4 === "udp" && f.truth.dstPort === 9091 && !f.truth.isRunt).length)
        expect(summary.globals.pkts_redir! + summary.globals.pkts_skip!).toBe(lines.length)
        expect(withMeta.every((l) => l.ip_summed === null && (l.errors as Record<string, unknown>).checksum === null)).toBe(true)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    })
  })
})
