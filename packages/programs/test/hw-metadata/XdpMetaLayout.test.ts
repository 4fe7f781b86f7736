/**
 * struct xdp_meta offsets against a C compiler: the mainline layout
 * (tools/testing/selftests/bpf/xdp_metadata.h, restated in C below) and devtx's checksum
 * extension are compiled with gcc and their offsetof/sizeof printed.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { XDP_META_MAINLINE_HINT_VALID, XDP_META_MAINLINE_SIZE, XdpMeta, XdpMetaField } from "@devtx/programs"
import { describe, expect, it } from "vitest"

const C = String.raw`
#include <stdio.h>
#include <stddef.h>
#include <linux/types.h>
enum xdp_meta_field { XDP_META_FIELD_TS = 1 << 0, XDP_META_FIELD_RSS = 1 << 1, XDP_META_FIELD_VLAN_TAG = 1 << 2, XDP_META_FIELD_CHECKSUM = 1 << 3 };
struct xdp_meta_mainline {
  union { __u64 rx_timestamp; __s32 rx_timestamp_err; };
  __u64 xdp_timestamp;
  __u32 rx_hash;
  union { __u32 rx_hash_type; __s32 rx_hash_err; };
  union { struct { __be16 rx_vlan_proto; __u16 rx_vlan_tci; }; __s32 rx_vlan_tag_err; };
  enum xdp_meta_field hint_valid;
};
struct xdp_meta_devtx {
  union { __u64 rx_timestamp; __s32 rx_timestamp_err; };
  __u64 xdp_timestamp;
  __u32 rx_hash;
  union { __u32 rx_hash_type; __s32 rx_hash_err; };
  union { struct { __be16 rx_vlan_proto; __u16 rx_vlan_tci; }; __s32 rx_vlan_tag_err; };
  union { struct { __u8 ip_summed; __u8 cksum_level; __u32 cksum; }; __s32 rx_cksum_err; };
  enum xdp_meta_field hint_valid;
};
#define P(s, f) printf("%s %zu\n", #f, offsetof(struct s, f))
int main(void) {
  printf("mainline_size %zu\n", sizeof(struct xdp_meta_mainline));
  printf("mainline_hint_valid %zu\n", offsetof(struct xdp_meta_mainline, hint_valid));
  P(xdp_meta_devtx, rx_timestamp); P(xdp_meta_devtx, xdp_timestamp); P(xdp_meta_devtx, rx_hash);
  P(xdp_meta_devtx, rx_hash_type); P(xdp_meta_devtx, rx_vlan_proto); P(xdp_meta_devtx, rx_vlan_tci);
  P(xdp_meta_devtx, ip_summed); P(xdp_meta_devtx, cksum_level); P(xdp_meta_devtx, cksum); P(xdp_meta_devtx, hint_valid);
  printf("devtx_size %zu\n", sizeof(struct xdp_meta_devtx));
  printf("fields %d %d %d %d\n", XDP_META_FIELD_TS, XDP_META_FIELD_RSS, XDP_META_FIELD_VLAN_TAG, XDP_META_FIELD_CHECKSUM);
  return 0;
}
`

describe("struct xdp_meta", () => {
  it("matches gcc's layout of the selftest struct and of the devtx checksum extension", () => {
    const dir = mkdtempSync(join(tmpdir(), "xdpmeta-"))
    writeFileSync(join(dir, "m.c"), C)
    execFileSync("gcc", ["-o", join(dir, "m"), join(dir, "m.c")])
    const out = Object.fromEntries(
      execFileSync(join(dir, "m"), { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => {
          const [k, ...v] = l.split(" ")
          return [k, v.join(" ")]
        })
    )
    expect(Number(out.mainline_size)).toBe(XDP_META_MAINLINE_SIZE)
    expect(Number(out.mainline_hint_valid)).toBe(XDP_META_MAINLINE_HINT_VALID)
    expect({
      rx_timestamp: Number(out.rx_timestamp),
      xdp_timestamp: Number(out.xdp_timestamp),
      rx_hash: Number(out.rx_hash),
      rx_hash_type: Number(out.rx_hash_type),
      rx_vlan_proto: Number(out.rx_vlan_proto),
      rx_vlan_tci: Number(out.rx_vlan_tci),
      ip_summed: Number(out.ip_summed),
      cksum_level: Number(out.cksum_level),
      cksum: Number(out.cksum),
      hint_valid: Number(out.hint_valid),
      size: Number(out.devtx_size)
    }).toEqual({
      rx_timestamp: XdpMeta.RX_TIMESTAMP,
      xdp_timestamp: XdpMeta.XDP_TIMESTAMP,
      rx_hash: XdpMeta.RX_HASH,
      rx_hash_type: XdpMeta.RX_HASH_TYPE,
      rx_vlan_proto: XdpMeta.RX_VLAN_PROTO,
      rx_vlan_tci: XdpMeta.RX_VLAN_TCI,
      ip_summed: XdpMeta.IP_SUMMED,
      cksum_level: XdpMeta.CKSUM_LEVEL,
      cksum: XdpMeta.CKSUM,
      hint_valid: XdpMeta.HINT_VALID,
      size: XdpMeta.SIZE
    })
    expect(out.fields).toBe(`${XdpMetaField.TS} ${XdpMetaField.RSS} ${XdpMetaField.VLAN_TAG} ${XdpMetaField.CHECKSUM}`)
  })
})
