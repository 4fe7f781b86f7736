/**
 * Differential: the load and binding rules of metadata kfuncs in core's model
 * (program/ProgramLoader.ts) against the running kernel (kernel/bpf/verifier.c, offload.c) for
 * xdp_veth_kfunc.bpf.o, which calls bpf_xdp_metadata_rx_hash, _rx_timestamp and _rx_vlan_tag:
 *   not bound                      -> -EINVAL, "metadata kfuncs require device-bound program"
 *   prog_ifindex without the flag  -> -EINVAL (a hardware-offload request; veth offloads nothing)
 *   dev-bound to a missing ifindex -> -EINVAL
 *   dev-bound to the veth          -> loads; every kfunc resolved to the driver's op
 * The errno must agree everywhere; where the model names a verifier line, the kernel's log
 * must contain it.
 */
import { join } from "node:path"
import { BPF_F_XDP_DEV_BOUND_ONLY, loadXdpProgram, type NetDevice, XdpAction } from "@devtx/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import type { KernelCallError } from "../src/KernelErrors.js"
import { kcall, kernelSession, xlatedCalls, xlatedDump } from "../src/KernelSession.js"
import { describeKernel } from "./support/KernelLane.js"

const OBJ = join(import.meta.dirname, "..", "bpf", "xdp_veth_kfunc.bpf.o")
const KFUNCS = ["bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_vlan_tag"]

/** A stand-in for veth in the model: the three ops veth's xdp_metadata_ops has (drivers/net/veth.c). */
const vethLike = (ifindex: number): NetDevice =>
  ({
    ifindex,
    ifname: "veth-model",
    driver: "veth",
    xdpMetadataOps: { xmoRxTimestamp: () => 0, xmoRxHash: () => 0, xmoRxVlanTag: () => 0 }
  }) as unknown as NetDevice

const spec = { name: "xdp_veth_kfunc", kfuncs: KFUNCS, instantiate: () => () => XdpAction.DROP }

type Outcome = { errno: number; reason: string } | { loaded: true; targets: string[] }

describeKernel("metadata kfunc load rules: model == kernel", () => {
  it("not bound, offload request, missing device, dev-bound", async () => {
    const kernel = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* kernelSession()
          const rx = s.requireRig.rx.ifindex
          const one = (ifindex: number, bind: boolean | "offload") =>
            Effect.gen(function* () {
              const o = yield* kcall(() => s.openObject(OBJ))
              const r = yield* Effect.result(kcall(() => s.load(o, "xdp_veth_kfunc", ifindex, bind)))
              let out: Outcome
              if (r._tag === "Failure") {
                const e = r.failure as KernelCallError
                out = { errno: -e.errno, reason: e.log }
              } else {
                out = { loaded: true, targets: xlatedCalls(xlatedDump(r.success.id)) }
                yield* kcall(() => s.closeFd(r.success.fd))
              }
              yield* kcall(() => s.closeObject(o))
              return out
            })
          return {
            rx,
            unbound: yield* one(0, false),
            offload: yield* one(rx, "offload"),
            missing: yield* one(0x7ffffff0, true),
            bound: yield* one(rx, true)
          }
        })
      )
    )
    const model = (ifindex: number, flags: number, devices: NetDevice[]) =>
      Effect.runSync(
        Effect.match(loadXdpProgram(spec, { ifindex, flags, devices }), {
          onFailure: (e) => ({ errno: e.errno, reason: e.reason }) as const,
          onSuccess: (p) => ({ loaded: true as const, resolution: p.resolution })
        })
      )
    const dev = vethLike(kernel.rx)
    const cases: Array<[string, ReturnType<typeof model>, Outcome, boolean]> = [
      ["not bound", model(0, 0, [dev]), kernel.unbound, true],
      // the model's offload line is its own wording; veth fails earlier, in bpf_prog_dev_bound_init
      ["offload request", model(kernel.rx, 0, [dev]), kernel.offload, false],
      ["missing device", model(0x7ffffff0, BPF_F_XDP_DEV_BOUND_ONLY, [dev]), kernel.missing, false]
    ]
    for (const [name, m, k, sameLine] of cases) {
      expect("errno" in m && "errno" in k, `${name}: both refuse`).toBe(true)
      if ("errno" in m && "errno" in k) {
        expect(k.errno, name).toBe(m.errno)
        if (sameLine) expect(k.reason, name).toContain(m.reason)
      }
    }
    const mb = model(kernel.rx, BPF_F_XDP_DEV_BOUND_ONLY, [dev])
    expect("loaded" in mb && mb.resolution).toEqual({
      bpf_xdp_metadata_rx_hash: "veth:xmo_rx_hash",
      bpf_xdp_metadata_rx_timestamp: "veth:xmo_rx_timestamp",
      bpf_xdp_metadata_rx_vlan_tag: "veth:xmo_rx_vlan_tag"
    })
    expect(kernel.bound).toEqual({ loaded: true, targets: ["veth_xdp_rx_hash", "veth_xdp_rx_timestamp", "veth_xdp_rx_vlan_tag"] })
  })
})
