/**
 * The oracle tests (bpftool, pahole, clang, gcc + libbpf, tshark, script; chromium for the HTML report) skip on a developer
 * machine without the tool; in CI they must run, not skip. `.ci/run` sets DEVTX_REQUIRE_TOOLS=1,
 * and then this test fails, naming what is missing, if any tool a `runIf` elsewhere depends on is
 * absent — so a silently failed apt-get can never turn the oracle suite into a row of skips.
 * (/sys/kernel/btf/vmlinux belongs to the machine's kernel, not to an install step: the tests
 * that read it are the only ones allowed to skip in CI.)
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { describe, expect, it } from "vitest"

const hasTool = (name: string): boolean => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0

const TOOLS = ["bpftool", "pahole", "clang", "llvm-objcopy", "gcc", "tshark", "editcap", "dumpcap", "mergecap", "tcpdump", "script", "chromium"]
const FILES = ["/usr/include/bpf/btf.h", "/usr/include/bpf/libbpf.h", "/usr/include/asm-generic/errno-base.h"]

describe.runIf(process.env.DEVTX_REQUIRE_TOOLS === "1")("CI has every oracle tool (DEVTX_REQUIRE_TOOLS=1)", () => {
  it("every tool and header the oracle tests use is installed", () => {
    const missing = [...TOOLS.filter((t) => !hasTool(t)), ...FILES.filter((f) => !existsSync(f))]
    expect(missing, `missing on this CI machine: ${missing.join(", ")} — see .ci/run's apt-get line`).toEqual([])
  })
})
