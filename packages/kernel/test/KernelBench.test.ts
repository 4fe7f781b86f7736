/**
 * The kernel lane end to end on a veth: the bench's rows (quick and small), where each kfunc call
 * went, the semantics each style saw, and bpf_stats back at its previous value afterwards.
 */
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { formatKernelBench, runKernelBench } from "../src/KernelBench.js"
import { describeKernel } from "./support/KernelLane.js"

const statsEnabled = () => readFileSync("/proc/sys/kernel/bpf_stats_enabled", "utf8").trim()

describeKernel("kernel bench on veth", () => {
  it("measures every style in both traffic modes, shows the call targets and what each style read", async () => {
    const before = statsEnabled()
    const r = await Effect.runPromise(runKernelBench({ quick: true, runs: 5, packets: 3000 }))
    expect(statsEnabled()).toBe(before)
    const row = (style: string, mode: string) => {
      const x = r.results.find((q) => q.style === style && q.mode === mode)
      expect(x, `${style} ${mode}`).toBeDefined()
      return x!
    }
    for (const mode of ["drop-skb", "drop-xdp_frame"]) {
      for (const style of ["empty", "packet-touch", "kfunc-dev-bound", "raw-core"]) {
        const x = row(style, mode)
        expect(x.lane).toBe("kernel")
        expect(x.driver).toBe("veth")
        expect(x.samples).toBe(5)
        expect(x.ns_per_packet).toBeGreaterThan(0)
        expect(x.ns_min).toBeLessThanOrEqual(x.ns_per_packet)
        expect(x.ns_max).toBeGreaterThanOrEqual(x.ns_per_packet)
        expect(x.xlated_insns).toBeGreaterThan(0)
        expect(x.jited_bytes).toBeGreaterThan(0)
        expect(x.ratio_to_floor).not.toBeNull()
        expect(x.delivered).toBeGreaterThan(0.9)
      }
      expect(row("empty", mode).ratio_to_floor).toBe(1)
      // dev-bound: the verifier replaced each kfunc by veth's xdp_metadata_ops member
      expect(row("kfunc-dev-bound", mode).calls).toEqual(["veth_xdp_rx_hash", "veth_xdp_rx_timestamp", "veth_xdp_rx_vlan_tag"])
      // the raw style: bpf_cast_to_kern_ctx / bpf_rdonly_cast are inlined, no call remains
      expect(row("raw-core", mode).calls).toEqual([])
      expect(row("packet-touch", mode).last?.hash).toBe(5678)
    }
    // skb path: veth_xdp_rx_hash computes skb_get_hash (flow dissector, L4 ports -> L4_ANY = 0x8);
    // the raw skb->hash read sees the stored 0 — nothing computed it before the XDP hook
    const ks = row("kfunc-dev-bound", "drop-skb").last!
    expect(ks.hashRet).toBe(0)
    expect(ks.hash).not.toBe(0)
    expect(ks.rssType).toBe(8)
    expect(ks.tsRet).toBe(0)
    expect(ks.timestamp).toBe("0")
    expect(ks.vlanRet).toBe(-61)
    const rs = row("raw-core", "drop-skb").last!
    expect(rs.hashRet).toBe(0)
    expect(rs.hash).toBe(0)
    // xdp_frame path: no skb, every veth kfunc says -ENODATA, the raw style finds skb == NULL
    const kf = row("kfunc-dev-bound", "drop-xdp_frame").last!
    expect([kf.hashRet, kf.tsRet, kf.vlanRet]).toEqual([-61, -61, -61])
    expect(row("raw-core", "drop-xdp_frame").last!.hashRet).toBe(-61)
    // the model lane's all-NIC kfunc object, mainline build: dev-bound, its three kfunc calls
    // resolved to veth's ops; the full build calls the proposed rx_checksum, which 6.18 lacks
    for (const mode of ["drop-skb", "drop-xdp_frame"] as const)
      expect(row("hw-metadata-kfunc-mainline", mode).calls).toEqual(
        expect.arrayContaining(["veth_xdp_rx_hash", "veth_xdp_rx_timestamp", "veth_xdp_rx_vlan_tag"])
      )
    expect(r.skipped.find((s) => s.style === "hw-metadata-kfunc")?.reason).toMatch(/bpf_xdp_metadata_rx_checksum/)
    // not dev-bound: the kernel refuses metadata kfuncs at load
    expect(r.skipped.find((s) => s.style === "kfunc-generic")?.reason).toMatch(/metadata kfuncs require device-bound program \(errno 22\)/)
    const table = formatKernelBench(r).join("\n")
    expect(table).toMatch(/kfunc-dev-bound\s+drop-skb/)
    expect(table).toMatch(/generator skb: [\d.]+ Mpps/)
    expect(r.checks.some((c) => c.includes("resolved to the driver: veth_xdp_rx_hash"))).toBe(true)
  })
})
