/**
 * The sim's published BTF against its datapath constants, through the real tools: bpftool dumps
 * the split BTF (on the kernel base) as C, clang compiles it with a generated program that prints
 * offsetof/sizeof and the byte/bit each status bitfield lands in; both layout versions.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SIM_RX_LAYOUT_V1, SIM_RX_LAYOUT_V2, simBtf, SimRxStatus, SimTxCmd, SimTxDesc } from "@devtx/drivers-sim/internals"
import { describe, expect, it } from "vitest"

const tool = (cmd: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

const fields = ["version", "pkt_len", "rss_hash", "rss_type", "errors", "vlan_tci", "vlan_tpid", "ts_lo", "ts_hi", "raw_csum", "csum_level"]
const statusBits = ["dd", "eop", "rss_valid", "vlan_stripped", "ts_valid", "l3l4p", "l4_checked", "raw_csum_valid"]

const program = (v2: boolean) => `
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include "sim.h"
int main(void) {
  printf("wb %zu\\n", sizeof(struct sim_rx_desc_wb));
  printf("union %zu\\n", sizeof(union sim_rx_desc));
  ${fields.map((f) => `printf("${f} %zu\\n", offsetof(struct sim_rx_desc_wb, ${f}));`).join("\n  ")}
  ${v2 ? `printf("flow_mark %zu\\n", offsetof(struct sim_rx_desc_wb, flow_mark));` : ""}
  ${statusBits
    .map(
      (b) => `{ union sim_rx_desc d; memset(&d, 0, sizeof d); d.wb.${b} = 1; unsigned char *p = (unsigned char *)&d;
    for (int i = 0; i < 32; i++) if (p[i]) printf("${b} %d %d\\n", i, p[i]); }`
    )
    .join("\n  ")}
  printf("tx %zu %zu %zu %zu %zu\\n", sizeof(struct sim_tx_desc), offsetof(struct sim_tx_desc, csum_start), offsetof(struct sim_tx_desc, launch_lo), offsetof(struct sim_tx_desc, region), sizeof(struct sim_tx_compl));
  { struct sim_tx_desc t; memset(&t, 0, sizeof t); t.tstamp = 1; t.l4_csum = 1; printf("txcmd %d\\n", ((unsigned char *)&t)[7]); }
  printf("wrapper %zu\\n", offsetof(struct sim_xdp_buff, desc));
  return 0;
}
`

describe.runIf(tool("bpftool") && tool("clang"))("drivers-sim BTF through bpftool and clang", () => {
  for (const version of [1, 2] as const) {
    it(`layout v${version}: offsets, sizes and status bitfields equal the datapath constants`, () => {
      const L = version === 1 ? SIM_RX_LAYOUT_V1 : SIM_RX_LAYOUT_V2
      const btf = simBtf(version)
      const dir = mkdtempSync(join(tmpdir(), "simbtf-"))
      writeFileSync(join(dir, "base.btf"), btf.baseBytes)
      writeFileSync(join(dir, "split.btf"), btf.splitBytes)
      const header = execFileSync("bpftool", ["btf", "dump", "file", join(dir, "split.btf"), "-B", join(dir, "base.btf"), "format", "c"], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024
      })
      writeFileSync(join(dir, "sim.h"), header)
      writeFileSync(join(dir, "main.c"), program(version === 2))
      execFileSync("clang", ["-w", "-o", join(dir, "main"), join(dir, "main.c")], { cwd: dir })
      const out = new Map<string, string>()
      for (const line of execFileSync(join(dir, "main"), { encoding: "utf8" }).trim().split("\n")) {
        const [k, ...v] = line.split(" ")
        out.set(k!, v.join(" "))
      }
      expect(out.get("wb")).toBe("32")
      expect(out.get("union")).toBe("32")
      const expected: Record<string, number> = {
        version: L.VERSION,
        pkt_len: L.PKT_LEN,
        rss_hash: L.RSS_HASH,
        rss_type: L.RSS_TYPE,
        errors: L.ERRORS,
        vlan_tci: L.VLAN_TCI,
        vlan_tpid: L.VLAN_TPID,
        ts_lo: L.TS_LO,
        ts_hi: L.TS_HI,
        raw_csum: L.RAW_CSUM,
        csum_level: L.CSUM_LEVEL
      }
      for (const [f, off] of Object.entries(expected)) expect([f, Number(out.get(f))]).toEqual([f, off])
      if (version === 2) expect(Number(out.get("flow_mark"))).toBe(L.FLOW_MARK)
      const bitValue: Record<string, number> = {
        dd: SimRxStatus.DD,
        eop: SimRxStatus.EOP,
        rss_valid: SimRxStatus.RSS_VALID,
        vlan_stripped: SimRxStatus.VLAN_STRIPPED,
        ts_valid: SimRxStatus.TS_VALID,
        l3l4p: SimRxStatus.L3L4P,
        l4_checked: SimRxStatus.L4_CHECKED,
        raw_csum_valid: SimRxStatus.RAW_CSUM_VALID
      }
      for (const b of statusBits) expect([b, out.get(b)]).toEqual([b, `${L.STATUS} ${bitValue[b]}`])
      expect(out.get("tx")).toBe(`32 ${SimTxDesc.CSUM_START} ${SimTxDesc.LAUNCH_LO} ${SimTxDesc.REGION} 16`)
      expect(Number(out.get("txcmd"))).toBe(SimTxCmd.TSTAMP | SimTxCmd.L4_CSUM)
      expect(Number(out.get("wrapper"))).toBe(56)
    })
  }
})
