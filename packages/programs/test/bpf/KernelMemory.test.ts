/**
 * The drivers' kernel memory for bpf_cast_to_kern_ctx (core driver/KernelMemory.ts): on every
 * corpus frame, the wrapper the driver fills holds the packet pointers of struct xdp_buff, a
 * descriptor pointer whose region and offset show exactly the bytes XdpBuff.rawDesc shows (the
 * CQE / write-back descriptor / mlx5's decompressed title copy in burst mode), and on ice a
 * pkt_ctx pointer to the ring context with the cached PHC time the kfunc uses.
 */
import {
  attachXdp,
  bringUp,
  builtinCorpus,
  decodeDriverConfig,
  type DeviceKernelMemory,
  type DriverPackage,
  driverMemberOffset,
  type NetDevice,
  XdpAction,
  type XdpBuff,
  XdpBuffKern
} from "@devtx/core"
import { driver as ice } from "@devtx/drivers-ice"
import { driver as mlx5 } from "@devtx/drivers-mlx"
import { driver as sim } from "@devtx/drivers-sim"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

const PKT_HI = 0xffff8007
const frames = builtinCorpus().map((f) => f.bytes)

interface Seen {
  readonly ok: boolean
  readonly reason: string
  readonly region: string
}

const run = <C>(driver: DriverPackage<C>, config: Record<string, unknown>, burst: number): Promise<{ seen: Seen[]; dev: NetDevice }> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(driver, { ...(driver.defaultConfig as Record<string, unknown>), ...config })
        const dev = yield* bringUp(driver, cfg, { ifname: "k0", ifindex: 2 })
        const km = dev.kernelMemory as DeviceKernelMemory
        const btf = driver.btf!(cfg)
        const descAt = driverMemberOffset(btf, btf.structs.xdpBuff, btf.structs.descMember)
        for (let i = 0; i < km.regions.length; i++) km.ptrHi[i] = 0xffff8010 + i
        const seen: Seen[] = []
        const check = (ctx: XdpBuff): number => {
          const at = km.fill(ctx, PKT_HI)
          if (at < 0) {
            seen.push({ ok: false, reason: "fill returned -1", region: "" })
            return XdpAction.PASS
          }
          const w = km.regions[0]!.view
          const lo = (o: number) => w.getUint32(at + o, true)
          const hi = (o: number) => w.getUint32(at + o + 4, true)
          let reason = ""
          if (hi(XdpBuffKern.DATA) !== PKT_HI || lo(XdpBuffKern.DATA) !== ctx.data) reason += "data "
          if (lo(XdpBuffKern.DATA_END) !== ctx.dataEnd || lo(XdpBuffKern.DATA_META) !== ctx.dataMeta) reason += "data_end/meta "
          const r = hi(descAt) - 0xffff8010
          const region = km.regions[r]
          if (region === undefined || region.view !== ctx.rawDesc || lo(descAt) !== ctx.rawDescOff) reason += "desc pointer "
          else {
            for (let b = 0; b < 32; b++)
              if (region.bytes[lo(descAt) + b] !== ctx.rawDesc.getUint8(ctx.rawDescOff + b)) reason += `desc byte ${b} `
          }
          if (driver.name === "ice") {
            const pcAt = driverMemberOffset(btf, "ice_xdp_buff", "pkt_ctx")
            const pr = km.regions[hi(pcAt) - 0xffff8010]
            const pc = (ctx as unknown as { pktCtx: { cachedPhcHi: number; cachedPhcLo: number; vlanProto: number } }).pktCtx
            if (pr === undefined) reason += "pkt_ctx region "
            else {
              const o = lo(pcAt)
              if (pr.view.getUint32(o, true) !== pc.cachedPhcLo || pr.view.getUint32(o + 4, true) !== pc.cachedPhcHi) reason += "cached_phctime "
              if (pr.view.getUint16(o + 8, true) !== pc.vlanProto) reason += "vlan_proto "
            }
          }
          seen.push({ ok: reason === "", reason, region: region?.name ?? "" })
          return XdpAction.PASS
        }
        yield* attachXdp(dev, { name: "kmem_check", run: check, boundIfindex: 0 })
        dev.stack = () => {}
        // burst > 1: frames arrive before the poll, so mlx5 compresses CQE sessions
        for (let i = 0; i < frames.length; i += burst) {
          for (const f of frames.slice(i, i + burst)) dev.hwReceive(f, 0, f.length)
          for (let q = 0; q < dev.numRxQueues; q++) while (dev.napiPoll(q, 64) > 0) {}
        }
        return { seen, dev }
      })
    )
  )

describe("driver kernel memory: the xdp_buff wrapper as the driver's BTF lays it out", () => {
  for (const [name, driver, config, burst] of [
    ["sim v1", sim, { layoutVersion: 1 }, 1],
    ["sim v2", sim, { layoutVersion: 2 }, 1],
    ["mlx5", mlx5, {}, 1],
    ["mlx5 CQE compression, burst 16", mlx5, { cqeCompression: true, rxTimestamp: "none", rxQueues: 1 }, 16],
    ["ice", ice, {}, 1]
  ] as const) {
    it(name, async () => {
      const { seen, dev } = await run(driver as DriverPackage<unknown>, config, burst)
      if (burst > 1) expect(seen.filter((s) => s.region.endsWith(".title")).length).toBeGreaterThan(0)
      expect(seen.length).toBeGreaterThan(frames.length / 2)
      expect(seen.filter((s) => !s.ok)).toEqual([])
      expect(dev.kernelMemory?.wrapperType).toBe({ sim: "sim_xdp_buff", mlx5: "mlx5e_xdp_buff", ice: "ice_xdp_buff" }[driver.name])
    })
  }
})
