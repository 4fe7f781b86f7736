/**
 * The base BTF devtx ships: the kernel types the project uses, laid out exactly as in the
 * Linux 6.18 vmlinux BTF (x86_64, gcc + pahole), built with BtfBuilder. Driver BTF is split on
 * top of it, as module BTF is split on vmlinux.
 *
 * Contract:
 * - Every named type here has the same kind, size, member names, bit offsets, bitfield sizes,
 *   enum values, typedef chain and INT name/encoding as the same-named type in 6.18's
 *   /sys/kernel/btf/vmlinux (gcc-style INT names: "long long unsigned int", "short unsigned int";
 *   `char` has no encoding bits, as pahole emits it). Checked by test/kernel/KernelBaseBtf.test.ts
 *   against the running kernel.
 * - Type ids differ from vmlinux (only a subset is present).
 * - Big referenced structs are not reproduced: `struct net_device` is a FWD (only pointers to it
 *   occur). xdp_rxq_info, xdp_txq_info and xdp_mem_info are complete (small).
 * - Also present: the XDP RX metadata kfuncs as vmlinux declares them (FUNC + FUNC_PROTO with
 *   parameter names): bpf_xdp_metadata_rx_timestamp / _rx_hash / _rx_vlan_tag.
 */
import { Result } from "effect"
import { type Btf, BtfBuilder, BtfIntEncoding, type TypeId } from "@devtx/bpf"

export interface KernelBaseBtf {
  readonly btf: Btf
  /** the encoded little-endian base BTF blob */
  readonly bytes: Uint8Array
}

const buildKernelBase = (): BtfBuilder => {
  const b = new BtfBuilder()
  const S = BtfIntEncoding.Signed
  // INTs and the uapi/kernel integer typedefs (include/uapi/asm-generic/int-ll64.h, include/linux/types.h)
  b.addInt("long unsigned int", 8)
  b.addInt("char", 1)
  const uint = b.addInt("unsigned int", 4)
  const schar = b.addInt("signed char", 1, S)
  const s8_ = b.addTypedef("__s8", schar)
  const uchar = b.addInt("unsigned char", 1)
  const u8_ = b.addTypedef("__u8", uchar)
  const short = b.addInt("short int", 2, S)
  const s16_ = b.addTypedef("__s16", short)
  const ushort = b.addInt("short unsigned int", 2)
  const u16_ = b.addTypedef("__u16", ushort)
  const int = b.addInt("int", 4, S)
  const s32_ = b.addTypedef("__s32", int)
  const u32_ = b.addTypedef("__u32", uint)
  const llong = b.addInt("long long int", 8, S)
  const s64_ = b.addTypedef("__s64", llong)
  const ullong = b.addInt("long long unsigned int", 8)
  const u64_ = b.addTypedef("__u64", ullong)
  b.addTypedef("s8", s8_)
  b.addTypedef("u8", u8_)
  b.addTypedef("s16", s16_)
  const u16 = b.addTypedef("u16", u16_)
  b.addTypedef("s32", s32_)
  const u32 = b.addTypedef("u32", u32_)
  b.addTypedef("s64", s64_)
  const u64 = b.addTypedef("u64", u64_)
  const be16 = b.addTypedef("__be16", u16_)
  b.addTypedef("__le32", u32_)
  b.addTypedef("__be32", u32_)
  b.addTypedef("__wsum", u32_)
  const bool_ = b.addInt("_Bool", 1, BtfIntEncoding.Bool)
  b.addTypedef("bool", bool_)
  b.addInt("long int", 8, S)
  b.addTypedef("__le64", u64_)
  b.addTypedef("__le16", u16_)
  b.addTypedef("__sum16", u16_)
  const voidPtr = b.addPtr(0)

  // enums: include/uapi/linux/bpf.h (xdp_action), include/net/xdp.h (xdp_mem_type, xdp_rss_hash_type)
  b.addEnum("xdp_action", 4, [
    { name: "XDP_ABORTED", value: 0 },
    { name: "XDP_DROP", value: 1 },
    { name: "XDP_PASS", value: 2 },
    { name: "XDP_TX", value: 3 },
    { name: "XDP_REDIRECT", value: 4 }
  ])
  const memType = b.addEnum("xdp_mem_type", 4, [
    { name: "MEM_TYPE_PAGE_SHARED", value: 0 },
    { name: "MEM_TYPE_PAGE_ORDER0", value: 1 },
    { name: "MEM_TYPE_PAGE_POOL", value: 2 },
    { name: "MEM_TYPE_XSK_BUFF_POOL", value: 3 },
    { name: "MEM_TYPE_MAX", value: 4 }
  ])
  const rssHashType = b.addEnum("xdp_rss_hash_type", 4, [
    { name: "XDP_RSS_L3_IPV4", value: 1 },
    { name: "XDP_RSS_L3_IPV6", value: 2 },
    { name: "XDP_RSS_L3_DYNHDR", value: 4 },
    { name: "XDP_RSS_L4", value: 8 },
    { name: "XDP_RSS_L4_TCP", value: 16 },
    { name: "XDP_RSS_L4_UDP", value: 32 },
    { name: "XDP_RSS_L4_SCTP", value: 64 },
    { name: "XDP_RSS_L4_IPSEC", value: 128 },
    { name: "XDP_RSS_L4_ICMP", value: 256 },
    { name: "XDP_RSS_TYPE_NONE", value: 0 },
    { name: "XDP_RSS_TYPE_L2", value: 0 },
    { name: "XDP_RSS_TYPE_L3_IPV4", value: 1 },
    { name: "XDP_RSS_TYPE_L3_IPV6", value: 2 },
    { name: "XDP_RSS_TYPE_L3_IPV4_OPT", value: 5 },
    { name: "XDP_RSS_TYPE_L3_IPV6_EX", value: 6 },
    { name: "XDP_RSS_TYPE_L4_ANY", value: 8 },
    { name: "XDP_RSS_TYPE_L4_IPV4_TCP", value: 25 },
    { name: "XDP_RSS_TYPE_L4_IPV4_UDP", value: 41 },
    { name: "XDP_RSS_TYPE_L4_IPV4_SCTP", value: 73 },
    { name: "XDP_RSS_TYPE_L4_IPV4_IPSEC", value: 137 },
    { name: "XDP_RSS_TYPE_L4_IPV4_ICMP", value: 265 },
    { name: "XDP_RSS_TYPE_L4_IPV6_TCP", value: 26 },
    { name: "XDP_RSS_TYPE_L4_IPV6_UDP", value: 42 },
    { name: "XDP_RSS_TYPE_L4_IPV6_SCTP", value: 74 },
    { name: "XDP_RSS_TYPE_L4_IPV6_IPSEC", value: 138 },
    { name: "XDP_RSS_TYPE_L4_IPV6_ICMP", value: 266 },
    { name: "XDP_RSS_TYPE_L4_IPV6_TCP_EX", value: 30 },
    { name: "XDP_RSS_TYPE_L4_IPV6_UDP_EX", value: 46 },
    { name: "XDP_RSS_TYPE_L4_IPV6_SCTP_EX", value: 78 }
  ])

  // struct net_device is ~2.5 KiB in 6.18; only pointers to it are used here: a FWD.
  const netDevPtr = b.addPtr(b.addFwd("net_device"))

  // include/net/xdp.h
  const memInfo = b.addStruct("xdp_mem_info", 8, [
    { name: "type", type: u32, bitOffset: 0 },
    { name: "id", type: u32, bitOffset: 32 }
  ])
  const rxqInfo = b.addStruct("xdp_rxq_info", 64, [
    { name: "dev", type: netDevPtr, bitOffset: 0 },
    { name: "queue_index", type: u32, bitOffset: 64 },
    { name: "reg_state", type: u32, bitOffset: 96 },
    { name: "mem", type: memInfo, bitOffset: 128 },
    { name: "frag_size", type: u32, bitOffset: 192 }
  ])
  const txqInfo = b.addStruct("xdp_txq_info", 8, [{ name: "dev", type: netDevPtr, bitOffset: 0 }])

  // include/uapi/linux/bpf.h
  const xdpMd = b.addStruct("xdp_md", 24, [
    { name: "data", type: u32_, bitOffset: 0 },
    { name: "data_end", type: u32_, bitOffset: 32 },
    { name: "data_meta", type: u32_, bitOffset: 64 },
    { name: "ingress_ifindex", type: u32_, bitOffset: 96 },
    { name: "rx_queue_index", type: u32_, bitOffset: 128 },
    { name: "egress_ifindex", type: u32_, bitOffset: 160 }
  ])

  // include/net/xdp.h struct xdp_buff: the frame_sz/flags pair overlays frame_sz_flags_init
  const frameSzFlags = b.addStruct("", 8, [
    { name: "frame_sz", type: u32, bitOffset: 0 },
    { name: "flags", type: u32, bitOffset: 32 }
  ])
  const frameSzUnion = b.addUnion("", 8, [
    { name: "", type: frameSzFlags, bitOffset: 0 },
    { name: "frame_sz_flags_init", type: u64, bitOffset: 0 }
  ])
  b.addStruct("xdp_buff", 56, [
    { name: "data", type: voidPtr, bitOffset: 0 },
    { name: "data_end", type: voidPtr, bitOffset: 64 },
    { name: "data_meta", type: voidPtr, bitOffset: 128 },
    { name: "data_hard_start", type: voidPtr, bitOffset: 192 },
    { name: "rxq", type: b.addPtr(rxqInfo), bitOffset: 256 },
    { name: "txq", type: b.addPtr(txqInfo), bitOffset: 320 },
    { name: "", type: frameSzUnion, bitOffset: 384 }
  ])
  // include/net/xdp.h struct xdp_frame: `enum xdp_mem_type mem_type:32` is a bitfield (kind_flag=1)
  b.addStruct("xdp_frame", 40, [
    { name: "data", type: voidPtr, bitOffset: 0 },
    { name: "len", type: u32, bitOffset: 64 },
    { name: "headroom", type: u32, bitOffset: 96 },
    { name: "metasize", type: u32, bitOffset: 128 },
    { name: "mem_type", type: memType, bitOffset: 160, bitfieldSize: 32 },
    { name: "dev_rx", type: netDevPtr, bitOffset: 192 },
    { name: "frame_sz", type: u32, bitOffset: 256 },
    { name: "flags", type: u32, bitOffset: 288 }
  ])

  // include/uapi/linux/if_xdp.h
  b.addStruct("xdp_desc", 16, [
    { name: "addr", type: u64_, bitOffset: 0 },
    { name: "len", type: u32_, bitOffset: 64 },
    { name: "options", type: u32_, bitOffset: 96 }
  ])
  const request = b.addStruct("", 16, [
    { name: "csum_start", type: u16_, bitOffset: 0 },
    { name: "csum_offset", type: u16_, bitOffset: 16 },
    { name: "launch_time", type: u64_, bitOffset: 64 }
  ])
  const completion = b.addStruct("", 8, [{ name: "tx_timestamp", type: u64_, bitOffset: 0 }])
  const reqCompl = b.addUnion("", 16, [
    { name: "request", type: request, bitOffset: 0 },
    { name: "completion", type: completion, bitOffset: 0 }
  ])
  b.addStruct("xsk_tx_metadata", 24, [
    { name: "flags", type: u64_, bitOffset: 0 },
    { name: "", type: reqCompl, bitOffset: 64 }
  ])
  // include/net/xdp_sock.h
  b.addStruct("xsk_tx_metadata_compl", 8, [{ name: "tx_timestamp", type: b.addPtr(u64_), bitOffset: 0 }])

  // include/net/xdp.h struct xdp_metadata_ops
  const constXdpMdPtr = b.addPtr(b.addConst(xdpMd))
  const u64Ptr = b.addPtr(u64)
  const u32Ptr = b.addPtr(u32)
  const rssPtr = b.addPtr(rssHashType)
  const be16Ptr = b.addPtr(be16)
  const u16Ptr = b.addPtr(u16)
  const anonParams = (...types: ReadonlyArray<TypeId>) => types.map((type) => ({ name: "", type }))
  const tsProto = b.addFuncProto(int, anonParams(constXdpMdPtr, u64Ptr))
  const hashProto = b.addFuncProto(int, anonParams(constXdpMdPtr, u32Ptr, rssPtr))
  const vlanProto = b.addFuncProto(int, anonParams(constXdpMdPtr, be16Ptr, u16Ptr))
  b.addStruct("xdp_metadata_ops", 24, [
    { name: "xmo_rx_timestamp", type: b.addPtr(tsProto), bitOffset: 0 },
    { name: "xmo_rx_hash", type: b.addPtr(hashProto), bitOffset: 64 },
    { name: "xmo_rx_vlan_tag", type: b.addPtr(vlanProto), bitOffset: 128 }
  ])
  // include/net/xdp_sock.h struct xsk_tx_metadata_ops
  const voidFnVoidPtr = b.addFuncProto(0, anonParams(voidPtr))
  const u64FnVoidPtr = b.addFuncProto(u64, anonParams(voidPtr))
  const csumFn = b.addFuncProto(0, anonParams(u16, u16, voidPtr))
  const launchFn = b.addFuncProto(0, anonParams(u64, voidPtr))
  b.addStruct("xsk_tx_metadata_ops", 32, [
    {
      name: "tmo_request_timestamp",
      type: b.addPtr(voidFnVoidPtr),
      bitOffset: 0
    },
    { name: "tmo_fill_timestamp", type: b.addPtr(u64FnVoidPtr), bitOffset: 64 },
    { name: "tmo_request_checksum", type: b.addPtr(csumFn), bitOffset: 128 },
    {
      name: "tmo_request_launch_time",
      type: b.addPtr(launchFn),
      bitOffset: 192
    }
  ])

  // net/core/xdp.c: the XDP RX metadata kfuncs, as vmlinux BTF declares them
  b.addFunc(
    "bpf_xdp_metadata_rx_timestamp",
    b.addFuncProto(int, [
      { name: "ctx", type: constXdpMdPtr },
      { name: "timestamp", type: u64Ptr }
    ])
  )
  b.addFunc(
    "bpf_xdp_metadata_rx_hash",
    b.addFuncProto(int, [
      { name: "ctx", type: constXdpMdPtr },
      { name: "hash", type: u32Ptr },
      { name: "rss_type", type: rssPtr }
    ])
  )
  b.addFunc(
    "bpf_xdp_metadata_rx_vlan_tag",
    b.addFuncProto(int, [
      { name: "ctx", type: constXdpMdPtr },
      { name: "vlan_proto", type: be16Ptr },
      { name: "vlan_tci", type: u16Ptr }
    ])
  )
  return b
}

let cached: KernelBaseBtf | undefined

/**
 * The kernel base BTF (decoded and encoded), built once. Throws only if this module's own
 * constant layout fails to encode or validate, which the test suite rules out.
 */
export const kernelBaseBtf = (): KernelBaseBtf => {
  if (cached === undefined) {
    const built = buildKernelBase().build()
    if (Result.isFailure(built)) throw new Error(`kernel base BTF does not build: ${built.failure.message}`)
    cached = built.success
  }
  return cached
}
