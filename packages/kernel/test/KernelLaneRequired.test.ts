/**
 * Runs everywhere: the lane's pure parts (release parsing, xlated call parsing, the result
 * record decoder, load-failure reasons), and under DEVTX_REQUIRE_KERNEL=1 the check that this
 * machine has everything the kernel-lane tests need.
 */
import { describe, expect, it } from "vitest"
import { loadFailureReason } from "../src/KernelBench.js"
import { decodeDevtxResult } from "../src/KernelPrograms.js"
import { xlatedCalls } from "../src/KernelSession.js"
import { parseKernelRelease } from "../src/Preflight.js"
import { kernelLaneMissing } from "./support/KernelLane.js"

describe.runIf(process.env.DEVTX_REQUIRE_KERNEL === "1")("CI has the kernel lane (DEVTX_REQUIRE_KERNEL=1)", () => {
  it("root, BPF, netns, kernel >= 6.8, BTF, iproute2, gcc + libbpf-dev, bpftool are all here", () => {
    expect(kernelLaneMissing.map((m) => `${m.what}: ${m.found}`), "missing — see .ci/run").toEqual([])
  })
})

describe("kernel lane, pure parts", () => {
  it("parses kernel releases", () => {
    expect(parseKernelRelease("6.18.44-fc-v1252")).toEqual([6, 18])
    expect(parseKernelRelease("6.8.0")).toEqual([6, 8])
    expect(parseKernelRelease("garbage")).toBeNull()
  })

  it("finds call targets in a bpftool xlated dump, in order", () => {
    const dump = [
      "  29: (85) call veth_xdp_rx_hash#9558208",
      "; r->ts_ret = bpf_xdp_metadata_rx_timestamp(ctx, &ts);",
      "  38: (85) call veth_xdp_rx_timestamp#9556496",
      "   5: (18) r1 = map[id:27]"
    ].join("\n")
    expect(xlatedCalls(dump)).toEqual(["veth_xdp_rx_hash", "veth_xdp_rx_timestamp"])
  })

  it("decodes struct devtx_result (devtx_kernel.h) and refuses a wrong size", () => {
    const b = new Uint8Array(48)
    const v = new DataView(b.buffer)
    v.setUint32(0, 7, true)
    v.setInt32(4, -61, true)
    v.setUint32(8, 0xb41d4b82, true)
    v.setUint32(12, 8, true)
    v.setBigUint64(16, 1733300000123456789n, true)
    v.setInt32(32, 0, true)
    v.setInt32(36, -61, true)
    v.setUint16(40, 5, true)
    v.setUint16(42, 0x8100, true)
    expect(decodeDevtxResult(b)).toEqual({
      count: 7,
      hashRet: -61,
      hash: 0xb41d4b82,
      rssType: 8,
      timestamp: "1733300000123456789",
      tsRet: 0,
      vlanRet: -61,
      vlanTci: 5,
      vlanProto: 0x8100
    })
    expect(() => decodeDevtxResult(new Uint8Array(47))).toThrow(/48 bytes, got 47/)
  })

  it("names why a load failed: the verifier's first line, or libbpf's missing extern", () => {
    const verifier = "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\nmetadata kfuncs require device-bound program\nprocessed 0 insns\n-- END PROG LOAD LOG --"
    expect(loadFailureReason({ message: "load: bpf_object__load: Invalid argument", errno: 22, log: verifier })).toBe(
      "metadata kfuncs require device-bound program (errno 22)"
    )
    const extern = "libbpf: extern (func ksym) 'bpf_xdp_metadata_rx_checksum': not found in kernel or module BTFs\nlibbpf: failed to load object"
    expect(loadFailureReason({ message: "m", errno: 22, log: extern })).toBe(
      "extern (func ksym) 'bpf_xdp_metadata_rx_checksum': not found in kernel or module BTFs (errno 22)"
    )
  })
})
