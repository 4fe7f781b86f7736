/**
 * The BTF a program's CO-RE relocations resolve against on a modelled NIC: the driver's split
 * BTF (on devtx's kernel base) plus the UAPI network header structs a program reads packets
 * through — the kernel's vmlinux has them, devtx's base does not (it models the XDP/AF_XDP
 * types), and a program written against the running kernel's vmlinux.h relocates every
 * `eth->h_proto` / `iph->protocol` / `udp->dest` access against them. Built as one more split
 * layer on the driver's BTF, so the driver's type ids (bpf_rdonly_cast's btf_id) are unchanged.
 * Layouts (include/uapi/linux/if_ether.h, ip.h, ipv6.h, udp.h, tcp.h, in6.h; little-endian
 * bitfields as x86 lays them out):
 *
 *   ethhdr  14 B  h_dest[6] @0, h_source[6] @6, __be16 h_proto @12
 *   iphdr   20 B  ihl:4 @bit0, version:4 @bit4, tos @1, tot_len @2, id @4, frag_off @6,
 *                 ttl @8, protocol @9, __sum16 check @10, saddr @12, daddr @16
 *   in6_addr 16 B u6_addr8[16]
 *   ipv6hdr 40 B  priority:4 @bit0, version:4 @bit4, flow_lbl[3] @1, payload_len @4, nexthdr @6,
 *                 hop_limit @7, saddr @8, daddr @24
 *   udphdr   8 B  source @0, dest @2, len @4, __sum16 check @6
 *   tcphdr  20 B  source @0, dest @2, seq @4, ack_seq @8, res1:4 doff:4 fin..cwr:1 @bit96..111,
 *                 window @14, __sum16 check @16, urg_ptr @18
 * Control plane; built once per driver BTF.
 */
import { type Btf, BtfBuilder, BtfKind, findByName, type MemberSpec, type TypeId } from "@devtx/bpf"
import type { DriverBtf } from "@devtx/core"
import { Result } from "effect"

const m = (name: string, type: TypeId, byteOff: number, bits = 0, bit = 0): MemberSpec => ({ name, type, bitOffset: byteOff * 8 + bit, bitfieldSize: bits })

const cache = new WeakMap<Btf, Btf>()

/** The driver's split BTF with the network header structs layered on it (or the split itself if it has them). */
export const programTargetBtf = (driver: DriverBtf): Btf => {
  const base = driver.split
  const hit = cache.get(base)
  if (hit !== undefined) return hit
  if (findByName(base, "ethhdr", BtfKind.Struct) !== undefined) return base
  const t = (name: string): TypeId => {
    const id = findByName(base, name, BtfKind.Typedef) ?? findByName(base, name, BtfKind.Int)
    if (id === undefined) throw new Error(`driver BTF has no ${name}`)
    return id
  }
  const b = new BtfBuilder(base)
  const u8 = t("__u8")
  const be16 = t("__be16")
  const be32 = t("__be32")
  const sum16 = t("__sum16")
  const u32 = findByName(base, "unsigned int", BtfKind.Int) ?? t("__u32")
  const u8x = (n: number) => b.addArray(u8, u32, n)
  b.addStruct("ethhdr", 14, [m("h_dest", u8x(6), 0), m("h_source", u8x(6), 6), m("h_proto", be16, 12)])
  b.addStruct("iphdr", 20, [
    m("ihl", u8, 0, 4, 0),
    m("version", u8, 0, 4, 4),
    m("tos", u8, 1),
    m("tot_len", be16, 2),
    m("id", be16, 4),
    m("frag_off", be16, 6),
    m("ttl", u8, 8),
    m("protocol", u8, 9),
    m("check", sum16, 10),
    m("saddr", be32, 12),
    m("daddr", be32, 16)
  ])
  const in6 = b.addStruct("in6_addr", 16, [m("u6_addr8", u8x(16), 0)])
  b.addStruct("ipv6hdr", 40, [
    m("priority", u8, 0, 4, 0),
    m("version", u8, 0, 4, 4),
    m("flow_lbl", u8x(3), 1),
    m("payload_len", be16, 4),
    m("nexthdr", u8, 6),
    m("hop_limit", u8, 7),
    m("saddr", in6, 8),
    m("daddr", in6, 24)
  ])
  b.addStruct("udphdr", 8, [m("source", be16, 0), m("dest", be16, 2), m("len", be16, 4), m("check", sum16, 6)])
  const u16 = t("__u16")
  b.addStruct("tcphdr", 20, [
    m("source", be16, 0),
    m("dest", be16, 2),
    m("seq", be32, 4),
    m("ack_seq", be32, 8),
    m("res1", u16, 12, 4, 0),
    m("doff", u16, 12, 4, 4),
    ...["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"].map((n, i) => m(n, u16, 12, 1, 8 + i)),
    m("window", be16, 14),
    m("check", sum16, 16),
    m("urg_ptr", be16, 18)
  ])
  const built = b.build()
  if (Result.isFailure(built)) throw new Error(`program target BTF does not build: ${built.failure.message}`)
  cache.set(base, built.success.btf)
  return built.success.btf
}
