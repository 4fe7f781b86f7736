/**
 * mlx5's published BTF against its datapath constants, through the real tools: bpftool dumps the
 * split BTF (on core's kernel base) as C, clang compiles it with a generated program that prints
 * sizeof/offsetof of every CQE / mini CQE / WQE segment field and of the mlx5e_xdp_buff members,
 * and the byte and value each shampo bitfield lands in. The reader (Mlx5Cqe.ts, Mlx5Wqe.ts) and
 * the BTF must agree. Also: the raw pointer the RX poll loop publishes (XdpBuff.rawDesc) is the
 * current CQE.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { builtinCorpus, decodeDriverConfig, XdpAction } from "@devtx/core"
import { driver } from "@devtx/drivers-mlx"
import { Cqe64, createMlx5Device, cqeByteCnt, cqeWqeCounter, MiniCqe8, mlx5Btf, TxWqe, WqeCtrl, WqeData, WqeEth } from "@devtx/drivers-mlx/internals"
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

const snake = (k: string): string => k.toLowerCase()
// member paths as the kernel spells them (anonymous unions are transparent in C)
const cqeFields: Record<string, number> = {
  tls_outer_l3_tunneled: Cqe64.TLS_OUTER_L3_TUNNELED,
  rsvd0: Cqe64.RSVD0,
  wqe_id: Cqe64.WQE_ID,
  "lro.tcppsh_abort_dupack": Cqe64.LRO_TCPPSH_ABORT_DUPACK,
  "lro.min_ttl": Cqe64.LRO_MIN_TTL,
  "lro.tcp_win": Cqe64.LRO_TCP_WIN,
  "lro.ack_seq_num": Cqe64.LRO_ACK_SEQ_NUM,
  "shampo.header_size": Cqe64.LRO_MIN_TTL,
  "shampo.header_entry_index": Cqe64.LRO_TCP_WIN,
  "shampo.data_offset": Cqe64.LRO_ACK_SEQ_NUM,
  rss_hash_result: Cqe64.RSS_HASH_RESULT,
  rss_hash_type: Cqe64.RSS_HASH_TYPE,
  ml_path: Cqe64.ML_PATH,
  rsvd20: Cqe64.RSVD20,
  check_sum: Cqe64.CHECK_SUM,
  slid: Cqe64.SLID,
  flags_rqpn: Cqe64.FLAGS_RQPN,
  hds_ip_ext: Cqe64.HDS_IP_EXT,
  l4_l3_hdr_type: Cqe64.L4_L3_HDR_TYPE,
  vlan_info: Cqe64.VLAN_INFO,
  srqn: Cqe64.SRQN,
  immediate: Cqe64.IMMEDIATE,
  inval_rkey: Cqe64.IMMEDIATE,
  pkey: Cqe64.IMMEDIATE,
  ft_metadata: Cqe64.IMMEDIATE,
  rsvd40: Cqe64.RSVD40,
  byte_cnt: Cqe64.BYTE_CNT,
  timestamp_h: Cqe64.TIMESTAMP_H,
  timestamp_l: Cqe64.TIMESTAMP_L,
  sop_drop_qpn: Cqe64.SOP_DROP_QPN,
  wqe_counter: Cqe64.WQE_COUNTER,
  signature: Cqe64.SIGNATURE,
  validity_iteration_count: Cqe64.SIGNATURE,
  op_own: Cqe64.OP_OWN
}
const miniFields: Record<string, number> = {
  rx_hash_result: MiniCqe8.RX_HASH_RESULT,
  checksum: MiniCqe8.CHECKSUM,
  stridx: MiniCqe8.STRIDX,
  "s_wqe_info.wqe_counter": 0,
  "s_wqe_info.s_wqe_opcode": 2,
  byte_cnt: MiniCqe8.BYTE_CNT
}
const ctrlFields: Record<string, number> = {
  opmod_idx_opcode: WqeCtrl.OPMOD_IDX_OPCODE,
  qpn_ds: WqeCtrl.QPN_DS,
  signature: WqeCtrl.SIGNATURE,
  rsvd: WqeCtrl.RSVD,
  fm_ce_se: WqeCtrl.FM_CE_SE,
  general_id: WqeCtrl.GENERAL_ID,
  tis_tir_num: WqeCtrl.GENERAL_ID,
  "trailer.fm_ce_se": WqeCtrl.FM_CE_SE,
  trailer: WqeCtrl.SIGNATURE
}
const ethFields: Record<string, number> = {
  ...Object.fromEntries(
    (["SWP_OUTER_L4_OFFSET", "SWP_OUTER_L3_OFFSET", "SWP_INNER_L4_OFFSET", "SWP_INNER_L3_OFFSET", "CS_FLAGS", "SWP_FLAGS", "MSS", "FLOW_TABLE_METADATA"] as const).map(
      (k) => [snake(k), WqeEth[k]]
    )
  ),
  "inline_hdr.sz": WqeEth.INLINE_HDR_SZ,
  "inline_hdr.start": WqeEth.INLINE_HDR_START,
  "insert.vlan_tci": WqeEth.INLINE_HDR_START,
  trailer: WqeEth.TRAILER
}
const dataFields: Record<string, number> = { byte_count: WqeData.BYTE_COUNT, lkey: WqeData.LKEY, addr: WqeData.ADDR }

const offsets = (st: string, fields: Record<string, number>): string =>
  Object.keys(fields)
    .map((f) => `printf("${st} ${f} %zu\\n", offsetof(struct ${st}, ${f}));`)
    .join("\n  ")

const program = `
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include "mlx5.h"
int main(void) {
  printf("size mlx5_cqe64 %zu\\n", sizeof(struct mlx5_cqe64));
  printf("size mlx5_mini_cqe8 %zu\\n", sizeof(struct mlx5_mini_cqe8));
  printf("size mlx5_wqe_ctrl_seg %zu\\n", sizeof(struct mlx5_wqe_ctrl_seg));
  printf("size mlx5_wqe_eth_seg %zu\\n", sizeof(struct mlx5_wqe_eth_seg));
  printf("size mlx5_wqe_data_seg %zu\\n", sizeof(struct mlx5_wqe_data_seg));
  printf("size mlx5_wqe_inline_seg %zu\\n", sizeof(struct mlx5_wqe_inline_seg));
  printf("size mlx5e_tx_wqe %zu\\n", sizeof(struct mlx5e_tx_wqe));
  printf("size mlx5e_xdp_buff %zu\\n", sizeof(struct mlx5e_xdp_buff));
  ${offsets("mlx5_cqe64", cqeFields)}
  ${offsets("mlx5_mini_cqe8", miniFields)}
  ${offsets("mlx5_wqe_ctrl_seg", ctrlFields)}
  ${offsets("mlx5_wqe_eth_seg", ethFields)}
  ${offsets("mlx5_wqe_data_seg", dataFields)}
  printf("mlx5e_tx_wqe ctrl %zu\\n", offsetof(struct mlx5e_tx_wqe, ctrl));
  printf("mlx5e_tx_wqe eth %zu\\n", offsetof(struct mlx5e_tx_wqe, eth));
  printf("mlx5e_tx_wqe data %zu\\n", offsetof(struct mlx5e_tx_wqe, data));
  printf("mlx5e_xdp_buff cqe %zu\\n", offsetof(struct mlx5e_xdp_buff, cqe));
  printf("mlx5e_xdp_buff rq %zu\\n", offsetof(struct mlx5e_xdp_buff, rq));
  { struct mlx5_cqe64 c; memset(&c, 0, sizeof c); c.shampo.match = 1; printf("bit match %d\\n", ((unsigned char *)&c)[4]); }
  { struct mlx5_cqe64 c; memset(&c, 0, sizeof c); c.shampo.flush = 1; printf("bit flush %d\\n", ((unsigned char *)&c)[4]); }
  { struct mlx5_cqe64 c; memset(&c, 0, sizeof c); c.shampo.reserved3 = 31; printf("bit reserved3 %d\\n", ((unsigned char *)&c)[4]); }
  return 0;
}
`

describe.runIf(tool("bpftool") && tool("clang"))("drivers-mlx BTF through bpftool and clang", () => {
  it("every struct's size and every member offset equals the datapath constants", () => {
    const btf = mlx5Btf()
    expect(btf.structs).toEqual({ rxDesc: "mlx5_cqe64", txDesc: "mlx5_wqe_eth_seg", txCompl: "mlx5_cqe64", xdpBuff: "mlx5e_xdp_buff", descMember: "cqe" })
    expect(driver.btf!(driver.defaultConfig)).toBe(btf)
    const dir = mkdtempSync(join(tmpdir(), "mlx5btf-"))
    writeFileSync(join(dir, "base.btf"), btf.baseBytes)
    writeFileSync(join(dir, "split.btf"), btf.splitBytes)
    const header = execFileSync("bpftool", ["btf", "dump", "file", join(dir, "split.btf"), "-B", join(dir, "base.btf"), "format", "c"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024
    })
    expect(header).toContain("struct mlx5e_rq;")
    expect(header).toContain("typedef __u64 __be64;")
    writeFileSync(join(dir, "mlx5.h"), header)
    writeFileSync(join(dir, "main.c"), program)
    execFileSync("clang", ["-w", "-o", join(dir, "main"), join(dir, "main.c")], { cwd: dir })
    const out = new Map<string, number>()
    for (const line of execFileSync(join(dir, "main"), { encoding: "utf8" }).trim().split("\n")) {
      const parts = line.split(" ")
      out.set(parts.slice(0, -1).join(" "), Number(parts[parts.length - 1]))
    }
    const sizes = {
      mlx5_cqe64: 64,
      mlx5_mini_cqe8: 8,
      mlx5_wqe_ctrl_seg: 16,
      mlx5_wqe_eth_seg: 16,
      mlx5_wqe_data_seg: 16,
      mlx5_wqe_inline_seg: 4,
      mlx5e_tx_wqe: 32,
      mlx5e_xdp_buff: 72
    }
    for (const [s, n] of Object.entries(sizes)) expect([s, out.get(`size ${s}`)]).toEqual([s, n])
    const check = (st: string, fields: Record<string, number>) => {
      for (const [f, off] of Object.entries(fields)) expect([st, f, out.get(`${st} ${f}`)]).toEqual([st, f, off])
    }
    check("mlx5_cqe64", cqeFields)
    check("mlx5_mini_cqe8", miniFields)
    check("mlx5_wqe_ctrl_seg", ctrlFields)
    check("mlx5_wqe_eth_seg", ethFields)
    check("mlx5_wqe_data_seg", dataFields)
    expect([out.get("mlx5e_tx_wqe ctrl"), out.get("mlx5e_tx_wqe eth"), out.get("mlx5e_tx_wqe data")]).toEqual([TxWqe.CTRL, TxWqe.ETH, TxWqe.DATA])
    expect([out.get("mlx5e_xdp_buff cqe"), out.get("mlx5e_xdp_buff rq")]).toEqual([56, 64])
    // u8 reserved0:1, match:1, flush:1, reserved3:5 (device.h), x86_64 gcc allocation
    expect([out.get("bit match"), out.get("bit flush"), out.get("bit reserved3")]).toEqual([0x02, 0x04, 0xf8])
  })
})

describe("XdpBuff.rawDesc is the current CQE (what mlx5e_xdp_buff.cqe points at)", () => {
  for (const cqeCompression of [false, true]) {
    it(`the program reads byte_cnt / wqe_counter through rawDesc (compression ${cqeCompression ? "on" : "off"})`, () => {
      const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, txRingSize: 64, cqeCompression, rxTimestamp: "none" }))
      const dev = createMlx5Device(cfg, { ifname: "mlx0", ifindex: 3 })
      const seen: Array<[number, number, number]> = []
      dev.xdpProg = {
        name: "raw",
        boundIfindex: 0,
        run: (ctx) => {
          seen.push([cqeByteCnt(ctx.rawDesc, ctx.rawDescOff), ctx.dataEnd - ctx.data, cqeWqeCounter(ctx.rawDesc, ctx.rawDescOff)])
          return XdpAction.DROP
        }
      }
      const frames = builtinCorpus()
        .filter((f) => f.truth.l3 === "ipv4" && f.truth.l4 === "tcp" && f.truth.vlans.length === 0 && !f.truth.isRunt)
        .slice(0, 5)
      for (const f of frames) expect(dev.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
      expect(dev.napiPoll(0, 64)).toBe(5)
      expect(seen).toEqual(frames.map((f, i) => [f.bytes.length, f.bytes.length, i]))
    })
  }
})
