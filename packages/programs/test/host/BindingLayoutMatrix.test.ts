/**
 * Every NIC layout x kfunc binding (sim layout v1 and v2, mlx5, ice x generic / dev-bound /
 * inlined) runs hw-metadata over the built-in corpus, and the per-packet results must agree: the
 * three bindings of one device give the same struct xdp_meta for every packet (values and
 * errnos), and the sim's two descriptor layouts give the same answers (same information, fields
 * moved). Before the inline description followed the layout, sim v2 inlined read v1 offsets
 * (rx_hash 0x1763F02 / RSS type 0x9CFE where the others said 0x5B670812 / 0x1).
 */
import { builtinCorpus, type DriverPackage } from "@devtx/core"
import { driver as iceDriver } from "@devtx/drivers-ice"
import { driver as mlx5Driver } from "@devtx/drivers-mlx"
import { driver as simDriver } from "@devtx/drivers-sim"
import { KfuncBindingModes } from "@devtx/kfuncs"
import { type HwMetadataRun, runHwMetadata } from "@devtx/programs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const frames = builtinCorpus().map((f) => f.bytes)

const devices: ReadonlyArray<readonly [string, DriverPackage<unknown>, Record<string, unknown>]> = [
  ["sim v1", simDriver as DriverPackage<unknown>, { layoutVersion: 1 }],
  ["sim v2", simDriver as DriverPackage<unknown>, { layoutVersion: 2 }],
  ["mlx5", mlx5Driver as DriverPackage<unknown>, {}],
  ["ice", iceDriver as DriverPackage<unknown>, {}]
]

/** per packet: index, verdict and the whole decoded record (the user-side clock is not the NIC's) */
const perPacket = (r: HwMetadataRun) => r.packets.map((p) => ({ index: p.index, verdict: p.verdict, meta: p.meta }))

const runs = new Map<string, HwMetadataRun>()
const runOf = async (name: string, drv: DriverPackage<unknown>, config: Record<string, unknown>, binding: (typeof KfuncBindingModes)[number]) => {
  const key = `${name}/${binding}`
  let r = runs.get(key)
  if (r === undefined) {
    r = await Effect.runPromise(runHwMetadata({ driver: drv, config, frames, binding }))
    runs.set(key, r)
  }
  return r
}

describe("hw-metadata: every NIC layout x kfunc binding gives the same per-packet results", () => {
  for (const [name, drv, config] of devices)
    it(`${name}: generic == dev-bound == inlined over the corpus`, async () => {
      const ref = perPacket(await runOf(name, drv, config, "dev-bound"))
      // the run is not trivial: most packets carry a record, and most records a hash
      expect(ref.filter((p) => p.meta !== null).length).toBeGreaterThan(300)
      expect(ref.filter((p) => p.meta?.rxHash !== null && p.meta?.rxHash !== undefined).length).toBeGreaterThan(300)
      for (const binding of KfuncBindingModes) {
        const run = await runOf(name, drv, config, binding)
        // inlined means inlined: every kfunc the program calls was spliced from the description
        expect([...run.inlined].sort(), `${name} ${binding}`).toEqual(
          binding === "inlined" ? ["bpf_xdp_metadata_rx_checksum", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_vlan_tag"] : []
        )
        const got = perPacket(run)
        expect(got.length, `${name} ${binding}`).toBe(ref.length)
        for (let i = 0; i < ref.length; i++) expect(got[i], `${name} ${binding} packet ${ref[i]!.index}`).toEqual(ref[i])
      }
    })

  it("sim layout v2 gives the same per-packet answers as v1, in every binding", async () => {
    for (const binding of KfuncBindingModes) {
      const v1 = perPacket(await runOf("sim v1", simDriver as DriverPackage<unknown>, { layoutVersion: 1 }, binding))
      const v2 = perPacket(await runOf("sim v2", simDriver as DriverPackage<unknown>, { layoutVersion: 2 }, binding))
      expect(v2.length).toBe(v1.length)
      for (let i = 0; i < v1.length; i++) expect(v2[i], `${binding} packet ${v1[i]!.index}`).toEqual(v1[i])
    }
  })
})
