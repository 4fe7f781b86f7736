/**
 * Differential: bpf_xdp_adjust_meta / bpf_xdp_adjust_head in core's model (memory/XdpBuff.ts)
 * against the running kernel (net/core/filter.c), over a sweep of deltas, with and without
 * metadata already present. The kernel side is xdp_adjust_probe.bpf.o run with
 * BPF_PROG_TEST_RUN (net/bpf/test_run.c: data at data_hard_start + XDP_PACKET_HEADROOM, the
 * ctx's `data` bytes of metadata taken from that headroom, the buffer zeroed). For every delta
 * the return code, the resulting metadata and packet lengths, the first packet word and the
 * whole data_out (which starts at data_meta) must be identical.
 */
import { join } from "node:path"
import { adjustHead, adjustMeta, makeFrameArea, XDP_PACKET_HEADROOM, XdpBuff, xdpPrepareBuff } from "@devtx/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { kcall, kernelSession } from "../src/KernelSession.js"
import { describeKernel } from "./support/KernelLane.js"

const PROBE = join(import.meta.dirname, "..", "bpf", "xdp_adjust_probe.bpf.o")

interface Outcome {
  ret: number
  metalen: number
  len: number
  head4: number
  out: string
}

const packet = (len: number, metalen: number): Uint8Array => {
  const b = new Uint8Array(metalen + len)
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + 3) & 0xff
  return b
}

/** The model: the same geometry test_run builds, then the same call. */
const model = (op: 1 | 2, delta: number, len: number, metalen: number): Outcome => {
  const area = makeFrameArea({ frameCount: 1, frameSize: 4096 })
  const xdp = new XdpBuff(area, { ifindex: 1, queueIndex: 0 })
  xdpPrepareBuff(xdp, 0, XDP_PACKET_HEADROOM, len, 4096, true)
  xdp.dataMeta = xdp.data - metalen
  area.bytes.set(packet(len, metalen), xdp.dataMeta)
  const ret = op === 1 ? adjustMeta(xdp, delta) : adjustHead(xdp, delta)
  const d = xdp.data
  return {
    ret,
    metalen: xdp.data - xdp.dataMeta,
    len: xdp.dataEnd - d,
    head4: d + 4 <= xdp.dataEnd ? area.view.getUint32(d, true) : 0,
    out: Buffer.from(area.bytes.subarray(xdp.dataMeta, xdp.dataEnd)).toString("hex")
  }
}

const cfg = (op: number, delta: number): Uint8Array => {
  const b = new Uint8Array(8)
  const v = new DataView(b.buffer)
  v.setUint32(0, op, true)
  v.setInt32(4, delta, true)
  return b
}

describeKernel("adjust_meta / adjust_head: model == kernel", () => {
  it("over a sweep of deltas, with 0, 8 and 216 (the most test_run admits: XDP_PACKET_HEADROOM - sizeof(struct xdp_frame)) bytes of metadata, 64- and 60-byte packets", async () => {
    const cases: Array<{ op: 1 | 2; delta: number; len: number; metalen: number }> = []
    for (const metalen of [0, 8, 216]) {
      for (const len of [64, 60]) {
        for (let delta = -300; delta <= 16; delta++) cases.push({ op: 1, delta, len, metalen })
        for (let delta = -300; delta <= len; delta++) cases.push({ op: 2, delta, len, metalen })
      }
    }
    const kernel = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* kernelSession({ rig: false })
          const o = yield* kcall(() => s.openObject(PROBE))
          const p = yield* kcall(() => s.load(o, "xdp_adjust_probe", 0, false))
          const out: Outcome[] = []
          for (const c of cases) {
            yield* kcall(() => s.mapSet(o, "adjust_cfg", 0, cfg(c.op, c.delta)))
            const r = yield* kcall(() => s.testRun(p, packet(c.len, c.metalen), { metalen: c.metalen, outCap: 4096 }))
            const v = yield* kcall(() => s.mapGet(o, "adjust_out", 0))
            const dv = new DataView(v.buffer, v.byteOffset, v.byteLength)
            expect(r.retval).toBe(2) // XDP_PASS
            out.push({ ret: dv.getInt32(0, true), metalen: dv.getUint32(4, true), len: dv.getUint32(8, true), head4: dv.getUint32(12, true), out: Buffer.from(r.dataOut).toString("hex") })
          }
          return out
        })
      )
    )
    const diffs: string[] = []
    cases.forEach((c, i) => {
      const m = model(c.op, c.delta, c.len, c.metalen)
      const k = kernel[i]!
      if (JSON.stringify(m) !== JSON.stringify(k))
        diffs.push(`${c.op === 1 ? "adjust_meta" : "adjust_head"}(${c.delta}) len ${c.len} meta ${c.metalen}: model ${JSON.stringify(m)} kernel ${JSON.stringify(k)}`)
    })
    expect(diffs.slice(0, 5), `${diffs.length} of ${cases.length} differ`).toEqual([])
    // the sweep crossed every boundary: success, -EINVAL and -EACCES all occurred
    const rets = new Set(kernel.map((k) => k.ret))
    expect([...rets].sort((a, b) => a - b)).toEqual([-22, -13, 0])
  })
})
