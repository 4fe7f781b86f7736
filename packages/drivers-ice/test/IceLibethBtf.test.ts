/**
 * ice's second BTF variant (IceConfig.xdpBuffLayout "libeth_xdp_buff"): the context wrapper of
 * the libeth-based ice ("ice: switch to Page Pool"; include/net/libeth/xdp.h) — struct
 * libeth_xdp_buff { union { xdp_buff base; void *data }; const void *desc; unsigned long priv[] }
 * — in place of 6.18's ice_xdp_buff, with the descriptors unchanged. Checked three ways: the
 * decoded BTF, bpftool's C dump compiled by clang, and the running kernel's BTF (libeth
 * static_asserts desc at offsetof(struct xdp_buff_xsk, cb), and aligns the struct as
 * xdp_buff_xsk's size allows).
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BtfKind, decodeDriverConfig, findByName, membersOf } from "@devtx/core"
import { driver, iceBtf } from "@devtx/drivers-ice"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const tool = (cmd: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

describe("ice BTF, libeth_xdp_buff variant", () => {
  const btf = iceBtf("libeth_xdp_buff")

  it("the configuration selects it; the roles name libeth_xdp_buff.desc", () => {
    const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, xdpBuffLayout: "libeth_xdp_buff" }))
    expect(driver.btf?.(cfg)).toBe(btf)
    expect(btf.structs).toEqual({ rxDesc: "ice_32b_rx_flex_desc", txDesc: "ice_tx_desc", txCompl: "ice_tx_desc", xdpBuff: "libeth_xdp_buff", descMember: "desc" })
    expect(driver.btf?.(driver.defaultConfig).structs.xdpBuff).toBe("ice_xdp_buff")
  })

  it("struct libeth_xdp_buff: 64 bytes, the anonymous union at 0, desc at 56, priv at 64; no ice_xdp_buff; descriptors as in 6.18", () => {
    const id = findByName(btf.split, "libeth_xdp_buff", BtfKind.Struct)!
    const t = btf.split.typeById(id)
    expect(t !== undefined && "size" in t ? t.size : -1).toBe(64)
    expect(membersOf(btf.split, id).map((m) => [m.member.name, m.byteOffset])).toEqual([
      ["", 0],
      ["desc", 56],
      ["priv", 64]
    ])
    expect(findByName(btf.split, "ice_xdp_buff")).toBeUndefined()
    const old = iceBtf("ice_xdp_buff")
    for (const name of ["ice_32b_rx_flex_desc_nic", "ice_tx_desc", "ice_tx_ctx_desc"]) {
      const a = membersOf(btf.split, findByName(btf.split, name)!).map((m) => [m.member.name, m.byteOffset])
      const b = membersOf(old.split, findByName(old.split, name)!).map((m) => [m.member.name, m.byteOffset])
      expect([name, a]).toEqual([name, b])
    }
  })

  it.runIf(tool("bpftool") && tool("clang"))("bpftool's C dump compiles with clang: offsetof(desc) 56, offsetof(base) 0, sizeof 64", () => {
    const dir = mkdtempSync(join(tmpdir(), "icelibeth-"))
    try {
      writeFileSync(join(dir, "base.btf"), btf.baseBytes)
      writeFileSync(join(dir, "split.btf"), btf.splitBytes)
      const header = execFileSync("bpftool", ["btf", "dump", "file", join(dir, "split.btf"), "-B", join(dir, "base.btf"), "format", "c"], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024
      })
      expect(header).toContain("struct libeth_xdp_buff {")
      writeFileSync(join(dir, "ice.h"), header)
      writeFileSync(
        join(dir, "main.c"),
        `#include <stdio.h>
#include <stddef.h>
#include "ice.h"
int main(void) {
  printf("%zu %zu %zu %zu\\n", offsetof(struct libeth_xdp_buff, base), offsetof(struct libeth_xdp_buff, desc), offsetof(struct libeth_xdp_buff, priv), sizeof(struct libeth_xdp_buff));
  return 0;
}
`
      )
      execFileSync("clang", ["-w", "-o", join(dir, "main"), join(dir, "main.c")], { cwd: dir })
      expect(execFileSync(join(dir, "main"), { encoding: "utf8" }).trim()).toBe("0 56 64 64")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.runIf(tool("bpftool") && existsSync("/sys/kernel/btf/vmlinux"))("the running kernel agrees: desc sits at offsetof(struct xdp_buff_xsk, cb), and xdp_buff_xsk's size gives 16-byte alignment (64 stays 64)", () => {
    const raw = execFileSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw"], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 })
    const lines = raw.split("\n")
    const at = lines.findIndex((l) => /STRUCT 'xdp_buff_xsk' size=\d+/.test(l))
    expect(at).toBeGreaterThan(0)
    const size = Number(/size=(\d+)/.exec(lines[at]!)![1])
    const cb = lines.slice(at + 1, at + 12).find((l) => l.includes("'cb'"))!
    expect(Number(/bits_offset=(\d+)/.exec(cb)![1]) / 8).toBe(56)
    // __LIBETH_XDP_BUFF_ALIGN: 16 if sizeof(xdp_buff_xsk) is 16-aligned, else 8 (8-aligned, or sizeof(long) on 64-bit)
    const align = size % 16 === 0 ? 16 : 8
    expect(align).toBe(16)
    expect(Math.ceil(64 / align) * align).toBe(64)
  })
})
