/**
 * ice's published BTF against its datapath constants, through the real tools: bpftool dumps the
 * split BTF (on core's kernel base) as C, clang compiles it with a generated program printing
 * sizeof/offsetof of every member the datapath reads or writes; the numbers must equal
 * IceRxDesc / IceTxDescOff / the descriptor sizes and the ice_xdp_buff layout.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { attachXdp, builtinCorpus, loadXdpProgram, XdpAction, type XdpBuff } from "@devtx/core"
import { driver } from "@devtx/drivers-ice"
import { ICE_RX_FLEX_DESC_SIZE, ICE_TX_DESC_SIZE, iceBtf, IceRxDesc, IceTxDescOff } from "@devtx/drivers-ice/internals"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { iceDevice } from "./IceTxSupport.js"

const tool = (cmd: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/** [label, C expression, expected value] */
const CHECKS: ReadonlyArray<[string, string, number]> = [
  ["sizeof rx union", "sizeof(union ice_32b_rx_flex_desc)", ICE_RX_FLEX_DESC_SIZE],
  ["sizeof rx nic", "sizeof(struct ice_32b_rx_flex_desc_nic)", ICE_RX_FLEX_DESC_SIZE],
  ["read.pkt_addr", "offsetof(union ice_32b_rx_flex_desc, read.pkt_addr)", IceRxDesc.PKT_ADDR],
  ["read.hdr_addr", "offsetof(union ice_32b_rx_flex_desc, read.hdr_addr)", IceRxDesc.HDR_ADDR],
  ["wb.rxdid", "offsetof(union ice_32b_rx_flex_desc, wb.rxdid)", IceRxDesc.RXDID],
  ["wb.mir_id_umb_cast", "offsetof(union ice_32b_rx_flex_desc, wb.mir_id_umb_cast)", IceRxDesc.MIR_ID_UMB_CAST],
  ["wb.ptype_flex_flags0", "offsetof(union ice_32b_rx_flex_desc, wb.ptype_flex_flags0)", IceRxDesc.PTYPE_FLEX_FLAGS0],
  ["wb.pkt_len", "offsetof(union ice_32b_rx_flex_desc, wb.pkt_len)", IceRxDesc.PKT_LEN],
  ["wb.hdr_len_sph_flex_flags1", "offsetof(union ice_32b_rx_flex_desc, wb.hdr_len_sph_flex_flags1)", IceRxDesc.HDR_LEN_SPH_FLEX_FLAGS1],
  ["wb.status_error0", "offsetof(union ice_32b_rx_flex_desc, wb.status_error0)", IceRxDesc.STATUS_ERROR0],
  ["wb.l2tag1", "offsetof(union ice_32b_rx_flex_desc, wb.l2tag1)", IceRxDesc.L2TAG1],
  ["wb.flex_meta0", "offsetof(union ice_32b_rx_flex_desc, wb.flex_meta0)", IceRxDesc.RSS_HASH],
  ["wb.status_error1", "offsetof(union ice_32b_rx_flex_desc, wb.status_error1)", IceRxDesc.STATUS_ERROR1],
  ["wb.flex_flags2", "offsetof(union ice_32b_rx_flex_desc, wb.flex_flags2)", IceRxDesc.FLEX_FLAGS2],
  ["wb.time_stamp_low", "offsetof(union ice_32b_rx_flex_desc, wb.time_stamp_low)", IceRxDesc.TS_LOW],
  ["wb.l2tag2_1st", "offsetof(union ice_32b_rx_flex_desc, wb.l2tag2_1st)", IceRxDesc.L2TAG2_1ST],
  ["wb.l2tag2_2nd", "offsetof(union ice_32b_rx_flex_desc, wb.l2tag2_2nd)", IceRxDesc.L2TAG2_2ND],
  ["wb.flex_ts.ts_high", "offsetof(union ice_32b_rx_flex_desc, wb.flex_ts.ts_high)", IceRxDesc.TS_HIGH],
  ["nic.rss_hash", "offsetof(struct ice_32b_rx_flex_desc_nic, rss_hash)", IceRxDesc.RSS_HASH],
  ["sizeof nic.rss_hash", "sizeof(((struct ice_32b_rx_flex_desc_nic *)0)->rss_hash)", 4],
  ["nic.ts_low", "offsetof(struct ice_32b_rx_flex_desc_nic, ts_low)", IceRxDesc.TS_LOW],
  ["nic.raw_csum", "offsetof(struct ice_32b_rx_flex_desc_nic, raw_csum)", IceRxDesc.RAW_CSUM],
  ["nic.l2tag2_2nd", "offsetof(struct ice_32b_rx_flex_desc_nic, l2tag2_2nd)", IceRxDesc.L2TAG2_2ND],
  ["nic.flow_id", "offsetof(struct ice_32b_rx_flex_desc_nic, flow_id)", IceRxDesc.FLOW_ID],
  ["nic.flex_ts.ts_high", "offsetof(struct ice_32b_rx_flex_desc_nic, flex_ts.ts_high)", IceRxDesc.TS_HIGH],
  ["sizeof tx", "sizeof(struct ice_tx_desc)", ICE_TX_DESC_SIZE],
  ["tx.buf_addr", "offsetof(struct ice_tx_desc, buf_addr)", IceTxDescOff.BUF_ADDR],
  ["tx.cmd_type_offset_bsz", "offsetof(struct ice_tx_desc, cmd_type_offset_bsz)", IceTxDescOff.QW1_LO],
  ["sizeof tx.cmd_type_offset_bsz", "sizeof(((struct ice_tx_desc *)0)->cmd_type_offset_bsz)", 8],
  ["sizeof ctx", "sizeof(struct ice_tx_ctx_desc)", ICE_TX_DESC_SIZE],
  ["ctx.tunneling_params", "offsetof(struct ice_tx_ctx_desc, tunneling_params)", IceTxDescOff.TUNNELING_PARAMS],
  ["ctx.l2tag2", "offsetof(struct ice_tx_ctx_desc, l2tag2)", IceTxDescOff.L2TAG2],
  ["ctx.gcs", "offsetof(struct ice_tx_ctx_desc, gcs)", IceTxDescOff.GCS],
  ["ctx.qw1", "offsetof(struct ice_tx_ctx_desc, qw1)", IceTxDescOff.QW1_LO],
  // the wrapper: xdp_buff is 56 bytes in the 6.18 BTF core's base mirrors
  ["sizeof ice_xdp_buff", "sizeof(struct ice_xdp_buff)", 72],
  ["ice_xdp_buff.xdp_buff", "offsetof(struct ice_xdp_buff, xdp_buff)", 0],
  ["ice_xdp_buff.eop_desc", "offsetof(struct ice_xdp_buff, eop_desc)", 56],
  ["ice_xdp_buff.pkt_ctx", "offsetof(struct ice_xdp_buff, pkt_ctx)", 64],
  ["sizeof ice_pkt_ctx", "sizeof(struct ice_pkt_ctx)", 16],
  ["ice_pkt_ctx.vlan_proto", "offsetof(struct ice_pkt_ctx, vlan_proto)", 8]
]

describe("drivers-ice BTF", () => {
  it("names the roles: rx union, tx desc, the DD write-back as the completion, ice_xdp_buff.eop_desc", () => {
    expect(driver.btf?.(driver.defaultConfig).structs).toEqual({
      rxDesc: "ice_32b_rx_flex_desc",
      txDesc: "ice_tx_desc",
      txCompl: "ice_tx_desc",
      xdpBuff: "ice_xdp_buff",
      descMember: "eop_desc"
    })
  })

  it("the RX poll loop points XdpBuff.rawDesc/rawDescOff (ice_xdp_buff.eop_desc) at the frame's own write-back descriptor", async () => {
    const dev = iceDevice({ vlanStrip: "off" })
    const seen: Array<[number, number, number]> = []
    await Effect.runPromise(
      Effect.flatMap(
        loadXdpProgram({
          name: "raw_eop_desc",
          kfuncs: [],
          instantiate: () => (ctx: XdpBuff) => {
            expect(ctx.rawDesc).toBe(dev.queues[0]!.ring.view)
            const v = ctx.rawDesc
            seen.push([ctx.rawDescOff, v.getUint16(ctx.rawDescOff + IceRxDesc.STATUS_ERROR0, true) & 1, v.getUint16(ctx.rawDescOff + IceRxDesc.PKT_LEN, true) & 0x3fff])
            return XdpAction.DROP
          }
        }),
        (p) => attachXdp(dev, p)
      )
    )
    const frames = builtinCorpus().filter((f) => !f.truth.isRunt && f.bytes.length <= 1514).slice(0, 100)
    for (const f of frames) {
      expect(dev.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
      while (dev.napiPoll(0, 64) > 0) {}
    }
    expect(seen).toEqual(frames.map((f, i) => [(i % 64) * ICE_RX_FLEX_DESC_SIZE, 1, f.bytes.length]))
  })

  it.runIf(tool("bpftool") && tool("clang"))("bpftool's C dump compiles with clang and every offset/size equals the datapath constants", () => {
    const btf = iceBtf()
    const dir = mkdtempSync(join(tmpdir(), "icebtf-"))
    writeFileSync(join(dir, "base.btf"), btf.baseBytes)
    writeFileSync(join(dir, "split.btf"), btf.splitBytes)
    const header = execFileSync("bpftool", ["btf", "dump", "file", join(dir, "split.btf"), "-B", join(dir, "base.btf"), "format", "c"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024
    })
    expect(header).toContain("union ice_32b_rx_flex_desc {")
    expect(header).toContain("const union ice_32b_rx_flex_desc *eop_desc;")
    writeFileSync(join(dir, "ice.h"), header)
    const main = `#include <stdio.h>
#include <stddef.h>
#include "ice.h"
int main(void) {
${CHECKS.map(([label, expr]) => `  printf("%s=%zu\\n", "${label}", (size_t)(${expr}));`).join("\n")}
  return 0;
}
`
    writeFileSync(join(dir, "main.c"), main)
    execFileSync("clang", ["-w", "-o", join(dir, "main"), join(dir, "main.c")], { cwd: dir })
    const got = new Map(
      execFileSync(join(dir, "main"), { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => {
          const [k, v] = l.split("=")
          return [k!, Number(v)] as const
        })
    )
    for (const [label, , want] of CHECKS) expect([label, got.get(label)]).toEqual([label, want])
  })
})
